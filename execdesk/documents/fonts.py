"""Find and register a real TrueType CJK font once per process (DESIGN.md §4, PLATFORM.md "PDF").

Issued documents embed subsets of a TrueType-outline font: Windows' SimSun / FangSong / SimHei / KaiTi when
present, otherwise a system font whose licence allows embedding (AR PL UMing, WenQuanYi Zen Hei/Micro Hei).
Noto CJK / Source Han are CFF-outlined and reportlab cannot embed them; the built-in STSong-Light CID font is
not embedded at all — neither is ever used. ``EXECDESK_FONT_DIR`` (or resources/fonts/) can supply fonts.
"""

from __future__ import annotations

import os
import struct
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont, TTFontFace

from execdesk.resources import resource_path


class FontMissingError(RuntimeError):
    """No embeddable CJK TrueType font was found; the message is Chinese and says what to install."""


@dataclass(frozen=True)
class FontSet:
    """Registered reportlab font names per typographic role of the court format."""

    title: str  # 小标宋/宋体 for the court name and document title
    body: str  # 仿宋 for body text
    heading: str  # 黑体 for section headings (书面说明)
    files: tuple[str, ...]  # the files actually used (for the report and the tests)


# (file name, sub-font index in a .ttc) per role, best first. Windows names first: that is where the
# app runs; Debian paths second: where CI runs.
_WIN_DIRS = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
_UNIX_DIRS = [Path("/usr/share/fonts/truetype/arphic"), Path("/usr/share/fonts/truetype/wqy"),
              Path("/usr/share/fonts/truetype"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
              Path("/Library/Fonts"), Path("/System/Library/Fonts")]
_CANDIDATES: dict[str, list[tuple[str, int]]] = {
    "body": [("simfang.ttf", 0), ("FangSong.ttf", 0), ("simsun.ttc", 0), ("uming.ttc", 0), ("ukai.ttc", 0),
             ("wqy-microhei.ttc", 0), ("wqy-zenhei.ttc", 0)],
    "title": [("simsun.ttc", 0), ("SimSun.ttf", 0), ("uming.ttc", 0), ("simhei.ttf", 0), ("wqy-zenhei.ttc", 0),
              ("wqy-microhei.ttc", 0)],
    "heading": [("simhei.ttf", 0), ("SimHei.ttf", 0), ("wqy-zenhei.ttc", 0), ("wqy-microhei.ttc", 0),
                ("simsun.ttc", 0), ("uming.ttc", 0)],
}

_lock = threading.Lock()
_registered: FontSet | None = None


def _search_dirs() -> list[Path]:
    dirs: list[Path] = []
    extra = os.environ.get("EXECDESK_FONT_DIR")
    if extra:
        dirs.append(Path(extra))
    dirs.append(resource_path("fonts"))
    dirs.extend(_WIN_DIRS if os.name == "nt" else [])
    dirs.extend(_UNIX_DIRS)
    return dirs


def _find(name: str) -> Path | None:
    for d in _search_dirs():
        p = d / name
        if p.is_file():
            return p
        if d.is_dir():
            # Fonts installed per-user on Windows/Linux sometimes differ in case only.
            for child in d.glob("*"):
                if child.name.lower() == name.lower() and child.is_file():
                    return child
    return None


# Naming records an embedded subset keeps: copyright (0), family, style, unique id, full name, version,
# PostScript name (1–6) and the licence URL (14). Not the licence text (13): AR PL UMing repeats its 20 KB
# licence in every subset of 256 glyphs, ~7 KB compressed each, which alone put a 5-page ruling over 100 KB.
EMBEDDED_NAME_IDS = frozenset({0, 1, 2, 3, 4, 5, 6, 14})


def compact_name_table(table: bytes) -> bytes:
    """The font's 'name' table with only EMBEDDED_NAME_IDS (format 0); any other format is returned as is."""
    if len(table) < 6:
        return table
    fmt, count, string_offset = struct.unpack(">HHH", table[:6])
    if fmt != 0 or len(table) < 6 + 12 * count:
        return table
    records, strings = [], bytearray()
    for i in range(count):
        platform, encoding, language, name_id, length, offset = struct.unpack(">6H", table[6 + 12 * i:18 + 12 * i])
        if name_id in EMBEDDED_NAME_IDS:
            start = string_offset + offset
            records.append((platform, encoding, language, name_id, length, len(strings)))
            strings += table[start:start + length]
    header = struct.pack(">HHH", 0, len(records), 6 + 12 * len(records))
    return header + b"".join(struct.pack(">6H", *r) for r in records) + bytes(strings)


class _CompactNameFace(TTFontFace):
    """reportlab's face, except that the subsets it writes into PDFs carry the compact 'name' table."""

    def makeSubset(self, subset):
        self._subsetting = True
        try:
            return super().makeSubset(subset)
        finally:
            self._subsetting = False

    def get_table(self, tag):
        table = super().get_table(tag)
        return compact_name_table(table) if tag == "name" and getattr(self, "_subsetting", False) else table


def _register(role: str, tried: list[str]) -> tuple[str, str] | None:
    for file_name, index in _CANDIDATES[role]:
        path = _find(file_name)
        if path is None:
            continue
        # The path is part of the name: the same file name in another folder is another font.
        font_name = f"ExecDesk-{path.stem}-{index}-{zlib.crc32(str(path).encode()):08x}"
        if font_name not in pdfmetrics.getRegisteredFontNames():
            try:
                font = TTFont(font_name, str(path), subfontIndex=index)
            except TTFError as exc:  # e.g. a CFF-outlined file renamed .ttf
                tried.append(f"{path}（{exc}）")
                continue
            font.face.__class__ = _CompactNameFace  # TTFont builds its own face; this adds only the override
            pdfmetrics.registerFont(font)
        return font_name, str(path)
    return None


def cjk_fonts() -> FontSet:
    """Register (once per process) and return the fonts for each role; raise FontMissingError if none."""
    global _registered
    with _lock:
        if _registered is not None:
            return _registered
        tried: list[str] = []
        chosen: dict[str, tuple[str, str]] = {}
        for role in ("body", "title", "heading"):
            found = _register(role, tried)
            if found:
                chosen[role] = found
        if not chosen:
            detail = f"（无法使用：{'；'.join(tried)}）" if tried else ""
            raise FontMissingError(
                "未找到可嵌入的中文TrueType字体，无法生成文书。请安装宋体/仿宋（Windows自带simsun.ttc、simfang.ttf）"
                "或文泉驿正黑、AR PL UMing（fonts-wqy-zenhei、fonts-arphic-uming），也可将字体放入EXECDESK_FONT_DIR目录"
                + detail)
        body = chosen.get("body") or next(iter(chosen.values()))
        title = chosen.get("title") or body
        heading = chosen.get("heading") or title
        _registered = FontSet(title=title[0], body=body[0], heading=heading[0],
                              files=tuple(dict.fromkeys((title[1], body[1], heading[1]))))
        return _registered
