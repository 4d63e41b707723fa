"""The engine: data, models, training, checkpoints and prediction. Knows nothing of Qt."""
