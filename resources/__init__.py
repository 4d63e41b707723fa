"""Data files shipped with digitpad (bundled models, icons); see README.md here."""
