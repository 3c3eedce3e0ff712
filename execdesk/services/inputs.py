"""What a person types, before validation. Everything is text or a date: the services validate at the edge
and answer with Chinese messages naming each bad field (``ValidationError``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class PartyInput:
    role: str  # 申请执行人 / 被执行人 / 委托代理人
    kind: str  # 自然人 / 法人 / 非法人组织
    name: str
    id_number: str | None = None  # 身份证号码 (自然人) or 统一社会信用代码 (法人/非法人组织)
    sex: str | None = None
    birth_date: date | str | None = None
    ethnicity: str | None = None
    address: str | None = None
    phone: str | None = None
    legal_rep: str | None = None
    legal_rep_title: str | None = None
    deceased: bool = False


@dataclass
class BasisInput:
    issuing_body: str
    document_type: str
    document_number: str
    effective_on: date | str | None = None
    cause: str | None = None
    content: str | None = None
    applied_on: date | str | None = None


@dataclass
class CaseInput:
    case_number: str
    filed_on: date | str
    cause: str
    amount_claimed: str  # yuan as typed, e.g. "85,000.00"
    parties: list[PartyInput] = field(default_factory=list)
    basis: BasisInput | None = None
    received_on: date | str | None = None
    assigned_on: date | str | None = None
    handler_username: str | None = None
    clerk_username: str | None = None
    is_livelihood: bool = False
    is_non_litigation: bool = False
    debtor_missing: bool = False
    obstruction: bool = False
    origin_case_number: str | None = None
    notes: str | None = None


@dataclass
class NodeInput:
    code: str  # catalogue code N01–N28
    started_on: date | str | None = None
    ended_on: date | str | None = None
    description: str | None = None
    document_number: str | None = None
    status: str = "已完成"
    handler_name: str | None = None
    data: dict = field(default_factory=dict)
    linked_entity: str | None = None
    linked_id: str | None = None
