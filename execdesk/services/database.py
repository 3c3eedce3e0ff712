"""The database as the desktop sees it: open (migrating when due), the store type, the day's backup.

The UI reaches data only through services (DESIGN §1, issue 11): it never imports ``execdesk.models``,
SQLAlchemy or sqlite3. This module is the one door for the few things the app shell needs from the storage
layer. It imports nothing heavy: ``open_database`` on an up-to-date file loads neither Alembic nor SQLAlchemy
(docs/decisions.md, item 16), and the backup module is loaded only when the day's backup is made.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from execdesk.models.database import Store
from execdesk.models.migrate import DatabaseError, open_database

__all__ = ["DatabaseError", "Store", "make_daily_backup", "open_database"]


def make_daily_backup(db_path: Path, today: date | None = None) -> Path | None:
    """Today's automatic backup if none was made yet (7 daily, 4 weekly kept); the new file or None."""
    from execdesk.models.backup import rotate_automatic

    return rotate_automatic(db_path, today)
