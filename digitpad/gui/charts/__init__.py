"""The Train tab's live loss and accuracy charts: the charts, their plot base, the series drawn."""
