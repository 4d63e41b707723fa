"""Models side by side (issue 16): the Compare models dock, its own prediction thread, and the
columns of bars it shows for the Draw tab's drawing."""
