"""Every derived value of a case, refreshed by one function (issue 11: one fact, one place).

Derived values: the ``deadlines`` rows and the cached deadline columns of ``cases`` (limit, next due, warning
level, overdue days, explanation owed, 终本 earliest date), the disposal state of each found asset, and the
cached 终本 readiness flag ``cases.zhongben_ready``. They are computed from the case's facts by the rules and
written here only:

- ``refresh_cases`` — by the write pipeline (services/pipeline.py) for the cases a write touched, before commit;
- ``recompute_all`` — the daily refresh / a rule or holiday change, with the same per-case computations.

Derived values never travel (services/changes.LOCAL_ONLY) and never bump a row's version.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from execdesk.models import Case
from execdesk.models.database import Store, dbapi_connection
from execdesk.rules import disposal
from execdesk.rules import zhongben as zb_rules
from execdesk.rules.holidays import YearSchedule, store_schedule_update
from execdesk.services import deadlines
from execdesk.services import readiness as zhongben
from execdesk.services.deadlines import RecomputeStats


def _store_asset_states(session: Session, assets: Iterable[zb_rules.AssetFacts], today: date) -> None:
    conn = dbapi_connection(session)
    for a in assets:
        state, disposed = disposal.disposal_state(a, today)
        conn.execute("UPDATE found_assets SET disposal_state = ?, disposed = ? WHERE id = ? "
                             "AND (disposal_state IS NOT ? OR disposed IS NOT ?)",
                             (state, int(disposed), a.asset_id, state, int(disposed)))


def refresh_case(session: Session, case: Case, *, today: date | None = None) -> None:
    """Refresh every derived value of one case in the caller's transaction.

    A case that cannot be ready (closed, before the R1 floor, no 执行通知 or no 限制消费: ``readiness.can_be_ready``,
    the test the daily recompute uses) is not evaluated and only its found assets are read for their disposal
    states; every other case gets the full fact-gathering and evaluation."""
    today = today or date.today()
    session.flush()
    if zhongben.can_be_ready(session, case, today):
        facts = zhongben.gather_facts(session, case, today)
        assets: tuple[zb_rules.AssetFacts, ...] = facts.assets
        ready = zb_rules.evaluate(facts).ready
    else:
        assets, ready = zhongben.asset_facts(session, case.id), False
    _store_asset_states(session, assets, today)
    deadlines.store_case_deadlines(session, case, today=today)
    _store_flag(session, case, ready)
    if assets:
        # Loaded FoundAsset objects must not carry stale derived values into a later flush.
        from execdesk.models import FoundAsset

        for obj in list(session.identity_map.values()):
            if isinstance(obj, FoundAsset) and obj.case_id == case.id:
                session.expire(obj, ["disposal_state", "disposed"])


def _store_flag(session: Session, case: Case, ready: bool) -> None:
    from sqlalchemy.orm.attributes import set_committed_value

    if bool(case.zhongben_ready) != ready:
        session.connection().exec_driver_sql("UPDATE cases SET zhongben_ready = ? WHERE id = ?",
                                             (int(ready), case.id))
        set_committed_value(case, "zhongben_ready", ready)


def refresh_cases(session: Session, case_ids: Iterable[str], *, today: date | None = None) -> None:
    for cid in case_ids:
        case = session.get(Case, cid)
        if case is not None:
            refresh_case(session, case, today=today)


def recompute_all(store: Store, *, today: date | None = None, workers: int | None = None,
                  after_compute: Callable[[], None] | None = None) -> RecomputeStats:
    """Full recompute: deadlines (bulk engine), then asset states and 终本 readiness of every case, with the
    same fact-gathering and rules as ``refresh_case``. Cases saved while the deadline phase ran are left as
    their save wrote them (their save refreshed them from newer facts)."""
    import time

    today = today or date.today()
    stats = deadlines.store_all_deadlines(store, today=today, workers=workers, after_compute=after_compute)
    t0 = time.perf_counter()
    c0 = time.process_time()
    with store.transaction() as session:
        conn = session.connection()
        stored: dict[str, int | None] = dict(conn.exec_driver_sql("SELECT id, zhongben_ready FROM cases").all())
        ready = zhongben.ready_all(session, today)
        # Asset states: only cases that have found assets, with the assets' facts alone (as refresh_case reads
        # them for a case that cannot be ready).
        with_assets = [r[0] for r in conn.exec_driver_sql("SELECT DISTINCT case_id FROM found_assets").all()]
        for assets in zhongben.asset_facts_many(session, with_assets).values():
            _store_asset_states(session, assets, today)
        changes = [(int(v), cid) for cid, v in ready.items() if bool(stored.get(cid)) != v]
        if changes:
            dbapi_connection(session).executemany(
                "UPDATE cases SET zhongben_ready = ? WHERE id = ?", changes)
    extra_s = time.perf_counter() - t0
    return replace(stats, write_s=stats.write_s + extra_s, cpu_s=stats.cpu_s + time.process_time() - c0,
                   changed_cases=stats.changed_cases + len(changes))


# ---------------------------------------------------------------- the daily refresh and holiday updates


def _state_path() -> Path:
    from execdesk.config import data_dir

    return data_dir() / "deadlines_state.json"


def refresh_if_stale(store: Store, *, today: date | None = None) -> bool:
    """Recompute every case when the cached values are not from today, this preset and this holiday calendar
    (warning levels and 终本 readiness move with the date). Cheap when current. Returns whether it ran."""
    today = today or date.today()
    key = str(Path(store.path).resolve())
    path = _state_path()
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    sig = deadlines.signature(today)
    if state.get(key) == sig:
        return False
    recompute_all(store, today=today)
    state[key] = sig
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    return True


def install_holiday_update(store: Store, payload: Mapping | str, *, today: date | None = None) -> YearSchedule:
    """Store holiday data delivered later (sync's 节假日 feed item or an administrator's file), then recompute
    every case so that provisional dates of that year become final. Invalid data raises ValidationError and
    changes nothing."""
    schedule = store_schedule_update(deadlines.holiday_updates_dir(), payload)
    deadlines.clear_calendar_cache()
    recompute_all(store, today=today)
    return schedule
