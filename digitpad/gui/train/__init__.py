"""The Train tab: the settings form, Start/Pause/Stop, progress and the live charts."""
