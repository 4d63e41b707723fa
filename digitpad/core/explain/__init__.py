"""Seeing inside a model: why it chose a class (attribution), what each layer sees
(activations), and what its first layer has learned (filters). Torch-side; knows no Qt."""
