"""Who is acting. Every service takes an Actor so the audit log can say who did what."""

from __future__ import annotations

import getpass
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    username: str
    display_name: str
    role: str = "承办人"
    user_id: str | None = None

    @staticmethod
    def local_system() -> Actor:
        """The operator of a CLI run, named after the OS account (recorded in the audit log)."""
        try:
            name = getpass.getuser()
        except Exception:  # no login name (service accounts, some containers)
            name = "unknown"
        return Actor(username=f"os:{name}", display_name=name, role="系统")
