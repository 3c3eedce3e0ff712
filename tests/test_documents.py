"""The court's PDFs read back with poppler: 终本裁定书, its 公开版 (R40), and issued-document immutability.

DOMAIN.md §2.2–2.3 (elements and order), R10 (amounts), R11 (citation by ruling date), DESIGN.md §4 (A4, fonts
embedded as subsets of a real TrueType CJK font, text round-trips through pdftotext).
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pytest
from conftest import TODAY
from sqlalchemy import select
from stdnum.cn import ric
from zb_fixtures import add_judge, approve_all, make_ready_case, pdf_text, pdf_tool, squeeze

from execdesk.documents import ruling as ruling_doc
from execdesk.documents.public import county_of, mask_address, mask_text, public_copy
from execdesk.models import AuditEntry, IssuedDocument
from execdesk.rules.errors import ValidationError
from execdesk.services import cases, documents


@pytest.fixture
def issued(store, actor):
    add_judge(store, actor)
    cid = make_ready_case(store, actor)
    cases.record_measure(store, actor, cid, kind="冻结", started_on=date(2026, 4, 2), asset_kind="存款",
                         description="中国银行账户6217000012345678901中的存款3,000元", amount="3000", today=TODAY)
    cases.record_inquiry(store, actor, cid, method="传统查控", queried_on=date(2026, 4, 12),
                         result="电话联系被执行人法定代表人（13912345678），其称公司已停业、无力偿还", today=TODAY)
    approve_all(store, actor, cid)
    result = documents.issue_ruling(store, actor, cid, today=TODAY)
    with store.read() as s:
        case = s.get(__import__("execdesk.models", fromlist=["Case"]).Case, cid)
        text = documents.ruling_text(s, case, TODAY, strict_signers=True)
    return cid, result, text


def test_ruling_every_paragraph_comes_back_exactly_in_order(issued):
    _, result, text = issued
    got = squeeze(pdf_text(result.original))
    want = "".join(squeeze(p) for p in text.paragraphs())
    assert got == want  # every paragraph, in order, and nothing else
    # The same with -layout: still every paragraph once lines are joined.
    assert squeeze(pdf_text(result.original, "-layout")) == want


def test_ruling_has_the_required_elements_in_court_order(issued):
    _, result, text = issued
    plain = squeeze(pdf_text(result.original))
    order = ["济南市历下区人民法院", "执行裁定书", "（2026）鲁0102执100号", "申请执行人：王芳", "被执行人：济南鲁信商贸有限公司",
             "法定代表人：李强", "本院作出的（2025）鲁0102民初1234号民事判决书已于2026年1月10日发生法律效力",
             "因被执行人济南鲁信商贸有限公司未履行生效法律文书确定的义务，申请执行人王芳向本院申请强制执行",
             "本案执行过程中，本院依法采取了以下执行措施：", "2026年3月4日，本院向被执行人", "网络执行查控系统",
             "限制消费令", "纳入失信被执行人名单", "现场调查（传统查控）", "约谈申请执行人王芳",
             "已执行到位人民币12,000.00元（壹万贰仟元整），尚有人民币73,000.00元（柒万叁仟元整）未执行到位",
             "本院认为，", "第五百一十七条之规定，裁定如下：", "终结本次执行程序。", "可以向本院申请恢复执行",
             "被执行人负有继续履行", "本裁定送达后即发生法律效力。", "审判长赵磊", "审判员张伟", "审判员周敏",
             "（院印）", "二〇二六年十一月二十五日", "书记员刘洋"]
    pos = -1
    for element in order:
        found = plain.find(element, pos + 1)
        assert found > pos, f"{element} missing or out of order"
        pos = found
    # Measures are numbered in date order: the 2026-03-06 query precedes the 2026-10-20 one.
    items = [p for p in text.body if re.match(r"^\d+．", p)]
    dates = [tuple(map(int, re.search(r"(\d{4})年(\d+)月(\d+)日", p).groups())) for p in items]
    assert dates == sorted(dates) and len(items) >= 6


def test_ruling_pdf_is_a4_with_every_font_embedded_as_truetype_subset(issued):
    _, result, _ = issued
    info = pdf_tool("pdfinfo", result.original)
    assert "595.276 x 841.89 pts (A4)" in info
    fonts = [line.split() for line in pdf_tool("pdffonts", result.original).splitlines()[2:]]
    assert fonts, "no fonts listed"
    for row in fonts:
        # name type encoding emb sub uni object ID
        assert row[1] == "TrueType" and row[-5:-2] == ["yes", "yes", "yes"], row
        assert re.match(r"^[A-Z]{6}\+", row[0]), row  # subset prefix
    # 案号 right-aligned: its right edge on the right margin, its left edge past the page centre.
    from execdesk.documents.page import PAGE, RIGHT

    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
                       pdf_text(result.original, "-bbox", "-f", "1", "-l", "1"))
    x_min, x_max, _ = next(w for w in words if "执100号" in w[2])
    assert float(x_min) > PAGE[0] / 2
    assert abs(float(x_max) - (PAGE[0] - RIGHT - 6)) < 3  # 6 pt: the frame's padding


def test_r40_public_copy_follows_the_2016_publication_rules(issued):
    """R40, 法释〔2016〕19号 arts 10, 11: a natural person keeps name, sex, birth date and county; ID number, home
    address, phones and bank accounts go; a legal person keeps its 住所地 and credit code. Nothing else changes."""
    _, result, text = issued
    public_text = pdf_text(result.public)
    flat = squeeze(public_text)
    for run in re.findall(r"\d{17}[\dX]", flat):
        assert not ric.is_valid(run), run
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", flat)
    assert not re.search(r"\d{10,}", flat)
    assert "公民身份号码" not in flat.split("被执行人：")[0]  # the applicant's ID number is deleted, not masked
    assert "申请执行人：王芳，女，1990年4月12日出生，汉族，住济南市历下区。" in flat
    assert "经十路100号" not in flat
    # A legal person's 住所地 and credit code stay (art 11(1)).
    assert "住所地济南市历下区解放路8号，统一社会信用代码91370102MA3C1234XG" in flat
    assert "中国银行账户" in flat and "6217000012345678901" not in flat  # the account is replaced by ×
    assert "13912345678" in squeeze(pdf_text(result.original))  # the served original keeps it
    pub = public_copy(text)
    assert len(pub.paragraphs()) == len(text.paragraphs())
    changed = [(a, b) for a, b in zip(text.paragraphs(), pub.paragraphs(), strict=True) if a != b]
    assert 2 <= len(changed) <= 4
    assert squeeze(public_text).replace("（此页无正文）", "") == "".join(squeeze(p) for p in pub.paragraphs())


def test_r40_public_copy_removes_plates_and_certificate_numbers_and_keeps_county():
    text = "查封被执行人名下鲁A12345号小型轿车及鲁（2020）济南市不动产权第0012345号房产，账户6217000012345678901"
    masked = mask_text(text, ())
    assert "鲁A12345" not in masked and "0012345" not in masked and "6217000012345678901" not in masked
    assert "不动产权第×××××××号" in masked and "小型轿车" in masked
    assert mask_address("济南市历下区经十路100号") == "济南市历下区××××"
    assert county_of("山东省济南市历城区港沟街道某村") == "山东省济南市历城区"


def test_r40_family_disputes_publish_natural_persons_as_surname_mou():
    """法释〔2016〕19号 arts 8(1), 9(1): 婚姻家庭、继承 disputes — parties' names become 姓 + 某."""
    data = ruling_doc.RulingData(
        court_name="济南市历下区人民法院", case_number="（2026）鲁0102执5号", ruling_date=date(2026, 11, 25),
        cause="抚养费纠纷", filed_on=date(2026, 3, 2), amount_claimed_fen=3_000_000, realised_fen=0,
        parties=(ruling_doc.PartyData(role="申请执行人", kind="自然人", name="王芳", sex="女", birth_date=date(1990, 1, 1),
                                      address="济南市历下区经十路1号"),
                 ruling_doc.PartyData(role="被执行人", kind="自然人", name="王强", sex="男", birth_date=date(1988, 1, 1),
                                      address="济南市市中区英雄山路2号")),
        basis_document_type="民事调解书", basis_document_number="（2025）鲁0102民初9号")
    pub = public_copy(ruling_doc.compose(data))
    joined = "".join(pub.paragraphs())
    assert "王芳" not in joined and "王强" not in joined
    assert "申请执行人：王某甲" in joined and "被执行人：王某乙" in joined


def test_mask_helpers():
    assert mask_text("联系电话0531-86123456，手机13812345678", ()) == "联系电话×××××××××××××，手机×××××××××××"
    assert mask_text("（2026）鲁0102执100号，人民币85,000.00元", ()) == "（2026）鲁0102执100号，人民币85,000.00元"


def _data(ruling_date: date) -> ruling_doc.RulingData:
    return ruling_doc.RulingData(
        court_name="济南市历下区人民法院", case_number="（2021）鲁0102执900号", ruling_date=ruling_date,
        cause="买卖合同纠纷", filed_on=date(2021, 10, 8), amount_claimed_fen=5_000_000, realised_fen=0,
        parties=(ruling_doc.PartyData(role="申请执行人", kind="法人", name="甲公司", address="济南市历下区一路1号"),
                 ruling_doc.PartyData(role="被执行人", kind="法人", name="乙公司", address="济南市历下区二路2号")),
        basis_document_type="民事判决书", basis_document_number="（2021）鲁0102民初1号")


def test_r11_ruling_cites_519_before_and_517_from_2022_04_10():
    before = ruling_doc.compose(_data(date(2022, 4, 9)))
    after = ruling_doc.compose(_data(date(2022, 4, 10)))
    assert any("解释》第五百一十九条之规定，裁定如下：" in p for p in before.body)
    assert any("解释》第五百一十七条之规定，裁定如下：" in p for p in after.body)
    assert squeeze("第五百一十九条") in squeeze(pdf_text(ruling_doc.render(before)))
    assert before.date_text == "二〇二二年四月九日"


def test_r10_amounts_in_figures_and_uppercase():
    text = ruling_doc.compose(_data(date(2022, 4, 10)))
    assert "本案已执行到位人民币0.00元（零元整），尚有人民币50,000.00元（伍万元整）未执行到位。" in "".join(text.body)


def test_draft_is_marked_and_not_stored(store, actor):
    cid = make_ready_case(store, actor)
    draft = documents.draft_ruling(store, cid, today=TODAY)
    assert draft.pending == ["合议庭评议", "执行局长审核", "院长审签"]
    text = pdf_text(draft.pdf)
    assert "草稿（未经审批，不得送达、不得上网）" in text
    assert "审判长×××" in squeeze(text)
    with store.read() as s:
        assert s.scalar(select(IssuedDocument.id)) is None


def test_issued_documents_are_immutable_and_reissue_is_a_new_version(store, actor, issued):
    cid, first, _ = issued
    assert first.version_no == 1
    assert first.sha256 == hashlib.sha256(first.original).hexdigest()
    second = documents.issue_ruling(store, actor, cid, today=TODAY)
    assert second.version_no == 2 and second.original_id != first.original_id
    versions = documents.issued_versions(store, cid, documents.RULING)
    assert [v.version_no for v in versions] == [1, 2] and all(documents.verify_issued(v) for v in versions)
    assert [v.version_no for v in documents.issued_versions(store, cid, documents.RULING_PUBLIC)] == [1, 2]
    with pytest.raises(ValidationError, match="不可修改"):
        with store.transaction() as s:
            s.get(IssuedDocument, first.original_id).content = b"tampered"
    with pytest.raises(ValidationError, match="不可删除"):
        with store.transaction() as s:
            s.delete(s.get(IssuedDocument, first.original_id))
    with store.read() as s:
        assert s.get(IssuedDocument, first.original_id).content == first.original
        audits = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "出具", AuditEntry.case_id == cid)))
    assert len(audits) == 4  # original + public, twice
    assert {a.actor for a in audits} == {actor.username}
    assert {a.after["sha256"] for a in audits} >= {first.sha256, second.sha256}


def test_same_content_renders_to_the_same_bytes(issued):
    _, _, text = issued
    assert ruling_doc.render(text) == ruling_doc.render(text)


def test_no_embeddable_cjk_font_is_a_clear_chinese_error(monkeypatch, tmp_path):
    from execdesk.documents import fonts

    # A CFF-outlined or absent font must never fall back to the unembedded STSong-Light.
    (tmp_path / "wqy-zenhei.ttc").write_bytes(b"not a font")
    monkeypatch.setattr(fonts, "_registered", None)
    monkeypatch.setattr(fonts, "_search_dirs", lambda: [tmp_path])
    with pytest.raises(fonts.FontMissingError, match="未找到可嵌入的中文TrueType字体") as err:
        fonts.cjk_fonts()
    assert "wqy-zenhei.ttc" in str(err.value)


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from execdesk.rules.identity import make_resident_id  # noqa: E402

_words = st.text(alphabet="被执行人住所地电话账户存款冻结查询约谈，。：（）", max_size=12)


@given(st.dates(min_value=date(1987, 1, 1), max_value=date(2006, 12, 31)), st.integers(1, 999),
       st.integers(0, 10**8 - 1), st.integers(10**15, 10**19 - 1), _words, _words)
def test_r40_property_public_mask_leaves_no_id_phone_or_account(born, seq, phone_tail, account, before, after):
    rid = make_resident_id("370102", born, seq)
    phone = f"139{phone_tail:08d}"
    text = f"{before}公民身份号码{rid}{after}联系电话{phone}，账户{account}{before}"
    masked = mask_text(text, ())
    assert rid not in masked and phone not in masked and str(account) not in masked
    assert not re.search(r"\d{10,}", masked)
    assert masked.endswith(before) and "公民身份号码×" in masked  # the words around stay


def test_database_itself_refuses_to_change_an_issued_document(store, actor, issued):
    import sqlite3

    _, first, _ = issued
    con = sqlite3.connect(store.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="已出具的文书不可修改"):
            con.execute("UPDATE issued_documents SET sha256 = 'x' WHERE id = ?", (first.original_id,))
        with pytest.raises(sqlite3.IntegrityError, match="已出具的文书不可删除"):
            con.execute("DELETE FROM issued_documents WHERE id = ?", (first.original_id,))
    finally:
        con.close()


def test_no_line_starts_with_prohibited_punctuation():
    # GB/T 15834: a line never starts with ，。：；！？）、 — reportlab alone left "裁定如下\n：" and a lone "。".
    from execdesk.documents.fonts import cjk_fonts
    from execdesk.documents.page import Styles, build_pdf, para

    st = Styles(cjk_fonts())
    base = "申请执行标的为人民币1,304,117.00元（壹佰叁拾万肆仟壹佰壹拾柒元整）。依照上述规定，裁定如下："
    paragraphs = [("执" * n) + base for n in range(28)]
    text = pdf_text(build_pdf([para(p, st.body) for p in paragraphs], title="t"))
    lines = [line for line in text.splitlines() if line.strip() and not re.match(r"^\s*— \d+ —\s*$", line)]
    assert len(lines) > 56
    assert not [line for line in lines if line[0] in "，。：；！？）、”"]
    assert squeeze(text) == "".join(squeeze(p) for p in paragraphs)


def test_embedded_font_subsets_keep_the_font_names_but_not_the_licence_text():
    """Issue 4 file size (≤ 100 KB): each embedded subset carried the font's whole 'name' table (AR PL UMing: a
    20 KB licence text, per 256 glyphs). Subsets keep copyright, family, style, full and PostScript names."""
    import struct

    from reportlab.pdfbase.ttfonts import TTFontFile

    from execdesk.documents.fonts import EMBEDDED_NAME_IDS, cjk_fonts, compact_name_table

    def records(table: bytes) -> dict[tuple[int, int, int, int], bytes]:
        _fmt, count, offset = struct.unpack(">HHH", table[:6])
        out = {}
        for i in range(count):
            p, e, lang, nid, length, off = struct.unpack(">6H", table[6 + 12 * i:18 + 12 * i])
            out[(p, e, lang, nid)] = table[offset + off:offset + off + length]
        return out

    path = cjk_fonts().files[0]
    original = TTFontFile(path, subfontIndex=0).get_table("name")
    compact = compact_name_table(original)
    before, after = records(original), records(compact)
    assert after == {k: v for k, v in before.items() if k[3] in EMBEDDED_NAME_IDS}  # same bytes, same keys
    assert {k[3] for k in after} >= {1, 4, 6}
    if any(k[3] == 13 for k in before):
        assert len(compact) < len(original)
    assert compact_name_table(b"\x00\x01" + original[2:]) == b"\x00\x01" + original[2:]  # format 1: untouched
