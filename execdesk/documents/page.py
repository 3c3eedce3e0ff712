"""The court page (DESIGN.md §4, after GB/T 9704): A4, 三号 body on a 28-character line, fonts embedded.

Shared by the ruling and the written explanation. ``invariant=1`` makes reportlab's output depend only on
the content (no timestamp, fixed document id), so the same document renders to the same bytes and SHA-256.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import textsplit as _rl_textsplit
from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate
from reportlab.platypus import paragraph as _rl_paragraph

from execdesk.documents.fonts import FontSet, cjk_fonts

PAGE = A4
BODY_PT = 16.0  # 三号
TITLE_PT = 26.0  # 一号 (document title)
COURT_PT = 22.0  # 二号 (court name)
LEADING = 28.9  # 22 lines in the 225 mm type area
CHARS_PER_LINE = 28
LEFT, TOP, BOTTOM = 27 * mm, 37 * mm, 35 * mm
TEXT_WIDTH = CHARS_PER_LINE * BODY_PT + 0.5  # 28 characters of 三号 (≈158 mm), with room for rounding
RIGHT = PAGE[0] - LEFT - TEXT_WIDTH

# Chinese line-start prohibitions (GB/T 15834): reportlab's CJK wrapper lets a character that may not start a
# line hang in the margin, but its list lacks the full-width comma, colon, semicolon, ! ? and closing quotes,
# so "裁定如下：" could wrap to a lone "：". Extend the list once, at import.
# (Both wrappers read the module-level constant: textsplit for single-run paragraphs, paragraph for mixed.)
_CANNOT_START = "，：；！？”’》〉、。）"
# (Through the module's namespace: the stubs declare the constant Final and paragraph's re-export not at all.)
for _mod in (_rl_textsplit, _rl_paragraph):
    _ns = vars(_mod)
    _ns["ALL_CANNOT_START"] += "".join(ch for ch in _CANNOT_START if ch not in _ns["ALL_CANNOT_START"])

_dumb_split = getattr(_rl_textsplit.dumbSplit, "__wrapped__", _rl_textsplit.dumbSplit)


def _kinsoku_split(word, widths, max_widths):
    """reportlab hangs at most one prohibited character in the margin, so "…元整）。" still wrapped a lone "。"
    to the next line. Where a line would start with a prohibited character, pull the preceding characters down
    with it instead (at most three), as typesetters do. Any case this cannot handle is left as reportlab made it."""
    max_widths = list(max_widths) if isinstance(max_widths, list | tuple) else [max_widths]
    whole = _dumb_split(word, widths, max_widths)
    cannot = _rl_textsplit.ALL_CANNOT_START
    if (len(whole) < 2 or "".join(t for _, t in whole) != word
            or not any(t[:1] in cannot for _, t in whole[1:])):
        return whole
    lines: list[list] = []
    pos = 0
    while pos < len(word):
        widths_left = max_widths[len(lines):] or [max_widths[-1]]
        rest = _dumb_split(word[pos:], widths[pos:], widths_left)
        if len(rest) == 1:
            lines.append(rest[0])
            break
        n = len(rest[0][1])
        if word[pos:pos + n] != rest[0][1]:
            return whole
        keep = n
        while keep > 1 and n - keep < 3 and word[pos + keep] in cannot:
            keep -= 1
        if keep == n or word[pos + keep] in cannot:
            lines.append(rest[0])
        else:
            n = keep
            lines.append([widths_left[0] - sum(widths[pos:pos + n]), word[pos:pos + n]])
        pos += n
    return lines


vars(_kinsoku_split)["__wrapped__"] = _dumb_split
_rl_textsplit.dumbSplit = _kinsoku_split


class Styles:
    def __init__(self, fonts: FontSet):
        self.fonts = fonts
        base: dict[str, Any] = dict(fontName=fonts.body, fontSize=BODY_PT, leading=LEADING, wordWrap="CJK")
        self.court = ParagraphStyle("court", fontName=fonts.title, fontSize=COURT_PT, leading=COURT_PT * 1.6,
                                    alignment=TA_CENTER, wordWrap="CJK")
        self.title = ParagraphStyle("title", fontName=fonts.title, fontSize=TITLE_PT, leading=TITLE_PT * 1.7,
                                    alignment=TA_CENTER, wordWrap="CJK", spaceAfter=4)
        self.title_small = ParagraphStyle("title_small", fontName=fonts.title, fontSize=20, leading=32,
                                          alignment=TA_CENTER, wordWrap="CJK", spaceAfter=4)
        self.number = ParagraphStyle("number", alignment=TA_RIGHT, **base)
        self.body = ParagraphStyle("body", alignment=TA_JUSTIFY, firstLineIndent=2 * BODY_PT, **base)
        self.plain = ParagraphStyle("plain", alignment=TA_LEFT, **base)
        self.center = ParagraphStyle("center", alignment=TA_CENTER, **base)
        self.right = ParagraphStyle("right", alignment=TA_RIGHT, rightIndent=2 * BODY_PT, **base)
        self.heading = ParagraphStyle("heading", fontName=fonts.heading, fontSize=BODY_PT, leading=LEADING, keepWithNext=1,
                                      alignment=TA_LEFT, firstLineIndent=2 * BODY_PT, wordWrap="CJK")
        self.cell = ParagraphStyle("cell", fontName=fonts.body, fontSize=10.5, leading=15, wordWrap="CJK")
        self.small = ParagraphStyle("small", fontName=fonts.body, fontSize=12, leading=20, wordWrap="CJK")
        self.banner = ParagraphStyle("banner", fontName=fonts.heading, fontSize=12, leading=18,
                                     alignment=TA_CENTER, textColor=Color(0.75, 0, 0), wordWrap="CJK")


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped: names and descriptions are data, not markup)."""
    return Paragraph(escape(text), style)


class SealedDate(Flowable):
    """The signing date, right-aligned like the signer lines, under a dashed circle with "（院印）": the place
    where the court seal goes (the seal covers the date, as on served rulings)."""

    def __init__(self, date_text: str, seal_text: str, font: str):
        super().__init__()
        self.date_text = date_text
        self.seal_text = seal_text
        self.font = font
        self.width = TEXT_WIDTH
        self.height = LEADING * 3

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return self.width, self.height

    def draw(self):
        c = self.canv
        right = self.width - 2 * BODY_PT  # the signer lines' right indent
        date_w = c.stringWidth(self.date_text, self.font, BODY_PT)
        cx, cy = right - date_w / 2, LEADING * 1.5
        c.saveState()
        c.setStrokeColor(Color(0.8, 0.1, 0.1))
        c.setDash(3, 3)
        c.circle(cx, cy, LEADING * 1.45, stroke=1, fill=0)
        c.setFont(self.font, 12)
        c.setFillColor(Color(0.8, 0.1, 0.1))
        c.drawCentredString(cx, LEADING * 2.0, self.seal_text)
        c.restoreState()
        c.setFont(self.font, BODY_PT)
        c.drawRightString(right, LEADING * 1.1, self.date_text)


def build_pdf(story: Sequence[Flowable], *, title: str, fonts: FontSet | None = None,
              banner: str | None = None, watermark: str | None = None,
              on_page: Callable | None = None) -> bytes:
    """Lay out the story on court pages with "— n —" page numbers; optional banner and draft watermark."""
    fonts = fonts or cjk_fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=PAGE, leftMargin=LEFT, rightMargin=RIGHT, topMargin=TOP,
                            bottomMargin=BOTTOM, title=title, author="ExecDesk", creator="ExecDesk",
                            invariant=1, pageCompression=1,
                            # Every page starts in our CJK font: no unembedded base-14 font (Helvetica) is referenced.
                            initialFontName=fonts.body, initialFontSize=BODY_PT)

    def decorate(canvas, _doc):
        canvas.saveState()
        canvas.setFont(fonts.body, 14)
        canvas.drawCentredString(PAGE[0] / 2, BOTTOM / 2, f"— {canvas.getPageNumber()} —")
        if banner:
            canvas.setFont(fonts.heading, 12)
            canvas.setFillColor(Color(0.75, 0, 0))
            canvas.drawCentredString(PAGE[0] / 2, PAGE[1] - TOP / 2, banner)
        if watermark:
            canvas.setFont(fonts.heading, 120)
            canvas.setFillColor(Color(0.88, 0.88, 0.88))  # drawn first: the text prints over it
            canvas.translate(PAGE[0] / 2, PAGE[1] / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, 0, watermark)
        canvas.restoreState()
        if on_page:
            on_page(canvas, _doc)

    doc.build(list(story), onFirstPage=decorate, onLaterPages=decorate)
    return buf.getvalue()
