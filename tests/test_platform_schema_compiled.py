"""Issue 14, item 1 (declared request schemas) and item 6 (the write path without per-field overhead).

The push validates every change with checkers compiled from the declarations in provincial/schemas.py
(one generated function per entity). They must answer exactly what the declarations say, field by field:
hypothesis draws changes of every entity with hostile values for every declared field and compares the
compiled answer with the reference definition (``check_change_slow``, one ``_bad_value`` per field).
"""

from __future__ import annotations

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from provincial.schemas import ENTITY_FIELDS, INT32, check_change, check_change_slow, check_fields

_values = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**64), 2**64),
    st.sampled_from([0, 1, -1, INT32, INT32 + 1, -INT32 - 1, 10**15, 10**15 + 1, 1949, 2200, 2201, 99_999_999]),
    st.floats(allow_nan=False), st.text(max_size=12),
    st.sampled_from(["2024-03-05", "2024-02-30", "2024-3-5", "20240305", "2026-12-01T08:00:00+08:00",
                     "2026-12-01 08:00", "x" * 41, "字" * 20_001, "（2026）鲁0102执1号", ""]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


# What the body parser can produce: integers within 64 bits (larger ones arrive as floats).
_parsed = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=False,
                                 allow_infinity=False), st.text(max_size=6)),
                       lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner,
                                                                                           max_size=3)), max_leaves=8)


@st.composite
def change(draw) -> dict:
    entity = draw(st.sampled_from(sorted(ENTITY_FIELDS) + ["nope"]))
    declared = sorted(ENTITY_FIELDS.get(entity, {}))
    names = draw(st.lists(st.sampled_from(declared or ["x"]), max_size=len(declared) or 1, unique=True))
    fields = {n: draw(_values) for n in names}
    if draw(st.booleans()):
        fields["undeclared"] = draw(_values)
    payload = {"schema": draw(st.one_of(st.just(1), _values)), "version": draw(st.one_of(st.just(1), _values)),
               "id": draw(st.one_of(st.just("a" * 36), _values)), "entity": draw(st.one_of(st.just(entity), _values)),
               "case_id": draw(st.one_of(st.just("b" * 36), _values)), "actor": draw(st.one_of(st.just("zw"), _values)),
               "fields": draw(st.one_of(st.just(fields), st.just(fields), _values))}
    for k in draw(st.lists(st.sampled_from(sorted(payload)), max_size=2, unique=True)):
        del payload[k]
    return {"entity": entity, "op": draw(st.sampled_from(["upsert", "delete"])),
            "payload": draw(st.one_of(st.just(payload), st.just(payload), st.just(payload), _values))}


@settings(max_examples=800, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(change())
def test_compiled_checkers_answer_exactly_as_the_declarations(c):
    assert check_change(c) == check_change_slow(c)


def test_compiled_checker_names_the_field_in_chinese():
    """Issue 14 item 1 (the defects found): case_number as a list or a dict, version 2**63, a bad date."""
    base = {"court_id": "c" * 36, "year": 2026}
    assert check_fields("case", {**base, "case_number": ["（2026）鲁0102执1号"]}) == "字段 case_number 应为文本"
    assert check_fields("case", {**base, "case_number": {"a": 1}}) == "字段 case_number 应为文本"
    assert check_fields("case", {**base, "year": 2201}) == "字段 year 超出范围（1949～2200）"
    assert check_fields("case", {**base, "filed_on": "2024-02-30"}) == "字段 filed_on 应为日期（YYYY-MM-DD）"
    assert check_fields("case", {**base, "received_on": None}) is None  # nullable
    assert check_fields("case", {**base, "filed_on": None}) == "字段 filed_on 不能为空"
    assert check_fields("case", {**base, "filed_on": None}, partial=True) is None  # a delete
    assert check_fields("node", {"is": True, "data": []}) == "字段 data 应为对象"
    c = {"entity": "node", "op": "upsert", "payload": {"schema": 1, "version": 2**63, "id": "n", "entity": "node",
                                                       "fields": {}}}
    assert check_change(c) == ("invalid", "变更内容的 version 超出范围（1～2147483647）")


def test_every_entity_the_desktop_syncs_is_declared_by_the_platform():
    """Issue 14 item 1: a row the desktop queues must have a platform schema, else it is quarantined as
    ``unknown_entity`` (the bench found every 约谈 (interview, DOMAIN.md §1.5 R8) refused that way)."""
    from execdesk.models import SYNCED_ENTITIES
    from execdesk.models.wire_identity import person_columns

    assert set(SYNCED_ENTITIES) <= set(ENTITY_FIELDS), set(SYNCED_ENTITIES) - set(ENTITY_FIELDS)
    for name, cls in SYNCED_ENTITIES.items():
        # On the wire (protocol v2, issue 13) person columns travel as refs: handler_id → handler.
        columns = {c.name for c in cls.__table__.columns} | set(person_columns(name).values()) | {"court_code"}
        undeclared = {f for f in ENTITY_FIELDS[name] if f not in columns | {"id", "version", "case_id"}}
        assert not undeclared, (name, undeclared)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(st.fixed_dictionaries({"entity": st.text(max_size=8), "entity_id": st.text(max_size=8),
                              "case_id": st.one_of(st.none(), st.text(max_size=8)),
                              "op": st.one_of(st.none(), st.sampled_from(["upsert", "delete"])),
                              "base_version": st.one_of(st.none(), st.integers(0, 2**31)),
                              "payload": st.one_of(st.none(), st.dictionaries(st.text(max_size=5), _parsed, max_size=6))}))
def test_fingerprint_from_the_stored_payload_text_is_the_defined_fingerprint(c):
    """docs/sync-protocol.md §3 (change_id_reused): a replay is compared by fingerprint, and fingerprints
    stored by earlier versions must still match — the push splices the payload it stores (serialised once,
    keys sorted) into the fingerprint text; the result must be the defined SHA-256 exactly."""
    import orjson

    from provincial.service import fingerprint, payload_json

    stored = orjson.dumps(c["payload"], option=orjson.OPT_SORT_KEYS)
    assert fingerprint(c, stored) == fingerprint(c)
    assert orjson.loads(payload_json(c)) == (c["payload"] or {})
