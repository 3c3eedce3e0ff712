"""What the self-test's steps share: their state and their outcomes.

Its own module so the Qt steps (execdesk/ui/selftest_steps.py) and the runner (execdesk/selftest.py) both
import it, and neither imports the other back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("execdesk.selftest")


class StepFailed(Exception):
    """A step's check did not hold; the message is Chinese and says what to do."""


class StepSkipped(Exception):
    """A step could not run because an earlier one failed (counts as failed)."""


@dataclass
class StepResult:
    name: str
    status: str  # OK / FAIL / NOTE (a remark that does not fail the self-test)
    detail: str
    seconds: float = 0.0


@dataclass
class SelfTestState:
    """What the steps hand to each other."""

    workdir: Path
    real_data_dir: Path  # the user's data folder, captured before the steps are pointed at workdir
    store: object | None = None  # execdesk.models.database.Store
    case_id: str | None = None
    ruling_pdf: bytes | None = None
    qt_app: object | None = None
    qt_translations: tuple[str, ...] = ()


class StepNote(Exception):
    """Worth telling court IT, but not a failure of this install (e.g. no keyring on a Linux build server)."""


def need_store(state: SelfTestState):
    if state.store is None:
        raise StepSkipped("未执行：上一步数据库未就绪")
    return state.store

