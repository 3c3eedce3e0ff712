"""One desktop's sync round in a process of its own (issue 13 multi-desk tests): the real client and the
services that apply what a round delivered (移交 cases, merged rows). Prints the round's report as JSON.

    python tests/helpers/desk_sync.py <desk.sqlite3> <platform url> <account>   (token in EXECDESK_TEST_TOKEN)
"""

from __future__ import annotations

import json
import os
import sys

from execdesk.config import Settings
from execdesk.models.migrate import open_database
from execdesk.services.sync import after_round
from execdesk.sync.client import Limits, run_sync
from execdesk.sync.errors import SyncError
from execdesk.sync.transport import RetryPolicy


def main(db: str, url: str, account: str) -> int:
    token = os.environ["EXECDESK_TEST_TOKEN"]
    store = open_database(db)
    settings = Settings(server_url=url, court_account=account)
    batch = int(os.environ.get("EXECDESK_TEST_BATCH", "500"))
    try:
        report = run_sync(store, settings, token=token, limits=Limits(batch_changes=batch),
                          retry=RetryPolicy(attempts=3, base_delay=0.02, max_delay=0.1))
        after_round(store, settings, report, token=token)
    except SyncError as exc:
        print(json.dumps({"status": "failed", "message": exc.message}, ensure_ascii=False))
        return 1
    finally:
        store.close()
    print(json.dumps({"status": report.status, "pushed": report.pushed, "conflicts": report.conflicts,
                      "rejected": report.rejected, "held": report.held, "same": report.same,
                      "merged": report.merged, "pulled": report.pulled, "duplicates": report.duplicates},
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:4]))
