"""Local store: typed models, engine/session, schema upgrades.

The ORM classes are loaded on first use (PEP 562): ``from execdesk.models import Case`` works as always, but
importing ``execdesk.models.database`` or ``.migrate`` alone does not import SQLAlchemy (~0.25 s), so the
desktop can paint its window and case list before the ORM is needed (docs/decisions.md, item 16).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from execdesk.models.base import Base, new_id, utcnow  # noqa: F401
    from execdesk.models.entities import *  # noqa: F401,F403
    from execdesk.models.entities import ENTITY_NAMES, SYNCED_ENTITIES  # noqa: F401

__all__ = ["Base", "new_id", "utcnow", "ENTITY_NAMES", "SYNCED_ENTITIES"]


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    import importlib

    for module in (importlib.import_module("execdesk.models.base"), importlib.import_module("execdesk.models.entities")):
        if hasattr(module, name):
            value = getattr(module, name)
            globals()[name] = value
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
