"""The standalone app's entry point (PyInstaller runs this file as the program)."""

import multiprocessing
import sys

from digitpad.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # DataLoader workers re-enter the bundle's executable
    sys.exit(main())
