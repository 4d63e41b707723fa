"""The Draw tab: live probability bars, what the model sees, the model picker and library."""
