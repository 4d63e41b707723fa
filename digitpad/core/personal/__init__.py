"""The person's own handwriting: their digit samples kept in the user data folder as an image
folder (`<digit>/<timestamp>.png`, written atomically: samples.py), moved as one .zip that is
checked before anything is written (sample_zip.py), and a fine-tune of a model on them with a
before/after report. Knows nothing of Qt; samples.py and sample_zip.py do not import torch
either, so the GUI uses them directly."""
