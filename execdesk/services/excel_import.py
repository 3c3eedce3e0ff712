"""补录 from Excel (issue 15; seed 一.1 排查补录, no 帐外案 or 抽屉案): the courts' case lists → cases.

Three steps, each usable from the desktop and the CLI:

1. **Layout** (``read_layout``): find the header row (two-level headers from merged cells included), recognise
   each column from ``resources/excel_headers.toml`` and the court's saved corrections, show samples.
2. **Preview** (``build_preview``): every row parsed (dates and amounts in the forms courts write them) and
   checked with the same validation as a typed case (``cases.validate_case`` / ``validate_node``), plus what
   only a list can get wrong: the same 案号 twice, a 案号 already in the database, the same parties and 执行依据
   under another number, an unknown 承办人. Every problem is a Chinese message naming the row and the column.
   Nothing is written.
3. **Write** (``write_import``): the one function that writes. One transaction for the whole import; each case
   through ``cases.register_validated`` (audit + outbox like a typed case), node history through
   ``cases.add_node``; ``progress`` raising (取消) rolls everything back. Either all cases or, when asked, only
   the valid ones; the rejected rows go to an .xlsx with a 未导入原因 column that imports once fixed.

Mappings are saved per court in ``excel_mappings.json`` in the user data folder (see docs/excel-import.md:
a preference of this desk, not case data, so not synced and no schema change).

Files: .xlsx/.xlsm (python-calamine; openpyxl read-only mode when it is missing), .csv (UTF-8 or GB18030, as
Excel in China saves it), .xls (xlrd, when installed; otherwise a message asking to save as .xlsx).
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import gc
import json
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from execdesk.resources import load_toml
from execdesk.rules.case_number import parse_case_number
from execdesk.rules.dates import parse_date
from execdesk.rules.errors import FieldError, ValidationError
from execdesk.rules.money import parse_amount
from execdesk.services.inputs import BasisInput, CaseInput, NodeInput, PartyInput

Progress = Callable[[int, int], None]  # (done, total); raising from it (取消) stops the work, nothing written

ERROR = "错误"
NOTE = "提示"
HEADER_SCAN_ROWS = 12
SAMPLE_ROWS = 5
IGNORE = ""  # mapping value: do not import this column
NODE_PREFIX = "node:"
SUPPORTED = (".xlsx", ".xlsm", ".csv", ".xls")


# ---------------------------------------------------------------- vocabulary (data, resources/excel_headers.toml)


def vocabulary() -> dict:
    return load_toml("excel_headers.toml")


def field_labels() -> dict[str, str]:
    """Field key → Chinese label, node columns included (``node:N04`` → 执行通知书及报告财产令日期)."""
    from execdesk.services.node_catalogue import node_catalogue

    labels = {k: v["label"] for k, v in vocabulary()["fields"].items()}
    cat = node_catalogue()
    for code in vocabulary()["nodes"]:
        if code in cat:
            labels[NODE_PREFIX + code] = f"{cat[code]['name']}日期"
    return labels


_STRIP = re.compile(r"[\s\*＊:：]|[（(](?:元|人民币|万元|必填|选填|yyyy.*?|年月日)[）)]|必填$")


def normalize_header(text: Any) -> str:
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    return _STRIP.sub("", s).strip()


@functools.cache
def _synonyms() -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """(normalised synonym, field) for the fields and for the node columns, read once."""
    voc = vocabulary()
    fields = tuple((normalize_header(syn), key) for key, spec in voc["fields"].items() for syn in spec["synonyms"])
    nodes = tuple((normalize_header(syn), NODE_PREFIX + code) for code, syns in voc["nodes"].items() for syn in syns)
    return fields, nodes


@functools.cache
def recognise(header: str) -> str | None:
    """The field a header names, or None. Exact synonym first, then the longest synonym inside the header."""
    h = normalize_header(header)
    if not h:
        return None
    fields, nodes = _synonyms()
    best: tuple[int, str] | None = None
    for s, key in fields:
        if h == s:
            return key
        if s in h and (best is None or len(s) > best[0]):
            best = (len(s), key)
    dated = any(w in h for w in ("日期", "时间", "日"))
    for s, key in nodes:
        if h == s:
            return key
        if dated and s in h and (best is None or len(s) > best[0]):
            best = (len(s), key)
    return best[1] if best else None


# ---------------------------------------------------------------- saved mappings (per court, data folder)


def _mapping_file() -> Path:
    from execdesk.config import data_dir

    return data_dir() / "excel_mappings.json"


def saved_mapping(court_code: str) -> dict[str, str]:
    """The court's corrections: normalised header text → field key ('' = do not import)."""
    try:
        doc = json.loads(_mapping_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    got = doc.get("courts", {}).get(court_code, {}) if isinstance(doc, dict) else {}
    return {str(k): str(v) for k, v in got.items()} if isinstance(got, dict) else {}


def save_mapping(court_code: str, mapping: dict[str, str]) -> Path:
    """Remember the clerk's mapping for this court (atomic write; other courts' mappings kept)."""
    path = _mapping_file()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict):
            doc = {}
    except (OSError, ValueError):
        doc = {}
    courts = doc.setdefault("courts", {})
    mine = courts.setdefault(court_code, {})
    mine.update({normalize_header(k): v for k, v in mapping.items() if normalize_header(k)})
    doc["format"] = "execdesk-excel-mappings"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
    return path


def court_code_of(store) -> str:
    """The court whose mapping applies: this desk's (first) court."""
    from sqlalchemy import select

    from execdesk.models import Court

    with store.read() as s:
        code = s.scalar(select(Court.code).order_by(Court.created_at).limit(1))
    return code or "default"


# ---------------------------------------------------------------- reading files


class SheetReader:
    """Rows of one file as tuples of cell values (str/int/float/datetime/None), sheet by sheet."""

    def __init__(self, path: Path):
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in SUPPORTED:
            raise ValidationError(f"不支持的文件类型“{suffix or '无扩展名'}”，请使用 .xlsx、.xls 或 .csv", "导入文件")
        if not self.path.exists():
            raise ValidationError(f"文件不存在：{self.path}", "导入文件")
        self.kind = suffix

    def sheet_names(self) -> list[str]:
        if self.kind == ".csv":
            return [self.path.stem]
        if self.kind == ".xls":
            book = self._xls()
            return book.sheet_names()
        if _calamine() is not None:
            book = self._calamine_book()
            try:
                return list(book.sheet_names)
            finally:
                book.close()
        wb = self._xlsx()
        try:
            return list(wb.sheetnames)
        finally:
            wb.close()

    def _calamine_book(self):
        calamine = _calamine()
        try:
            return calamine.CalamineWorkbook.from_path(str(self.path))
        except Exception as exc:  # calamine raises its own errors (zip, xml) on damaged files
            raise ValidationError(f"无法读取 {self.path.name}：不是有效的 Excel 文件（{exc}）", "导入文件") from exc

    def _xlsx(self):
        import zipfile

        import openpyxl

        try:
            return openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise ValidationError(f"无法读取 {self.path.name}：不是有效的 Excel 文件（{exc}）", "导入文件") from exc

    def _xls(self):
        try:
            import xlrd
        except ImportError:
            raise ValidationError("读取 .xls 需要 xlrd 组件，本机未安装；请在 Excel 中另存为 .xlsx 后再导入",
                                  "导入文件") from None
        try:
            return xlrd.open_workbook(str(self.path))
        except Exception as exc:  # xlrd raises its own XLRDError and struct errors on damaged files
            raise ValidationError(f"无法读取 {self.path.name}：不是有效的 .xls 文件（{exc}）", "导入文件") from exc

    def open(self, sheet: str | int = 0) -> tuple[list[str], str, Generator[tuple, None, None]]:
        """The sheet names, the chosen sheet's name and its rows, from ONE opening of the file."""
        if self.kind != ".xlsx" and self.kind != ".xlsm":
            names = self.sheet_names()
            name = sheet if isinstance(sheet, str) else names[sheet]
            return names, name, self.rows(name)
        if _calamine() is not None:
            book = self._calamine_book()
            names = list(book.sheet_names)
            if isinstance(sheet, str) and sheet not in names:
                book.close()
                raise ValidationError(f"工作簿中没有名为“{sheet}”的工作表", "工作表")
            name = sheet if isinstance(sheet, str) else names[sheet]
            return names, name, _calamine_rows(book, name)
        wb = self._xlsx()
        names = list(wb.sheetnames)
        if isinstance(sheet, str) and sheet not in names:
            wb.close()
            raise ValidationError(f"工作簿中没有名为“{sheet}”的工作表", "工作表")
        name = sheet if isinstance(sheet, str) else names[sheet]
        return names, name, _openpyxl_rows(wb, name)

    def rows(self, sheet: str | int = 0) -> Generator[tuple, None, None]:
        """Every row of the sheet from row 1, as a tuple of values from column A; a blank cell is None."""
        if self.kind == ".csv":
            yield from self._csv_rows()
            return
        if self.kind == ".xls":
            yield from self._xls_rows(sheet)
            return
        if _calamine() is not None:
            book = self._calamine_book()
            yield from _calamine_rows(book, sheet if isinstance(sheet, str) else book.sheet_names[sheet])
            return
        wb = self._xlsx()
        yield from _openpyxl_rows(wb, sheet if isinstance(sheet, str) else wb.sheetnames[sheet])

    def _csv_rows(self) -> Iterator[tuple]:
        raw = self.path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes any byte string
            raise ValidationError("无法识别文件编码（应为 UTF-8 或 GBK）", "导入文件")
        sample = text[:4096]
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel
        for row in csv.reader(text.splitlines(), dialect):
            yield tuple(row)

    def _xls_rows(self, sheet: str | int) -> Iterator[tuple]:
        import xlrd

        book = self._xls()
        sh = book.sheet_by_name(sheet) if isinstance(sheet, str) else book.sheet_by_index(sheet)
        for r in range(sh.nrows):
            out: list[Any] = []
            for c in range(sh.ncols):
                cell = sh.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        out.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                        out.append(cell.value)
                elif cell.ctype == xlrd.XL_CELL_EMPTY or cell.ctype == xlrd.XL_CELL_BLANK:
                    out.append(None)
                elif cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
                    out.append(int(cell.value))
                else:
                    out.append(cell.value)
            yield tuple(out)


@functools.cache
def _calamine():
    """python-calamine (Rust's calamine): reads .xlsx about ten times faster than openpyxl (issue-15 bench: the
    100,000-row preview). openpyxl stays the fallback reader and the writer (rejected rows, reports)."""
    try:
        import python_calamine
    except ImportError:  # pragma: no cover - a pinned dependency; the fallback keeps a broken install usable
        return None
    return python_calamine


def _calamine_rows(book, name: str) -> Generator[tuple, None, None]:
    """The rows of one sheet with the values openpyxl gives: a blank cell is None, a whole number is an int
    (calamine reads every number cell as a float), and rows start at column A (calamine starts them at the
    first column used; its rows do start at row 1)."""
    try:
        try:
            sheet = book.get_sheet_by_name(name)
        except Exception as exc:  # noqa: BLE001 - a damaged sheet part
            raise ValidationError(f"无法读取工作表“{name}”：{exc}", "导入文件") from exc
        start = sheet.start
        pad: tuple = (None,) * start[1] if start else ()
        for row in sheet.iter_rows():
            yield pad + tuple([None if v == "" else (int(v) if type(v) is float and v.is_integer() and abs(v) < 1e18
                                                    else v) for v in row])
    finally:
        book.close()


def _openpyxl_rows(wb, name: str) -> Generator[tuple, None, None]:
    try:
        ws = wb[name]
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # a wrong <dimension> written by another program must not cut rows off
        yield from ws.iter_rows(values_only=True)
    finally:
        wb.close()


# ---------------------------------------------------------------- layout: header row and column mapping


def column_letter(index: int) -> str:
    s, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class Column:
    index: int
    header: str  # as shown (two-level headers joined: 申请执行人 + 名称 → 申请执行人名称)
    field: str | None  # field key, node:Nxx, or None / '' (not imported)
    source: str = "自动识别"  # 自动识别 / 本院保存 / 人工指定 / 未识别
    # (dataclasses.field: inside this class body the name ``field`` is the attribute above)
    samples: list[str] = dataclasses.field(default_factory=list)

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class Layout:
    path: Path
    sheet: str
    header_rows: tuple[int, int]  # 1-based first and last header row
    columns: list[Column]
    node_sheet: str | None = None  # a second sheet of nodes, when the workbook has one
    sheets: list[str] = field(default_factory=list)

    @property
    def data_start(self) -> int:
        return self.header_rows[1] + 1

    def mapping(self) -> dict[str, str]:
        """header text → field ('' = not imported), as saved per court."""
        return {c.header: (c.field or IGNORE) for c in self.columns if c.header}

    def by_field(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.columns:
            if c.field and c.field not in out:
                out[c.field] = c.index
        return out

    def missing_required(self) -> list[str]:
        have = set(self.by_field())
        labels = field_labels()
        missing = [labels[k] for k in ("case_number", "filed_on", "cause", "amount") if k not in have]
        per_party = "party_name" in have
        if not per_party and "applicant" not in have:
            missing.append(labels["applicant"])
        if not per_party and "debtor" not in have:
            missing.append(labels["debtor"])
        if per_party and "party_role" not in have:
            missing.append(labels["party_role"])
        return missing


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _combined_headers(upper: tuple, lower: tuple) -> list[str]:
    """Two header rows from merged cells: a group label spans the columns under it until the next one;
    a column merged vertically has its text in the upper row only."""
    out: list[str] = []
    group = ""
    for i in range(max(len(upper), len(lower))):
        u = _text(upper[i]) if i < len(upper) else ""
        lo = _text(lower[i]) if i < len(lower) else ""
        if u and lo:
            group = u
            out.append(u + lo)
        elif u:
            group = ""
            out.append(u)
        elif lo:
            out.append(group + lo if group else lo)
        else:
            out.append("")
    return out


def _score(headers: list[str], saved: dict[str, str]) -> int:
    n = 0
    for h in headers:
        key = normalize_header(h)
        if key and (key in saved or recognise(h)):
            n += 1
    return n


def read_layout(path: Path, *, court_code: str = "default", sheet: str | int = 0) -> Layout:
    """Find the header (the best of the first rows, single or two-level) and map every column."""
    reader = SheetReader(path)
    names, sheet_name, it = reader.open(sheet)
    saved = saved_mapping(court_code)
    head: list[tuple] = []
    samples_rows: list[tuple] = []
    for row in it:
        head.append(row)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    best: tuple[int, int, int, list[str]] = (0, 0, 0, [])  # score, first, last, headers
    singles = [_score([_text(v) for v in row], saved) for row in head]
    for r in range(len(head)):
        if singles[r] > best[0]:
            best = (singles[r], r, r, [_text(v) for v in head[r]])
        if r + 1 < len(head):
            two = _combined_headers(head[r], head[r + 1])
            s2 = _score(two, saved)
            if s2 > max(singles[r], singles[r + 1]) and s2 > best[0]:
                best = (s2, r, r + 1, two)
    score, first, last, headers = best
    if score < 2:
        raise ValidationError("在前12行中找不到表头（应有“案号”“立案日期”等列名）", "表头")
    samples_rows = [r for r in head[last + 1:] if any(_text(v) for v in r)][:SAMPLE_ROWS]
    if len(samples_rows) < SAMPLE_ROWS:
        for row in it:
            if any(_text(v) for v in row):
                samples_rows.append(row)
                if len(samples_rows) >= SAMPLE_ROWS:
                    break
    it.close()
    columns: list[Column] = []
    for i, h in enumerate(headers):
        key = normalize_header(h)
        if key in saved:
            fld, source = (saved[key] or None), "本院保存"
        else:
            fld = recognise(h)
            source = "自动识别" if fld else "未识别"
        if fld == "ignore_reason":
            fld = None
        columns.append(Column(i, h, fld, source, [_text(r[i]) if i < len(r) else "" for r in samples_rows]))
    while columns and not columns[-1].header and not any(columns[-1].samples):
        columns.pop()
    node_sheet = next((n for n in names if n != sheet_name and "节点" in n), None)
    return Layout(Path(path), sheet_name, (first + 1, last + 1), columns, node_sheet, names)


def apply_mapping(layout: Layout, mapping: dict[str, str | None]) -> Layout:
    """Set fields by header text (the clerk's choices in the mapping step)."""
    labels = field_labels()
    for c in layout.columns:
        if c.header in mapping:
            value = mapping[c.header] or None
            if value is not None and value not in labels:
                raise ValidationError(f"“{value}”不是可导入的字段", f"{c.letter}列（{c.header}）")
            if value != c.field:
                c.field, c.source = value, "人工指定"
    return layout


# ---------------------------------------------------------------- cell values


_EXCEL_EPOCH = date(1899, 12, 30)
_TIME_PART = re.compile(r"^(\S+?)[T\s]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


class CellError(ValueError):
    """A cell that cannot be read as its column's kind; the message is Chinese."""


def parse_sheet_date(value: Any) -> date | None:
    """Dates as courts write them: date cells, Excel serial numbers (also as text), 2026/3/5, 2026-03-05,
    2026.3.5, 2026年3月5日, 20260305, with or without a time of day. Blank → None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError(f"“{value}”不是日期")
    if isinstance(value, int | float):
        return _serial(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    m = _TIME_PART.match(text)
    if m:
        text = m.group(1)
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _serial(float(text))
    try:
        return parse_date(text, "日期")
    except ValidationError as exc:
        raise CellError(exc.errors[0].message) from None


def _serial(n: float) -> date:
    if n != n or not 20_000 <= n <= 80_000:  # 1954 … 2119: anything else is not a date of a case
        raise CellError(f"“{_text(n)}”不是日期（Excel日期序号应在20000—80000之间）")
    return _EXCEL_EPOCH + timedelta(days=int(n))


_YUAN_NOISE = re.compile(r"[\s,，¥￥]|人民币|RMB|元整|元$|元")


def parse_sheet_amount(value: Any) -> int:
    """Amounts as courts write them → integer fen, exactly (Decimal): 15,000.00 / ¥15000 / 1.5万 / 1.5万元 /
    full-width digits / number cells. Blank is an error (the column is 申请执行标的: write 0 for none).
    Wraps ``rules.money.parse_amount`` (which has no 万) for the range and the two-decimals rule."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CellError("不能为空（无金额请填0）")
    if isinstance(value, bool):
        raise CellError(f"“{value}”不是金额")
    if isinstance(value, int):
        dec = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError("不是有效金额")
        dec = Decimal(repr(value))
        q = dec.quantize(Decimal("0.01"), ROUND_HALF_UP)
        if abs(dec - q) < Decimal("0.000001"):  # the binary float of a two-decimal cell: 1234.5600000001
            dec = q
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        text = _YUAN_NOISE.sub("", text)
        factor = Decimal(1)
        if text.endswith("万"):
            factor, text = Decimal(10_000), text[:-1]
        if not text:
            raise CellError(f"“{value}”不是金额")
        try:
            dec = Decimal(text) * factor
        except InvalidOperation:
            raise CellError(f"“{value}”不是数字金额（应如 15000.00、15,000 或 1.5万）") from None
        if not dec.is_finite():
            raise CellError(f"“{value}”不是有效金额")
    try:
        return parse_amount(dec, "金额")
    except ValidationError as exc:
        raise CellError(f"“{_text(value)}”{exc.errors[0].message}") from None


_ID_NOISE = re.compile(r"[\s\-—_'‘’]")


def parse_id_cell(value: Any) -> str | None:
    """身份证号 / 统一社会信用代码 as text. A number cell has lost digits (Excel keeps 15): say so."""
    if value is None:
        return None
    if isinstance(value, float) or (isinstance(value, int) and len(str(value)) > 15):
        raise CellError(f"“{_text(value)}”被 Excel 存成了数字，18位号码的末几位已丢失；请将该列设为文本格式后重新填写")
    text = _ID_NOISE.sub("", unicodedata.normalize("NFKC", str(value))).upper()
    return text or None


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "涉民生"}
_FALSE = {"否", "n", "no", "false", "0", "", "×", "不涉民生"}


def parse_flag(value: Any) -> bool:
    if value is None:
        return False
    t = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise CellError(f"“{value}”应为“是”或“否”")


def clean_text(value: Any) -> str:
    return "".join(_text(value).split()) if value is not None else ""


_ROLE = {"申请执行人": "申请执行人", "申请人": "申请执行人", "债权人": "申请执行人",
         "被执行人": "被执行人", "被申请人": "被执行人", "被申请执行人": "被执行人", "债务人": "被执行人",
         "委托代理人": "委托代理人", "代理人": "委托代理人"}
_KIND = {"自然人": "自然人", "个人": "自然人", "公民": "自然人", "法人": "法人", "公司": "法人", "单位": "法人",
         "企业": "法人", "非法人组织": "非法人组织", "其他组织": "非法人组织"}
_ORG_WORDS = ("公司", "银行", "厂", "中心", "合作社", "事务所", "委员会", "集团", "商行", "学校", "医院", "协会",
              "政府", "局", "店", "部", "所", "院", "社", "处")
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_SPLIT = re.compile(r"[、；;,，/\n]+")


def party_kind(name: str, id_number: str | None, given: str | None = None) -> str:
    """自然人 or 法人 from what the sheet gives: a kind column, else the number's shape (a resident ID is 17
    digits with a birth date at 7–14 and a digit or X; a credit code is anything else of 18), else the name.
    Cheap on purpose (no check-digit work: validation proper comes after, once)."""
    if given:
        return _KIND.get(given.strip(), given.strip())
    if id_number and len(id_number) == 18:
        born = id_number[6:14]
        if _ID_SHAPE.match(id_number) and born[:2] in ("19", "20") and "01" <= born[4:6] <= "12":
            return "自然人"
        return "法人"
    return "法人" if any(w in name for w in _ORG_WORDS) and len(name) > 4 else "自然人"


_DOC_TYPES = ("民事判决书", "民事调解书", "民事裁定书", "刑事判决书", "刑事裁定书", "行政判决书", "行政裁定书",
              "行政调解书", "仲裁裁决书", "仲裁调解书", "公证债权文书", "支付令", "行政处罚决定书", "行政决定书",
              "判决书", "调解书", "裁定书", "裁决书")
_DOC_NUMBER = re.compile(r"[（(〔\[［]\s*\d{4}\s*[）)〕\]］][^，。；\s]*?号")


def split_basis(text: str, case_court: str, body: str | None = None, doc_type: str | None = None
                ) -> tuple[BasisInput | None, list[str]]:
    """执行依据 written as one text (“（2025）鲁0102民初1234号民事判决书”, “济南仲裁委员会（2025）济仲字第12号裁决书”)
    → issuing body, document type, number. Returns notes for what had to be assumed."""
    notes: list[str] = []
    t = clean_text(text)
    if not t:
        return None, notes
    m = _DOC_NUMBER.search(t)
    number = m.group(0) if m else t
    rest_before = t[:m.start()] if m else ""
    rest_after = t[m.end():] if m else ""
    dtype = (doc_type or "").strip() or next((d for d in _DOC_TYPES if d in rest_after or d in rest_before), "")
    if not dtype:
        dtype = "生效法律文书"
        notes.append("执行依据未写明文书名称，记为“生效法律文书”")
    issuing = (body or "").strip() or rest_before.replace(dtype, "").strip()
    if not issuing:
        mc = re.match(r"[（(]\d{4}[）)]([\u4e00-\u9fa5]\d+)", number)
        issuing = "本院" if mc and mc.group(1) == case_court else (f"{mc.group(1)}法院" if mc else "")
        if not issuing:
            issuing = "本院"
            notes.append("执行依据未写明作出机构，记为“本院”")
    return BasisInput(issuing_body=issuing, document_type=dtype, document_number=number), notes


# ---------------------------------------------------------------- preview


@dataclass(slots=True)
class Problem:
    row: int  # the sheet's row number as Excel shows it (0: the whole file)
    column: str  # "C列（立案日期）" or ""
    field: str  # Chinese field label
    message: str
    level: str = ERROR
    sheet: str = ""

    def location(self) -> str:
        """第6行 C列 (the sheet named when it is not the case sheet)."""
        where = f"第{self.row}行" if self.row else "文件"
        if self.sheet:
            where = f"{self.sheet} {where}"
        letter = self.column.split("（", 1)[0]
        return f"{where} {letter}" if letter else where

    def __str__(self) -> str:
        return f"{self.location()} {self.field}：{self.message}"


@dataclass(slots=True)
class CaseDraft:
    """One case as read from the sheet (one row, or several rows when the list has a row per party)."""

    first_row: int
    rows: list[int]
    number_text: str
    data: CaseInput | None = None
    nodes: list[tuple[int, NodeInput]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    validated: dict | None = None
    handler_name: str = ""
    party_count: int = 0

    @property
    def ok(self) -> bool:
        return self.data is not None and self.validated is not None and not any(
            p.level == ERROR for p in self.problems)

    @property
    def case_number(self) -> str:
        v = self.validated
        return str(v["number"]) if v else self.number_text

    def reason(self) -> str:
        return "；".join(f"{p.field}：{p.message}" for p in self.problems if p.level == ERROR)

    def compact(self) -> None:
        """After the checks keep only what the preview shows (案号, 立案日期, 标的, the parties as one text): the
        full validated form is made again, from ``data``, when the case is written (validate → write), so a
        100,000-case preview does not hold every party twice (memory target of the issue-15 bench)."""
        v = self.validated
        if v is not None and "parties" in v:
            self.party_count = len(v["parties"])
            self.validated = {"number": str(v["number"]), "filed": v["filed"], "amount": v["amount"]}

    def parties_text(self) -> str:
        return "；".join(f"{p.role}{p.name}" for p in self.data.parties) if self.data is not None else ""


@dataclass
class Preview:
    layout: Layout
    cases: list[CaseDraft]
    file_problems: list[Problem]
    rows_read: int
    blank_rows: int
    today: date
    node_rows: int = 0

    # A preview is not changed once built: the lists are made once (in the worker that builds it, see
    # build_preview), not again on the GUI thread each time the wizard asks (100,000 cases: seconds).
    @functools.cached_property
    def valid(self) -> list[CaseDraft]:
        return [c for c in self.cases if c.ok]

    @functools.cached_property
    def rejected(self) -> list[CaseDraft]:
        return [c for c in self.cases if not c.ok]

    @property
    def blocking(self) -> bool:
        """True when anything stops an all-or-nothing import."""
        return bool(self.rejected) or any(p.level == ERROR for p in self.file_problems)

    def problems(self) -> list[Problem]:
        out = list(self.file_problems)
        for c in self.cases:
            out.extend(c.problems)
        return out

    @functools.cached_property
    def errors(self) -> int:
        return sum(1 for p in self.file_problems if p.level == ERROR) + sum(
            1 for c in self.cases for p in c.problems if p.level == ERROR)

    def summary(self) -> str:
        errors = self.errors
        return (f"共读取{self.rows_read}行（空行{self.blank_rows}行），{len(self.cases)}件案件："
                f"可导入{len(self.valid)}件，有问题{len(self.rejected)}件（错误{errors}处）")


class _Row:
    """Cell access by field for one sheet row, recording each unreadable cell as a Problem."""

    __slots__ = ("values", "rownum", "cols", "labels", "problems", "sheet", "headers")

    def __init__(self, values: tuple, rownum: int, cols: dict[str, int], labels: dict[str, str],
                 headers: dict[int, str], sheet: str):
        self.values, self.rownum, self.cols, self.labels = values, rownum, cols, labels
        self.headers, self.sheet = headers, sheet
        self.problems: list[Problem] = []

    def raw(self, key: str) -> Any:
        i = self.cols.get(key)
        if i is None or i >= len(self.values):
            return None
        v = self.values[i]
        return None if isinstance(v, str) and not v.strip() else v

    def where(self, key: str) -> str:
        i = self.cols.get(key)
        return f"{column_letter(i)}列（{self.headers.get(i, '')}）" if i is not None else ""

    def add(self, key: str, message: str, level: str = ERROR) -> None:
        self.problems.append(Problem(self.rownum, self.where(key), self.labels.get(key, key), message, level,
                                     self.sheet))

    def get(self, key: str, parse: Callable[[Any], Any], default: Any = None) -> Any:
        v = self.raw(key)
        if v is None:
            return default
        try:
            return parse(v)
        except CellError as exc:
            self.add(key, str(exc))
            return default
        except Exception as exc:  # noqa: BLE001 - a cell must never crash the preview
            self.add(key, f"无法识别“{_text(v)[:30]}”（{type(exc).__name__}）")
            return default


_NO_DATA: dict = {}  # shared, never mutated: add_node copies a node's data (one empty dict, not one per node)

# validate_case's field labels → our field key (to point a message at its cell)
_CASE_FIELD = {"案号": "case_number", "立案日期": "filed_on", "收案日期": "received_on", "分案日期": "assigned_on",
               "申请执行标的": "amount", "案由": "cause", "承办人": "handler", "书记员": "clerk"}


class _Context:
    """What the checks need from the database, read once (chunked IN queries), never per row."""

    def __init__(self, store, numbers: set[str], basis_numbers: set[str]):
        from sqlalchemy import select

        from execdesk.models import Case, ExecutionBasis, Party

        self.existing: set[str] = set()
        self.basis_keys: dict[tuple, str] = {}
        with store.read() as s:
            nums = list(numbers)  # not sorted(): one C call over 100,000 strings holds the GIL (a stall of the GUI)
            for i in range(0, len(nums), 500):
                self.existing.update(s.scalars(select(Case.case_number).where(Case.case_number.in_(nums[i:i + 500]))))
            bnums = list(basis_numbers)
            for i in range(0, len(bnums), 500):
                rows = s.execute(select(ExecutionBasis.document_number, Case.case_number, Case.id)
                                 .join(Case, Case.id == ExecutionBasis.case_id)
                                 .where(ExecutionBasis.document_number.in_(bnums[i:i + 500]))).all()
                ids = [r[2] for r in rows]
                parties: dict[str, list[tuple[str, str]]] = {}
                for j in range(0, len(ids), 500):
                    for cid, role, name, idn in s.execute(select(Party.case_id, Party.role, Party.name, Party.id_number)
                                                          .where(Party.case_id.in_(ids[j:j + 500]))):
                        parties.setdefault(cid, []).append((role, idn or name))
                for bnum, cnum, cid in rows:
                    self.basis_keys[_dup_key(bnum, parties.get(cid, []))] = cnum


def _dup_key(basis_number: str, parties: list[tuple[str, str]]) -> tuple:
    return (basis_number, frozenset(p for p in parties if p[0] in ("申请执行人", "被执行人")))


def _parties_from_row(r: _Row, per_party: bool, court: str) -> list[tuple[int, PartyInput]]:
    out: list[tuple[int, PartyInput]] = []
    if per_party:
        name = clean_text(r.raw("party_name"))
        if not name:
            return out
        role_text = clean_text(r.raw("party_role"))
        role = _ROLE.get(role_text)
        if role is None:
            r.add("party_role", f"“{role_text}”应为申请执行人、被执行人或委托代理人" if role_text else "不能为空")
            return out
        idn = r.get("party_id", parse_id_cell)
        kind = party_kind(name, idn, clean_text(r.raw("party_kind")) or None)
        out.append((r.rownum, PartyInput(role=role, kind=kind, name=name, id_number=idn)))
        return out
    for role, nkey, ikey in (("申请执行人", "applicant", "applicant_id"), ("被执行人", "debtor", "debtor_id")):
        names = [n for n in _SPLIT.split(clean_text(r.raw(nkey))) if n]
        ids_raw = r.raw(ikey)
        if ids_raw is None:
            ids: list[str | None] = []
        elif isinstance(ids_raw, str):
            ids = [parse_id_cell(x) for x in _SPLIT.split(ids_raw) if x.strip()]
        else:
            one = r.get(ikey, parse_id_cell)
            ids = [one] if one else []
        if ids and len(ids) != len(names):
            r.add(ikey, f"有{len(names)}个名称却有{len(ids)}个证件号码，无法对应")
            ids = ids[:len(names)] if len(ids) > len(names) else ids + [None] * (len(names) - len(ids))
        for k, name in enumerate(names):
            idn = ids[k] if k < len(ids) else None
            out.append((r.rownum, PartyInput(role=role, kind=party_kind(name, idn), name=name, id_number=idn)))
    return out


def _node_columns(cols: dict[str, int]) -> list[tuple[str, str]]:
    return [(k, k[len(NODE_PREFIX):]) for k in cols if k.startswith(NODE_PREFIX)]


def node_label(code: str) -> str:
    from execdesk.services.node_catalogue import node_catalogue

    entry = node_catalogue().get(code)
    return f"节点“{entry['name']}”" if entry else f"节点{code}"


@dataclass(frozen=True)
class _CaseDates:
    """The type and dates of a case not written yet, as validate_node reads them (cases.NodeCase)."""

    type_code: str
    received_on: date | None
    filed_on: date


def _validate_draft(d: CaseDraft, today: date, ctx: _Context, party_rows: list[int], cols: dict[str, int],
                    headers: dict[int, str], labels: dict[str, str], sheet: str, node_sheet: str | None = None) -> None:
    """Run the typed-case validation on the draft and point every message at its row and cell."""
    from execdesk.services.cases import validate_case, validate_node

    def where(key: str) -> str:
        i = cols.get(key)
        return f"{column_letter(i)}列（{headers.get(i, '')}）" if i is not None else ""

    assert d.data is not None  # the caller skips a draft without case data
    already = {p.field for p in d.problems}
    try:
        d.validated = validate_case(d.data, today)
    except ValidationError as exc:
        d.validated = None
        for e in exc.errors:
            m = re.match(r"第(\d+)位当事人(.*)", e.field)
            if m:
                k = int(m.group(1)) - 1
                row = party_rows[k] if 0 <= k < len(party_rows) else d.first_row
                rest = m.group(2)
                p = d.data.parties[k] if 0 <= k < len(d.data.parties) else None
                label = f"{p.role}“{p.name}”{rest}" if p else e.field
                key = ("party_id" if "party_id" in cols else ("applicant_id" if p and p.role == "申请执行人" else "debtor_id")) \
                    if any(w in rest for w in ("身份证", "信用代码", "证件")) else \
                    ("party_name" if "party_name" in cols else ("applicant" if p and p.role == "申请执行人" else "debtor"))
                d.problems.append(Problem(row, where(key), label, e.message, ERROR, sheet))
                continue
            cell = _CASE_FIELD.get(e.field)
            if cell and labels.get(cell) in already:
                continue  # the cell's own message already says it
            if e.field == "当事人":
                cell = "party_name" if "party_name" in cols else ("applicant" if "申请执行人" in e.message else "debtor")
            if e.field.startswith("执行依据") or e.field == "申请执行日期":
                cell = "basis"
            d.problems.append(Problem(d.first_row, where(cell) if cell else "", e.field, e.message, ERROR, sheet))
        return
    v = d.validated
    number = str(v["number"])
    if number in ctx.existing:
        d.problems.append(Problem(d.first_row, where("case_number"), "案号", f"{number} 本地已有，不能重复登记（重复案件）",
                                  ERROR, sheet))
    # nodes: the typed-node validation against this case's dates and type
    shadow = _CaseDates(type_code=v["number"].type_code, received_on=v["received"], filed_on=v["filed"])
    for rownum, node in d.nodes:
        try:
            validate_node(node, shadow, today)
        except ValidationError as exc:
            name = labels.get(NODE_PREFIX + node.code, node.code)
            for e in exc.errors:
                if rownum < 0:  # a row of the node sheet
                    d.problems.append(Problem(-rownum, "", node_label(node.code), f"{e.field}{e.message}", ERROR,
                                              node_sheet or ""))
                else:
                    d.problems.append(Problem(rownum, where(NODE_PREFIX + node.code), name,
                                              f"{e.field}{e.message}", ERROR, sheet))


@contextmanager
def _no_collector_pauses() -> Iterator[None]:
    """Python's cyclic garbage collector off while a list is read, and what was built frozen after.

    A preview allocates millions of objects that live to its end and form no reference cycles (freed by their
    counts when the preview goes), yet each full collection walks all of them: measured at 10,000 rows, 97
    collections took 1.5 s of 3.6 s CPU, the longest 1.1 s — with the GIL held, so the desktop's window froze
    that long while the worker thread collected. Frozen (``gc.freeze``), the preview's objects are not walked
    again by later collections in the GUI thread either."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


def build_preview(store, layout: Layout, *, today: date | None = None, progress: Progress | None = None) -> Preview:
    """Read every row, parse, check; write nothing. ``progress`` is called every 500 rows."""
    with _no_collector_pauses():
        return _build_preview(store, layout, today=today, progress=progress)


def _build_preview(store, layout: Layout, *, today: date | None, progress: Progress | None) -> Preview:
    today = today or date.today()
    labels = field_labels()
    cols = layout.by_field()
    headers = {c.index: c.header for c in layout.columns}
    sheet = ""  # problems of the case sheet carry no sheet name; those of the node sheet do
    file_problems = [Problem(0, "", "列对应", f"缺少必需的列：{m}（请在列对应中指定）") for m in layout.missing_required()]
    per_party = "party_name" in cols
    reader = SheetReader(layout.path)
    drafts: list[CaseDraft] = []
    party_rows: dict[int, list[int]] = {}  # id(draft) → row of each party, in order
    by_number: dict[str, CaseDraft] = {}
    current: CaseDraft | None = None
    rows_read = blank = 0
    court = ""
    node_cols = _node_columns(cols)
    case_level = ("filed_on", "received_on", "assigned_on", "amount", "cause", "handler", "basis")
    seen_values: dict[int, dict[str, Any]] = {}
    canonical: dict[int, str] = {}  # id(draft) → canonical 案号 (parsed once)
    users = _users(store)
    for rownum, values in enumerate(reader.rows(layout.sheet), 1):
        if rownum < layout.data_start:
            continue
        rows_read += 1
        if not any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
            blank += 1
            continue
        r = _Row(values, rownum, cols, labels, headers, sheet)
        number_text = clean_text(r.raw("case_number"))
        d: CaseDraft | None  # the row's case: a CaseDraft on every path that goes on
        if not number_text:
            if current is None:
                r.add("case_number", "不能为空（第一件案件之前的行没有案号）")
                d = CaseDraft(rownum, [rownum], "", problems=r.problems)
                drafts.append(d)
                continue
            d = current  # a continuation row: merged 案号 cells, or one row per party
        else:
            d = by_number.get(number_text)
            if d is not None and not per_party:
                r.add("case_number", f"与第{d.first_row}行案号重复（同一文件中出现两次）")
                dup = CaseDraft(rownum, [rownum], number_text, problems=r.problems)
                drafts.append(dup)
                current = dup
                continue
            if d is None:
                d = CaseDraft(rownum, [rownum], number_text)
                by_number[number_text] = d
                drafts.append(d)
                if per_party:  # in a row-per-case list every party is on the case's row
                    party_rows[id(d)] = []
                    seen_values[id(d)] = {}
            else:
                d.rows.append(rownum)
            current = d
        if d.rows[-1] != rownum:
            d.rows.append(rownum)
        if d.data is None and d.number_text:
            try:
                parsed = parse_case_number(d.number_text, today=today)
                court = parsed.court_code
                canonical[id(d)] = str(parsed)
            except ValidationError:
                court = ""
            basis_text = r.raw("basis")
            basis, notes = split_basis(_text(basis_text), court, clean_text(r.raw("basis_body")) or None,
                                       clean_text(r.raw("basis_type")) or None) if basis_text is not None else (None, [])
            for n in notes:
                r.add("basis", n, NOTE)
            if basis is not None:
                basis.effective_on = r.get("basis_effective", parse_sheet_date)
            handler_name = clean_text(r.raw("handler"))
            handler = None
            if handler_name:
                handler = users.get(handler_name)
                if handler is None:
                    r.add("handler", f"本地没有名为“{handler_name}”的承办人账号（请核对姓名，或先添加该用户）")
            clerk_name = clean_text(r.raw("clerk"))
            clerk = users.get(clerk_name) if clerk_name else None
            if clerk_name and clerk is None:
                r.add("clerk", f"本地没有名为“{clerk_name}”的账号", NOTE)
            filed = r.get("filed_on", parse_sheet_date)
            amount_fen = r.get("amount", parse_sheet_amount)
            if r.raw("amount") is None:
                r.add("amount", "不能为空（无金额请填0）")
            d.data = CaseInput(
                case_number=d.number_text, filed_on=filed if filed is not None else "",
                cause=sys.intern(clean_text(r.raw("cause"))),
                amount_claimed=str(Decimal(amount_fen) / 100) if amount_fen is not None else "",
                received_on=r.get("received_on", parse_sheet_date), assigned_on=r.get("assigned_on", parse_sheet_date),
                handler_username=handler, clerk_username=clerk, basis=basis,
                is_livelihood=bool(r.get("is_livelihood", parse_flag, False)),
                notes=_text(r.raw("notes")) or None)
            d.handler_name = handler_name
            if r.raw("filed_on") is None:
                r.add("filed_on", "不能为空")
            if per_party:  # the case's values, to compare the case's other rows with
                sv = seen_values[id(d)]
                for k in case_level:
                    sv[k] = _text(r.raw(k))
        elif d.data is not None and per_party:
            sv = seen_values[id(d)]
            for k in case_level:
                t = _text(r.raw(k))
                if t and sv.get(k) and t != sv[k]:
                    r.add(k, f"与第{d.first_row}行的{labels[k]}“{sv[k]}”不一致（同一案号的行应一致）")
        if d.data is not None:
            for prow, p in _parties_from_row(r, per_party, court):
                d.data.parties.append(p)
                if per_party:
                    party_rows[id(d)].append(prow)
            for key, code in node_cols:
                on = r.get(key, parse_sheet_date)
                if on is not None and code not in ("N01", "N02") and not any(
                        n.code == code and n.ended_on == on for _, n in d.nodes):
                    d.nodes.append((rownum, NodeInput(code=code, started_on=on, ended_on=on,
                                                      description="Excel补录", data=_NO_DATA)))
        d.problems.extend(r.problems)
        if progress is not None and rows_read % 500 == 0:
            progress(rows_read, 0)  # the number of rows is known only at the end of a streamed sheet
    node_rows = 0
    if layout.node_sheet:
        node_rows = _read_node_sheet(reader, layout.node_sheet, by_number, file_problems)
    # duplicates, validation, database checks
    numbers: set[str] = set()
    basis_numbers: set[str] = set()
    for d in drafts:
        if d.data is not None:
            if id(d) in canonical:
                numbers.add(canonical[id(d)])
            if d.data.basis:
                basis_numbers.add(d.data.basis.document_number)
    ctx = _Context(store, numbers, basis_numbers)
    seen_keys: dict[tuple, CaseDraft] = {}
    canon_seen: dict[str, CaseDraft] = {}
    total = len(drafts)
    for i, d in enumerate(drafts, 1):
        if d.data is None:
            continue
        prows = party_rows.get(id(d)) or [d.first_row] * len(d.data.parties)
        _validate_draft(d, today, ctx, prows, cols, headers, labels, sheet, layout.node_sheet)
        if d.validated:
            canon = str(d.validated["number"])
            other = canon_seen.get(canon)
            if other is not None and other is not d:  # same number written differently: (2026) vs （2026）
                d.problems.append(Problem(d.first_row, "", "案号", f"与第{other.first_row}行是同一案号{canon}", ERROR, sheet))
            canon_seen.setdefault(canon, d)
            if d.data.basis:
                dup_key = _dup_key(d.data.basis.document_number,
                                   [(p["role"], p["id_number"] or p["name"]) for p in d.validated["parties"]])
                is_restart = d.validated["number"].type_code == "执恢"  # 恢复执行: same parties and basis by law
                if dup_key in ctx.basis_keys and not is_restart:
                    d.problems.append(Problem(d.first_row, "", "重复立案",
                                              f"与本地已有的{ctx.basis_keys[dup_key]}当事人和执行依据相同（疑似同一案件重复登记）",
                                              ERROR, sheet))
                elif dup_key in seen_keys and not is_restart:
                    o = seen_keys[dup_key]
                    d.problems.append(Problem(d.first_row, "", "重复立案",
                                              f"与第{o.first_row}行（{o.case_number}）当事人和执行依据相同（疑似同一案件重复登记）",
                                              ERROR, sheet))
                seen_keys.setdefault(dup_key, d)
            d.compact()
        if progress is not None and i % 500 == 0:
            progress(rows_read + i, rows_read + total)
    preview = Preview(layout, drafts, file_problems, rows_read, blank, today, node_rows)
    preview.valid, preview.rejected, preview.errors  # noqa: B018 - made here, in the worker (cached)
    return preview


def _users(store) -> dict[str, str]:
    """display name or username → username, for the 承办人 column (read once per preview)."""
    from sqlalchemy import select

    from execdesk.models import User

    got: dict[str, str] = {}
    with store.read() as s:
        for username, display in s.execute(select(User.username, User.display_name).where(User.active)):
            got.setdefault(display, username)
            got.setdefault(username, username)
    return got


def _read_node_sheet(reader: SheetReader, sheet: str, by_number: dict[str, CaseDraft],
                     problems: list[Problem]) -> int:
    """A second sheet with one row per node: 案号 | 节点 | 日期 (| 开始日期 | 说明 | 文书号)."""
    from execdesk.services.node_catalogue import node_catalogue

    spec = vocabulary()["node_sheet"]
    cat = node_catalogue()
    by_name = {normalize_header(v["name"]): k for k, v in cat.items()}
    for code, syns in vocabulary()["nodes"].items():
        for s in syns:
            by_name.setdefault(normalize_header(s), code)
    cols: dict[str, int] = {}
    count = 0
    for rownum, values in enumerate(reader.rows(sheet), 1):
        if not cols:
            texts = [normalize_header(v) for v in values]
            for key, syns in spec.items():
                for i, t in enumerate(texts):
                    if t in {normalize_header(s) for s in syns} and key not in cols:
                        cols[key] = i
            if not ("case_number" in cols and "node" in cols and ("date" in cols or "started_on" in cols)):
                cols = {}
                if rownum >= HEADER_SCAN_ROWS:
                    problems.append(Problem(0, "", "节点表", f"工作表“{sheet}”没有“案号”“节点”“日期”列，未读取节点",
                                            NOTE, sheet))
                    return 0
            continue
        if not any(_text(v) for v in values):
            continue

        def cell(key: str, values: tuple = values, cols: dict = cols) -> Any:
            i = cols.get(key)
            return values[i] if i is not None and i < len(values) else None

        count += 1
        number = clean_text(cell("case_number"))
        d = by_number.get(number)
        if d is None or d.data is None:
            problems.append(Problem(rownum, "", "节点表案号", f"“{number}”不在案件表中", ERROR, sheet))
            continue
        d.rows.append(-rownum)  # negative: a row of the node sheet (for the rejected-rows file)
        node_text = normalize_header(cell("node"))
        code = node_text.upper() if node_text.upper() in cat else by_name.get(node_text)
        if code is None:
            d.problems.append(Problem(rownum, "", "节点", f"“{node_text}”不在节点目录中", ERROR, sheet))
            continue
        try:
            ended = parse_sheet_date(cell("date"))
            started = parse_sheet_date(cell("started_on")) or ended
        except CellError as exc:
            d.problems.append(Problem(rownum, "", "节点日期", str(exc), ERROR, sheet))
            continue
        if ended is None and started is None:
            d.problems.append(Problem(rownum, "", "节点日期", "不能为空", ERROR, sheet))
            continue
        if code in ("N01", "N02"):
            continue  # from 立案日期 / 分案日期 of the case row
        d.nodes.append((-rownum, NodeInput(code=code, started_on=started, ended_on=ended,
                                          status="已完成" if ended else "进行中",
                                          description=_text(cell("description")) or "Excel补录",
                                          document_number=_text(cell("document_number")) or None)))
    return count


# ---------------------------------------------------------------- writing (the one function that writes)


@dataclass
class ImportResult:
    imported: int
    case_ids: list[str]
    rejected: int
    rejected_file: Path | None = None


def write_import(store, actor, preview: Preview, *, valid_only: bool = False, today: date | None = None,
                 progress: Progress | None = None) -> list[str]:
    """Write the previewed cases in ONE transaction: all of them (refused while any row has an error), or
    with ``valid_only`` only the valid ones, through the one write pipeline: each case is registered
    (``cases.register_in``: audit and outbox like a typed case), its node history is written with the business
    records the nodes evidence (``cases.add_node``), and the derived values of every imported case are refreshed
    once, before the commit. An exception from ``progress`` (取消) rolls everything back."""
    from sqlalchemy import event

    from execdesk.models import Case
    from execdesk.services import pipeline
    from execdesk.services.cases import add_node, register_in, validate_case

    today = today or preview.today
    if preview.blocking and not valid_only:
        raise ValidationError(refusal(preview))
    todo = preview.valid
    ids: list[str] = []
    latest: list[Case] = []  # the case register_in just added (it returns its id; the session holds it weakly)

    def added(_session, obj) -> None:
        if isinstance(obj, Case):
            latest[:] = [obj]

    with pipeline.write(store, actor, today=today) as w:
        session = w.session
        event.listen(session, "transient_to_pending", added)
        # Every row is flushed by its own audit entry (changes.record_change), so a query of the import (does
        # the 案号 exist, the case's debtors, the next node number) never needs the pending audit and outbox
        # rows flushed first: without autoflush they go in with the next row's flush, in fewer statements.
        try:
            with session.no_autoflush:
                for i, d in enumerate(todo, 1):
                    try:
                        # validate → write: the full validated form, made again from the sheet's values (the
                        # preview keeps only a summary of each valid case)
                        assert d.data is not None  # a valid draft has its case data
                        case_id = register_in(w, d.data, validate_case(d.data, today))
                        if d.nodes:
                            case = latest[0] if latest and latest[0].id == case_id else session.get_one(Case, case_id)
                            for _row, node in sorted(d.nodes, key=lambda rn: (rn[1].ended_on or rn[1].started_on,
                                                                                rn[1].code)):
                                add_node(w, case, node)
                    except ValidationError as exc:  # changed since the preview (another clerk registered it)
                        raise ValidationError([FieldError(f"第{d.first_row}行 {d.case_number}", str(exc))]) from exc
                    ids.append(case_id)
                    latest.clear()
                    if progress is not None:
                        progress(i, len(todo))
        finally:
            event.remove(session, "transient_to_pending", added)
    return ids


def refusal(preview: Preview, limit: int = 200) -> list[FieldError]:
    problems = [p for p in preview.problems() if p.level == ERROR]
    out = [FieldError(f"{p.location()} {p.field}", p.message) for p in problems[:limit]]
    if len(problems) > limit:
        out.append(FieldError("其余", f"另有{len(problems) - limit}处问题，请在预览或未导入行文件中查看"))
    return out or [FieldError("文件", "没有可导入的案件")]


# ---------------------------------------------------------------- rejected rows → .xlsx that reimports


REASON_HEADER = "未导入原因"


def export_rejected(preview: Preview, out: Path) -> int:
    """Write the rejected cases' rows (all their rows, node-sheet rows too) with the original values and a
    未导入原因 column. The file has one header row with the same column names, so once fixed it imports
    with the same mapping. Returns the number of rows written; the file appears whole or not at all."""
    import openpyxl

    rejected = preview.rejected
    want: dict[int, str] = {}
    want_nodes: dict[int, str] = {}
    for d in rejected:
        reason = d.reason()
        for r in d.rows:
            if r > 0:
                want.setdefault(r, "")
            else:
                want_nodes.setdefault(-r, "")
        for p in d.problems:
            if p.level != ERROR:
                continue
            target = want_nodes if p.sheet and p.row in want_nodes else want
            row = p.row if p.row in target else d.first_row
            target[row] = (target.get(row, "") + "；" if target.get(row) else "") + f"{p.field}：{p.message}"
        if not any(want.get(r) for r in d.rows if r > 0):
            want[d.first_row] = reason or "有错误"
    layout = preview.layout
    reader = SheetReader(layout.path)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(layout.sheet[:31] or "案件")
    headers = [c.header for c in layout.columns]
    ws.append(headers + [REASON_HEADER])
    width = len(headers)
    written = 0
    for rownum, values in enumerate(reader.rows(layout.sheet), 1):
        if rownum in want:
            vals = list(values[:width]) + [None] * (width - len(values))
            ws.append([_cell_out(v) for v in vals] + [want[rownum]])
            written += 1
    if layout.node_sheet and want_nodes:
        ns = wb.create_sheet(layout.node_sheet[:31])
        for rownum, values in enumerate(reader.rows(layout.node_sheet), 1):
            if rownum == 1 or rownum in want_nodes:
                ns.append([_cell_out(v) for v in values] + [REASON_HEADER if rownum == 1 else want_nodes[rownum]])
    out = Path(out)
    tmp = out.with_name(out.name + ".partial.xlsx")
    wb.save(tmp)
    os.replace(tmp, out)
    return written


def _cell_out(v: Any) -> Any:
    if isinstance(v, str) and v[:1] in "=+-@":
        return "'" + v  # never write a formula from imported text
    return v


# ---------------------------------------------------------------- one call for the CLI


def import_file(store, actor, path: Path, *, valid_only: bool = False, rejected_path: Path | None = None,
                mapping: dict[str, str | None] | None = None, today: date | None = None,
                progress: Progress | None = None) -> tuple[Preview, ImportResult]:
    today = today or date.today()
    layout = read_layout(path, court_code=court_code_of(store))
    if mapping:
        apply_mapping(layout, mapping)
    preview = build_preview(store, layout, today=today)
    if preview.blocking and not valid_only:
        raise ValidationError(refusal(preview))
    if any(p.level == ERROR for p in preview.file_problems):
        raise ValidationError(refusal(preview))
    ids = write_import(store, actor, preview, valid_only=valid_only, today=today, progress=progress)
    written_file = None
    if preview.rejected and rejected_path is not None:
        export_rejected(preview, rejected_path)
        written_file = Path(rejected_path)
    return preview, ImportResult(len(ids), ids, len(preview.rejected), written_file)
