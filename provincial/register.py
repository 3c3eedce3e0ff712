"""The case register (issue 13 items 3 and 5): which court owns a case, under which 案号, who handles it.

- A case belongs to the court whose 法院代字 is inside its 案号 (案号规定 art 3: （年度）+ 法院代字 + 类型代字 +
  序号 + 号) and that equals the pushing token's court: court A pushing a case numbered with B's 代字 is
  refused ``foreign_case_number`` — so a 督办 for B's number can never be routed to A.
- A 案号 is unique per court (``case_number_taken``). A correction of the 案号 (issue 17) updates the register
  and is kept as an event (更正案号).
- A case moves to another court only by an explicit, audited transfer (``transfer_case``, the operator's
  ``execdesk-platform transfer-case``); afterwards the new court owns it and may push it under its old number.
- A ``handover`` change (移交) changes the handler inside the court: the register is updated, an event kept, and
  a 移交 feed item addressed to the new handler tells that person's PC to fetch the case (``case_snapshot``).

The platform does not import the desktop app (tests/test_layers.py), so the 案号 parser here is its own, small one.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from provincial.models import PCase, PCaseEvent, PCourt, PEntity, PFeedItem, utcnow

HANDOVER_ENTITY = "handover"
HANDOVER_KIND = "移交"

_BRACKETS = str.maketrans({"(": "（", ")": "）", "〔": "（", "〕": "）", "[": "（", "]": "）", "［": "（", "］": "）"})
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# （2026）鲁0102执100号 · （2009）鲁0102执字第45号 · a 高院 code without digits: （2026）鲁执1号
_NUMBER = re.compile(r"^（(\d{4})）([\u4e00-\u9fa5]\d{0,4})([\u4e00-\u9fa5]{1,3}?)(?:字第)?(\d+)号$")


def normalize_number(text: str) -> str:
    return "".join(str(text).split()).translate(_BRACKETS).translate(_FULLWIDTH_DIGITS)


def court_code_of_number(case_number: str | None) -> str | None:
    """The 法院代字 inside a 案号, or None when the text is not a 案号."""
    if not isinstance(case_number, str):
        return None
    m = _NUMBER.match(normalize_number(case_number))
    return m.group(2) if m else None


def caller_person(caller: Any) -> str:
    """The caller's person ref "<court_code>/<username>": the person on the token (provincial/auth.py), or for a
    caller built without one (tests, a legacy court account) its court and account name."""
    person = getattr(caller, "person", None)
    return person or f"{caller.court_code}/{caller.account}"


def _event(session: Session, case_id: str, court: str, kind: str, detail: dict, actor: str,
           change_id: str | None = None) -> None:
    session.add(PCaseEvent(id=str(uuid.uuid4()), case_id=case_id, court_code=court, kind=kind, detail=detail,
                           actor=actor, change_id=change_id, at=utcnow()))


@dataclass
class RegisterBatch:
    """The register's side of one push batch: checks in order, writes after the batch's own inserts."""

    session: Session
    caller: Any
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)  # case_id → register state
    numbers: dict[tuple[str, str], str] = field(default_factory=dict)  # (court, 案号) → case_id
    dirty: set[str] = field(default_factory=set)
    events: list[tuple] = field(default_factory=list)
    handovers: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, session: Session, caller: Any, changes: list[dict[str, Any]]) -> RegisterBatch:
        batch = cls(session, caller)
        case_ids = {c["case_id"] for c in changes if c.get("case_id")}
        wanted: set[str] = set()
        for c in changes:
            payload = c.get("payload")
            fields = payload.get("fields") if isinstance(payload, dict) else None
            number = fields.get("case_number") if c.get("entity") == "case" and isinstance(fields, dict) else None
            if isinstance(number, str) and len(number) <= 64:  # anything else is refused by the entity schema
                wanted.add(normalize_number(number))
        if case_ids:
            for r in session.scalars(select(PCase).where(PCase.case_id.in_(case_ids))):
                batch.rows[r.case_id] = {"court_code": r.court_code, "case_number": r.case_number,
                                         "handler": r.handler, "clerk": r.clerk, "status": r.status}
        if wanted:
            for case_id, number in session.execute(select(PCase.case_id, PCase.case_number).where(
                    PCase.court_code == caller.court_code, PCase.case_number.in_(wanted))):
                batch.numbers[(caller.court_code, number)] = case_id
        for case_id, r in batch.rows.items():
            if r["case_number"]:
                batch.numbers[(r["court_code"], r["case_number"])] = case_id
        return batch

    def transferred_in(self, case_id: str) -> bool:
        """A case this court received by transfer: its 案号 may carry the former court's 代字."""
        r = self.rows.get(case_id)
        return r is not None and r["court_code"] == self.caller.court_code and r["case_number"] is not None \
            and court_code_of_number(r["case_number"]) != self.caller.court_code

    def check_case(self, c: dict[str, Any]) -> tuple[str, str] | None:
        """A case row's 案号 against the register: (code, reason) when refused."""
        fields = c["payload"]["fields"]
        number = fields.get("case_number")
        if not isinstance(number, str):
            return None  # the entity schema names a missing or malformed 案号
        number = normalize_number(number)
        case_id = c["case_id"]
        reg = self.rows.get(case_id)
        court = self.caller.court_code
        if not (reg and reg["court_code"] == court and reg["case_number"] == number):
            code = court_code_of_number(number)
            if code is None:
                return "invalid", f"字段 case_number 不是有效的案号（{number}）"
            if code != court:
                return "foreign_case_number", (f"案号{number}中的法院代字（{code}）不是本院（{court}）的，"
                                               "不能作为本院案件上报；如案件已移送本院，请由省平台办理移送登记")
        holder = self.numbers.get((court, number))
        if holder is not None and holder != case_id:
            return "case_number_taken", f"本院已有案号为{number}的另一件案件，同一法院的案号不能重复"
        return None

    def note_case(self, c: dict[str, Any], new: bool, fields: dict[str, Any] | None = None) -> None:
        """An accepted case row (``fields``: as stored, e.g. merged): the register follows its 案号, handler,
        clerk and status."""
        fields = c["payload"]["fields"] if fields is None else fields
        case_id = c["case_id"]
        number = normalize_number(fields["case_number"]) if isinstance(fields.get("case_number"), str) else None
        reg = self.rows.setdefault(case_id, {"court_code": self.caller.court_code, "case_number": None,
                                             "handler": None, "clerk": None, "status": None})
        old = reg["case_number"]
        if old and number and old != number:
            self.events.append((case_id, self.caller.court_code, "更正案号", {"from": old, "to": number},
                                caller_person(self.caller), c["change_id"]))
            self.numbers.pop((reg["court_code"], old), None)
        if number:
            reg["case_number"] = number
            self.numbers[(reg["court_code"], number)] = case_id
        for key in ("handler", "clerk", "status"):
            if key in fields:
                reg[key] = fields[key]
        reg["new"] = reg.get("new", False) or new
        self.dirty.add(case_id)

    # ------------------------------------------------------------ handover (移交)

    def decide_handover(self, c: dict[str, Any], owners: dict[str, str]) -> dict[str, Any]:
        from provincial.schemas import check_change

        cid = c["change_id"]
        bad = check_change(c)
        if bad:
            return _reject(cid, *bad)
        payload = c.get("payload")
        fields = payload.get("fields") if isinstance(payload, dict) else None
        if not isinstance(fields, dict) or payload.get("id") != c["entity_id"] or not c.get("case_id"):
            return _reject(cid, "invalid", "移交记录不完整")
        if owners.get(c["case_id"]) != self.caller.court_code:
            return _reject(cid, "unknown_case", "平台上还没有此案件（应先上报案件本身）")
        to = fields.get("to")
        court = self.caller.court_code
        if not isinstance(to, str) or to.count("/") != 1 or not to.split("/")[1]:
            return _reject(cid, "invalid", "字段 to 应为人员标识（法院代字/用户名）")
        if to.split("/")[0] != court:
            return _reject(cid, "foreign_handler", "只能移交给本院人员；移送其他法院须由省平台办理移送登记")
        return {"change_id": cid, "status": "accepted"}

    def note_handover(self, c: dict[str, Any]) -> None:
        self.handovers.append(c)
        reg = self.rows.get(c["case_id"])
        if reg is not None:
            reg["handler"] = c["payload"]["fields"]["to"]
            self.dirty.add(c["case_id"])

    def write(self, issue_item) -> None:
        """After the batch's inserts: register rows, events, and one 移交 feed item per accepted handover."""
        now = utcnow()
        for case_id in sorted(self.dirty):
            reg = self.rows[case_id]
            values = {k: reg[k] for k in ("case_number", "handler", "clerk", "status")}
            if reg.get("new"):
                values["registered_at"] = now
            self.session.execute(update(PCase).where(PCase.case_id == case_id).values(**values)
                                 .execution_options(synchronize_session=False))
        for case_id, court, kind, detail, actor, change_id in self.events:
            _event(self.session, case_id, court, kind, detail, actor, change_id)
        for c in self.handovers:
            f = c["payload"]["fields"]
            reg = self.rows.get(c["case_id"]) or {}
            detail = {"handover_id": c["entity_id"], "from": f.get("from"), "to": f["to"],
                      "reason": f.get("reason"), "case_number": reg.get("case_number")}
            _event(self.session, c["case_id"], self.caller.court_code, HANDOVER_KIND, detail,
                   caller_person(self.caller), c["change_id"])
            item = issue_item(self.session, kind=HANDOVER_KIND, title=f"案件移交：{reg.get('case_number') or ''}",
                              body=f"移交原因：{f.get('reason') or '（未填写）'}", case_id=c["case_id"],
                              case_number=reg.get("case_number"),
                              issued_by=caller_person(self.caller), payload=detail)
            item.recipient = f["to"]
        self.session.flush()


def _reject(change_id: str, code: str, reason: str) -> dict[str, Any]:
    return {"change_id": change_id, "status": "rejected", "code": code, "reason": reason}


# ---------------------------------------------------------------- operator: transfer, routing by number


def transfer_case(session: Session, case_number: str, to_court: str, *, operator: str,
                  from_court: str | None = None, reason: str | None = None) -> PCase:
    """移送: the case numbered ``case_number`` now belongs to ``to_court`` (audited). ``from_court`` defaults
    to the court whose 代字 the number carries."""
    from provincial.service import PlatformError

    number = normalize_number(case_number)
    from_court = from_court or court_code_of_number(number)
    if from_court is None:
        raise PlatformError(400, "invalid", f"不是有效的案号：{case_number}")
    case = session.scalar(select(PCase).where(PCase.court_code == from_court, PCase.case_number == number))
    if case is None:
        raise PlatformError(404, "unknown_case", f"平台上没有{from_court}案号为{number}的案件")
    if session.get(PCourt, to_court) is None:
        raise PlatformError(404, "no_court", f"平台上没有法院“{to_court}”")
    if to_court == case.court_code:
        raise PlatformError(400, "invalid", "案件已属于该法院")
    taken = session.scalar(select(PCase.case_id).where(PCase.court_code == to_court, PCase.case_number == number))
    if taken is not None:
        raise PlatformError(409, "case_number_taken", f"{to_court}已有案号为{number}的案件")
    old = case.court_code
    case.court_code = to_court
    session.execute(update(PEntity).where(PEntity.case_id == case.case_id).values(court_code=to_court)
                    .execution_options(synchronize_session=False))
    _event(session, case.case_id, to_court, "移送", {"from": old, "to": to_court, "case_number": number,
                                                     "reason": reason}, f"operator:{operator}")
    session.flush()
    return case


def case_for_number(session: Session, case_number: str, court_code: str | None = None) -> PCase | None:
    """The registered case with this 案号: of ``court_code`` if given, else of the court whose 代字 the number
    carries — and only then, if it was transferred, wherever it went (the one case with that number)."""
    number = normalize_number(case_number)
    court = court_code or court_code_of_number(number)
    if court is not None:
        case = session.scalar(select(PCase).where(PCase.court_code == court, PCase.case_number == number))
        if case is not None or court_code is not None:
            return case
    rows = session.scalars(select(PCase).where(PCase.case_number == number)).all()
    return rows[0] if len(rows) == 1 else None


# ---------------------------------------------------------------- the new handler's PC: the whole case


def case_snapshot(session: Session, caller: Any, case_id: str) -> dict[str, Any]:
    """Every row of a case with its fields and versions — same court only; another court's case answers
    exactly like an unknown one (no existence oracle)."""
    from provincial.service import PlatformError

    case = session.get(PCase, case_id)
    if case is None or case.court_code != caller.court_code:
        raise PlatformError(404, "unknown_case", "平台上没有此案件")
    rows = [{"entity": e.entity, "entity_id": e.entity_id, "version": e.version, "fields": e.fields}
            for e in session.scalars(select(PEntity).where(PEntity.case_id == case_id)
                                     .order_by(PEntity.entity, PEntity.entity_id))]
    return {"case_id": case_id, "case_number": case.case_number, "handler": case.handler, "clerk": case.clerk,
            "status": case.status, "rows": rows}


def feed_visible(caller: Any):
    """The feed filter: items for the whole court, plus those addressed to the caller."""
    return (PFeedItem.recipient.is_(None)) | (PFeedItem.recipient == caller_person(caller))
