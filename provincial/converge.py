"""Convergence of two PCs of one court (issue 13 item 1): what the platform does instead of a conflict when
nothing really differs, or when two people changed different fields of one row.

Rule (docs/sync-protocol.md §3.2), checked only where v1 answered ``conflict``:

1. **Same content** — the platform's current version equals the change's ``payload.version`` and its fields
   equal ``payload.fields``: the change is answered ``accepted`` with ``"same": true`` (recorded, with a
   server sequence, but the row is not written again). Two PCs that imported the same export, or made the
   same edit, converge with zero conflicts.
2. **Disjoint fields** — the change has a ``base_version`` and the platform knows that version's fields
   (every accepted change is stored): *mine* = fields the change alters against the base, *theirs* = fields
   the platform's current version alters against the base. If no field is in both with different values,
   the platform merges — its current fields with *mine* applied — as version current + 1, and answers
   ``accepted`` with ``"merged": true``, ``server_version`` and ``server_fields`` (the merged row), which
   the client writes into its local row. Later changes of that case in the same batch are ``held`` (the
   client rebases them on the merged version and sends them in its next round).
3. Anything else — the same field changed to different values, a deleted row, an unknown base — stays a
   ``conflict`` shown to a person. Never last-writer-wins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

BaseLookup = Callable[[str, int], dict[str, Any] | None]


def settle(c: dict[str, Any], cur: dict[str, Any], base_fields: BaseLookup) -> dict[str, Any] | None:
    """An ``accepted`` answer (same / merged) for a change that v1 would answer ``conflict``, or None."""
    payload = c["payload"]
    mine = payload.get("fields") or {}
    theirs = cur.get("fields") or {}
    if c.get("op") == "delete" or theirs.get("_deleted") or mine.get("_deleted"):
        return None
    if cur["version"] == payload.get("version") and theirs == mine:
        return {"change_id": c["change_id"], "status": "accepted", "same": True}
    base_version = c.get("base_version")
    if base_version is None or cur["version"] <= base_version:
        return None
    base = base_fields(c["entity_id"], base_version)
    if base is None:
        return None
    keys = set(mine) | set(theirs) | set(base)
    changed_mine = {k for k in keys if mine.get(k) != base.get(k)}
    changed_theirs = {k for k in keys if theirs.get(k) != base.get(k)}
    if any(mine.get(k) != theirs.get(k) for k in changed_mine & changed_theirs):
        return None
    merged = dict(theirs)
    merged.update({k: mine.get(k) for k in changed_mine})
    return {"change_id": c["change_id"], "status": "accepted", "merged": True,
            "server_version": cur["version"] + 1, "server_fields": merged,
            "merged_fields": sorted(changed_theirs - changed_mine)}
