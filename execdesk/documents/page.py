"""The court page (DESIGN.md §4, after GB/T 9704): A4, 三号 body on a 28-character line, fonts embedded.

Shared by the ruling and the written explanation. ``invariant=1`` makes reportlab's output depend only on
the content (no timestamp, fixed document id), so the same document renders to the same bytes and SHA-256.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
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

# Chinese line-breaking prohibitions (GB/T 15834 标点符号用法 §5.1.2, and the 禁则 of CJK typesetting): no line
# starts with closing punctuation (，。、：；！？）〕》」』】”’…), no line ends with an opening bracket or quote
# (（〔《「『【“‘), and a number, code or ID number (85,185.94; 91370100MA3…) is never cut. reportlab's CJK wrapper knows only part of the first
# rule and hangs at most one character, and ignores the other two: "85,185.94元（" / "捌万…" and "法发〔" /
# "2006〕" were printed. ``kinsoku_split`` replaces its splitter (all our paragraphs are one run of text, which
# reportlab wraps with textsplit.wordSplit → dumbSplit).
CANNOT_START = ("!),.:;?]}¢°·’”‰′″℃、。〃〉》」』】〕〗〞︶︺︾﹀﹄﹚﹜﹞！＂％＇），．：；？］｝～"
                "…‥—–ー々〻ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
CANNOT_END = "([{£¥‘“〈《「『【〔〖〝﹙﹛﹝＄（［｛￡￥"
# A number (85,185.94), a code or an ID number (91370100MA3EXAMP1X) is one word: never cut inside it.
_WORD = frozenset("0123456789,.%ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_MAX_PULL = 20  # characters pulled down to the next line at most (an 18-character ID number and its neighbour)
for _mod in (_rl_textsplit, _rl_paragraph):
    _mod.ALL_CANNOT_START += "".join(ch for ch in CANNOT_START if ch not in _mod.ALL_CANNOT_START)

_FUZZ = 1e-8


def break_allowed(word: str, at: int) -> bool:
    """May a line end before ``word[at]``? (at = 0 or len(word): always.)"""
    if at <= 0 or at >= len(word):
        return True
    before, after = word[at - 1], word[at]
    if after in CANNOT_START or before in CANNOT_END:
        return False
    return not (before in _WORD and after in _WORD)


def kinsoku_split(word, widths, max_widths):
    """Fill each line as far as it goes, then move the break back (at most ``_MAX_PULL`` characters) until it
    is allowed; one closing mark may instead hang in the margin when that makes the break allowed, as
    reportlab did. Returns reportlab's ``[[extra_space, text], …]``."""
    max_widths = list(max_widths) if isinstance(max_widths, list | tuple) else [max_widths]
    lines: list[list] = []
    pos, n_chars = 0, len(word)
    while pos < n_chars:
        max_w = max_widths[min(len(lines), len(max_widths) - 1)]
        used, end = 0.0, pos
        while end < n_chars and (used + widths[end] <= max_w + _FUZZ or end == pos):
            used += widths[end]
            end += 1
        if end >= n_chars:
            lines.append([max_w - used, word[pos:]])
            break
        cut = None
        if word[end] in CANNOT_START and end + 1 - pos > 1 and break_allowed(word, end + 1):
            cut = end + 1  # hang one closing mark in the margin
        else:
            for k in range(end, max(pos, end - _MAX_PULL), -1):
                if break_allowed(word, k):
                    cut = k
                    break
        if cut is None:  # nothing allowed within reach: cut where it fills (never loops, never loses text)
            cut = end
        text = word[pos:cut]
        lines.append([max_w - sum(widths[pos:cut]), text])
        pos = cut
    return lines


_dumb_split = getattr(_rl_textsplit.dumbSplit, "__wrapped__", _rl_textsplit.dumbSplit)
kinsoku_split.__wrapped__ = _dumb_split
_rl_textsplit.dumbSplit = kinsoku_split


class Styles:
    def __init__(self, fonts: FontSet):
        self.fonts = fonts
        base = dict(fontName=fonts.body, fontSize=BODY_PT, leading=LEADING, wordWrap="CJK")
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


NO_BODY_MARK = "（此页无正文）"


class SignOff(Flowable):
    """The sign-off block (审判长/审判员/执行员, the sealed date, 书记员), never split across pages. When it does
    not fit under the last paragraph it moves whole to the next page, which then starts with （此页无正文）, as
    courts mark a page that holds no text of the ruling. ``lines_before``/``lines_after`` are right-aligned
    paragraphs above and below the sealed date; ``gap`` is the space above the block on a page with text."""

    def __init__(self, lines_before: Sequence[Flowable], sealed: Flowable | None,
                 lines_after: Sequence[Flowable], *, mark_style: ParagraphStyle, gap: float = LEADING):
        super().__init__()
        self.parts_with_text = list(lines_before) + ([sealed] if sealed is not None else []) + list(lines_after)
        self.mark = Paragraph(escape(NO_BODY_MARK), mark_style)
        self.gap = gap
        self.alone = False  # set by wrap: the block starts its page

    def _parts(self) -> list[Flowable]:
        return ([self.mark] if self.alone else []) + self.parts_with_text

    def wrap(self, avail_width, avail_height):
        frame = getattr(self, "_frame", None)
        self.alone = bool(frame is not None and getattr(frame, "_atTop", 0))
        self.width = avail_width
        height = 0.0 if self.alone else self.gap
        for part in self._parts():
            height += part.wrap(avail_width, 10 ** 6)[1]
        self.height = height
        return self.width, self.height

    def split(self, avail_width, avail_height):
        return []  # never split: the frame moves the whole block to the next page

    def draw(self):
        y = self.height - (0.0 if self.alone else self.gap)
        for part in self._parts():
            _, h = part.wrap(self.width, 10 ** 6)
            y -= h
            part.drawOn(self.canv, 0, y)


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
