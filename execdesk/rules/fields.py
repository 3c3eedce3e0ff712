"""Typed form fields and closed vocabularies (issue 11): one parser per field type, no silent skips.

The node catalogue (resources/rules/nodes.toml) declares each node's fields with a type; the vocabularies
(resources/rules/vocabularies.toml) are the closed lists enum fields choose from. ``parse_fields`` turns what a
person typed (or what an import or a sync pull carries) into the stored values: ISO dates, integer fen, known
vocabulary values, ids of the case's own parties and assets. Every problem is collected and raised together as
one ``ValidationError`` naming each field in Chinese; nothing is stored half-parsed.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from execdesk.resources import load_toml
from execdesk.rules.dates import parse_date
from execdesk.rules.errors import ErrorCollector, ValidationError
from execdesk.rules.money import parse_amount

FIELD_TYPES = ("text", "date", "money", "int", "enum", "enum_list", "party", "asset")
MAX_TEXT = 2000


@dataclass(frozen=True)
class Vocabulary:
    name: str
    label: str
    values: tuple[str, ...]
    classes: Mapping[str, str]

    def check(self, value: str, field: str) -> str:
        text = str(value).strip()
        if text not in self.values:
            raise ValidationError(f"“{text}”不是可选的{self.label}，应为{'、'.join(self.values)}之一", field)
        return text

    def class_of(self, value: str) -> str:
        return self.classes.get(value, value)


@functools.cache
def vocabularies() -> dict[str, Vocabulary]:
    raw = load_toml("rules", "vocabularies.toml")
    return {name: Vocabulary(name=name, label=spec.get("label", name), values=tuple(spec["values"]),
                             classes=dict(spec.get("classes", {})))
            for name, spec in raw.items()}


def vocabulary(name: str) -> Vocabulary:
    try:
        return vocabularies()[name]
    except KeyError:
        raise KeyError(f"vocabulary {name!r} is not defined in vocabularies.toml") from None


def check_choice(vocab: str, value: str | None, field: str, *, required: bool = True) -> str | None:
    """A value from a closed vocabulary, or a ValidationError naming the field and the allowed values."""
    if value is None or not str(value).strip():
        if required:
            raise ValidationError("不能为空", field)
        return None
    return vocabulary(vocab).check(value, field)


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    type: str
    vocab: str | None = None
    required: bool = False


def field_specs(entry: Mapping[str, Any]) -> tuple[FieldSpec, ...]:
    """The typed fields of one catalogue entry, validated (a catalogue error is a programming error)."""
    specs = []
    for raw in entry.get("fields") or ():
        spec = FieldSpec(key=raw["key"], label=raw["label"], type=raw["type"], vocab=raw.get("vocab"),
                         required=bool(raw.get("required", False)))
        if spec.type not in FIELD_TYPES:
            raise ValueError(f"field {spec.key}: unknown type {spec.type!r}")
        if spec.type in ("enum", "enum_list"):
            vocabulary(spec.vocab or "")
        specs.append(spec)
    return tuple(specs)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, list | tuple) and not value)


def parse_value(spec: FieldSpec, value: Any, *, parties: frozenset[str] = frozenset(),
                assets: frozenset[str] = frozenset(), today: date | None = None) -> Any:
    """One field's stored value (JSON-ready), or a ValidationError naming ``spec.label``."""
    label = spec.label
    if spec.type == "text":
        text = str(value).strip()
        if len(text) > MAX_TEXT:
            raise ValidationError(f"过长（最多{MAX_TEXT}字）", label)
        return text
    if spec.type == "date":
        return parse_date(value, label, not_after=None).isoformat()
    if spec.type == "money":
        if isinstance(value, int) and not isinstance(value, bool):
            raise ValidationError("金额应以元为单位的文本给出（如 30,000.00）", label)
        return parse_amount(value, label)
    if spec.type == "int":
        text = str(value).strip()
        if isinstance(value, bool) or not text.isdigit():
            raise ValidationError(f"“{value}”不是正整数", label)
        number = int(text)
        if number > 100_000:
            raise ValidationError("数值过大，请核对", label)
        return number
    if spec.type == "enum":
        return vocabulary(spec.vocab or "").check(value, label)
    if spec.type == "enum_list":
        items = value if isinstance(value, list | tuple) else str(value).replace("，", "、").replace(",", "、").split("、")
        vocab = vocabulary(spec.vocab or "")
        out: list[str] = []
        for item in items:
            if str(item).strip():
                checked = vocab.check(item, label)
                if checked not in out:
                    out.append(checked)
        return out
    if spec.type in ("party", "asset"):
        ident = str(value).strip()
        allowed = parties if spec.type == "party" else assets
        if ident not in allowed:
            what = "本案的被执行人" if spec.type == "party" else "本案已查明的财产"
            raise ValidationError(f"应为{what}之一", label)
        return ident
    raise ValueError(f"unknown field type {spec.type!r}")


def parse_fields(specs: tuple[FieldSpec, ...], data: Mapping[str, Any] | None, *, parties: frozenset[str] = frozenset(),
                 assets: frozenset[str] = frozenset(), prefix: str = "") -> dict[str, Any]:
    """Every declared field parsed; unknown keys refused; required fields present. Raises one error for all."""
    data = dict(data or {})
    errs = ErrorCollector()
    known = {s.key for s in specs}
    for key in data:
        if key not in known:
            errs.add(prefix + "节点内容", f"未定义的字段“{key}”")
    out: dict[str, Any] = {}
    for spec in specs:
        value = data.get(spec.key)
        if _blank(value):
            if spec.required:
                errs.add(prefix + spec.label, "不能为空")
            continue
        parsed = errs.check(parse_value, spec, value, parties=parties, assets=assets, prefix=prefix)
        if parsed is not None and not _blank(parsed):
            out[spec.key] = parsed
    errs.raise_if_any()
    return out
