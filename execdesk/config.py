"""Paths and settings. Secrets never live here: tokens are in the OS keyring (execdesk.sync.credentials).

The data folder is the platform user-data folder (Windows: %LOCALAPPDATA%\\ExecDesk); EXECDESK_DATA_DIR
overrides it (tests, portable installs).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "ExecDesk"


def data_dir() -> Path:
    override = os.environ.get("EXECDESK_DATA_DIR")
    path = Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False, roaming=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return data_dir() / "execdesk.sqlite3"


def log_dir() -> Path:
    d = data_dir() / "logs"
    d.mkdir(parents=True, exist_ok=True)
    return d


@dataclass
class Settings:
    server_url: str = ""  # provincial platform base URL, e.g. https://zxzh.court.example/
    ca_bundle: str = ""  # path to the court intranet CA bundle (PEM); empty = system trust store
    court_account: str = ""  # the platform account name (the token is in the keyring, not here)
    sync_interval_minutes: int = 30
    current_user: str = ""  # local profile last used
    language: str = "zh_CN"
    deadline_preset: str = "shandong"  # time-limit rules: resources/rules/limits_<preset>.toml (national / shandong)
    window_state: dict = field(default_factory=dict)

    @classmethod
    def path(cls) -> Path:
        return data_dir() / "settings.json"

    @classmethod
    def load(cls) -> Settings:
        p = cls.path()
        if not p.exists():
            return cls()
        try:
            raw = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {k: v for k, v in raw.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def save(self) -> None:
        p = self.path()
        tmp = p.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, p)
