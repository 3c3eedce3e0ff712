"""What the node/record entry form needs, in plain Python (issue 11, one entry path for nodes and records).

* ``search_nodes``: the node picker finds nodes by their names as typed (查封 → 查封/扣押/冻结), never by N-code.
* ``form_fields``: the typed fields of a node (resources/rules/nodes.toml through ``rules.fields``).
* ``field_rows`` / ``data_text``: a stored node's fields with their Chinese labels and formatted values
  (2026年3月5日, 30,000.00元, the debtor's name, the asset's description), never keys, ISO dates or fen.
* ``RECORD_NODES``: which node the 财产 tab's actions (记录查控, 查封, 执行款, 措施) open, so they and the node
  list are one path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from execdesk.rules.dates import chinese_date
from execdesk.rules.fields import FieldSpec, field_specs
from execdesk.rules.money import format_yuan
from execdesk.services.node_catalogue import node_catalogue

# The record tabs' actions open the node form preset to the node that evidences that record.
RECORD_NODES = {"inquiry": "N06", "seal": "N11", "payment": "N15", "measure": "N09"}

RECORD_LABELS = {"inquiry": "财产查控", "measure": "执行措施", "seal": "查封/扣押/冻结及已查明财产",
                 "asset_event": "财产处置", "payment": "执行款", "interview": "约谈记录"}


@dataclass(frozen=True)
class NodeChoice:
    code: str
    name: str
    group: str
    record: str | None  # the business record the node evidences, if any


def node_choices(type_code: str | None = None) -> list[NodeChoice]:
    """Every node of the catalogue that applies to cases of this 类型代字, in catalogue order."""
    out = []
    for code, entry in node_catalogue().items():
        types = entry.get("case_types") or []
        if type_code is None or not types or type_code in types:
            out.append(NodeChoice(code=code, name=entry["name"], group=entry.get("group", ""),
                                  record=entry.get("record")))
    return out


def search_nodes(text: str, type_code: str | None = None) -> list[NodeChoice]:
    """Nodes whose name (or group) contains every typed character group; names first, then groups.

    ``查封`` finds 查封/扣押/冻结; ``拍卖`` finds 拍卖/变卖/以物抵债; spaces separate terms that must all occur.
    N-codes are internal and not searched (a clerk does not know them)."""
    terms = [t for t in str(text or "").split() if t]
    choices = node_choices(type_code)
    if not terms:
        return choices
    by_name = [c for c in choices if all(t in c.name for t in terms)]
    by_group = [c for c in choices if c not in by_name and all(t in c.name + c.group for t in terms)]
    return by_name + by_group


def asset_label(description: str, kind: str) -> str:
    """How an asset is named in choices and node details (the same text as services.records.form_context)."""
    return f"{description}（{kind}）"


def form_fields(code: str) -> tuple[FieldSpec, ...]:
    return field_specs(node_catalogue().get(code) or {})


def record_of(code: str) -> str | None:
    return (node_catalogue().get(code) or {}).get("record")


def format_value(spec: FieldSpec | None, value: Any, *, parties: Mapping[str, str] | None = None,
                 assets: Mapping[str, str] | None = None) -> str:
    """A stored field value as a person reads it."""
    if value is None or value == "" or value == []:
        return ""
    kind = spec.type if spec else None
    if kind == "date":
        try:
            return chinese_date(value if isinstance(value, date) else date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if kind == "money":
        if isinstance(value, int) and not isinstance(value, bool):
            return format_yuan(value) + "元"
        return str(value)
    if kind == "party":
        return (parties or {}).get(str(value), "（已删除的当事人）")
    if kind == "asset":
        return (assets or {}).get(str(value), "（未找到的财产）")
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def field_rows(code: str, data: Mapping[str, Any] | None, *, parties: Mapping[str, str] | None = None,
               assets: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(label, formatted value) for every filled field of a stored node, in the catalogue's form order."""
    data = dict(data or {})
    specs = {s.key: s for s in form_fields(code)}
    rows = []
    for key, spec in specs.items():
        if key in data:
            text = format_value(spec, data.pop(key), parties=parties, assets=assets)
            if text:
                rows.append((_short_label(spec.label), text))
    # Keys the catalogue does not declare are derived (the asset class a disposal node carries for R27) or from
    # an older catalogue: they are not shown under a raw key.
    return rows


def data_text(code: str, data: Mapping[str, Any] | None, **names: Mapping[str, str] | None) -> str:
    return "；".join(f"{label}：{text}" for label, text in field_rows(code, data, **names))


def _short_label(label: str) -> str:
    """"被查询人（空为全部被执行人）" → "被查询人", "财产价值（元）" → "财产价值" (the value says 元): the hint in
    brackets is for the form, not the list."""
    for bracket in ("（", "("):
        head = label.split(bracket)[0]
        if head and head != label:
            return head
    return label
