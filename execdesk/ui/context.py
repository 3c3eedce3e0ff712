"""What every screen needs: the open store, who is working, what day it is, the settings file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from execdesk.config import Settings
from execdesk.models.database import Store
from execdesk.services.context import Actor


@dataclass
class UiContext:
    store: Store
    actor: Actor
    settings: Settings = field(default_factory=Settings.load)
    clock: Callable[[], date] = date.today  # tests pin the day

    def today(self) -> date:
        return self.clock()

    @property
    def user_id(self) -> str | None:
        return self.actor.user_id
