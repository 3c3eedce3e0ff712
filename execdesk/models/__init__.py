"""Local store: typed models, engine/session, schema upgrades."""

from execdesk.models.base import Base, new_id, utcnow
from execdesk.models.entities import *  # noqa: F401,F403
from execdesk.models.entities import ENTITY_NAMES, SYNCED_ENTITIES

__all__ = ["Base", "new_id", "utcnow", "ENTITY_NAMES", "SYNCED_ENTITIES"]
