"""The "Inside the network" panel: every layer's activations and the first layer's weights for
the current drawing, drawn from the core's explain records (numpy arrays; no torch here)."""
