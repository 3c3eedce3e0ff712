"""What every screen needs: the open store, who is working, what day it is, the settings file, and the journal
that keeps typed, unsaved text across a crash (``ui.drafts``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from execdesk.config import Settings
from execdesk.services.context import Actor
from execdesk.services.database import Store
from execdesk.services.profiles import MyCases, my_cases

if TYPE_CHECKING:
    from execdesk.ui.drafts import DraftJournal


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

    @property
    def mine(self) -> MyCases:
        """Whose cases 我的案件 shows for this person's role (书记员: as clerk; 执行局长: the bureau's)."""
        return my_cases(self.actor.role, self.actor.user_id)

    @cached_property
    def drafts(self) -> DraftJournal:
        from execdesk.ui.drafts import DraftJournal  # not on the start-up path

        return DraftJournal(self.store.path)

