"""The template engine of the routine enforcement documents (issue 16): templates are data, not code.

A template is a TOML file ``resources/templates/<slug>.toml`` (one per document kind; a provincial preset may
have its own copy in ``resources/templates/<preset>/<slug>.toml``; a court may override either with a copy in
the user data folder, ``templates/<slug>.toml`` or ``templates/<preset>/<slug>.toml``, without touching code).
It holds the kind, the title, how the document is numbered, whether it needs approval, the citation keys of its
legal basis (chosen by the document date, R11) and a list of blocks: paragraphs of text with named fields in
``{braces}``, conditional on a field (``when`` / ``unless``), repeated over a list (``each``), tables and
form lines. Nothing in a template is executed: a field is a bare name from ``resources/templates/fields.toml``
(the vocabulary the service fills); attribute access, indexing, conversions and format specifications are
refused, and so is any name the vocabulary does not know — with a Chinese message naming the file and block.

Composition (``compose``) is pure; rendering (``render``) lays the result out on the court page of page.py
(A4, 三号 仿宋, embedded TrueType subsets, ``invariant=1``: the same text renders to the same bytes).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import re
import string
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Spacer, Table, TableStyle

from execdesk.documents.fonts import cjk_fonts
from execdesk.documents.page import LEADING, TEXT_WIDTH, SealedDate, Styles, build_pdf, para
from execdesk.resources import load_toml, resource_path
from execdesk.rules.errors import ValidationError

# Block styles a template may use. Text styles map to page.Styles; the others are layout primitives.
TEXT_STYLES = ("court", "title", "title_small", "number", "addressee", "body", "plain", "center", "right",
               "heading", "small", "signoff", "note")
LAYOUT_STYLES = ("seal_date", "spacer", "table", "lines")
STYLES = TEXT_STYLES + LAYOUT_STYLES
BLOCK_KEYS = {"style", "text", "when", "unless", "each", "rows", "header", "widths", "count", "name"}
TOP_KEYS = {"kind", "title", "numbering", "approval", "citations", "blocks", "description", "subject",
            "draft_banner", "requires"}
NUMBERING = ("case", "sub", "ruling")  # the case number, the case's 之一/之二 … sequence, or the ruling's number
SUBJECTS = ("case", "measure", "document")  # what one document is about


class TemplateError(ValidationError):
    """A template file that cannot be used; the message is Chinese and names the file and the block."""

    def __init__(self, message: str, source: str):
        super().__init__(message, f"文书模板{source}")


@dataclass(frozen=True)
class Block:
    style: str
    text: str = ""
    when: str | None = None
    unless: str | None = None
    each: str | None = None
    rows: tuple[tuple[str, ...], ...] = ()
    header: tuple[str, ...] = ()
    widths: tuple[float, ...] = ()
    count: int = 1
    name: str | None = None  # a label for tests and the field report ("obligation", "warning" …)


@dataclass(frozen=True)
class Template:
    slug: str
    kind: str
    title: str
    numbering: str
    approval: str  # "" = no approval; otherwise a route name of resources/rules/document_routes.toml
    citations: tuple[str, ...]
    blocks: tuple[Block, ...]
    subject: str
    source: str  # where it was read from (shown in errors and in the document's meta)
    requires: tuple[str, ...] = ()  # fields that must be non-empty before the document can be issued
    description: str = ""


# ---------------------------------------------------------------- the vocabulary


@dataclass(frozen=True)
class Vocabulary:
    common: Mapping[str, str]
    kinds: Mapping[str, Mapping[str, str]]
    lists: Mapping[str, Mapping[str, str]]

    def for_kind(self, kind: str) -> dict[str, str]:
        return {**self.common, **self.kinds.get(kind, {})}

    def known_kinds(self) -> list[str]:
        return list(self.kinds)


def vocabulary() -> Vocabulary:
    data = load_toml("templates", "fields.toml")
    return Vocabulary(common=data["common"], kinds=data["kinds"], lists=data["lists"])


_FORMATTER = string.Formatter()


def field_names(text: str, source: str = "", where: str = "") -> list[str]:
    """The bare field names of one text, in order. Refuses anything but ``{name}`` (no Python in templates)."""
    names: list[str] = []
    try:
        parsed = list(_FORMATTER.parse(text))
    except ValueError as exc:
        raise TemplateError(f"{where}的花括号不成对（{exc}）；字段应写作{{字段名}}，文字中的花括号写作{{{{ }}}}",
                            source) from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name or not name.isidentifier() or spec or conversion:
            shown = "{" + (name or "") + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise TemplateError(f"{where}的“{shown}”不是字段：字段只能写作{{字段名}}，不能带格式、下标或属性",
                                source)
        names.append(name)
    return names


# ---------------------------------------------------------------- loading and checking


def _user_dir() -> Path:
    from execdesk.config import data_dir

    return data_dir() / "templates"


def builtin_slugs() -> list[str]:
    return sorted(p.stem for p in resource_path("templates").glob("*.toml")
                  if p.stem not in ("fields", "settings", "ruling", "explanation", "quality_report"))


def presets() -> list[str]:
    return sorted(p.name for p in resource_path("templates").iterdir() if p.is_dir())


@functools.cache
def _shipped() -> Path:
    return resource_path("templates")


def candidate_paths(slug: str, preset: str | None) -> list[tuple[Path, str]]:
    """Where a template is looked for, first found wins: the court's copy (preset, then general), then the
    shipped preset copy, then the shipped general one."""
    user, shipped = _user_dir(), _shipped()
    out: list[tuple[Path, str]] = []
    if preset:
        out.append((user / preset / f"{slug}.toml", f"用户模板 templates/{preset}/{slug}.toml"))
    out.append((user / f"{slug}.toml", f"用户模板 templates/{slug}.toml"))
    if preset:
        out.append((shipped / preset / f"{slug}.toml", f"{preset}/{slug}.toml"))
    out.append((shipped / f"{slug}.toml", f"{slug}.toml"))
    return out


def _as_tuple(value, source: str, where: str, what: str) -> tuple:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise TemplateError(f"{where}的{what}应为列表", source)
    return tuple(value)


def check_template(data: dict, *, slug: str, source: str, vocab: Vocabulary | None = None) -> Template:
    """Validate the parsed TOML of one template and build it. Every error names the file and the block."""
    vocab = vocab or vocabulary()
    unknown_top = set(data) - TOP_KEYS
    if unknown_top:
        raise TemplateError(f"有不认识的设置项：{'、'.join(sorted(unknown_top))}（可用：{'、'.join(sorted(TOP_KEYS))}）",
                            source)
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in vocab.kinds:
        raise TemplateError(f"文书种类“{kind}”未知（应为{'、'.join(vocab.known_kinds())}之一）", source)
    numbering = data.get("numbering", "case")
    if numbering not in NUMBERING:
        raise TemplateError(f"numbering 应为{'或'.join(NUMBERING)}，现为“{numbering}”", source)
    subject = data.get("subject", "case")
    if subject not in SUBJECTS:
        raise TemplateError(f"subject 应为{'、'.join(SUBJECTS)}之一，现为“{subject}”", source)
    approval = data.get("approval", "")
    if approval:
        routes = load_toml("rules", "document_routes.toml")["routes"]
        if approval not in routes:
            raise TemplateError(f"审批路径“{approval}”未知（应为{'、'.join(routes)}之一，或留空表示无需审批）", source)
    citations = _as_tuple(data.get("citations"), source, "citations", "条文")
    table = load_toml("rules", "citations.toml")["citation"]
    for key in citations:
        if key not in table:
            raise TemplateError(f"引用的法律依据“{key}”不在条文版本表（rules/citations.toml）中", source)
    allowed = vocab.for_kind(kind)

    def check_names(text: str, where: str, extra: Mapping[str, str] = {}) -> None:
        for name in field_names(text, source, where):
            if name not in allowed and name not in extra:
                known = "、".join(sorted({*allowed, *extra}))
                raise TemplateError(f"{where}引用了未知字段“{name}”（{kind}可用的字段：{known}）", source)

    def check_condition(name: str | None, where: str, extra: Mapping[str, str] = {}) -> None:
        if name is None:
            return
        if not isinstance(name, str) or name not in allowed and name not in extra:
            raise TemplateError(f"{where}的条件引用了未知字段“{name}”", source)

    check_names(str(data.get("title", "")), "标题")
    requires = _as_tuple(data.get("requires"), source, "requires", "字段")
    for name in requires:
        check_condition(name, "requires")
    blocks_raw = data.get("blocks")
    if not isinstance(blocks_raw, list) or not blocks_raw:
        raise TemplateError("没有任何段落（[[blocks]]）", source)
    blocks: list[Block] = []
    for n, raw in enumerate(blocks_raw, 1):
        where = f"第{n}段"
        if not isinstance(raw, dict):
            raise TemplateError(f"{where}格式不正确", source)
        bad = set(raw) - BLOCK_KEYS
        if bad:
            raise TemplateError(f"{where}有不认识的设置项：{'、'.join(sorted(bad))}", source)
        style = raw.get("style", "body")
        if style not in STYLES:
            raise TemplateError(f"{where}的样式“{style}”未知（可用：{'、'.join(STYLES)}）", source)
        each = raw.get("each")
        item_fields: Mapping[str, str] = {}
        if each is not None:
            if each not in vocab.lists or each not in allowed:
                raise TemplateError(f"{where}的 each 引用了未知的列表字段“{each}”", source)
            item_fields = vocab.lists[each]
        check_condition(raw.get("when"), where)
        check_condition(raw.get("unless"), where)
        text = raw.get("text", "")
        if not isinstance(text, str):
            raise TemplateError(f"{where}的 text 应为文字", source)
        if style in TEXT_STYLES and not text:
            raise TemplateError(f"{where}没有文字", source)
        check_names(text, where, item_fields)
        rows = tuple(tuple(str(c) for c in _as_tuple(r, source, where, "表格行")) for r in
                     _as_tuple(raw.get("rows"), source, where, "表格"))
        header = tuple(str(c) for c in _as_tuple(raw.get("header"), source, where, "表头"))
        for r in rows:
            for c in r:
                check_names(c, f"{where}的表格", item_fields)
        for c in header:
            check_names(c, f"{where}的表头")
        if style == "table" and not rows:
            raise TemplateError(f"{where}是表格，但没有 rows", source)
        widths = tuple(float(w) for w in _as_tuple(raw.get("widths"), source, where, "列宽"))
        ncols = max([len(r) for r in rows] + [len(header)] + [0])
        if widths and len(widths) != ncols:
            raise TemplateError(f"{where}的列宽有{len(widths)}项，表格有{ncols}列", source)
        count = raw.get("count", 1)
        if not isinstance(count, int) or not 0 < count <= 40:
            raise TemplateError(f"{where}的 count 应为1至40的整数", source)
        blocks.append(Block(style=style, text=text, when=raw.get("when"), unless=raw.get("unless"), each=each,
                            rows=rows, header=header, widths=widths, count=count, name=raw.get("name")))
    title = data.get("title")
    if not isinstance(title, str) or not title:
        raise TemplateError("缺少 title（文书名称）", source)
    return Template(slug=slug, kind=kind, title=title, numbering=numbering, approval=approval,
                    citations=citations, blocks=tuple(blocks), subject=subject, source=source,
                    requires=requires, description=str(data.get("description", "")))


_CACHE: dict[tuple, Template] = {}


def parse_template_file(path: Path, *, slug: str, source: str, vocab: Vocabulary | None = None) -> Template:
    """Parse and check one file; the result is kept while the file is unchanged (same size and mtime), so a
    court's edit is seen at once and a batch of 100 documents reads the file once."""
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size, slug, source)
    hit = _CACHE.get(key)
    if hit is not None and vocab is None:
        return hit
    tpl = _parse_template_file(path, slug=slug, source=source, vocab=vocab)
    _CACHE[key] = tpl
    return tpl


def _parse_template_file(path: Path, *, slug: str, source: str, vocab: Vocabulary | None = None) -> Template:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"不是有效的TOML（{exc}）", source) from None
    except UnicodeDecodeError:
        raise TemplateError("应以UTF-8编码保存", source) from None
    return check_template(data, slug=slug, source=source, vocab=vocab)


def load_template(slug: str, preset: str | None = None) -> Template:
    """The template in force for ``slug`` (court copy first, then the shipped preset, then the general one)."""
    for path, source in candidate_paths(slug, preset):
        if path.is_file():
            return parse_template_file(path, slug=slug, source=source)
    raise TemplateError("找不到该文书模板", f"{slug}.toml")


def check_all_templates(user_dir: Path | None = None) -> list[str]:
    """Every shipped template, every preset copy and every court copy in the data folder (``user_dir``: another
    folder of court copies, e.g. the real one while the self-test runs on a temporary data folder), checked.
    Returns one Chinese line per problem (empty: all good); never raises. Run at start-up (the desktop's
    warm-up worker, every ``execdesk doc`` command, ``execdesk --selftest``) and in the tests."""
    problems: list[str] = []
    try:
        vocab = vocabulary()
    except Exception as exc:  # a broken or missing fields.toml: no template can be checked, none can be used
        return [f"文书模板字段表templates/fields.toml无法读取（{type(exc).__name__}：{exc}），所有日常文书都不能生成"]
    shipped = resource_path("templates")
    files: list[tuple[Path, str, str]] = [(shipped / f"{s}.toml", s, f"{s}.toml") for s in builtin_slugs()]
    for preset in presets():
        files += [(p, p.stem, f"{preset}/{p.name}") for p in sorted((shipped / preset).glob("*.toml"))]
    user = user_dir if user_dir is not None else _user_dir()
    if user.is_dir():
        files += [(p, p.stem, f"用户模板 templates/{p.relative_to(user).as_posix()}")
                  for p in sorted(user.rglob("*.toml")) if p.name != "settings.toml"]
    known = set(builtin_slugs())
    for path, slug, source in files:
        if slug not in known:
            problems.append(f"文书模板{source}：没有名为“{slug}”的文书（应为{'、'.join(sorted(known))}之一）")
            continue
        try:
            parse_template_file(path, slug=slug, source=source, vocab=vocab)
        except ValidationError as exc:
            problems.append(str(exc))
        except OSError as exc:
            problems.append(f"文书模板{source}：无法读取（{exc}）")
    return problems


# ---------------------------------------------------------------- composing


@dataclass(frozen=True)
class Element:
    """One laid-out piece: a paragraph (style + text), a table (rows of cell texts) or a layout primitive."""

    style: str
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    widths: tuple[float, ...] = ()
    header_rows: int = 0
    count: int = 1
    name: str | None = None


@dataclass(frozen=True)
class Composed:
    kind: str
    title: str
    case_number: str
    document_number: str
    elements: tuple[Element, ...]
    date_text: str = ""
    meta: Mapping[str, str] = field(default_factory=dict)

    def paragraphs(self) -> list[str]:
        """Every text in reading order (what pdftotext gives back): paragraphs, table cells row by row,
        then the seal mark and the date of a seal block."""
        out: list[str] = []
        for e in self.elements:
            if e.style == "table":
                out += [c for r in e.rows for c in r if c]
            elif e.style == "seal_date":
                out += ["（院印）", self.date_text]
            elif e.style in TEXT_STYLES:
                out.append(e.text)
        return out

    def named(self, name: str) -> list[str]:
        return [e.text for e in self.elements if e.name == name]

    def content_sha256(self) -> str:
        """SHA-256 of the text content (what an approver approves; the same for the draft and the issue)."""
        payload = [self.kind, self.title, self.document_number,
                   *[[e.style, e.text, [list(r) for r in e.rows]] for e in self.elements], self.date_text]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()


class MissingFieldError(ValidationError):
    def __init__(self, name: str, kind: str):
        super().__init__(f"生成{kind}缺少字段“{name}”的值", "文书字段")


def _fill(text: str, values: Mapping[str, object], kind: str) -> str:
    try:
        return text.format_map(_Strict(values, kind))
    except KeyError as exc:  # pragma: no cover - _Strict raises MissingFieldError first
        raise MissingFieldError(str(exc), kind) from None


class _Strict(dict):
    def __init__(self, values: Mapping[str, object], kind: str):
        super().__init__(values)
        self.kind = kind

    def __missing__(self, key):
        raise MissingFieldError(key, self.kind)

    def __getitem__(self, key):
        value = super().__getitem__(key) if key in self else self.__missing__(key)
        if isinstance(value, bool):
            return "是" if value else "否"
        if value is None:
            return ""
        if isinstance(value, list | tuple | dict):
            raise ValidationError(f"字段“{key}”是列表，只能用在 each 中", "文书字段")
        return value


def _truthy(values: Mapping[str, object], name: str | None) -> bool:
    if name is None:
        return True
    value = values.get(name)
    return bool(value) and value != "否"


def compose(tpl: Template, values: Mapping[str, object]) -> Composed:
    """Fill the template with the case's values: conditions decide which blocks appear, lists repeat."""
    elements: list[Element] = []
    for b in tpl.blocks:
        if b.when is not None and not _truthy(values, b.when):
            continue
        if b.unless is not None and _truthy(values, b.unless):
            continue
        if b.each is not None:
            items = values.get(b.each)
            if items is None:
                raise MissingFieldError(b.each, tpl.kind)
            # (an each-list is a list of row mappings: values is the case's heterogeneous field mapping)
            scopes: list[Mapping[str, object]] = [
                {**values, **item} for item in cast("Iterable[Mapping[str, object]]", items)]
        else:
            scopes = [values]
        if b.style == "table":
            rows: list[tuple[str, ...]] = []
            if b.header:
                rows.append(tuple(_fill(c, values, tpl.kind) for c in b.header))
            for scope in scopes:
                rows += [tuple(_fill(c, scope, tpl.kind) for c in r) for r in b.rows]
            if len(rows) > (1 if b.header else 0):
                elements.append(Element("table", rows=tuple(rows), widths=b.widths,
                                        header_rows=1 if b.header else 0, name=b.name))
            continue
        for scope in scopes:
            text = _fill(b.text, scope, tpl.kind) if b.text else ""
            elements.append(Element(b.style, text=text, count=b.count, name=b.name))
    title = _fill(tpl.title, values, tpl.kind)
    return Composed(kind=tpl.kind, title=title, case_number=str(values.get("case_number", "")),
                    document_number=str(values.get("document_number", "")), elements=tuple(elements),
                    date_text=str(values.get("date_text", "")),
                    meta={"template": tpl.source, "slug": tpl.slug})


def missing_required(tpl: Template, values: Mapping[str, object]) -> list[str]:
    """The fields a document cannot be issued without that are still empty (labels in Chinese)."""
    labels = vocabulary().for_kind(tpl.kind)
    return [labels.get(n, n) for n in tpl.requires if not _truthy(values, n)]


# ---------------------------------------------------------------- rendering


def _table(e: Element, st: Styles, fonts) -> Table:
    cell = ParagraphStyle("form_cell", parent=st.cell, fontSize=12, leading=18)
    head = ParagraphStyle("form_head", parent=cell, fontName=fonts.heading, alignment=TA_CENTER)
    ncols = max(len(r) for r in e.rows)
    widths = e.widths or tuple([1.0] * ncols)
    total = sum(widths)
    col_w = [TEXT_WIDTH * w / total for w in widths]
    data = []
    for i, r in enumerate(e.rows):
        style = head if i < e.header_rows else cell
        data.append([para(c, style) for c in r] + [""] * (ncols - len(r)))
    t = Table(data, colWidths=col_w)  # no repeated header rows: the text is exactly the document's
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.body), ("GRID", (0, 0), (-1, -1), 0.6, Color(0.2, 0.2, 0.2)),
                           ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                           ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    return t


def story(doc: Composed, st: Styles, fonts) -> list:
    mapping = {"court": st.court, "title": st.title, "title_small": st.title_small, "number": st.number,
               "addressee": st.plain, "body": st.body, "plain": st.plain, "center": st.center, "right": st.right,
               "heading": st.heading, "small": st.small, "signoff": st.right, "note": st.small}
    out: list = []
    for e in doc.elements:
        if e.style == "table":
            out.append(_table(e, st, fonts))
            out.append(Spacer(1, LEADING / 2))
        elif e.style == "seal_date":
            out.append(SealedDate(doc.date_text, "（院印）", fonts.body))
        elif e.style == "spacer":
            out.append(Spacer(1, LEADING * e.count))
        elif e.style == "lines":  # blank ruled lines for writing by hand (forms, 笔录)
            out.append(_Lines(e.count))
        else:
            out.append(para(e.text, mapping[e.style]))
    return out


class _Lines(Spacer):
    """``count`` ruled lines, one line pitch apart: room to write an answer by hand."""

    def __init__(self, count: int):
        super().__init__(TEXT_WIDTH, LEADING * count)
        self.count = count

    def draw(self):
        c = self.canv
        c.saveState()
        c.setStrokeColor(Color(0.55, 0.55, 0.55))
        c.setLineWidth(0.5)
        for i in range(self.count):
            y = LEADING * i + 4
            c.line(0, y, self.width, y)
        c.restoreState()


DRAFT_BANNER = "草稿（未经审批或未出具，不得送达）"


def render(doc: Composed, *, draft: bool = False) -> bytes:
    """The document on A4 court pages; a draft carries a red banner and a grey 草稿 watermark."""
    fonts = cjk_fonts()
    st = Styles(fonts)
    return build_pdf(story(doc, st, fonts), title=f"{doc.document_number or doc.case_number}{doc.title}",
                     fonts=fonts, banner=DRAFT_BANNER if draft else None, watermark="草稿" if draft else None)


def merge_pdfs(pdfs: Sequence[bytes]) -> bytes:
    """One print file from several of our PDFs, pages copied unchanged (each keeps its own page numbers).

    Our PDFs come from reportlab with a classic cross-reference table and no object streams, so concatenating
    them is renumbering objects and joining the page trees (about 1 ms per document). Anything else is merged
    with pypdf (which parses every object: ~40 ms per document)."""
    try:
        return _concat_reportlab(pdfs)
    except ValueError:
        return _merge_with_pypdf(pdfs)


def _merge_with_pypdf(pdfs: Iterable[bytes]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in pdfs:
        writer.append(PdfReader(io.BytesIO(data)))
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


_REF = re.compile(rb"(?<![\d.])(\d+) 0 R\b")
_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")


def _objects(pdf: bytes) -> tuple[dict[int, bytes], int, int | None]:
    """{object number: body between 'N 0 obj' and 'endobj'}, the /Root and /Info numbers of one PDF."""
    m = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", pdf)
    if not m or pdf[int(m.group(1)):int(m.group(1)) + 4] != b"xref":
        raise ValueError("no classic xref")
    pos = int(m.group(1))
    head = re.match(rb"xref\s+0 (\d+)\s+", pdf[pos:pos + 64])
    if not head:
        raise ValueError("xref with several sections")
    count = int(head.group(1))
    table = pdf[pos + head.end():pos + head.end() + 20 * count]
    offsets = {}
    for n, e in enumerate(_XREF_ENTRY.finditer(table)):
        if e.group(3) == b"n":
            offsets[n] = int(e.group(1))
    if len(offsets) != count - 1:
        raise ValueError("unexpected xref")
    trailer = pdf[pos + head.end() + 20 * count:]
    root = re.search(rb"/Root (\d+) 0 R", trailer)
    info = re.search(rb"/Info (\d+) 0 R", trailer)
    if not root:
        raise ValueError("no root")
    ordered = sorted(offsets.items(), key=lambda kv: kv[1])
    bodies: dict[int, bytes] = {}
    for i, (num, off) in enumerate(ordered):
        end = ordered[i + 1][1] if i + 1 < len(ordered) else pos
        chunk = pdf[off:end]
        start = chunk.find(b" 0 obj")
        stop = chunk.rfind(b"endobj")
        if start < 0 or stop < 0 or int(chunk[:start]) != num:
            raise ValueError("unexpected object layout")
        bodies[num] = chunk[start + len(b" 0 obj"):stop]
    return bodies, int(root.group(1)), int(info.group(1)) if info else None


def _concat_reportlab(pdfs: Sequence[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\x93\x8c\x8b\x9e ExecDesk print file\n")
    offsets: dict[int, int] = {}
    kids: list[int] = []
    next_num = 3  # 1 = catalog, 2 = pages
    chunks: list[tuple[int, bytes]] = []
    for pdf in pdfs:
        bodies, root, info = _objects(pdf)
        cat = bodies[root]
        pages_ref = re.search(rb"/Pages (\d+) 0 R", cat)
        if not pages_ref:
            raise ValueError("no pages")
        pages_num = int(pages_ref.group(1))
        kids_ref = re.search(rb"/Kids \[([^\]]*)\]", bodies[pages_num])
        if not kids_ref:
            raise ValueError("no kids")
        kid_nums = [int(k) for k in re.findall(rb"(\d+) 0 R", kids_ref.group(1))]
        skip = {root, pages_num} | ({info} if info else set())
        mapping: dict[int, int] = {}  # old → new object number (the skipped ones have none)
        for n in sorted(bodies):
            if n not in skip:
                mapping[n] = next_num
                next_num += 1

        def renumber(match, mapping=mapping, pages_num=pages_num):
            old = int(match.group(1))
            if old == pages_num:
                return b"2 0 R"
            new = mapping.get(old)
            if new is None:
                raise ValueError("reference to a skipped object")
            return b"%d 0 R" % new

        for n in sorted(bodies):
            if n in skip:
                continue
            body = bodies[n]
            cut = body.find(b"stream\n")
            head, tail = (body, b"") if cut < 0 else (body[:cut], body[cut:])
            chunks.append((mapping[n], _REF.sub(renumber, head) + tail))
        kids += [mapping[k] for k in kid_nums]
    chunks.insert(0, (2, b"\n<<\n/Count %d /Kids [ %s ] /Type /Pages\n>>\n" %
                      (len(kids), b" ".join(b"%d 0 R" % k for k in kids))))
    chunks.insert(0, (1, b"\n<<\n/Pages 2 0 R /Type /Catalog\n>>\n"))
    for num, body in chunks:
        offsets[num] = len(out)
        out += b"%d 0 obj" % num + body + b"endobj\n"
    xref = len(out)
    size = next_num
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        out += b"%010d 00000 n \n" % offsets[n]
    out += b"trailer\n<<\n/Root 1 0 R /Size %d\n>>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def element_texts(elements: Sequence[Element]) -> list[str]:
    return [e.text for e in elements if e.text]
