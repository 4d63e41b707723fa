"""The drawing canvas: its paper, strokes, undo, and the images and drops it takes in."""
