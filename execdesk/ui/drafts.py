"""Typed but unsaved text survives a crash or a power cut (the brief: nothing they type may ever be lost).

A moment after the last keystroke each editor with unsaved changes writes its values to a small journal file in
the data folder (one per database file; written whole to a temporary file, fsynced, then renamed over the old
one, so a power cut leaves the previous or the new journal, never half of one). Saving or deliberately
discarding removes the entry. At the next start the entries of the person who typed them are offered back;
restoring puts the text into the editor unsaved, for that person to check and save.

Plain Python (no Qt): the editors call ``put`` / ``drop``; ``ui.main_window`` offers the recovery.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from execdesk.config import data_dir

log = logging.getLogger(__name__)

_DATE_PREFIX = "date:"


def _encode(value: Any) -> Any:
    return f"{_DATE_PREFIX}{value.isoformat()}" if isinstance(value, date) else value


def _decode(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_DATE_PREFIX):
        return date.fromisoformat(value[len(_DATE_PREFIX):])
    return value


@dataclass(frozen=True)
class Draft:
    key: str  # "case:<id>" / "explanation:<case id>"
    title: str  # what the clerk recognises: the 案号 and the editor
    username: str  # who typed it
    values: dict[str, Any]
    saved_at: str  # ISO UTC


class DraftJournal:
    def __init__(self, db_path: Path | str, directory: Path | None = None):
        db = Path(db_path).resolve()
        tag = hashlib.sha256(str(db).encode("utf-8")).hexdigest()[:12]
        self.path = (directory or data_dir() / "drafts") / f"{db.stem}-{tag}.json"

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):  # unreadable: keep it aside for IT, start a new journal
            log.exception("draft journal %s unreadable; kept as .bad", self.path)
            try:
                os.replace(self.path, self.path.with_suffix(".bad"))
            except OSError:
                pass
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, entries: dict[str, dict[str, Any]]) -> None:
        if not entries:
            self.path.unlink(missing_ok=True)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(entries, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)

    # Entries are kept per person and editor: two people typing in the same case's form on one PC (signing in
    # one after the other) each keep their own text.
    @staticmethod
    def _entry_key(key: str, username: str) -> str:
        return f"{username}|{key}"

    def put(self, key: str, title: str, username: str, values: dict[str, Any]) -> None:
        entries = self._read()
        entries[self._entry_key(key, username)] = {
            "key": key, "title": title, "username": username, "saved_at": datetime.now(UTC).isoformat(),
            "values": {k: _encode(v) for k, v in values.items()}}
        self._write(entries)

    def drop(self, key: str, username: str) -> None:
        entries = self._read()
        if entries.pop(self._entry_key(key, username), None) is not None:
            self._write(entries)

    def drafts(self, username: str | None = None) -> list[Draft]:
        """The journal's entries (only ``username``'s when given), oldest first."""
        out = [Draft(key=e.get("key", k), title=e.get("title", k), username=e.get("username", ""),
                     values={f: _decode(v) for f, v in (e.get("values") or {}).items()}, saved_at=e.get("saved_at", ""))
               for k, e in self._read().items()]
        return sorted((d for d in out if username is None or d.username == username), key=lambda d: d.saved_at)
