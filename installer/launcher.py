"""Entry script of the frozen ExecDesk (PyInstaller runs this file as ``__main__``).

A separate file rather than ``execdesk/__main__.py`` so PyInstaller does not put the package folder itself
on the module search path (where ``execdesk/models`` would also be importable as a top-level ``models``).
"""

import multiprocessing
import sys

from execdesk.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a spawned child (the 日常文书 batch) runs its target, not the app
    sys.exit(main())
