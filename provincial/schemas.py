"""Declared request schemas: what a push may contain, per entity (types, ranges, lengths, depth, finite numbers).

Two layers, so that no input reaches a server error and every stored answer can be sent again:

1. ``parse_json`` reads every request body: nesting depth (orjson's own limit while parsing, then the
   parsed containers level by level — never recursion), finite numbers
   only (NaN / Infinity / 1e999 are refused when parsing), no NUL characters; integers beyond 64 bits
   arrive as floats and fail every integer field. A body that breaks these is refused whole (HTTP 422); the client splits the batch
   down to the offending change and quarantines it (docs/sync-protocol.md §6).
2. ``check_change`` validates one change against the envelope and its entity's declared fields, with
   one checker function per entity compiled from the declarations at import (``check_change_slow`` is
   the reference definition they are tested against). A change that breaks its entity's schema is
   answered ``rejected`` (code ``invalid``) with the field named, and the rest of the batch goes on.

The field lists mirror the desktop's synced columns (execdesk.models, payload schema 1). A field the schema
does not declare is accepted (a newer desktop may send more) but stays inside the generic bounds of layer 1.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from itertools import accumulate
from typing import Any

import orjson

MAX_DEPTH = 12  # whole request body; a change's fields sit at depth 5, a node's data/list values at 6-8
MAX_NODES = 400_000  # JSON values in one body (8 MB of JSON cannot hold much more sensible data)
MAX_STRING = 65_536  # characters in any one string
INT64 = 2**63 - 1
INT32 = 2**31 - 1
MAX_FEN = 10**15  # 10 万亿元
TEXT = 20_000  # free-text fields


class BodyError(ValueError):
    """The body as a whole is outside the protocol's bounds (answered 422 / 400 with this message)."""


_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)  # unrolled: one step per run of plain bytes
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {0x5B: 1, 0x7B: 1, 0x5D: -1, 0x7D: -1}


def nesting_depth(raw: bytes) -> int:
    """Deepest nesting of a JSON text, from its bytes (strings removed first), without parsing it: in C
    loops (re, bytes.translate, itertools.accumulate), so a 100,000-deep body costs no recursion at all."""
    structure = _STRINGS.sub(b"", raw).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, structure)), default=0)


def parse_json(raw: bytes) -> Any:
    """The body as JSON within the protocol's bounds, or ``BodyError``.

    NUL is refused first (PostgreSQL text cannot hold it); then orjson parses, refusing NaN, Infinity,
    numbers that overflow to infinity (Python's json accepts all three) and nesting beyond 1,024 levels
    (its own limit, checked without recursion); then the parsed containers are walked level by level for
    ``MAX_DEPTH``. (Counting brackets in the bytes first, ``nesting_depth``, took 15 % of a push's server
    time: a regular expression over every string of the body.)"""
    if b"\\u0000" in raw:
        raise BodyError("请求中的文本含有空字符（\\u0000）")
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if "depth" in str(exc) or "recursion" in str(exc):
            raise BodyError(f"请求嵌套层数过深（最多{MAX_DEPTH}层）") from exc
        raise BodyError(f"不是有效的JSON（{str(exc)[:80]}）") from exc
    if _too_deep(value, MAX_DEPTH):
        raise BodyError(f"请求嵌套层数过深（最多{MAX_DEPTH}层）")
    return value


def _too_deep(value: Any, limit: int) -> bool:
    """True when containers nest deeper than ``limit`` (``{"a": [1]}`` is 2 deep, as ``nesting_depth``
    counts brackets). Breadth first, iteratively: only containers are kept for the next level."""
    level = [value] if type(value) is dict or type(value) is list else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        deeper = []
        for v in level:
            for x in (v.values() if type(v) is dict else v):
                if type(x) is dict or type(x) is list:
                    deeper.append(x)
        level = deeper
    return False


def dumps(value: Any) -> str:
    """JSON text as stored and answered (orjson: compact, UTF-8, never NaN)."""
    return orjson.dumps(value).decode()


def check_json_bounds(value: Any) -> None:
    """Depth, size, integer range and text checks of an already parsed value, iteratively (used for values
    that did not come through ``parse_json``, e.g. in tests and tools)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    nodes = 0
    while stack:
        v, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise BodyError("请求包含的数据项过多")
        if depth > MAX_DEPTH:
            raise BodyError(f"请求嵌套层数过深（最多{MAX_DEPTH}层）")
        if isinstance(v, dict):
            for k, item in v.items():
                if len(k) > 256 or "\x00" in k:
                    raise BodyError("请求中含有不合规的字段名")
                stack.append((item, depth + 1))
        elif isinstance(v, list):
            stack.extend((item, depth + 1) for item in v)
        elif isinstance(v, bool) or v is None:
            continue
        elif isinstance(v, int):
            if not -INT64 <= v <= INT64:
                raise BodyError("请求中的整数超出范围")
        elif isinstance(v, float):
            if not math.isfinite(v):
                raise BodyError("请求中含有非有限数值")
        elif isinstance(v, str):
            if len(v) > MAX_STRING:
                raise BodyError("请求中的文本过长")
            if "\x00" in v:
                raise BodyError("请求中的文本含有空字符（\\u0000）")


# ---------------------------------------------------------------- per-entity field declarations

# Kinds: ("str", max_len) · ("text",) · ("int", lo, hi) · ("bool",) · ("date",) · ("datetime",) · ("list",)
# · ("dict",) · ("id",). A trailing "?" in the spec string below means null is allowed.
_ID = ("str", 36)
_SPECS: dict[str, str] = {
    "case": "case_number:s40 year:i(1949,2200) court_code:s16 type_code:s8 serial:i(0,99999999) "
            "received_on:d? filed_on:d assigned_on:d? handler:ref? clerk:ref? cause:s64 "
            "amount_claimed_fen:fen is_livelihood:b is_non_litigation:b debtor_missing:b obstruction:b "
            "applicant_requested_zhongben:b origin_case_id:id? status:s8 closure_method:s16? closed_on:d? notes:t?",
    "party": "seq:i(0,100000) role:s8 kind:s8 name:s128 id_number:s18? sex:s2? birth_date:d? ethnicity:s16? "
             "address:s256? phone:s32? legal_rep:s32? legal_rep_title:s32? represents_party_id:id? deceased:b",
    "execution_basis": "issuing_body:s64 document_type:s32 document_number:s64 effective_on:d? cause:s64? "
                       "content:t? applied_on:d?",
    "node": "code:s8 seq:i(0,1000000) name:s32 started_on:d? due_on:d? ended_on:d? status:s8 handler_name:s32? "
            "limit_days:i(-100000,100000)? actual_days:i(-100000,100000)? linked_entity:s32? linked_id:id? "
            "description:t? document_number:s64? data:dict corrects_id:id?",
    "property_lead": "source:s32 content:t given_on:d urgent:b verified_on:d? result:t?",
    "property_inquiry": "party_id:id? method:s8 scopes:list queried_on:d feedback_on:d? result:t? found_property:b",
    "found_asset": "party_id:id? kind:s16 description:t value_fen:fen not_executable_reason:t? disposed:b",
    "measure": "party_id:id? kind:s16 asset_kind:s16? started_on:d expires_on:d? released_on:d? "
               "document_number:s64? amount_fen:fen description:t? not_applicable_reason:t?",
    "payment": "kind:s8 amount_fen:fen paid_on:d route:s32? description:t?",
    "deduction": "kind:s16 started_on:d ended_on:d? document_number:s64? reason:t?",
    "extension": "reason:t applied_on:d approver:s32 approving_body:s64? approved_on:d months:i(0,120) "
                 "high_court_filed:b document_number:s64?",
    "approval": "subject:s16 route:s32 step:s16 approver:ref? approver_name:s32 decision:s8 opinion:t? "
                "decided_at:dt draft_sha256:s64?",
    "explanation": "reasons:list reason_text:t? next_steps:t? planned_close_on:d? planned_method:s16? "
                   "director_opinion:t? status:s8",
    "interview": "node_id:id? held_on:d method:s8 place:s128? attendees:s256? agreed:s4? "
                 "leads_deadline_days:i(0,100000)?",
    "supervision_reply": "reply:s4000 replied_by:s64? replied_at:dt?",
    # Approvals on the approver's own PC (issue 13 item 4; provincial/approvals.py checks the rest).
    "approval_request": "case_number:s40 subject:s16 draft_sha256:s64 draft:dict checklist:list steps:list "
                        "supersedes:id? ruling_date:d? panel:list? ordered:b? requester_name:s32?",
    "approval_decision": "request_id:id step:s16 decision:s8 opinion:t? decided_on:d draft_sha256:s64 "
                         "approver_name:s32? panel:list?",
    # 移交 (issue 13): the 承办人 of a case changes inside the court (provincial/register.py).
    "handover": "from:ref? to:ref reason:s2000? handed_over_on:d? case_number:s40?",
}
# Fields that name a person. The platform never takes them as who did something: the account that did it
# is the one in the bearer token (PChange.account, PEntity.account, PFeedItem.replied_by). What the body says
# is kept as the court's own record (a name the court's desktop typed), never as the platform's attribution.
IDENTITY_FIELDS: dict[str, tuple[str, ...]] = {
    "approval": ("approver", "approver_name"),
    "extension": ("approver",),
    "node": ("handler_name",),
    "supervision_reply": ("replied_by",),
}
# Payload schema 2 (protocol v2): a desktop's local row ids of courts and people never travel. A change still
# carrying one is refused with the field named (the v2 name in brackets).
LOCAL_ID_FIELDS: dict[str, dict[str, str]] = {
    "case": {"court_id": "court_code", "handler_id": "handler", "clerk_id": "clerk"},
    "approval": {"approver_id": "approver"},
}
MIN_PAYLOAD_SCHEMA = 2
_REF = re.compile(r"^[^/\x00-\x1f\x7f]{1,16}/[^/\x00-\x1f\x7f]{1,64}$")
_TOKEN = re.compile(r"^(\w+):([a-z]+)(?:(\d+)|\((-?\d+),(-?\d+)\))?(\?)?$")


def _parse_specs() -> dict[str, dict[str, tuple[tuple, bool]]]:
    out: dict[str, dict[str, tuple[tuple, bool]]] = {}
    for entity, spec in _SPECS.items():
        fields: dict[str, tuple[tuple, bool]] = {
            "id": (_ID, False), "version": (("int", 1, INT32), False)}
        if entity not in ("case", "supervision_reply"):
            fields["case_id"] = (_ID, False)
        for token in spec.split():
            m = _TOKEN.match(token)
            assert m, token
            name, kind, length, lo, hi, nullable = m.groups()
            kinds = {"s": ("str", int(length or 0)), "t": ("str", TEXT), "id": _ID, "b": ("bool",), "d": ("date",),
                     "dt": ("datetime",), "fen": ("int", -MAX_FEN, MAX_FEN), "list": ("list",), "dict": ("dict",), "ref": ("ref",)}
            if kind == "i":
                decl = ("int", int(lo), int(hi)) if lo is not None else ("int", -INT32, INT32)
            else:
                decl = kinds[kind]
            fields[name] = (decl, bool(nullable))
        out[entity] = fields
    return out


ENTITY_FIELDS = _parse_specs()
KNOWN_ENTITIES = frozenset(ENTITY_FIELDS) - {"supervision_reply", "handover", "approval_request", "approval_decision"}
_KIND_CN = {"str": "文本", "int": "整数", "bool": "是/否", "date": "日期（YYYY-MM-DD）", "datetime": "时间（ISO 8601）",
            "list": "列表", "dict": "对象",
            "ref": "人员标识（法院代字/用户名，如 鲁0102/zhangwei）"}


def _bad_value(decl: tuple, value: Any) -> str | None:
    kind = decl[0]
    if kind == "str":
        if not isinstance(value, str):
            return f"应为{_KIND_CN['str']}"
        if len(value) > decl[1]:
            return f"过长（最多{decl[1]}字）"
        return None
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return f"应为{_KIND_CN['int']}"
        if not decl[1] <= value <= decl[2]:
            return f"超出范围（{decl[1]}～{decl[2]}）"
        return None
    if kind == "bool":
        return None if isinstance(value, bool) else f"应为{_KIND_CN['bool']}"
    if kind == "date":
        if not isinstance(value, str) or len(value) != 10:
            return f"应为{_KIND_CN['date']}"
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"应为{_KIND_CN['date']}"
        return None
    if kind == "datetime":
        if not isinstance(value, str) or len(value) > 40:
            return f"应为{_KIND_CN['datetime']}"
        try:
            datetime.fromisoformat(value)
        except ValueError:
            return f"应为{_KIND_CN['datetime']}"
        return None
    if kind == "list":
        return None if isinstance(value, list) else f"应为{_KIND_CN['list']}"
    if kind == "ref":
        return None if isinstance(value, str) and _REF.match(value) else f"应为{_KIND_CN['ref']}"
    if kind == "dict":
        return None if isinstance(value, dict) else f"应为{_KIND_CN['dict']}"
    raise AssertionError(kind)


def check_fields(entity: str, fields: dict[str, Any], *, partial: bool = False) -> str | None:
    """The first problem with ``fields`` for ``entity`` as a Chinese sentence naming the field, or None.

    Runs the entity's compiled checker (one generated function per entity, see ``_compile``); the same
    answers as checking every declared field with ``_bad_value`` in declaration order."""
    return _FIELD_CHECKERS[entity](fields, partial)


def check_fields_slow(entity: str, fields: dict[str, Any], *, partial: bool = False) -> str | None:
    """The reference definition ``check_fields`` is compiled from (tests compare the two)."""
    declared = ENTITY_FIELDS[entity]
    for name, (decl, nullable) in declared.items():
        if name not in fields:
            continue  # an older desktop may not send a newer column
        value = fields[name]
        if value is None:
            if nullable or partial:
                continue
            return f"字段 {name} 不能为空"
        problem = _bad_value(decl, value)
        if problem:
            return f"字段 {name} {problem}"
    return None


_ENVELOPE = (("schema", ("int", 1, 1000), True), ("version", ("int", 1, INT32), False),
             ("actor", ("str", 64), True), ("id", _ID, False), ("entity", ("str", 32), False),
             ("case_id", _ID, True))


def check_change(c: dict[str, Any]) -> tuple[str, str] | None:
    """Envelope and entity-schema check of one change. Returns (code, reason) or None."""
    entity = c["entity"]
    checker = _CHANGE_CHECKERS.get(entity)
    if checker is None:
        return "unknown_entity", f"平台不接收此类数据（{entity}）"
    payload = c.get("payload")
    if type(payload) is not dict and not isinstance(payload, dict):
        return "invalid", "变更缺少内容"
    problem = _check_envelope(payload)
    if problem:
        return "invalid", problem
    fields = payload.get("fields")
    if type(fields) is not dict and not isinstance(fields, dict):
        return "invalid", "变更缺少字段内容"
    v2 = _v2_problem(entity, payload, fields)
    if v2:
        return v2
    problem = checker(fields, c.get("op") == "delete")
    if problem:
        return "invalid", problem
    return None


def _v2_problem(entity: str, payload: dict[str, Any], fields: dict[str, Any]) -> tuple[str, str] | None:
    """Protocol v2 (issue 13): a schema-1 payload, or a field holding a PC's local row id, is refused."""
    if entity != "supervision_reply" and payload.get("schema") is not None and payload["schema"] < MIN_PAYLOAD_SCHEMA:
        return "old_schema", f"变更内容格式版本过旧（schema {payload.get('schema')}），请升级ExecDesk后重新上报"
    for name, wire in LOCAL_ID_FIELDS.get(entity, {}).items():
        if name in fields:
            return "invalid", f"字段 {name} 是本机的内部编号，不能上报（协议第2版应为 {wire}）"
    return None


def check_change_slow(c: dict[str, Any]) -> tuple[str, str] | None:
    """The reference definition of ``check_change`` (field by field through ``_bad_value``)."""
    entity = c["entity"]
    if entity not in ENTITY_FIELDS:
        return "unknown_entity", f"平台不接收此类数据（{entity}）"
    payload = c.get("payload")
    if not isinstance(payload, dict):
        return "invalid", "变更缺少内容"
    for name, decl, nullable in _ENVELOPE:
        value = payload.get(name)
        if value is None:
            if nullable:
                continue
            return "invalid", f"变更内容缺少 {name}"
        problem = _bad_value(decl, value)
        if problem:
            return "invalid", f"变更内容的 {name} {problem}"
    fields = payload.get("fields")
    if not isinstance(fields, dict):
        return "invalid", "变更缺少字段内容"
    problem = _v2_problem(entity, payload, fields)
    if problem:
        return problem
    problem = check_fields_slow(entity, fields, partial=c.get("op") == "delete")
    if problem:
        return "invalid", problem
    return None


# ---------------------------------------------------------------- the compiled checkers
#
# Profiling the push showed the field-by-field interpretation of the declarations (a dispatch on the kind
# per value) as a large part of validating a batch. The declarations are turned once, at import, into one
# plain Python function per entity: a straight run of ``type(v) is …`` tests and literal bounds, no dispatch,
# no per-field call. The messages are exactly those of ``_bad_value`` (tests check both agree).


def _date_ok(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _datetime_ok(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _value_lines(decl: tuple, var: str, prefix: str, indent: str) -> list[str]:
    """Source lines that ``return prefix + problem`` when ``var`` breaks ``decl`` (same texts as _bad_value)."""
    kind = decl[0]
    if kind == "str":
        return [f"{indent}if type({var}) is not str and not isinstance({var}, str):",
                f"{indent}    return {prefix + '应为' + _KIND_CN['str']!r}",
                f"{indent}if len({var}) > {decl[1]}:",
                f"{indent}    return {prefix + f'过长（最多{decl[1]}字）'!r}"]
    if kind == "int":
        return [f"{indent}if type({var}) is not int and not _is_int({var}):",
                f"{indent}    return {prefix + '应为' + _KIND_CN['int']!r}",
                f"{indent}if not {decl[1]} <= {var} <= {decl[2]}:",
                f"{indent}    return {prefix + f'超出范围（{decl[1]}～{decl[2]}）'!r}"]
    if kind == "bool":
        return [f"{indent}if {var} is not True and {var} is not False:",
                f"{indent}    return {prefix + '应为' + _KIND_CN['bool']!r}"]
    if kind == "date":
        return [f"{indent}if not isinstance({var}, str) or len({var}) != 10 or not _date_ok({var}):",
                f"{indent}    return {prefix + '应为' + _KIND_CN['date']!r}"]
    if kind == "datetime":
        return [f"{indent}if not isinstance({var}, str) or len({var}) > 40 or not _datetime_ok({var}):",
                f"{indent}    return {prefix + '应为' + _KIND_CN['datetime']!r}"]
    if kind == "ref":
        return [f"{indent}if not isinstance({var}, str) or not _REF.match({var}):",
                f"{indent}    return {prefix + '应为' + _KIND_CN['ref']!r}"]
    if kind in ("list", "dict"):
        return [f"{indent}if not isinstance({var}, {kind}):",
                f"{indent}    return {prefix + '应为' + _KIND_CN[kind]!r}"]
    raise AssertionError(kind)


def _compile_fields(entity: str) -> Any:
    lines = ["def check(f, partial):", "    get = f.get"]
    for name, (decl, nullable) in ENTITY_FIELDS[entity].items():
        lines.append(f"    v = get({name!r}, _MISSING)")
        lines.append("    if v is None:")
        if nullable:
            lines.append("        pass")
        else:
            lines.append("        if not partial:")
            lines.append(f"            return {f'字段 {name} 不能为空'!r}")
        lines.append("    elif v is not _MISSING:")
        lines.extend(_value_lines(decl, "v", f"字段 {name} ", "        "))
    lines.append("    return None")
    namespace = {"_MISSING": _MISSING, "_is_int": _is_int, "_date_ok": _date_ok, "_datetime_ok": _datetime_ok,
                 "_REF": _REF}
    exec(compile("\n".join(lines), f"<schema {entity}>", "exec"), namespace)  # noqa: S102 (our own declarations)
    return namespace["check"]


def _compile_envelope() -> Any:
    lines = ["def check(p):", "    get = p.get"]
    for name, decl, nullable in _ENVELOPE:
        lines.append(f"    v = get({name!r})")
        lines.append("    if v is None:")
        lines.append("        pass" if nullable else f"        return {f'变更内容缺少 {name}'!r}")
        lines.append("    else:")
        lines.extend(_value_lines(decl, "v", f"变更内容的 {name} ", "        "))
    lines.append("    return None")
    namespace = {"_is_int": _is_int}
    exec(compile("\n".join(lines), "<schema envelope>", "exec"), namespace)  # noqa: S102
    return namespace["check"]


_MISSING = object()
_FIELD_CHECKERS = {entity: _compile_fields(entity) for entity in ENTITY_FIELDS}
_CHANGE_CHECKERS = _FIELD_CHECKERS
_check_envelope = _compile_envelope()
