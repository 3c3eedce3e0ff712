"""The routine enforcement documents (issue 16), read back with poppler.

Each document: every required element present and in order, the exact text round-trip through pdftotext,
fonts embedded (pdffonts), A4, numbering (之一/之二), legal basis by the document's date (R11). Templates are data:
an unknown field is refused with a Chinese message, a court's copy changes wording without code. Approval per
route (R9 rules reused), issued documents immutable, batch cancel writes nothing. DOMAIN.md R4, R14, R18, R23,
R26, R34.
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from conftest import TODAY, sample_case_input
from routine_fixtures import approve, make_data_dir, measure_id
from sqlalchemy import select
from zb_fixtures import add_judge, debtor_id, make_ready_case, pdf_text, pdf_tool, squeeze

from execdesk.documents import templated
from execdesk.models import IssuedDocument
from execdesk.resources import resource_path
from execdesk.rules.errors import ValidationError
from execdesk.services import cases
from execdesk.services import routine_documents as rd
from execdesk.services.documents import verify_issued
from execdesk.services.inputs import NodeInput


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    return make_data_dir(tmp_path, monkeypatch)


@pytest.fixture
def case(store, actor, data_dir):
    add_judge(store, actor)
    cid = make_ready_case(store, actor)
    d = debtor_id(store, cid)
    cases.record_measure(store, actor, cid, kind="冻结", started_on=date(2026, 4, 2), asset_kind="存款", party_id=d,
                         description="中国银行济南分行账户6217000012345678901中的存款", amount="3000", today=TODAY)
    cases.record_measure(store, actor, cid, kind="查封", started_on=date(2026, 4, 20), asset_kind="不动产", party_id=d,
                         description="位于济南市历下区解放路8号的房产", today=TODAY)
    return cid


def assert_in_order(plain: str, parts: list[str]) -> None:
    pos = -1
    for p in parts:
        found = plain.find(squeeze(p), pos + 1)
        assert found > pos, f"“{p}” missing or out of order"
        pos = found


def check_pdf(pdf: bytes, composed: templated.Composed) -> str:
    """Exact text round-trip, A4, every font an embedded TrueType subset. Returns the squeezed text.

    Paragraphs come back exactly, in order. pdftotext interleaves the lines of a wrapped table cell with its
    neighbours', so a table is checked cell by cell (each cell's characters in order) and the whole output must
    consist of exactly the characters of the document: nothing missing, nothing extra."""
    got = squeeze(pdf_text(pdf))
    want = [squeeze(p) for p in composed.paragraphs()]
    if any(e.style == "table" for e in composed.elements):
        assert sorted(got) == sorted("".join(want))
        for cell in want:  # a wrapped cell is interleaved with its neighbours' lines: its characters in order
            it = iter(got)
            assert all(ch in it for ch in cell), cell
        outside = [squeeze(p) for e in composed.elements if e.style != "table"
                   for p in templated.Composed(composed.kind, composed.title, "", "", (e,), composed.date_text)
                   .paragraphs()]
        assert_in_order(got, outside)
    else:
        assert got == "".join(want)
    assert "595.276 x 841.89 pts (A4)" in pdf_tool("pdfinfo", pdf)
    fonts = [line.split() for line in pdf_tool("pdffonts", pdf).splitlines()[2:]]
    assert fonts
    for row in fonts:
        assert row[1] == "TrueType" and row[-5] == "yes" and row[-4] == "yes", row  # emb, sub
    return got


# ---------------------------------------------------------------- templates are data


def test_every_shipped_template_passes_the_start_up_check(data_dir):
    assert rd.check_templates() == []
    assert len(rd.kinds()) == len(rd.SLUGS) == 18


def test_a_template_naming_an_unknown_field_is_refused_in_chinese(store, data_dir):
    src = (resource_path("templates") / "notice.toml").read_text(encoding="utf-8")
    bad = src.replace("{debtors}：", "{debtor_spouse}：", 1)
    (data_dir / "templates" / "notice.toml").write_text(bad, encoding="utf-8")
    problems = rd.check_templates()
    assert len(problems) == 1
    assert "用户模板 templates/notice.toml" in problems[0] and "未知字段“debtor_spouse”" in problems[0]
    with pytest.raises(templated.TemplateError, match="未知字段“debtor_spouse”"):
        templated.load_template("notice")


def test_the_doc_command_checks_every_template_first(store, data_dir, db_path, capsys):
    from execdesk.cli import main

    src = (resource_path("templates") / "report_order.toml").read_text(encoding="utf-8")
    (data_dir / "templates" / "report_order.toml").write_text(src.replace("{report_days}", "{report_weeks}"),
                                                              encoding="utf-8")
    assert main(["--db", str(db_path), "doc", "kinds"]) == 2
    assert "未知字段“report_weeks”" in capsys.readouterr().err


@pytest.mark.parametrize("text, message", [
    ("{court_name.__class__}", "不是字段"), ("{court_name!r}", "不是字段"), ("{court_name:>40}", "不是字段"),
    ("{court_name[0]}", "不是字段"), ("{court_name", "花括号不成对")])
def test_templates_hold_no_python_only_bare_field_names(text, message):
    data = {"kind": "执行通知书", "title": "执行通知书", "blocks": [{"style": "body", "text": text}]}
    with pytest.raises(templated.TemplateError, match=message):
        templated.check_template(data, slug="notice", source="t.toml")


def test_unknown_condition_style_and_route_are_refused():
    base = {"kind": "执行通知书", "title": "执行通知书"}
    for blocks, message in ([{"text": "x", "when": "married"}], "未知字段“married”"), \
                           ([{"text": "x", "style": "poster"}], "样式“poster”未知"), \
                           ([{"text": "x", "colour": "red"}], "不认识的设置项"):
        with pytest.raises(templated.TemplateError, match=message):
            templated.check_template({**base, "blocks": blocks}, slug="notice", source="t.toml")
    with pytest.raises(templated.TemplateError, match="审批路径“院长特批”未知"):
        templated.check_template({**base, "approval": "院长特批", "blocks": [{"text": "x"}]}, slug="notice",
                                 source="t.toml")
    with pytest.raises(templated.TemplateError, match="文书种类“通缉令”未知"):
        templated.check_template({**base, "kind": "通缉令", "blocks": [{"text": "x"}]}, slug="notice", source="t.toml")


def test_a_court_changes_wording_in_its_own_copy_without_code(store, actor, case, data_dir):
    src = (resource_path("templates") / "shandong" / "notice.toml").read_text(encoding="utf-8")
    (data_dir / "templates" / "shandong").mkdir()
    (data_dir / "templates" / "shandong" / "notice.toml").write_text(
        src.replace("本院同时向你（单位）送达报告财产令", "本院随本通知书一并送达报告财产令"), encoding="utf-8")
    d = rd.draft(store, "执行通知书", case, today=TODAY)
    assert "本院随本通知书一并送达报告财产令" in squeeze(pdf_text(d.pdf))
    assert d.text.meta["template"] == "用户模板 templates/shandong/notice.toml"


def test_the_provincial_preset_differs_where_the_province_differs(store, actor, case):
    """鲁 courts use the shandong preset (one more paragraph); the general template has no such paragraph."""
    d = rd.draft(store, "执行通知书", case, today=TODAY)
    assert d.text.named("account_warning") and d.text.meta["slug"] == "notice"
    general = templated.load_template("notice")
    assert "account_warning" not in [b.name for b in general.blocks]


# ---------------------------------------------------------------- 执行通知书 and 报告财产令 (R2, R23, R34)


def test_notice_has_every_required_paragraph_in_order_and_round_trips(store, actor, case):
    out = rd.produce(store, actor, "执行通知书", case, today=TODAY)
    assert out.state == "新出具" and out.version_no == 1
    with store.read() as s:
        doc = s.get(IssuedDocument, rd.issued_list(store, case)[0]["id"])
        assert verify_issued(doc) and doc.kind == "执行通知书"
    d = rd.status(store, "执行通知书", case, today=TODAY)
    plain = check_pdf(out.pdf, d.text)
    assert_in_order(plain, [
        "济南市历下区人民法院", "执行通知书", "（2026）鲁0102执100号", "济南鲁信商贸有限公司：",
        "申请执行人王芳与你（单位）民间借贷纠纷一案", "（2025）鲁0102民初1234号民事判决书已经发生法律效力",
        "本院于2026年3月2日立案执行",
        # R34 / R23: the legal basis of 2026 (民诉法 2023, 解释 2022), the deadline, the obligation
        "依照《中华人民共和国民事诉讼法》第二百五十一条、第二百六十四条，《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百八十条的规定",
        "自收到本通知书之日起三日内履行下列义务",
        "一、履行（2025）鲁0102民初1234号民事判决书确定的义务", "申请执行标的为人民币85,000.00元（捌万伍仟元整）",
        "加倍支付迟延履行期间的债务利息",
        # the case's own 执行款 account (一案一账号): prefix + year + serial
        "户名济南市历下区人民法院执行款专户", "开户行中国工商银行济南历下支行", "账号370102662026000100",
        "限制消费措施", "纳入失信被执行人名单", "报告财产令", "（院印）", "二〇二六年十一月二十五日"])
    names = [e.name for e in d.text.elements if e.name]
    for required in ("origin", "deadline", "obligation", "delay", "account", "warning"):
        assert required in names, required


def test_notice_is_not_issued_without_the_cases_own_account(store, actor, case, data_dir):
    (data_dir / "templates" / "settings.toml").write_text("[court]\nphone = \"1\"\n", encoding="utf-8")
    out = rd.produce(store, actor, "执行通知书", case, today=TODAY)
    assert out.state == "草稿" and any("执行款账户" in m for m in out.missing)
    with pytest.raises(rd.NotIssuableError, match="执行款账户"):
        rd.issue(store, actor, "执行通知书", case, today=TODAY)
    assert rd.issued_list(store, case) == []


def test_non_money_obligation_gets_the_delay_penalty_not_interest(store, actor, data_dir):
    cid = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执101号", amount="0"), today=TODAY)
    d = rd.draft(store, "执行通知书", cid, today=TODAY)
    text = "".join(d.text.named("delay"))
    assert "迟延履行金" in text and "债务利息" not in text


def test_notice_cites_the_articles_valid_on_its_date(store, actor, data_dir):
    """R11: a notice of 2023-10-05 cites 民诉法 (2021 amendment, in force 2022-01-01) arts 247/260 and 解释 (2022)
    art 480; one of 2021 would cite the 2017 text's 240/253 and 解释 (2015) art 482."""
    cid = cases.register_case(store, actor, sample_case_input("（2023）鲁0102执55号", filed_on=date(2023, 10, 1)),
                              today=TODAY)
    d = rd.draft(store, "执行通知书", cid, document_date=date(2023, 10, 5), today=TODAY)
    basis = "".join(d.text.named("deadline"))
    assert "《中华人民共和国民事诉讼法》第二百四十七条、第二百六十条" in basis and "第四百八十条" in basis
    assert d.text.date_text == "二〇二三年十月五日"
    assert rd.legal_basis(["notice_basis", "delay_interest", "notice_jieshi"], date(2021, 5, 1)) == (
        "《中华人民共和国民事诉讼法》第二百四十条、第二百五十三条，"
        "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百八十二条")


def test_report_order_states_the_period_and_its_deadline(store, actor, case):
    cases.record_node(store, actor, case, NodeInput(code="N04", ended_on=date(2026, 3, 4),
                                                    data={"served_on": "2026-03-05"}), today=TODAY)
    out = rd.produce(store, actor, "报告财产令", case, today=TODAY)
    d = rd.status(store, "报告财产令", case, today=TODAY)
    plain = check_pdf(out.pdf, d.text)
    assert_in_order(plain, ["报告财产令", "（2026）鲁0102执100号", "济南鲁信商贸有限公司：",
                            "《中华人民共和国民事诉讼法》第二百五十二条，《最高人民法院关于民事执行中财产调查若干问题的规定》第三条",
                            "自收到本令之日起五日内", "当前以及收到执行通知之日前一年的财产情况",
                            "报告期限于2026年3月10日届满", "十日内向本院补充报告", "罚款、拘留", "（院印）"])


# ---------------------------------------------------------------- a document that is a procedural act records it once


def _live(store, cid, code):
    from execdesk.models import Node

    with store.read() as s:
        return [(n.code, n.started_on, n.ended_on, dict(n.data or {}))
                for n in s.scalars(select(Node).where(Node.case_id == cid, Node.code == code, Node.status == "已完成"))]


def _deadline_rows(store, cid):
    from execdesk.models import Deadline

    with store.read() as s:
        return {d.kind: (d.due_on, d.status) for d in s.scalars(select(Deadline).where(Deadline.case_id == cid))}


def _consistent(store, cid):
    from execdesk.services.records import consistency_problems

    with store.read() as s:
        return consistency_problems(s, cid)


def test_issuing_the_report_order_records_N04_and_its_reporting_period_becomes_a_deadline(store, actor, data_dir):
    """财产调查规定 art 4 (1), art 5 (DOMAIN.md §3.4): the 报告财产令 states the period; issuing it records node N04
    (执行通知书及报告财产令) through the write pipeline with the order's date and the period's end, so the deadline
    engine follows the report (met by N08). One fact, one record (issue 11): the 执行通知书 of the same node and a
    re-issue record nothing more."""
    cid = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执300号", filed_on=date(2026, 11, 2),
                                                              assigned_on=date(2026, 11, 3)), today=TODAY)
    assert _live(store, cid, "N04") == []
    assert not any(k.startswith("财产报告") for k in _deadline_rows(store, cid))
    r = rd.issue(store, actor, "报告财产令", cid, document_date=date(2026, 11, 4), today=TODAY)
    assert r.state == "新出具"
    assert _live(store, cid, "N04") == [("N04", date(2026, 11, 4), date(2026, 11, 4),
                                          {"report_order_on": "2026-11-04", "report_deadline": "2026-11-09"})]
    rows = _deadline_rows(store, cid)
    report = [v for k, v in rows.items() if k.startswith("财产报告")]
    assert report == [(date(2026, 11, 9), "已超期")]  # five days (settings periods.report_days), no N08 by 11-25
    # the 执行通知书 of the same day, a re-issue of the order, and asking again: still one live N04, unchanged
    rd.issue(store, actor, "执行通知书", cid, document_date=date(2026, 11, 4), today=TODAY)
    rd.issue(store, actor, "报告财产令", cid, document_date=date(2026, 11, 4), reissue=True, today=TODAY)
    assert rd.issue(store, actor, "报告财产令", cid, document_date=date(2026, 11, 4), today=TODAY).state == "已出具"
    assert len(_live(store, cid, "N04")) == 1 and _live(store, cid, "N04")[0][3]["report_deadline"] == "2026-11-09"
    # a notice dated after today cannot be issued: its node could not be recorded (dates are never in the future)
    other = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执302号", filed_on=date(2026, 11, 2)),
                                today=TODAY)
    with pytest.raises(ValidationError, match="出具执行通知书即记录该执行行为"):
        rd.issue(store, actor, "执行通知书", other, document_date=date(2026, 11, 26), today=TODAY)
    assert rd.issued_list(store, other) == [] and _live(store, other, "N04") == []
    # the debtor's report checked (N08): the deadline is met
    cases.record_node(store, actor, cid, NodeInput(code="N08", ended_on=date(2026, 11, 8),
                                                   data={"report_status": "按时"}), today=TODAY)
    assert not [v for k, v in _deadline_rows(store, cid).items() if k.startswith("财产报告") and v[1] == "已超期"]
    assert _consistent(store, cid) == []


def test_the_notice_records_N04_and_the_later_report_order_completes_that_node(store, actor, data_dir):
    """The 执行通知书 is the N04 act (the 收案10日 limit, 解释 art 480, is met by it); the 报告财产令 issued later
    adds its facts to that node by an append-only correction (the old row 已更正), never a second live N04. The
    period runs from the service date when N04 has one."""
    from execdesk.models import Node

    cid = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执301号", filed_on=date(2026, 11, 2),
                                                              assigned_on=date(2026, 11, 3)), today=TODAY)
    rd.issue(store, actor, "执行通知书", cid, document_date=date(2026, 11, 3), today=TODAY)
    assert [n[:3] for n in _live(store, cid, "N04")] == [("N04", date(2026, 11, 3), date(2026, 11, 3))]
    assert "执行通知-收案10日" not in {k for k, v in _deadline_rows(store, cid).items() if v[1] == "已超期"}
    rd.issue(store, actor, "报告财产令", cid, document_date=date(2026, 11, 6), today=TODAY)
    live = _live(store, cid, "N04")
    assert len(live) == 1 and live[0][1:3] == (date(2026, 11, 3), date(2026, 11, 3))
    assert live[0][3] == {"report_order_on": "2026-11-06", "report_deadline": "2026-11-11"}
    with store.read() as s:
        statuses = sorted(n.status for n in s.scalars(select(Node).where(Node.case_id == cid, Node.code == "N04")))
    assert statuses == ["已完成", "已更正"]
    assert _consistent(store, cid) == []


def test_a_release_decision_releases_its_measure_once(store, actor, case):
    """解除限制消费令 (限高规定 art 9), 撤销失信 and 解除查封 are the release itself: the measure is released on the
    document's date (its R26 expiry deadline ends with it); asking again changes nothing."""
    from execdesk.models import AuditEntry, Measure

    seal = measure_id(store, case, "查封")
    assert any(k.startswith("查封届满") for k in _deadline_rows(store, case))
    approve(store, actor, "解除查封冻结扣押裁定书", case, subject_id=seal, options={"release_reason": "申请执行人申请解除查封"})
    rd.issue(store, actor, "解除查封冻结扣押裁定书", case, subject_id=seal, options={"release_reason": "申请执行人申请解除查封"},
             today=TODAY)
    with store.read() as s:
        assert s.get(Measure, seal).released_on == TODAY
        audits = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == seal)).all()
    assert not any(k.startswith("查封届满") for k in _deadline_rows(store, case))
    again = rd.issue(store, actor, "解除查封冻结扣押裁定书", case, subject_id=seal,
                     options={"release_reason": "申请执行人申请解除查封"}, today=TODAY)
    assert again.state == "已出具"
    with store.read() as s:
        assert len(s.scalars(select(AuditEntry).where(AuditEntry.entity_id == seal)).all()) == len(audits)


def test_a_renewal_ruling_moves_the_expiry_once_and_a_second_click_does_not_renew_twice(store, actor, case):
    """R26 (解释 art 485): the 续行 ruling extends the freeze from the day after the old expiry for the same
    maximum; the measure's expiry (and its deadline) moves with it. The same renewal asked again is that renewal;
    the original ruling keeps printing its own period."""
    from execdesk.models import Measure

    m = measure_id(store, case, "冻结")
    kind = "续行查封冻结扣押裁定书"
    approve(store, actor, kind, case, subject_id=m)
    first = rd.issue(store, actor, kind, case, subject_id=m, today=TODAY)
    with store.read() as s:
        assert s.get(Measure, m).expires_on == date(2028, 4, 2)
    assert [v[0] for k, v in _deadline_rows(store, case).items() if k.startswith("冻结届满")] == [date(2028, 4, 2)]
    again = rd.issue(store, actor, kind, case, subject_id=m, today=TODAY)
    assert again.state == "已出具" and again.sha256 == first.sha256
    with store.read() as s:
        assert s.get(Measure, m).expires_on == date(2028, 4, 2)  # not 2029
    ruling = rd.draft(store, "查封冻结扣押裁定书", case, subject_id=m, today=TODAY)
    assert "至2027年4月2日止" in "".join(ruling.text.paragraphs())
    assist = rd.draft(store, "协助执行通知书", case, subject_id=m, options={"assist_action": "续行"}, today=TODAY)
    assert "2028年4月2日" in "".join(assist.text.paragraphs())
    # a year later, during the renewed period, a new renewal renews that one
    nxt = rd.draft(store, kind, case, subject_id=m, document_date=date(2028, 3, 1), today=date(2028, 3, 1))
    assert "期限至2028年4月2日届满" in "".join(nxt.text.paragraphs())
    assert "至2029年4月2日止" in "".join(nxt.text.paragraphs())


# ---------------------------------------------------------------- the other documents, each end to end

CASES = [
    # (kind, measure kind or None, options, required parts in order)
    ("限制消费令", "限制消费", {}, ["限制消费令", "（2026）鲁0102执100号之一", "被执行人：济南鲁信商贸有限公司",
                                   "《最高人民法院关于限制被执行人高消费及有关消费的若干规定》第一条、第三条",
                                   "不得实施以下高消费", "其法定代表人、主要负责人", "实际控制人李强", "（院印）"]),
    ("解除限制消费令", "限制消费", {"release_reason": "被执行人已履行完毕生效法律文书确定的义务"},
     ["解除限制消费令", "（2026）鲁0102执100号之三", "于2026年3月25日作出（2026）鲁0102执100号之一限制消费令",
      "现因被执行人已履行完毕生效法律文书确定的义务", "第九条", "决定解除"]),
    ("纳入失信被执行人名单决定书", "失信", {}, ["决定书", "（2026）鲁0102执100号之二", "（纳入失信被执行人名单用）",
                                            "有履行能力而拒不履行", "第二百六十六条",
                                            "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条",
                                            "将被执行人济南鲁信商贸有限公司纳入失信被执行人名单", "申请纠正"]),
    ("撤销纳入失信名单决定书", "失信", {"release_reason": "被执行人已履行完毕"},
     ["决定书", "（2026）鲁0102执100号之三", "（删除失信信息用）", "（2026）鲁0102执100号之二决定", "第十条",
      "删除被执行人济南鲁信商贸有限公司的失信信息"]),
    ("查封冻结扣押裁定书", "冻结", {}, ["执行裁定书", "（2026）鲁0102执100号之三", "申请执行人：王芳",
                                        "第二百五十三条、第二百五十五条", "第四百八十五条", "裁定如下：",
                                        "冻结被执行人济南鲁信商贸有限公司名下的中国银行济南分行账户6217000012345678901中的存款",
                                        "以人民币3,000.00元为限", "冻结期限为一年，自2026年4月2日起至2027年4月2日止",
                                        "本裁定立即执行", "审判员　张伟", "（院印）", "书记员　刘洋"]),
    ("解除查封冻结扣押裁定书", "查封", {"release_reason": "申请执行人申请解除查封"},
     ["执行裁定书", "（2026）鲁0102执100号之三", "查封了被执行人济南鲁信商贸有限公司名下的位于济南市历下区解放路8号的房产",
      "现因申请执行人申请解除查封", "第二十八条", "解除对被执行人"]),
    ("续行查封冻结扣押裁定书", "冻结", {}, ["执行裁定书", "期限至2027年4月2日届满", "第四百八十五条",
                                            "续行冻结", "续行期限为一年", "至2028年4月2日止"]),
    ("协助执行通知书", "冻结", {"assist_body": "中国银行股份有限公司济南分行"},
     ["协助执行通知书", "中国银行股份有限公司济南分行：", "执行裁定已经发生法律效力", "第二百五十三条",
      "冻结被执行人济南鲁信商贸有限公司名下的", "金额以人民币3,000.00元为限", "（院印）"]),
    ("约谈笔录", None, {}, ["约谈笔录", "案号", "（2026）鲁0102执100号", "2026年11月10日", "电话", "申请执行人王芳",
                            "《最高人民法院关于严格规范终结本次执行程序的规定（试行）》第五条", "被约谈人：",
                            "尚有人民币73,000.00元未执行到位", "（已记录：是）", "被约谈人（签名）"]),
    ("财产调查笔录", None, {}, ["财产调查笔录", "（2026）鲁0102执100号", "济南鲁信商贸有限公司", "济南市历下区解放路8号",
                                "第二百五十二条", "被调查人：", "收到执行通知之日前一年", "调查人（签名）"]),
    ("送达回证", None, {}, ["送达回证", "送达文书", "执行通知书、报告财产令（（2026）鲁0102执100号）",
                            "受送达人", "济南鲁信商贸有限公司", "受送达人签名或盖章", "（院印）"]),
    ("终本审批表", None, {}, ["终结本次执行程序审批表", "（2026）鲁0102执100号", "人民币73,000.00元",
                              "2026年11月10日以电话方式约谈", "第五百一十七条", "院长审签", "终本条件", "核查结果",
                              "审批环节", "合议庭评议", "执行局长审核", "院长审签"]),
    ("终本后财产查询告知书", None, {}, None),  # needs a 终本 first: its own test
]


@pytest.mark.parametrize("kind, measure, options, parts", [c for c in CASES if c[3]], ids=[c[0] for c in CASES if c[3]])
def test_each_document_has_its_elements_in_order_and_round_trips(store, actor, case, kind, measure, options, parts):
    subject = measure_id(store, case, measure) if measure else None
    tpl = rd.template(kind)
    if tpl.approval:
        with pytest.raises(rd.ApprovalPendingError):
            rd.issue(store, actor, kind, case, subject_id=subject, options=options, today=TODAY)
        approve(store, actor, kind, case, subject_id=subject, options=options)
    out = rd.produce(store, actor, kind, case, subject_id=subject, options=options, today=TODAY)
    assert out.state == "新出具", (out.pending, out.missing)
    d = rd.status(store, kind, case, subject_id=subject, options=options, today=TODAY,
                  document_date=TODAY)
    plain = check_pdf(out.pdf, d.text)
    assert_in_order(plain, parts)
    # Asking again hands out the same issued version.
    again = rd.produce(store, actor, kind, case, subject_id=subject, options=options, today=TODAY)
    assert again.state == "已出具" and again.sha256 == out.sha256


def test_sub_numbers_continue_the_cases_sequence_and_a_reissue_keeps_its_number(store, actor, case):
    """限制消费令 之一 and 失信 之二 are on the measures; the next documents are 之三, 之四; a reissue keeps 之三."""
    freeze, seal = measure_id(store, case, "冻结"), measure_id(store, case, "查封")
    assert rd.draft(store, "限制消费令", case, subject_id=measure_id(store, case, "限制消费"),
                    today=TODAY).document_number == "（2026）鲁0102执100号之一"
    approve(store, actor, "查封冻结扣押裁定书", case, subject_id=freeze)
    first = rd.issue(store, actor, "查封冻结扣押裁定书", case, subject_id=freeze, today=TODAY)
    assert first.document_number == "（2026）鲁0102执100号之三"
    approve(store, actor, "查封冻结扣押裁定书", case, subject_id=seal)
    second = rd.issue(store, actor, "查封冻结扣押裁定书", case, subject_id=seal, today=TODAY)
    assert second.document_number == "（2026）鲁0102执100号之四"
    again = rd.issue(store, actor, "查封冻结扣押裁定书", case, subject_id=freeze, reissue=True, today=TODAY)
    assert again.document_number == "（2026）鲁0102执100号之三" and again.version_no == 3
    # The 协助执行通知书 carries the ruling's number.
    assist = rd.draft(store, "协助执行通知书", case, subject_id=freeze, today=TODAY)
    assert assist.document_number == "（2026）鲁0102执100号之三"
    assert rd.sub_number_of("（2026）鲁0102执100号之十二") == 12


def test_approval_rules_of_the_ruling_apply_and_issued_rows_are_immutable(store, actor, case):
    """R9 rules reused: only the route's roles, never the case's own 承办人; the approval is of this content."""
    m = measure_id(store, case, "失信")
    kind = "纳入失信被执行人名单决定书"
    with pytest.raises(ValidationError, match="须由执行局长、副院长、院长签署"):
        rd.approve(store, actor, kind, case, step="执行局长", approver_username="zhoumin", password="password123",
                   subject_id=m, today=TODAY)
    with pytest.raises(ValidationError, match="用户名或密码不正确"):
        rd.approve(store, actor, kind, case, step="执行局长", approver_username="zhaolei", password="wrong",
                   subject_id=m, today=TODAY)
    approve(store, actor, kind, case, subject_id=m)
    # Approved for 2026-11-25: a draft dated otherwise is another content and needs approval again.
    assert rd.status(store, kind, case, subject_id=m, document_date=date(2026, 11, 20), today=TODAY).pending
    r = rd.issue(store, actor, kind, case, subject_id=m, today=TODAY)
    assert r.document_date == TODAY
    with pytest.raises(ValidationError, match="不可修改"), store.transaction() as s:
        s.get(IssuedDocument, r.id).content = b"tampered"
        s.flush()
    assert rd.issue(store, actor, kind, case, subject_id=m, today=TODAY).state == "已出具"


def test_a_rejection_cancels_the_approval_of_that_content(store, actor, case):
    m = measure_id(store, case, "冻结")
    kind = "查封冻结扣押裁定书"
    approve(store, actor, kind, case, subject_id=m)
    rd.approve(store, actor, kind, case, step="执行局长", approver_username="sunli", password="password123",
               decision="不同意", opinion="冻结金额有误", subject_id=m, today=TODAY)
    with pytest.raises(rd.ApprovalPendingError, match="执行局长签发"):
        rd.issue(store, actor, kind, case, subject_id=m, today=TODAY)


def test_renewal_must_be_before_expiry(store, actor, case):
    """R26: a freeze of deposits runs one year; renewal before expiry, for at most the same period."""
    m = measure_id(store, case, "冻结")
    ok = rd.draft(store, "续行查封冻结扣押裁定书", case, subject_id=m, document_date=date(2027, 3, 20), today=TODAY)
    assert "至2028年4月2日止" in "".join(ok.text.named("operative"))
    with pytest.raises(ValidationError, match="已于2027年4月2日届满，续行须在届满前办理"):
        rd.draft(store, "续行查封冻结扣押裁定书", case, subject_id=m, document_date=date(2027, 4, 3), today=TODAY)


def test_a_document_about_a_measure_refuses_the_wrong_measure(store, actor, case):
    with pytest.raises(ValidationError, match="限制消费令只能针对限制消费"):
        rd.draft(store, "限制消费令", case, subject_id=measure_id(store, case, "冻结"), today=TODAY)
    with pytest.raises(ValidationError, match="请选择"):
        rd.draft(store, "查封冻结扣押裁定书", case, today=TODAY)
    with pytest.raises(ValidationError, match="没有可填写的“debtors”"):
        rd.draft(store, "执行通知书", case, options={"debtors": "张三"}, today=TODAY)


def test_extension_form_shows_each_approvers_decision_opinion_and_date(store, actor, case):
    """R18: 执行局长审核 → 院长批准; the form prints the route with each decision on this content."""
    cases.record_extension(store, actor, case, reason="需评估拍卖被执行人房产", applied_on=date(2026, 8, 20),
                           approver="孙立", approved_on=date(2026, 8, 25), months=3, today=TODAY)
    kind = "延长执行期限审批表"
    assert rd.status(store, kind, case, today=TODAY).pending == ["执行局长审核", "院长批准"]
    with pytest.raises(ValidationError, match="须先完成“执行局长审核”"):
        rd.approve(store, actor, kind, case, step="院长", approver_username="sunli", password="password123",
                   today=TODAY)
    rd.approve(store, actor, kind, case, step="执行局长", approver_username="zhaolei", password="password123",
               opinion="拟同意延长三个月", today=TODAY)
    rd.approve(store, actor, kind, case, step="院长", approver_username="sunli", password="password123",
               opinion="同意", today=TODAY)
    out = rd.produce(store, actor, kind, case, today=TODAY)
    assert out.state == "新出具"
    d = rd.status(store, kind, case, today=TODAY)
    plain = check_pdf(out.pdf, d.text)
    signed = f"{date.today().year}年{date.today().month}月{date.today().day}日"  # decided_at is the real clock
    assert_in_order(plain, ["延长执行期限审批表", "（2026）鲁0102执100号", "需评估拍卖被执行人房产",
                            "《最高人民法院关于人民法院办理执行案件若干期限的规定》第一条",
                            "审批环节", "执行局长审核", "赵磊", "同意", "拟同意延长三个月", signed,
                            "院长批准", "孙立", "同意", signed])
    assert ("申请延长期间", "3个月") in d.text.elements[2].rows


def test_requery_notice_after_zhongben_tells_the_result_and_the_next_date(store, actor, case):
    """R14: after 终本, every six months a network query; the applicant is told the result."""
    from zb_fixtures import approve_all

    from execdesk.services.documents import issue_ruling

    with pytest.raises(ValidationError, match="尚未终结本次执行程序"):
        rd.draft(store, "终本后财产查询告知书", case, today=TODAY)
    # 终本 is lawful only once the property found is dealt with (终本规定 art 4, issue 11): the frozen deposit is
    # transferred, and the sealed house is shown to be without disposable value.
    from sqlalchemy import select

    from execdesk.models import FoundAsset
    from execdesk.services.inputs import NodeInput

    with store.read() as s:
        assets = {a.kind: a.id for a in s.scalars(select(FoundAsset).where(FoundAsset.case_id == case))}
    cases.record_node(store, actor, case, NodeInput(code="N14", ended_on=date(2026, 5, 2), data={
        "amount": "3000", "route": "划拨", "asset_id": assets["存款"]}), today=TODAY)
    cases.set_asset_reason(store, actor, assets["不动产"], cannot_dispose_reason="已设定权利负担且无剩余价值",
                           not_executable_reason="该房产已抵押，评估价值低于抵押债权", today=TODAY)
    approve_all(store, actor, case)
    issue_ruling(store, actor, case, today=TODAY)
    later = date(2027, 5, 20)
    cases.record_inquiry(store, actor, case, method="网络查控", queried_on=later, scopes=["商业银行", "车辆", "不动产"],
                         result="未发现可供执行的财产", today=later)
    out = rd.produce(store, actor, "终本后财产查询告知书", case, today=later)
    d = rd.status(store, "终本后财产查询告知书", case, today=later)
    plain = check_pdf(out.pdf, d.text)
    assert_in_order(plain, ["财产查询结果告知书", "王芳：", "于2026年11月25日裁定终结本次执行程序", "第九条", "每六个月",
                            "2027年5月20日", "商业银行、车辆、不动产", "未发现可供执行的财产", "可以向本院申请恢复执行",
                            "2027年11月20日"])
    # The query made and the applicant told is the periodic re-query (N26) of R14: recorded once with the notice.
    assert [n[:3] for n in _live(store, case, "N26")] == [("N26", later, later)]
    rd.issue(store, actor, "终本后财产查询告知书", case, reissue=True, today=later)
    assert len(_live(store, case, "N26")) == 1


def test_closure_and_restore_notices(store, actor, case):
    with pytest.raises(ValidationError, match="尚未结案"):
        rd.draft(store, "结案通知书", case, today=TODAY)
    with pytest.raises(ValidationError, match="不是恢复执行案件"):
        rd.draft(store, "恢复执行通知书", case, today=TODAY)
    cases.record_node(store, actor, case, NodeInput(code="N27", ended_on=TODAY, data={"method": "终结本次执行程序"}),
                      today=TODAY)
    d = rd.produce(store, actor, "结案通知书", case, today=TODAY)
    assert_in_order(squeeze(pdf_text(d.pdf)), ["结案通知书", "王芳：", "本案已于2026年11月25日以终结本次执行程序方式结案",
                                                "尚有人民币73,000.00元未执行到位"])
    new = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执恢3号", filed_on=date(2026, 11, 24),
                                                              origin_case_number="（2026）鲁0102执100号"), today=TODAY)
    out = rd.produce(store, actor, "恢复执行通知书", new, today=TODAY)
    r = rd.status(store, "恢复执行通知书", new, today=TODAY)
    plain = check_pdf(out.pdf, r.text)
    assert_in_order(plain, ["恢复执行通知书", "原案号为（2026）鲁0102执100号", "终结本次执行程序方式结案", "第九条", "第六条",
                            "案号为（2026）鲁0102执恢3号"])


# ---------------------------------------------------------------- batch


def _three_cases(store, actor):
    ids = []
    for n in (201, 202, 203):
        ids.append(cases.register_case(store, actor, sample_case_input(f"（2026）鲁0102执{n}号", filed_on=TODAY),
                                       today=TODAY))
    return ids


def test_batch_one_pdf_per_case_plus_one_print_file(store, actor, data_dir, tmp_path):
    ids = _three_cases(store, actor)
    assert rd.new_today_case_ids(store, TODAY) == ids
    seen = []
    result = rd.batch(store, actor, "执行通知书", ids, tmp_path / "out", today=TODAY,
                      progress=lambda done, total, text: seen.append((done, total)))
    assert [i.state for i in result.items] == ["新出具"] * 3
    assert seen[-1] == (4, 4)
    for cid in ids:  # each notice is its case's N04, recorded in the batch's transaction
        assert [n[:3] for n in _live(store, cid, "N04")] == [("N04", TODAY, TODAY)]
    for it in result.items:
        assert it.path.is_file() and it.path.read_bytes() == rd.produce(store, actor, "执行通知书", it.case_id,
                                                                           today=TODAY).pdf
    assert "Pages:           6" in pdf_tool("pdfinfo", result.print_file.read_bytes())  # 3 × 2 pages
    text = squeeze(pdf_text(result.print_file.read_bytes()))
    assert_in_order(text, ["（2026）鲁0102执201号", "（2026）鲁0102执202号", "（2026）鲁0102执203号"])
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [i.path.name for i in result.items] + [result.print_file.name])


def test_batch_cancel_writes_nothing(store, actor, data_dir, tmp_path):
    ids = _three_cases(store, actor)
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2  # cancel while the second case is being prepared

    with pytest.raises(rd.BatchCancelled):
        rd.batch(store, actor, "执行通知书", ids, tmp_path / "out", today=TODAY, cancelled=cancelled)
    with store.read() as s:
        assert s.scalars(select(IssuedDocument)).all() == []
    assert not (tmp_path / "out").exists()


def test_batch_cancel_after_rendering_rolls_back_the_issue(store, actor, data_dir, tmp_path):
    ids = _three_cases(store, actor)
    state = {"n": 0}

    def cancelled():
        state["n"] += 1
        return state["n"] > len(ids) + 1  # the last check, after the issuing inserts, says cancel

    with pytest.raises(rd.BatchCancelled):
        rd.batch(store, actor, "执行通知书", ids, tmp_path / "out", today=TODAY, cancelled=cancelled)
    with store.read() as s:
        assert s.scalars(select(IssuedDocument)).all() == []
    assert not (tmp_path / "out").exists()
    assert all(_live(store, cid, "N04") == [] for cid in ids)  # nor the N04 acts


def test_the_desktops_batch_runs_in_a_child_process_with_the_same_result(store, actor, data_dir, tmp_path):
    """The 批量生成 tab runs the batch in a process of its own (its rendering never holds the window's GIL, the UI
    stall of issue 16's benchmark): progress comes back, one PDF per case and the print file, the N04 acts."""
    ids = _three_cases(store, actor)
    seen = []
    result = rd.batch_in_process(store.path, actor, "执行通知书", ids, tmp_path / "out", today=TODAY,
                                 progress=lambda done, total, text: seen.append((done, total)))
    assert [i.state for i in result.items] == ["新出具"] * 3 and seen[0] == (1, 4) and seen[-1] == (4, 4)
    assert result.print_file.is_file() and all(i.path.is_file() for i in result.items)
    assert [d["kind"] for cid in ids for d in rd.issued_list(store, cid)] == ["执行通知书"] * 3
    assert all(len(_live(store, cid, "N04")) == 1 for cid in ids)
    # a person's mistake comes back in Chinese; a cancel stores and writes nothing
    with pytest.raises(ValidationError, match="没有“通缉令”这种文书"):
        rd.batch_in_process(store.path, actor, "通缉令", ids, tmp_path / "x", today=TODAY)
    more = [cases.register_case(store, actor, sample_case_input(f"（2026）鲁0102执{n}号", filed_on=TODAY),
                                today=TODAY) for n in (211, 212)]
    with pytest.raises(rd.BatchCancelled):
        rd.batch_in_process(store.path, actor, "执行通知书", more, tmp_path / "cancelled", today=TODAY,
                            cancelled=lambda: True)
    assert all(rd.issued_list(store, cid) == [] and _live(store, cid, "N04") == [] for cid in more)
    assert not (tmp_path / "cancelled").exists()


def test_batch_reports_a_case_that_cannot_be_issued_and_goes_on(store, actor, data_dir, tmp_path):
    ids = _three_cases(store, actor)
    result = rd.batch(store, actor, "结案通知书", ids, tmp_path / "out", today=TODAY)
    assert [i.state for i in result.items] == ["失败"] * 3 and "尚未结案" in result.items[0].message
    assert result.print_file is None


def test_cli_doc_writes_the_notice_and_lists_what_is_missing(store, actor, case, db_path, tmp_path, capsys):
    from execdesk.cli import main

    out = tmp_path / "n.pdf"
    assert main(["--db", str(db_path), "doc", "执行通知书", "（2026）鲁0102执100号", "--out", str(out),
                 "--today", "2026-11-25"]) == 0
    assert "已出具执行通知书第1版" in capsys.readouterr().out and out.is_file()
    assert main(["--db", str(db_path), "doc", "纳入失信被执行人名单决定书", "（2026）鲁0102执100号", "--out", str(out),
                 "--measure", measure_id(store, case, "失信"), "--today", "2026-11-25"]) == 0
    printed = capsys.readouterr().out
    assert "草稿" in printed and "尚需审批：执行局长签发" in printed
    assert main(["--db", str(db_path), "doc", "通缉令", "（2026）鲁0102执100号", "--out", str(out)]) == 2
    assert "没有“通缉令”这种文书" in capsys.readouterr().err


def test_sample_pages_render_to_png(store, actor, case, tmp_path):
    """Every kind renders a page with ink (the PNGs in docs/pdf/ are made by bench/bench_routine_documents.py)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler missing")
    import subprocess

    d = rd.draft(store, "执行通知书", case, today=TODAY)
    pdf = tmp_path / "d.pdf"
    pdf.write_bytes(d.pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p*.png"))
    assert png.stat().st_size > 2000
