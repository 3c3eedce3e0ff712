"""Data files: rules, holidays, templates, translations, fonts.

``resource_path`` is the one place that finds them, from source and from a frozen (PyInstaller) bundle.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path


def resource_root() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "execdesk" / "resources"
    return Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    return resource_root().joinpath(*parts)


@functools.cache
def load_toml(*parts: str) -> dict:
    import tomllib  # not on the desktop start-up path

    with resource_path(*parts).open("rb") as fh:
        return tomllib.load(fh)
