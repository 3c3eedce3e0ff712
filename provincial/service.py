"""Platform use cases: accounts and tokens, push (exactly-once, per-court authorised), feed, digests.

Everything that the HTTP API and the admin CLI do goes through here; the court always comes from the
caller's token (or the operator), never from data a client sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from provincial import approvals, bulk, converge, register
from provincial.models import (
    PAccount,
    PCase,
    PChange,
    PCourt,
    PEntity,
    PFeedCounter,
    PFeedItem,
    PSignInAttempt,
    PToken,
    utcnow,
)
from provincial.register import HANDOVER_ENTITY, caller_person  # noqa: F401  (caller_person: public name)
from provincial.schemas import KNOWN_ENTITIES, check_change  # noqa: F401  (KNOWN_ENTITIES: public name)

log = logging.getLogger("provincial")
FEED_KINDS = ("督办", "预警", "更正", "节假日", "规则", "审批请求", "审批结果", register.HANDOVER_KIND)
# A court's reply to an item it received (督办 report): travels as a change, so it is exactly-once too.
REPLY_ENTITY = "supervision_reply"


class PlatformError(Exception):
    """A refusal with an HTTP status, a machine code and a Chinese message."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


# ---------------------------------------------------------------- passwords and tokens

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt_b64), dklen=32, **_SCRYPT)
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Caller:
    """Who is calling, as established from the token alone."""

    account: str
    court_code: str
    device_id: str | None
    person: str = ""  # "<court_code>/<username>" (issue 13; provincial/auth.py)
    role: str = ""  # 承办人 / 书记员 / 执行局长 / 副院长 / 院长 / 审判员, or 法院 for a legacy court account


def create_court(session: Session, code: str, name: str) -> PCourt:
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise PlatformError(400, "invalid", "法院代字和名称都不能为空")
    court = session.get(PCourt, code)
    if court is None:
        court = PCourt(code=code, name=name, last_seq=0)
        session.add(court)
        session.add(PFeedCounter(court_code=code, last_seq=0))
        session.flush()
    return court


def create_account(session: Session, name: str, court_code: str, password: str) -> None:
    if session.get(PCourt, court_code) is None:
        raise PlatformError(404, "no_court", f"平台上没有法院“{court_code}”，请先创建法院")
    if len(password) < 8:
        raise PlatformError(400, "invalid", "密码至少8位")
    account = session.get(PAccount, name)
    if account is None:  # a one-per-court account (role 法院, deprecated: see provincial/auth.py)
        session.add(PAccount(name=name, court_code=court_code, password_hash=hash_password(password),
                             username=name, role="法院"))
    else:  # re-running create-account resets the password (operator action): earlier tokens end
        from provincial import auth

        account.court_code = court_code
        account.password_hash = hash_password(password)
        account.active = True
        account.tokens_valid_after = auth.now()
        auth._kill_tokens(session, name, "reset")
    session.flush()


@dataclass(frozen=True)
class SignInPolicy:
    """Throttling and temporary lockout (counted from p_signin_attempts, so every worker process agrees).

    An account is locked after ``account_failures`` wrong passwords within ``window_s`` (since its last
    successful sign-in); an address after ``address_failures`` failures within the window, whatever the
    account. A locked sign-in is refused before any password hashing, until the oldest counted failure
    ages out of the window."""

    account_failures: int = 5
    address_failures: int = 30
    window_s: int = 900


def signin_gate(session: Session, kind: str, account: str, address: str, policy: SignInPolicy,
                now: datetime | None = None) -> int | None:
    """Seconds until this sign-in may be tried again, or None when it may go ahead."""
    now = now or utcnow()
    since = now - timedelta(seconds=policy.window_s)
    last_ok = session.scalar(select(func.max(PSignInAttempt.at)).where(
        PSignInAttempt.kind == kind, PSignInAttempt.account == account, PSignInAttempt.outcome == "ok",
        PSignInAttempt.at > since))
    waits: list[int] = []
    for where, limit in (((PSignInAttempt.kind == kind, PSignInAttempt.account == account,
                           PSignInAttempt.at > (last_ok or since)), policy.account_failures),
                         ((PSignInAttempt.address == address, PSignInAttempt.at > since), policy.address_failures)):
        if limit <= 0:
            continue
        fails = session.scalars(select(PSignInAttempt.at).where(*where, PSignInAttempt.outcome == "bad_credentials")
                                .order_by(PSignInAttempt.at.desc()).limit(limit)).all()
        if len(fails) >= limit:
            waits.append(max(1, int((fails[limit - 1] + timedelta(seconds=policy.window_s) - now).total_seconds()) + 1))
    return max(waits) if waits else None


def record_signin(session: Session, kind: str, account: str, address: str, outcome: str) -> None:
    session.add(PSignInAttempt(kind=kind, account=account[:64], address=address[:64], outcome=outcome, at=utcnow()))


_dummy_hash: str | None = None


def stored_hash_or_dummy(stored: str | None) -> str:
    """An unknown account is checked against a fixed hash, so it costs the same scrypt as a wrong password."""
    global _dummy_hash
    if stored:
        return stored
    if _dummy_hash is None:
        _dummy_hash = hash_password("timing-equaliser")
    return _dummy_hash


def account_hash(session: Session, account_name: str) -> str | None:
    account = session.get(PAccount, account_name)
    return account.password_hash if account is not None and account.active else None


def issue_token(session: Session, account_name: str, device_id: str | None,
                ttl_seconds: int) -> tuple[str, PAccount, PCourt]:
    """After the password was verified (off the request threads): a new token for an active account."""
    account = session.get(PAccount, account_name)
    if account is None or not account.active:
        raise PlatformError(401, "bad_credentials", "账号或密码不正确")
    from provincial import auth

    data = auth.issue_session(session, account, None, auth.TokenPolicy(access_ttl_s=ttl_seconds))
    data_token = data["access_token"]
    if device_id:  # an access-only token (operator tools, tests): no refresh token
        session.flush()
        session.get_one(PToken, _token_hash(data_token)).device_id = device_id
    court = session.get(PCourt, account.court_code)
    return data_token, account, court


def sign_in(session: Session, account_name: str, password: str, device_id: str | None,
            ttl_seconds: int) -> tuple[str, PAccount, PCourt]:
    """Synchronous sign-in (operator tools, tests). The HTTP API uses the gate, the hashing pool and
    ``issue_token`` instead."""
    stored = account_hash(session, account_name)
    if not verify_password(password, stored_hash_or_dummy(stored)) or stored is None:
        raise PlatformError(401, "bad_credentials", "账号或密码不正确")
    return issue_token(session, account_name, device_id, ttl_seconds)


def caller_for_token(session: Session, token: str) -> Caller:
    """Checks expiry, account active and reset/revocation on every call (provincial/auth.py)."""
    from provincial import auth

    return auth.caller_for_token(session, token)


def revoke_tokens(session: Session, account: str | None = None) -> int:
    """Every access and refresh token (of one account, or of all)."""
    from provincial import auth
    from provincial.models import PRefreshToken

    q = select(PToken)
    if account:
        q = q.where(PToken.account == account)
    rows = session.scalars(q).all()
    for r in rows:
        session.delete(r)
    rq = update(PRefreshToken).where(PRefreshToken.revoked_at.is_(None))
    if account:
        rq = rq.where(PRefreshToken.account == account)
    n = session.execute(rq.values(revoked_at=auth.now(), revoked_reason="revoke_all")).rowcount or 0
    auth.record_event(session, "revoke_all", account or "*", address=auth.OPERATOR, detail=f"{len(rows) + n}个令牌失效")
    return len(rows) + n


# ---------------------------------------------------------------- push


UNKNOWN_CASE = ("unknown_case", "平台上还没有此案件（应先上报案件本身）")
ID_UNAVAILABLE = ("id_unavailable", "此记录标识不可用（请联系平台管理员）")


def _same_change(session: Session, prior: Any, c: dict[str, Any], fp: str) -> bool:
    if prior.fingerprint is not None:
        return prior.fingerprint == fp
    # Rows answered before fingerprints existed: compare what was stored.
    row = session.get(PChange, prior.change_id)
    return (row.entity, row.entity_id, row.case_id, row.payload) == (
        c["entity"], c["entity_id"], c.get("case_id"), c.get("payload") or {})


def _reject(change_id: str, code: str, reason: str) -> dict[str, Any]:
    return {"change_id": change_id, "status": "rejected", "code": code, "reason": reason}


def _check_shape(c: dict[str, Any]) -> tuple[str, str] | None:
    """Checks that do not need the database: the declared schema (provincial.schemas), then the envelope's
    consistency. Returns (code, reason) or None."""
    bad = check_change(c)
    if bad:
        return bad
    payload = c["payload"]
    if c["entity"] == REPLY_ENTITY:
        fields = payload["fields"]
        if payload.get("id") != c["entity_id"] or not isinstance(fields.get("reply"), str) \
                or not fields["reply"].strip():
            return "invalid", "回复内容不能为空"
        return None
    if c["op"] not in ("upsert", "delete"):
        return "invalid", f"不支持的操作（{c['op']}）"
    if not c.get("case_id"):
        return "invalid", "变更缺少所属案件"
    if payload.get("id") != c["entity_id"] or payload.get("entity") != c["entity"] \
            or payload.get("case_id") != c["case_id"]:
        return "invalid", "变更内容与其标识不一致"
    if c.get("base_version") is not None and payload["version"] <= c["base_version"]:
        return "invalid", "新版本号必须大于基础版本号"
    return None


def fingerprint(c: dict[str, Any], payload_json: bytes | None = None) -> str:
    """What makes a change that change: a replay must carry the same (``device_seq`` is informative only).

    SHA-256 of ``orjson.dumps([entity, entity_id, case_id, op, base_version, payload], OPT_SORT_KEYS)``
    (stored fingerprints depend on this exact text). ``payload_json`` — the payload already serialised with
    sorted keys, as the push stores it — is spliced in instead of serialising the payload a second time."""
    if payload_json is None:
        canon = orjson.dumps([c["entity"], c["entity_id"], c.get("case_id"), c.get("op"), c.get("base_version"),
                              c.get("payload")], option=orjson.OPT_SORT_KEYS)
    else:
        canon = orjson.dumps([c["entity"], c["entity_id"], c.get("case_id"), c.get("op"),
                              c.get("base_version")])[:-1] + b"," + payload_json + b"]"
    return hashlib.sha256(canon).hexdigest()


def payload_json(c: dict[str, Any]) -> bytes:
    """The payload as stored in p_changes (JSON, keys sorted) — serialised once per change."""
    return orjson.dumps(c.get("payload") or {}, option=orjson.OPT_SORT_KEYS)


def _reused(change_id: str) -> dict[str, Any]:
    return {"change_id": change_id, "status": "rejected", "code": "change_id_reused",
            "reason": "此变更编号已用于内容不同的另一条变更，平台保留首次收到的内容；本条未被记录"}


def push_changes(session: Session, caller: Caller, changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Apply a batch atomically (the caller's transaction) and answer every change.

    Order matters: changes are applied in the order sent (the client's causal order per case). Once a
    change of a case is rejected or in conflict, the later changes of the same case in this batch are
    answered ``held`` and not recorded, so the client can send them again after a person has acted.
    """
    # The court's counter row, locked for the whole batch (gap-free sequences committed in order).
    court_seq = session.execute(select(PCourt.last_seq).where(PCourt.code == caller.court_code)
                                .with_for_update()).scalar_one()
    known, owners, current = _batch_state(session, changes)
    reg = register.RegisterBatch.load(session, caller, changes)
    history: dict[tuple[str, int], dict[str, Any]] = {}  # (entity_id, version) → fields, accepted in this batch

    def base_fields(entity_id: str, version: int) -> dict[str, Any] | None:
        return history.get((entity_id, version)) or _stored_fields(session, caller, entity_id, version)

    now = utcnow()
    results: list[dict[str, Any]] = []
    new_changes: list[dict[str, Any]] = []
    new_cases: list[dict[str, Any]] = []
    touched: dict[str, dict[str, Any]] = {}
    answered_here: dict[str, dict[str, Any]] = {}
    held: set[str] = set()
    seq = court_seq

    fingerprints: dict[str, str] = {}
    for c in changes:
        cid = c["change_id"]
        pj = orjson.dumps(c.get("payload"), option=orjson.OPT_SORT_KEYS)
        fp = fingerprint(c, pj)
        if cid in known:
            prior = known[cid]
            if prior.court_code != caller.court_code:  # never reveal another court's answer
                results.append(_reject(cid, "change_id_taken", "变更编号已被使用"))
            elif not _same_change(session, prior, c, fp):
                log.warning("change_id_reused court=%s account=%s change_id=%s (stored answer kept)",
                            caller.court_code, caller.account, cid)
                results.append(_reused(cid))
            else:
                results.append({"change_id": cid, "status": "duplicate", "original": prior.result})
            continue
        if cid in answered_here:
            if fingerprints[cid] != fp:
                log.warning("change_id_reused court=%s account=%s change_id=%s (twice in one batch)",
                            caller.court_code, caller.account, cid)
                results.append(_reused(cid))
            else:
                results.append({"change_id": cid, "status": "duplicate", "original": answered_here[cid]})
            continue
        fingerprints[cid] = fp
        if c.get("case_id") in held:
            results.append({"change_id": cid, "status": "held", "reason": "同一案件的前序变更未被接受，本条暂缓上报"})
            continue
        if c["entity"] in approvals.ENTITIES:
            answer = approvals.handle(session, c, caller, owners)
            if answer["status"] == "accepted":
                seq += 1
                answer["server_seq"] = seq
            elif c["entity"] == approvals.REQUEST_ENTITY and c.get("case_id"):
                held.add(c["case_id"])
        elif c["entity"] == REPLY_ENTITY:
            answer = _reply(session, c, caller)
            if answer["status"] == "accepted":
                seq += 1
                answer["server_seq"] = seq
            elif c.get("case_id"):
                held.add(c["case_id"])
        elif c["entity"] == HANDOVER_ENTITY:
            answer = reg.decide_handover(c, owners)
            if answer["status"] == "accepted":
                seq += 1
                answer["server_seq"] = seq
                reg.note_handover(c)
            else:
                held.add(c["case_id"])
        else:
            answer = _decide(c, caller, owners, current, reg, base_fields)
            if answer["status"] == "accepted":
                seq += 1
                answer["server_seq"] = seq
                if not answer.get("same"):
                    new = c["case_id"] not in owners
                    _apply(c, caller, owners, current, touched, new_cases, now, answer)
                    state = current[c["entity_id"]]
                    history[(c["entity_id"], state["version"])] = state["fields"]
                    if c["entity"] == "case":
                        reg.note_case(c, new, state["fields"])
                if answer.get("merged"):
                    held.add(c["case_id"])  # later changes of the case: rebased by the client, sent next round
            else:
                held.add(c["case_id"])
        answered_here[cid] = answer
        results.append(answer)
        new_changes.append({
            "change_id": cid, "court_code": caller.court_code, "account": caller.account,
            "device_id": caller.device_id, "device_seq": c.get("device_seq"), "entity": c["entity"],
            "entity_id": c["entity_id"], "case_id": c.get("case_id"), "status": answer["status"],
            "server_seq": answer.get("server_seq"), "result": answer, "payload": pj if c.get("payload") else b"{}",
            "fingerprint": fp, "received_at": now})

    _write_batch(session, caller, new_cases, new_changes, touched, now)
    reg.write(issue_item)
    if seq != court_seq:
        session.connection().execute(update(PCourt).where(PCourt.code == caller.court_code).values(last_seq=seq))
    return results


def _stored_fields(session: Session, caller: Caller, entity_id: str, version: int) -> dict[str, Any] | None:
    """The fields of ``entity_id`` as they were at ``version`` (from the accepted changes), or None."""
    for payload, result in session.execute(select(PChange.payload, PChange.result).where(
            PChange.entity_id == entity_id, PChange.court_code == caller.court_code,
            PChange.status == "accepted")):
        if result.get("merged") and result.get("server_version") == version:
            return result.get("server_fields")
        if not result.get("merged") and not result.get("same") and payload.get("version") == version:
            return payload.get("fields")
    return None


def _batch_state(session: Session, changes: list[dict[str, Any]]) -> tuple[
        dict[str, Any], dict[str, str], dict[str, dict[str, Any]]]:
    """What the batch is decided against, one query per table for the whole batch (plain Core rows, no ORM
    loading): prior answers by change id, case owners, current entity versions."""
    conn = session.connection()
    ids = [c["change_id"] for c in changes]
    tc, tcase, te = PChange.__table__.c, PCase.__table__.c, PEntity.__table__.c
    known = {r.change_id: r for r in conn.execute(
        select(tc.change_id, tc.court_code, tc.result, tc.fingerprint).where(tc.change_id.in_(ids)))} if ids else {}
    case_ids = {c["case_id"] for c in changes if c.get("case_id")}
    owners: dict[str, str] = dict(conn.execute(
        select(tcase.case_id, tcase.court_code).where(tcase.case_id.in_(case_ids))).all()) if case_ids else {}
    entity_ids = {c["entity_id"] for c in changes}
    current: dict[str, dict[str, Any]] = {
        r.entity_id: {"entity": r.entity, "case_id": r.case_id, "court_code": r.court_code,
                      "version": r.version, "fields": r.fields, "new": False}
        for r in conn.execute(select(te.entity_id, te.entity, te.case_id, te.court_code, te.version, te.fields)
                              .where(te.entity_id.in_(entity_ids)))} if entity_ids else {}
    return known, owners, current


def _write_batch(session: Session, caller: Caller, new_cases: list[dict[str, Any]], new_changes: list[dict[str, Any]],
                 touched: dict[str, dict[str, Any]], now: datetime) -> None:
    """Write a decided batch: one bulk statement per table (provincial.bulk; no ORM unit of work and no
    per-row parameter processing — SQLAlchemy's bulk ORM insert was 37 % of the server's time, its Core
    executemany still a third)."""
    conn = session.connection()
    bulk.insert_rows(conn, PCase.__table__, new_cases)
    bulk.insert_rows(conn, PChange.__table__, new_changes)
    bulk.insert_rows(conn, PEntity.__table__, [
        dict(entity_id=k, entity=v["entity"], case_id=v["case_id"], court_code=v["court_code"], version=v["version"],
             fields=v["fields"], last_change_id=v["last_change_id"], updated_at=now, account=caller.account)
        for k, v in touched.items() if v["new"]])
    bulk.update_rows(conn, PEntity.__table__, "entity_id", [
        dict(entity_id=k, version=v["version"], fields=v["fields"], last_change_id=v["last_change_id"], updated_at=now,
             account=caller.account)
        for k, v in touched.items() if not v["new"]])


def _apply(c: dict[str, Any], caller: Caller, owners: dict[str, str], current: dict[str, dict[str, Any]],
           touched: dict[str, dict[str, Any]], new_cases: list[dict[str, Any]], now: datetime,
           answer: dict[str, Any] | None = None) -> None:
    """Record an accepted change in the batch's working state (written to the tables at the end). A merged
    answer (provincial/converge.py) records the merged row under its new version."""
    payload = c["payload"]
    fields = {"_deleted": True} if c["op"] == "delete" else payload["fields"]
    version = payload["version"]
    if answer and answer.get("merged"):
        fields, version = answer["server_fields"], answer["server_version"]
    prev = current.get(c["entity_id"])
    state = {"entity": c["entity"], "case_id": c["case_id"], "court_code": caller.court_code,
             "version": version, "fields": fields, "new": prev is None or prev["new"]}
    current[c["entity_id"]] = state
    touched[c["entity_id"]] = dict(state, last_change_id=c["change_id"])
    if c["case_id"] not in owners:
        owners[c["case_id"]] = caller.court_code
        new_cases.append({"case_id": c["case_id"], "court_code": caller.court_code,
                          "case_number": payload["fields"].get("case_number") if c["entity"] == "case" else None,
                          "created_at": now})


def _reply(session: Session, c: dict[str, Any], caller: Caller) -> dict[str, Any]:
    bad = _check_shape(c)
    if bad:
        return _reject(c["change_id"], *bad)
    item = session.get(PFeedItem, c["entity_id"])
    if item is None or item.court_code != caller.court_code:  # another court's item looks like none at all
        return _reject(c["change_id"], "unknown_item", "平台上没有这条督办/预警")
    fields = c["payload"]["fields"]
    item.reply = fields["reply"].strip()[:4000]
    # Who replied is the signed-in account (the token), never the body; the name the clerk signed with is
    # kept beside it as the court's own record.
    item.replied_by = caller.account
    signed = fields.get("replied_by")
    item.reply_signed_name = signed.strip()[:64] or None if isinstance(signed, str) else None
    item.replied_at = utcnow()
    item.reply_change_id = c["change_id"]
    return {"change_id": c["change_id"], "status": "accepted"}


def _decide(c: dict[str, Any], caller: Caller, owners: dict[str, str],
            current: dict[str, dict[str, Any]], reg: register.RegisterBatch | None = None,
            base_fields: converge.BaseLookup | None = None) -> dict[str, Any]:
    cid = c["change_id"]
    bad = _check_shape(c)
    if bad:
        return _reject(cid, *bad)
    fields = c["payload"]["fields"]
    owner = owners.get(c["case_id"])
    if c["entity"] == "case" and reg is not None and (owner is None or owner == caller.court_code):
        refused = reg.check_case(c)  # 案号 of this court, unique in it (the case register)
        if refused:
            return _reject(cid, *refused)
    if c["entity"] == "case" and fields.get("court_code") != caller.court_code \
            and not (reg is not None and reg.transferred_in(c["case_id"])):
        return _reject(cid, "forbidden_case",
                       f"案号中的法院代字（{fields.get('court_code')}）与本账号所属法院（{caller.court_code}）不符")
    if owner is not None and owner != caller.court_code:
        # A case the caller cannot see answers exactly like one that does not exist (no existence oracle).
        if c["entity"] != "case":
            return _reject(cid, *UNKNOWN_CASE)
        return _reject(cid, *ID_UNAVAILABLE)
    if owner is None and c["entity"] != "case":
        return _reject(cid, *UNKNOWN_CASE)
    cur = current.get(c["entity_id"])
    if cur is not None and (cur["court_code"] != caller.court_code or cur["case_id"] != c["case_id"]
                            or cur["entity"] != c["entity"]):
        return _reject(cid, *ID_UNAVAILABLE)
    base = c.get("base_version")
    if cur is not None and (base is None or cur["version"] != base) and base_fields is not None:
        settled = converge.settle(c, cur, base_fields)  # same content, or disjoint fields merged
        if settled is not None:
            return settled
    if base is None and cur is not None:
        return {"change_id": cid, "status": "conflict", "reason": "平台上已有同一记录",
                "server_version": cur["version"], "server_fields": cur["fields"]}
    if base is not None and cur is None:
        return _reject(cid, "missing_base", "平台上没有此记录的基础版本（创建它的变更未被接受）")
    if base is not None and cur["version"] != base:
        return {"change_id": cid, "status": "conflict", "reason": "记录已在平台上被修改（基础版本不一致）",
                "server_version": cur["version"], "server_fields": cur["fields"]}
    return {"change_id": cid, "status": "accepted"}


# ---------------------------------------------------------------- feed, digests, admin views


def _next_feed_seq(session: Session, court_code: str) -> int:
    counter = session.execute(select(PFeedCounter).where(PFeedCounter.court_code == court_code)
                              .with_for_update()).scalar_one()
    counter.last_seq += 1
    return counter.last_seq


def issue_item(session: Session, *, kind: str, title: str, body: str | None = None, case_id: str | None = None,
               case_number: str | None = None, court_code: str | None = None, issued_by: str | None = None,
               due_on: date | None = None, payload: dict | None = None, recipient: str | None = None) -> PFeedItem:
    """Send a 督办 / 预警 / … down to the court that owns the case (or to ``court_code`` for court-wide items)."""
    if kind not in FEED_KINDS:
        raise PlatformError(400, "invalid", f"类型应为{'、'.join(FEED_KINDS)}之一")
    if not title.strip():
        raise PlatformError(400, "invalid", "标题不能为空")
    if case_number and not case_id:
        # Routed by the register: the court whose 代字 the number carries (or the court it was transferred to).
        found = register.case_for_number(session, case_number, court_code)
        if found is None:
            raise PlatformError(404, "unknown_case", f"平台上没有案号为{case_number}的案件")
        case_id, case_number = found.case_id, found.case_number
    if case_id:
        owner = session.get(PCase, case_id)
        if owner is None:
            raise PlatformError(404, "unknown_case", "平台上没有此案件")
        if court_code and court_code != owner.court_code:
            raise PlatformError(400, "invalid", "案件不属于指定的法院")
        court_code, case_number = owner.court_code, case_number or owner.case_number
    if not court_code or session.get(PCourt, court_code) is None:
        raise PlatformError(404, "no_court", "请指定案件或法院")
    item = PFeedItem(id=str(uuid.uuid4()), court_code=court_code, seq=_next_feed_seq(session, court_code),
                     kind=kind, case_id=case_id, case_number=case_number, title=title.strip(), body=body,
                     issued_by=issued_by, due_on=due_on.isoformat() if due_on else None, payload=payload or {},
                     recipient=recipient)
    session.add(item)
    session.flush()
    return item


_FEED_COLUMNS = (PFeedItem.id, PFeedItem.seq, PFeedItem.kind, PFeedItem.case_id, PFeedItem.case_number,
                 PFeedItem.title, PFeedItem.body, PFeedItem.issued_by, PFeedItem.due_on, PFeedItem.payload,
                 PFeedItem.created_at, PFeedItem.recipient)


def feed_page(session: Session, caller: Caller, cursor: int, limit: int) -> tuple[list[Any], bool]:
    """A page of the court's feed: the court's items and those addressed to the caller (register.feed_visible),
    with the columns a feed item is sent with (attribute access like a PFeedItem; read as plain rows, not ORM
    objects — the ORM's identity map was most of a page's time)."""
    rows = session.execute(select(*_FEED_COLUMNS).where(PFeedItem.court_code == caller.court_code,
                                                         PFeedItem.seq > cursor, register.feed_visible(caller))
                           .order_by(PFeedItem.seq).limit(limit + 1)).all()
    return list(rows[:limit]), len(rows) > limit


def case_digest(entries: Iterable[tuple[str, str, int]]) -> str:
    """SHA-256 over "entity:id:version\\n" lines sorted by id — the definition in docs/sync-protocol.md."""
    h = hashlib.sha256()
    for entity, entity_id, version in sorted(entries, key=lambda e: e[1]):
        h.update(f"{entity}:{entity_id}:{version}\n".encode())
    return h.hexdigest()


def digests(session: Session, caller: Caller, case_ids: list[str]) -> dict[str, str | None]:
    owned = set(session.scalars(select(PCase.case_id).where(PCase.case_id.in_(case_ids),
                                                            PCase.court_code == caller.court_code)))
    rows: dict[str, list[tuple[str, str, int]]] = {cid: [] for cid in owned}
    if owned:
        for entity, entity_id, case_id, version in session.execute(
                select(PEntity.entity, PEntity.entity_id, PEntity.case_id, PEntity.version)
                .where(PEntity.case_id.in_(owned))):
            rows[case_id].append((entity, entity_id, version))
    # A case the caller does not own looks exactly like an unknown one (no existence oracle).
    return {cid: (case_digest(rows[cid]) if cid in owned else None) for cid in case_ids}


def case_entities(session: Session, caller: Caller, case_id: str) -> list[dict[str, Any]]:
    owner = session.get(PCase, case_id)
    if owner is None or owner.court_code != caller.court_code:
        raise PlatformError(404, "unknown_case", "平台上没有此案件")
    return [{"entity": e, "entity_id": i, "version": v} for e, i, v in session.execute(
        select(PEntity.entity, PEntity.entity_id, PEntity.version).where(PEntity.case_id == case_id)
        .order_by(PEntity.entity_id))]


def court_summaries(session: Session) -> list[dict[str, Any]]:
    out = []
    for court in session.scalars(select(PCourt).order_by(PCourt.code)):
        counts = dict(session.execute(select(PChange.status, func.count()).where(PChange.court_code == court.code)
                                      .group_by(PChange.status)).all())
        cases = session.scalar(select(func.count()).select_from(PCase).where(PCase.court_code == court.code))
        last = session.scalar(select(func.max(PChange.received_at)).where(PChange.court_code == court.code))
        out.append({"code": court.code, "name": court.name, "cases": cases, "accepted": counts.get("accepted", 0),
                    "rejected": counts.get("rejected", 0), "conflict": counts.get("conflict", 0),
                    "last_seq": court.last_seq, "last_received": last.isoformat() if last else None})
    return out


def recent_changes(session: Session, court_code: str, limit: int = 50) -> list[PChange]:
    return list(session.scalars(select(PChange).where(PChange.court_code == court_code)
                                .order_by(PChange.received_at.desc(), PChange.change_id).limit(limit)))


def feed_items(session: Session, court_code: str, limit: int = 50) -> list[PFeedItem]:
    """What the platform sent a court, newest first, with the court's replies."""
    return list(session.scalars(select(PFeedItem).where(PFeedItem.court_code == court_code)
                                .order_by(PFeedItem.seq.desc()).limit(limit)))


def utc_http_date(dt: datetime) -> str:
    from email.utils import format_datetime

    return format_datetime(dt, usegmt=True)
