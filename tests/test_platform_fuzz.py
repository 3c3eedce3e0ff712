"""Issue 14, item 6: generated input never yields a server error, on SQLite and on PostgreSQL.

- schemathesis runs the OpenAPI document as a state machine, following its links (a push → the pushed
  case's entity list; a feed page → the next page), with a real token, against the real platform process;
- hypothesis generates hostile pushes (the defects found by hand among them: huge integers, wrong types,
  deep nesting, non-finite numbers, NUL, odd Unicode, oversized strings, duplicate ids with other content);
- afterwards the platform's log holds no traceback.

Bounded: max_examples / step counts keep the module to a few minutes on two cores.
"""

from __future__ import annotations

import json
import uuid

import hypothesis.strategies as st
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from sync_harness import *  # noqa: F403
from sync_harness import PASSWORD

from provincial.openapi import DEFAULT_PATH
from provincial.schemas import ENTITY_FIELDS

SCHEMA = schemathesis.openapi.from_dict(json.loads(DEFAULT_PATH.read_text(encoding="utf-8")))
BOUNDED = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.fixture(scope="module")
def tokens(platform) -> dict[str, str]:
    out = {}
    for account in ("lixia", "shizhong"):
        r = requests.post(platform.url + "api/v1/auth/token", json={"account": account, "password": PASSWORD})
        out[account] = r.json()["access_token"]
    return out


def _assert_answered(response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:500])
    assert "json" in response.headers.get("content-type", ""), response.headers
    body = response.json()
    if response.status_code >= 400:
        assert isinstance(body.get("message"), str) and body.get("error")


def test_stateful_openapi_run_never_yields_a_server_error(platform, tokens):
    """The state machine from the document's links, with bounded steps."""
    base = SCHEMA.as_state_machine()
    auth = {"Authorization": f"Bearer {tokens['lixia']}"}

    class Workflow(base):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case):
            return {"base_url": platform.url.rstrip("/"), "headers": auth, "timeout": 30}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])

    Workflow.run(settings=settings(max_examples=25, stateful_step_count=6, deadline=None,
                                   suppress_health_check=list(HealthCheck)))


# ---------------------------------------------------------------- hypothesis: hostile pushes

_ints = st.one_of(st.integers(-(2**70), 2**70), st.sampled_from([0, -1, 2**31, 2**31 - 1, 2**53 + 1, 2**63 - 1,
                                                                 2**63, -(2**63) - 1, 10**30]))
_texts = st.one_of(st.text(max_size=60), st.sampled_from(["\x00", "a\x00b", "\ud7ff", "\u202e反转", "𠀀" * 5,
                                                          "x" * 70_000, "（2026）鲁0102执1号", ""]))
_scalars = st.one_of(st.none(), st.booleans(), _ints, st.floats(allow_nan=False, allow_infinity=False), _texts)
_json = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                     max_leaves=20)


@st.composite
def hostile_change(draw) -> dict:
    entity = draw(st.sampled_from(sorted(ENTITY_FIELDS) + ["nope", "", "case\x00"]))
    case_id = draw(st.one_of(st.just(str(uuid.uuid4())), _texts))
    entity_id = case_id if entity == "case" and draw(st.booleans()) else draw(st.one_of(st.just(str(uuid.uuid4())),
                                                                                         _texts))
    declared = ENTITY_FIELDS.get(entity, {})
    names = draw(st.lists(st.sampled_from(sorted(declared) or ["x"]), max_size=6))
    fields = {n: draw(_json) for n in names}
    if entity == "case" and draw(st.booleans()):
        fields.setdefault("court_code", "鲁0102")
    payload = {"schema": draw(st.one_of(st.just(1), _ints)), "entity": entity, "id": entity_id, "case_id": case_id,
               "version": draw(st.one_of(st.just(1), _ints, _texts)), "fields": fields,
               "actor": draw(st.one_of(st.none(), _texts))}
    if draw(st.booleans()):
        payload[draw(st.text(max_size=5))] = draw(_json)
    return {"change_id": draw(st.one_of(st.just(str(uuid.uuid4())), _texts)), "entity": entity,
            "entity_id": entity_id, "case_id": case_id, "op": draw(st.sampled_from(["upsert", "delete", "drop", ""])),
            "base_version": draw(st.one_of(st.none(), _ints)), "device_seq": draw(st.one_of(st.none(), _ints)),
            "payload": draw(st.one_of(st.just(payload), _json))}


_DEEP = b'{"changes": [{"change_id": "d", "entity": "case", "entity_id": "d", "payload": ' + \
    b'{"a": ' * 500 + b"1" + b"}" * 500 + b"}]}"
_RAW = st.sampled_from([
    _DEEP, b'{"changes": [{"payload": {"x": NaN}}]}', b'{"changes": [{"payload": {"x": -Infinity}}]}',
    b'{"changes": [{"payload": {"x": 1e999}}]}', b'{"changes": 9223372036854775808}', b"\xff\xfe{}", b"[]",
    b'{"changes": [' + b"[" * 5000 + b"]" * 5000 + b"]}", b'{"device_id": "\\u0000", "changes": []}', b"null",
    "{\"changes\": [], \"device_id\": \"设备\"}".encode("utf-16"),
])


@BOUNDED
@given(changes=st.lists(hostile_change(), min_size=1, max_size=5), replay=st.booleans(), mutate=st.booleans())
def test_hostile_pushes_never_yield_a_server_error(platform, tokens, changes, replay, mutate):
    auth = {"Authorization": f"Bearer {tokens['lixia']}"}
    try:
        body = json.dumps({"device_id": "fuzz", "changes": changes}, ensure_ascii=False)
    except ValueError:
        return
    r = requests.post(platform.url + "api/v1/changes", data=body.encode(),
                      headers={**auth, "Content-Type": "application/json"}, timeout=60)
    _assert_answered(r)
    if replay:  # the stored answers go out again; with mutate, the same ids carry other content
        again = [dict(c, payload={"other": 1}) if mutate and isinstance(c, dict) else c for c in changes]
        r2 = requests.post(platform.url + "api/v1/changes", json={"changes": again}, headers=auth, timeout=60)
        _assert_answered(r2)
        if r.status_code == 200 and r2.status_code == 200 and not mutate:
            first = {a["change_id"]: a for a in r.json()["results"]}
            for a in r2.json()["results"]:
                if a["status"] == "duplicate" and a["change_id"] in first and first[a["change_id"]]["status"] != "duplicate":
                    assert a["original"] == first[a["change_id"]]


@settings(max_examples=24, deadline=None, suppress_health_check=list(HealthCheck))
@given(raw=_RAW, gzip_it=st.booleans())
def test_malformed_bodies_never_yield_a_server_error(platform, tokens, raw, gzip_it):
    import gzip

    headers = {"Authorization": f"Bearer {tokens['shizhong']}", "Content-Type": "application/json"}
    if gzip_it:
        raw, headers["Content-Encoding"] = gzip.compress(raw), "gzip"
    for path in ("api/v1/changes", "api/v1/digests", "api/v1/auth/token"):
        _assert_answered(requests.post(platform.url + path, data=raw, headers=headers, timeout=60))


@BOUNDED
@given(name=st.sampled_from(["X-ExecDesk-Protocol", "X-ExecDesk-App", "Idempotency-Key", "Authorization",
                             "Content-Encoding", "Content-Type"]),
       value=st.binary(min_size=0, max_size=40).filter(lambda b: b"\r" not in b and b"\n" not in b))
def test_odd_header_bytes_never_yield_a_server_error(platform, name, value):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", platform.port, timeout=30)
    try:
        conn.putrequest("POST", "/api/v1/changes")
        conn.putheader(name, value.strip() or b"x")
        conn.putheader("Content-Length", "2")
        conn.endheaders()
        conn.send(b"{}")
        resp = conn.getresponse()
        resp.read()
    finally:
        conn.close()
    assert resp.status < 500


def test_platform_log_has_no_traceback(platform):
    """Run last in this module: whatever the generated input did, the platform logged no exception."""
    text = platform.log_path.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in text and "Exception in ASGI application" not in text, text[-3000:]
