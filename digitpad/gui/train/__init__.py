"""The Train tab: the settings form, Start/Pause/Stop, progress (its live charts: gui/charts)."""
