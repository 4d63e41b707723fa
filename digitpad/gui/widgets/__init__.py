"""Small widgets and helpers shared by the tabs (messages, plain-text display)."""
