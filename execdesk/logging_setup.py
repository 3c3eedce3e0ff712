"""Rotating log file in the user data folder. Never log secrets (tokens, passwords)."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from execdesk.config import log_dir

_configured = False


def log_file() -> Path:
    return log_dir() / "execdesk.log"


def setup_logging(level: int = logging.INFO) -> None:
    global _configured
    if _configured:
        return
    handler = logging.handlers.RotatingFileHandler(log_file(), maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    # Alembic's INFO lines (plugins set up, "Context impl SQLiteImpl", each revision run) are noise in the
    # clerk's log; our own migrate module writes one line per upgrade and a backup line (issue 17 item 12).
    logging.getLogger("alembic").setLevel(logging.WARNING)
    _configured = True
