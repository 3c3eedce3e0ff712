"""Records cases and nodes forever through the real services; prints each id after its commit returned.

Run by tests/test_crash.py, which kills it with SIGKILL at random moments.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conftest import sample_case_input  # noqa: E402

from execdesk.models.migrate import open_database  # noqa: E402
from execdesk.services import cases  # noqa: E402
from execdesk.services.context import Actor  # noqa: E402
from execdesk.services.inputs import NodeInput  # noqa: E402

TODAY = date(2026, 11, 25)


def main(db: str, start: int) -> None:
    store = open_database(db)
    actor = Actor("crash", "崩溃测试")
    out = sys.stdout
    n = start
    while True:
        n += 1
        case_id = cases.register_case(store, actor, sample_case_input(f"（2026）鲁0102执{n}号"), today=TODAY)
        out.write(f"case {case_id}\n")
        out.flush()
        for code, day in (("N04", "2026-03-05"), ("N06", "2026-03-06"), ("N07", "2026-03-20")):
            node_id = cases.record_node(store, actor, case_id, NodeInput(code=code, ended_on=day), today=TODAY)
            out.write(f"node {node_id}\n")
            out.flush()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
