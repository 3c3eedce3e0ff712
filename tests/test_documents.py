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
    data = ruling_doc.RulingData(**{**data.__dict__, "parties": data.parties + (ruling_doc.PartyData(
        role="委托代理人", kind="自然人", name="赵明", affiliation="山东泉城律师事务所律师"),)})
    pub = public_copy(ruling_doc.compose(data))
    joined = "".join(pub.paragraphs())
    assert "王芳" not in joined and "王强" not in joined
    assert "申请执行人：王某甲" in joined and "被执行人：王某乙" in joined
    assert "委托诉讼代理人：赵明，山东泉城律师事务所律师。" in joined  # a lawyer keeps their name (art 11(2))


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


# ---------------------------------------------------------------- issue 12: the documents as a real 执行局 issues them

from execdesk.models import Case, FoundAsset, Party  # noqa: E402
from execdesk.services.inputs import NodeInput  # noqa: E402


def _text(store, cid, when=TODAY, **kw):
    with store.read() as s:
        return documents.ruling_text(s, s.get(Case, cid), when, **kw)


def _pages(pdf: bytes) -> list[str]:
    return [squeeze(p) for p in pdf_text(pdf).split("\f") if p.strip()]


def test_r9_panel_signers_are_titled_by_their_post_and_an_enforcement_officer_is_never_a_judge(store, actor):
    """DOMAIN §1.8, §2.2 item 11; 法院组织法 art 30: the 审判长 is a 法官; an 执行员 member is printed 执行员."""
    from execdesk.services.accounts import create_user

    create_user(store, actor, username="lina", display_name="李娜", role="承办人", password="password123",
                title="执行员")
    cid = make_ready_case(store, actor)
    from execdesk.services.approvals import approve_ruling

    kw = dict(password="password123", today=TODAY)
    approve_ruling(store, actor, cid, step="合议庭", approver_username="zhaolei", panel=["lina", "zhangwei"], **kw)
    approve_ruling(store, actor, cid, step="执行局长", approver_username="zhaolei", **kw)
    approve_ruling(store, actor, cid, step="院长", approver_username="sunli", **kw)
    pdf = documents.issue_ruling(store, actor, cid, today=TODAY).original
    flat = squeeze(pdf_text(pdf))
    assert "审判长赵磊执行员李娜审判员张伟" in flat and "审判员李娜" not in flat


def test_r9_a_clerk_cannot_sit_on_the_panel_and_an_enforcement_officer_cannot_preside():
    from execdesk.rules.panel import Member, panel_signers, single_signer

    with pytest.raises(ValidationError, match="不是审判员或执行员"):
        panel_signers([Member("赵磊", "审判员"), Member("刘洋", None, "书记员"), Member("张伟", "审判员")])
    with pytest.raises(ValidationError, match="审判长须由法官担任"):
        panel_signers([Member("李娜", "执行员"), Member("赵磊", "审判员"), Member("张伟", "审判员")])
    with pytest.raises(ValidationError, match="应由3人组成"):
        panel_signers([Member("赵磊", "审判员"), Member("张伟", "审判员")])
    lines = panel_signers([Member("孙立", None, "院长"), Member("李娜", "执行员"), Member("张伟", "审判员")])
    assert [(s.title, s.name) for s in lines] == [("审判长", "孙立"), ("执行员", "李娜"), ("审判员", "张伟")]
    assert [(s.title, s.name) for s in single_signer(Member("李娜", "执行员"))] == [("执行员", "李娜")]
    with pytest.raises(ValidationError, match="不能在裁定书上署名"):
        single_signer(Member("刘洋", None, "书记员"))


def test_r10_agents_are_printed_under_the_party_they_represent_with_their_firm(store, actor):
    """DOMAIN §2.2 item 2: 委托诉讼代理人 right under their party, with firm/occupation; not after the last party."""
    cid = make_ready_case(store, actor)
    with store.transaction() as s:
        applicant = s.scalar(select(Party).where(Party.case_id == cid, Party.role == "申请执行人"))
        debtor = s.scalar(select(Party).where(Party.case_id == cid, Party.role == "被执行人"))
        s.add(Party(case_id=cid, seq=3, role="委托代理人", kind="自然人", name="赵明",
                    legal_rep_title="山东泉城律师事务所律师", represents_party_id=applicant.id))
        s.add(Party(case_id=cid, seq=4, role="委托代理人", kind="自然人", name="钱亮", legal_rep_title="该公司员工",
                    represents_party_id=debtor.id))
    parties = _text(store, cid).parties
    assert [p.split("：")[0] for p in parties] == ["申请执行人", "委托诉讼代理人", "被执行人", "法定代表人", "委托诉讼代理人"]
    assert parties[1] == "委托诉讼代理人：赵明，山东泉城律师事务所律师。"
    assert parties[4] == "委托诉讼代理人：钱亮，该公司员工。"
    # The original and the 公开版 come back exactly through pdftotext, every font embedded (DESIGN.md §4).
    text = _text(store, cid)
    for shown in (text, public_copy(text)):
        pdf = ruling_doc.render(shown)
        got = squeeze(pdf_text(pdf)).replace("（此页无正文）", "")
        assert got == "".join(squeeze(p) for p in shown.paragraphs())
        rows = pdf_tool("pdffonts", pdf).splitlines()[2:]
        assert rows and all(r.split()[-5:-2] == ["yes", "yes", "yes"] for r in rows)


def test_r10_the_sign_off_block_is_never_split_and_a_page_with_only_the_sign_off_says_so():
    """DOMAIN §2.2 item 11: 审判长…书记员 on one page; a page holding only it says （此页无正文）."""
    marked = 0
    for n in range(0, 24):
        data = ruling_doc.RulingData(**{**_data(date(2026, 11, 25)).__dict__,
                                        "events": tuple(ruling_doc.Event.of(date(2026, 4, 1 + k % 28), "search",
                                                                            debtor="乙公司", description="未能查明其下落")
                                                        for k in range(n)),
                                        "signers": (ruling_doc.SignerLine("审判长", "赵磊"),
                                                    ruling_doc.SignerLine("审判员", "张伟"),
                                                    ruling_doc.SignerLine("审判员", "周敏")),
                                        "clerk_name": "刘洋"})
        text = ruling_doc.compose(data)
        pages = _pages(ruling_doc.render(text))
        with_signoff = [p for p in pages if "审判长赵磊" in p]
        assert len(with_signoff) == 1
        page = with_signoff[0]
        assert "审判员周敏" in page and "二〇二六年十一月二十五日" in page and "（院印）" in page and "书记员刘洋" in page
        rest = re.sub(r"—\d+—", "", page.split("审判长赵磊")[0])
        if "（此页无正文）" in page:
            marked += 1
            assert rest == "（此页无正文）"  # nothing of the ruling's text on that page
        else:
            assert rest  # the block follows text on the same page
        got = "".join(pages).replace("（此页无正文）", "")
        assert re.sub(r"—\d+—", "", got) == "".join(squeeze(p) for p in text.paragraphs())
    assert marked >= 1  # some length puts the sign-off alone on a page


def test_r10_basis_effective_date_and_the_opening_of_the_real_rulings(store, actor):
    """DOMAIN §2.3 (执行依据 with the date it took effect), §2.2 item 3 / S27 ("因被执行人未履行…申请强制执行")."""
    origin = _text(store, make_ready_case(store, actor)).body[0]
    assert "民事判决书已于2026年1月10日发生法律效力。该判决书判决：" in origin
    assert "因被执行人济南鲁信商贸有限公司未履行生效法律文书确定的义务，申请执行人王芳向本院申请强制执行" in origin


def test_r10_a_settlement_is_restated_as_the_parties_agreement_not_as_a_judgment():
    data = _data(date(2026, 11, 25))
    data = ruling_doc.RulingData(**{**data.__dict__, "basis_document_type": "民事调解书",
                                    "basis_content": "被告应于2021年6月30日前向原告支付货款50000元"})
    origin = ruling_doc.compose(data).body[0]
    assert "该调解书确认，双方当事人自愿达成如下协议：被执行人乙公司于2021年6月30日前向申请执行人甲公司支付货款50000元。" in origin
    assert "被告" not in origin and "原告" not in origin and "应于" not in origin


def test_r10_property_investigation_is_grouped_by_channel_and_date_and_the_report_in_words(store, actor):
    """DOMAIN §2.2 item 4: one paragraph for the notice and the debtor's report, one for the network inquiry of
    a date (a query repeated with the same result: one paragraph naming each date), one per on-site measure,
    one for 限制消费 and 失信; the small case is 6 numbered paragraphs on at most 4 pages (was 16 and 5)."""
    cid = make_ready_case(store, actor)
    text = _text(store, cid)
    items = [p for p in text.body if re.match(r"^\d+．", p)]
    assert len(items) == 5
    assert items[0].startswith("1．2026年3月4日，本院向被执行人济南鲁信商贸有限公司发出执行通知书、报告财产令")
    assert "被执行人按期申报，经核查属实。" in items[0]  # the report stated in words, with the notice
    assert items[1].startswith("2．本院先后于2026年3月6日、2026年10月20日通过网络执行查控系统")
    assert sum("网络执行查控系统" in p for p in items) == 1
    assert "限制消费令" in items[2] and "纳入失信被执行人名单" in items[2]
    pages = _pages(ruling_doc.render(text))
    assert len(pages) <= 4


def test_r8_interview_prints_the_place_the_period_for_leads_and_its_consequence(store, actor):
    """终本规定 art 5, DOMAIN §1.5 (约谈 fields 提供线索期限, 约谈场所), S27: no lead within the time allowed."""
    cid = make_ready_case(store, actor, interview=False)
    cases.record_node(store, actor, cid, NodeInput(code="N22", ended_on=date(2026, 11, 10), data={
        "method": "面谈", "place": "本院执行局谈话室", "agreed": "是", "leads_deadline": 7}), today=TODAY)
    body = "".join(_text(store, cid).body)
    assert "2026年11月10日，本院在本院执行局谈话室以面谈方式约谈申请执行人王芳" in body
    assert "本院告知申请执行人应于7日内提供被执行人可供执行的财产线索，逾期未提供的，本院将依法裁定终结本次执行程序。" in body
    assert "申请执行人在指定期限内未能提供被执行人可供执行的财产线索。" in body
    # A lead given within the period: the "未能提供" sentence goes.
    cases.record_lead(store, actor, cid, source="申请执行人", content="被执行人在外地有仓库", given_on=date(2026, 11, 14),
                      today=TODAY)
    assert "在指定期限内未能提供" not in "".join(_text(store, cid).body)


def test_r10_found_property_is_narrated_with_its_seal_disposal_and_the_recovered_money(store, actor):
    """终本规定 arts 4 and 6(3)(4), issue 11: a house found, sealed and auctioned says so, with why it cannot be
    disposed of; the recovered amount is the sum of 到账 payments up to the ruling date (发放 is not recovery)."""
    cid = make_ready_case(store, actor)
    d = zb_debtor(store, cid)
    mid = cases.record_measure(store, actor, cid, kind="查封", started_on=date(2026, 4, 1), party_id=d,
                               asset_kind="不动产", document_number="（2026）鲁0102执100号之三", value="600000",
                               description="济南市历下区解放路8号房产一套", today=TODAY)
    with store.read() as s:
        aid = s.scalar(select(FoundAsset.id).where(FoundAsset.case_id == cid, FoundAsset.measure_id == mid))
    cases.set_asset_reason(store, actor, aid, cannot_dispose_reason="已设定权利负担且无剩余价值",
                           not_executable_reason="已抵押给中国银行，评估价不足清偿抵押债权", today=TODAY)
    for n, day in enumerate((date(2026, 6, 1), date(2026, 7, 1)), 1):
        cases.record_node(store, actor, cid, NodeInput(code="N13", started_on=day, ended_on=day, data={
            "asset_id": aid, "method": "网络司法拍卖", "result": "流拍", "round": n, "auction_on": day.isoformat()}),
            today=TODAY)
    cases.record_payment(store, actor, cid, kind="到账", amount="3000", paid_on=date(2026, 8, 1), route="划拨",
                         today=TODAY)
    cases.record_payment(store, actor, cid, kind="发放", amount="3000", paid_on=date(2026, 8, 3), today=TODAY)
    body = "".join(_text(store, cid).body)
    para = next(p for p in _text(store, cid).body if p.startswith("经调查，被执行人济南鲁信商贸有限公司名下有"))
    for piece in ("（价值人民币600,000.00元）。", "本院于2026年4月1日查封该财产，文号为（2026）鲁0102执100号之三。",
                  "2026年6月1日第1次网络司法拍卖，流拍；2026年7月1日第2次网络司法拍卖，流拍。",
                  "该财产已设定权利负担，处置后无剩余价值（已抵押给中国银行，评估价不足清偿抵押债权），依法不能处置。"):
        assert piece in para, piece
    assert "本院查封被执行人" not in body  # the seal is told once, with its asset
    assert "已执行到位人民币15,000.00元（壹万伍仟元整），尚有人民币70,000.00元" in body  # 12,000 + 3,000
    assert "发现的财产不能处置" in body and "未发现被执行人有可供执行的财产" not in body


def zb_debtor(store, cid):
    from zb_fixtures import debtor_id

    return debtor_id(store, cid)


def test_r10_a_closed_case_without_a_stored_ruling_is_dated_by_its_ruling_node(store, actor):
    """DOMAIN §1.6/§2.2: a closed 终本 case's ruling is the one made on its N24 day, listing only what came before
    (not a draft dated today with the later 6-monthly re-query)."""
    cid = make_ready_case(store, actor)
    cases.record_node(store, actor, cid, NodeInput(code="N24", started_on=date(2026, 11, 15), ended_on=date(2026, 11, 18),
                                                   data={"served_on": "2026-11-18"}), today=TODAY)
    cases.record_inquiry(store, actor, cid, method="网络查控", queried_on=date(2026, 11, 24), scopes=["商业银行"],
                         result="未发现可供执行的财产", today=TODAY)
    with store.transaction() as s:
        case = s.get(Case, cid)
        case.status, case.closure_method, case.closed_on = "已结", "终结本次执行程序", date(2026, 11, 18)
    out = documents.produce_ruling(store, actor, cid, today=date(2027, 3, 1))
    assert out.state == "草稿" and out.ruling_date == date(2026, 11, 15)
    flat = squeeze(pdf_text(out.pdf))
    assert "二〇二六年十一月十五日" in flat and "2026年11月24日" not in flat


def test_r9_ruling_date_defaults_to_the_approved_date_not_the_signing_day(store, actor):
    """`execdesk ruling --date` help: default = the date the approvers approved (was the wall-clock day)."""
    add_judge(store, actor)
    cid = make_ready_case(store, actor)
    approve_all(store, actor, cid, ruling_date=date(2026, 11, 20))
    out = documents.produce_ruling(store, actor, cid, today=date(2026, 12, 20))
    assert out.state == "新出具" and out.ruling_date == date(2026, 11, 20)
    assert "二〇二六年十一月二十日" in squeeze(pdf_text(out.pdf))


def test_gbt15834_no_opening_bracket_at_a_line_end_no_closing_mark_at_a_line_start_no_number_cut():
    """GB/T 15834 §5.1.2 line-breaking rules: "85,185.94元（" / "捌万…" and "法发〔" / "2006〕" broke before."""
    from execdesk.documents.fonts import cjk_fonts
    from execdesk.documents.page import CANNOT_END, CANNOT_START, Styles, build_pdf, para

    st = Styles(cjk_fonts())
    base = ("尚有人民币85,185.94元（捌万伍仟壹佰捌拾伍元玖角肆分）未执行到位，依照《关于人民法院办理执行案件若干期限的规定》"
            "（法发〔2006〕35号）第一条、“终本规定”第五条，裁定如下：")
    paragraphs = [("执" * n) + base for n in range(30)]
    text = pdf_text(build_pdf([para(p, st.body) for p in paragraphs], title="t"))
    lines = [line.strip() for line in text.splitlines() if line.strip() and not re.match(r"^\s*— \d+ —\s*$", line)]
    assert len(lines) > 90
    assert not [ln for ln in lines if ln[-1] in CANNOT_END]
    assert not [ln for ln in lines if ln[0] in CANNOT_START]
    pairs = list(zip(lines, lines[1:], strict=False))
    assert not [(a, b) for a, b in pairs if a[-1] in "0123456789,." and b[0] in "0123456789,."]
    assert squeeze(text) == "".join(squeeze(p) for p in paragraphs)


def test_r9_a_panel_with_a_clerk_is_refused_when_it_is_recorded(store, actor):
    """法院组织法 art 30 / DOMAIN §1.8: the 合议 step that names a 书记员 as a member is refused then and there
    (nothing recorded), not when the ruling is issued."""
    from execdesk.models import Approval, Node
    from execdesk.services.approvals import approve_ruling

    cid = make_ready_case(store, actor)
    with pytest.raises(ValidationError, match="刘洋（书记员）不是审判员或执行员"):
        approve_ruling(store, actor, cid, step="合议庭", approver_username="zhaolei", panel=["liuyang", "zhangwei"],
                       password="password123", today=TODAY)
    with store.read() as s:
        assert s.scalar(select(Approval.id).where(Approval.case_id == cid)) is None
        assert s.scalar(select(Node.id).where(Node.case_id == cid, Node.code == "N23")) is None


def test_r36_handler_and_date_of_the_written_explanation_stay_together():
    """DOMAIN §2.6 item 7: 承办人 and the date on one page, whatever the length of the explanation."""
    from execdesk.documents import explanation as expl

    lim = expl.LimitView(statutory_months=6, basis="审限规定第五条", start_day=date(2026, 3, 3),
                         nominal_end=date(2026, 9, 2), deductions=(), deduction_basis="", extensions=(),
                         extension_basis="", due_on=date(2026, 9, 2), rolled_from=None, provisional=False,
                         provisional_note="", overdue_days=84, paused=False)
    for n in range(0, 22):
        data = expl.ExplanationData(
            case_number="（2026）鲁0102执100号", cause="民间借贷纠纷", applicants="王芳", debtors="乙公司",
            filed_on=date(2026, 3, 2), claimed_fen=8_500_000, realised_fen=0, handler="张伟", today=TODAY, limit=lim,
            events=tuple(ruling_doc.Event.of(date(2026, 4, 1 + k % 28), "search", debtor="乙公司",
                                             description="未能查明其下落") for k in range(n)))
        pages = _pages(expl.render(expl.compose(data)))
        assert [("承办人：张伟" in p, "2026年11月25日" in p.split("承办人：张伟")[-1]) for p in pages
                if "承办人：张伟" in p] == [(True, True)]


def test_r9_an_imported_panel_of_people_without_accounts_here_is_kept_and_checked_when_issuing(store, actor):
    """A panel recorded elsewhere (import) names people this court has no account for: recorded as is; the ruling
    cannot be issued with it (strict signers), and a draft shows the template's placeholders."""
    cid = make_ready_case(store, actor)
    from execdesk.models import Node

    def record_panel(names):  # as an import writes it: the node row with its panel
        with store.transaction() as s:
            s.add(Node(case_id=cid, code="N23", seq=90, name="合议/审批（终本）", ended_on=date(2026, 11, 12),
                       status="已完成", data={"panel": names}))

    record_panel(["外院甲", "外院乙", "外院丙"])
    with store.read() as s:
        with pytest.raises(ValidationError, match="合议庭|审判长"):
            documents.panel_signers(s, None, ["外院甲", "外院乙", "外院丙"])
    with pytest.raises(ValidationError, match="刘洋（书记员）"):
        record_panel(["外院甲", "刘洋", "外院丙"])


@given(st.text(alphabet="执行人（）〔〕《》“”，。、：；0123456789.,AXB", min_size=1, max_size=400),
       st.integers(min_value=20, max_value=40))
def test_gbt15834_property_line_breaks_lose_nothing_and_break_only_where_allowed(text, chars_per_line):
    """GB/T 15834 §5.1.2 as a property of ``kinsoku_split``: the lines join back to the text; every break is
    allowed unless no allowed break exists within reach; a line is never wider than the measure plus one hung mark."""
    from execdesk.documents.page import _MAX_PULL, CANNOT_START, break_allowed, kinsoku_split

    widths = [8.0 if ord(ch) < 0x3000 and ch not in "，。、：；" else 16.0 for ch in text]
    max_w = 16.0 * chars_per_line
    lines = kinsoku_split(text, widths, [max_w])
    assert "".join(t for _, t in lines) == text
    pos = 0
    for n, (extra, line) in enumerate(lines):
        end = pos + len(line)
        width = sum(widths[pos:end])
        assert abs((max_w - width) - extra) < 1e-6
        hung = line[-1] in CANNOT_START and width - widths[end - 1] <= max_w + 1e-6
        assert width <= max_w + 1e-6 or hung or len(line) == 1
        if n < len(lines) - 1 and not break_allowed(text, end):
            assert not any(break_allowed(text, k) for k in range(max(pos + 1, end - _MAX_PULL + 1), end + 1))
        pos = end


def test_r10_disposal_chain_and_lawful_reason_as_the_issue_11_records_hold_them(store, actor):
    """终本规定 art 4(1): three 流拍, a failed 变卖 and the applicant's refusal of 以物抵债, the steps naming the asset
    (``asset_id``) as issue 11's nodes do; the reason as a value of the closed list with its written detail."""
    from sqlalchemy import literal

    cid = make_ready_case(store, actor)
    aid = cases.record_found_asset(store, actor, cid, kind="不动产", description="解放路8号房产", value="500000",
                                   party_id=zb_debtor(store, cid), not_executable_reason="详见流拍及征询笔录",
                                   today=TODAY)
    steps = [("网络司法拍卖", "流拍", date(2026, 5, 1)), ("网络司法拍卖", "流拍", date(2026, 6, 1)),
             ("网络司法拍卖", "流拍", date(2026, 7, 1)), ("变卖", "变卖不成", date(2026, 9, 10)),
             ("以物抵债", "申请人拒绝抵债", date(2026, 9, 20))]
    for method, result, day in steps:
        cases.record_node(store, actor, cid, NodeInput(code="N13", started_on=day, ended_on=day, data={
            "asset_id": aid, "method": method, "result": result}), today=TODAY)
    body = "".join(_text(store, cid).body)
    assert ("2026年5月1日第1次网络司法拍卖，流拍；2026年6月1日第2次网络司法拍卖，流拍；2026年7月1日第3次网络司法拍卖，流拍；"
            "2026年9月10日依法变卖，未能成交；2026年9月20日经征询，申请执行人不同意以物抵债。") in body
    with store.read() as s:
        row = s.execute(select(literal(False).label("disposed"), literal("第3次流拍").label("disposal_state"),
                               literal("拍卖变卖不成且申请人拒绝以物抵债").label("cannot_dispose_reason"),
                               literal("详见笔录").label("not_executable_reason"),
                               literal("m1").label("measure_id"))).one()
        sold = s.execute(select(literal(False).label("disposed"), literal("已变价").label("disposal_state"),
                                literal(None).label("cannot_dispose_reason"),
                                literal(None).label("not_executable_reason"))).one()
    assert documents.asset_disposal(row) == (False, "经拍卖、变卖均未成交，申请执行人不同意以物抵债（详见笔录）", "m1")
    assert documents.asset_disposal(sold)[0] is True
