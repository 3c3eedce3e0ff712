"""Write the protocol's OpenAPI document: ``python -m provincial.openapi [docs/sync-openapi.json]``.

tests/test_sync_openapi.py fails when the committed file differs from what the app generates.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "docs" / "sync-openapi.json"


def generate() -> str:
    from provincial.app import PlatformConfig, create_app

    app = create_app(PlatformConfig(db_url="sqlite://"))  # an in-memory DB: only the routes matter here
    return json.dumps(app.openapi(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else DEFAULT_PATH
    path.write_text(generate(), encoding="utf-8")
    print(f"已写入 {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
