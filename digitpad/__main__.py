"""`python -m digitpad` runs the same entry point as the `digitpad` command."""

from digitpad.cli import main

raise SystemExit(main())
