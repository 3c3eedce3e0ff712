"""Helpers for the routine-document tests (issue 16): court settings in a data folder of the test's own, a
seal system's incremental update (pypdf: the outer boundary), measures and approvals through the real services."""

from __future__ import annotations

import io

from conftest import TODAY
from sqlalchemy import select

from execdesk.services import routine_documents as rd

SETTINGS = """
[court]
address = "济南市历下区经十路15000号"
phone = "0531-12345678"
[account]
account_name = "济南市历下区人民法院执行款专户"
bank = "中国工商银行济南历下支行"
prefix = "37010266"
case_number_format = "{prefix}{year}{serial:06d}"
"""


def make_data_dir(tmp_path, monkeypatch):
    d = tmp_path / "userdata"
    (d / "templates").mkdir(parents=True)
    (d / "templates" / "settings.toml").write_text(SETTINGS, encoding="utf-8")
    monkeypatch.setenv("EXECDESK_DATA_DIR", str(d))
    return d


def measure_id(store, cid, kind, nth=0):
    from execdesk.models import Measure

    with store.read() as s:
        return list(s.scalars(select(Measure.id).where(Measure.case_id == cid, Measure.kind == kind)
                              .order_by(Measure.started_on)))[nth]


def approve(store, actor, kind, cid, **kw):
    """Every step of the document's route, by the people the route names (赵磊 执行局长, 孙立 院长)."""
    tpl = rd.template(kind)
    steps = [("执行局长", "zhaolei"), ("院长", "sunli")] if tpl.approval == "延长执行期限" else [("执行局长", "zhaolei")]
    for step, user in steps:
        rd.approve(store, actor, kind, cid, step=step, approver_username=user, password="password123",
                   opinion="同意", today=TODAY, **kw)


def seal(pdf: bytes) -> bytes:
    """What the seal system hands back: the original plus an incremental update with a seal annotation."""
    from pypdf import PdfWriter
    from pypdf.annotations import Rectangle

    w = PdfWriter(io.BytesIO(pdf), incremental=True)
    w.add_annotation(len(w.pages) - 1, Rectangle(rect=(380, 200, 500, 320)))
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def overwrite_page(pdf: bytes) -> bytes:
    """A tampering incremental update: page 1 now prints something else (the original bytes stay in front)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    w = PdfWriter(io.BytesIO(pdf), incremental=True)
    s = DecodedStreamObject()
    s.set_data(b"BT 100 700 Td (changed) Tj ET")
    w.pages[0][NameObject("/Contents")] = w._add_object(s)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()
