"""送签包 for the court's seal system (issue 16): export (PDF, its SHA-256, the approval chain, the case reference)
and the import of the sealed PDF, which is stored as the sealed original only if the issued, approved original is
its untouched first revision and its pages print the same. A tampered PDF is refused (R9: what was approved is
what is sealed; DESIGN.md §4 issued documents immutable).

The "seal system" here is pypdf writing an incremental update (an annotation where the seal goes), which is how
PAdES / GB/T 38540 seals are added: the outer boundary, not our code.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import date

import pytest
from conftest import TODAY
from routine_fixtures import approve, make_data_dir, measure_id, overwrite_page, seal
from sqlalchemy import select
from zb_fixtures import add_judge, approve_all, make_ready_case, pdf_tool

from execdesk.documents import seal_package as sp
from execdesk.models import AuditEntry, IssuedDocument
from execdesk.rules.errors import ValidationError
from execdesk.services import cases
from execdesk.services import routine_documents as rd
from execdesk.services.documents import issue_ruling


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    return make_data_dir(tmp_path, monkeypatch)


@pytest.fixture
def issued(store, actor, data_dir):
    """A 冻结 ruling approved by the 执行局长 and issued."""
    add_judge(store, actor)
    cid = make_ready_case(store, actor)
    cases.record_measure(store, actor, cid, kind="冻结", started_on=date(2026, 4, 2), asset_kind="存款",
                         description="中国银行账户6217000012345678901中的存款", amount="3000", today=TODAY)
    m = measure_id(store, cid, "冻结")
    approve(store, actor, "查封冻结扣押裁定书", cid, subject_id=m)
    r = rd.issue(store, actor, "查封冻结扣押裁定书", cid, subject_id=m, today=TODAY)
    return cid, r


def test_package_holds_pdf_hash_chain_and_case_reference(store, actor, issued, tmp_path):
    cid, r = issued
    path = rd.export_seal_package(store, actor, cid, "查封冻结扣押裁定书", tmp_path / "pkg")
    names = sorted(p.name for p in path.iterdir())
    assert names == ["approval_chain.json", "document.pdf", "document.pdf.sha256", "manifest.json"]
    pdf = (path / "document.pdf").read_bytes()
    assert pdf == r.pdf and hashlib.sha256(pdf).hexdigest() == r.sha256
    assert (path / "document.pdf.sha256").read_text() == f"{r.sha256}  document.pdf\n"
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "execdesk-seal-package" and manifest["format_version"] == 1
    assert manifest["case"]["case_number"] == "（2026）鲁0102执100号"
    assert manifest["court"] == {"name": "济南市历下区人民法院", "code": "鲁0102"}
    doc = manifest["document"]
    assert doc["kind"] == "查封冻结扣押裁定书" and doc["document_number"] == "（2026）鲁0102执100号之三"
    assert doc["sha256"] == r.sha256 and doc["content_sha256"] == r.content_sha256 and doc["version_no"] == 1
    assert manifest["approval"]["route"] == "执行局长签发"
    chain = json.loads((path / "approval_chain.json").read_text(encoding="utf-8"))
    assert [(c["step_name"], c["approver"], c["decision"], c["approved_sha256"]) for c in chain] == [
        ("执行局长签发", "赵磊", "同意", r.content_sha256)]
    assert chain[0]["decided_at"].endswith("+00:00")
    with store.read() as s:
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "导出送签包")) is not None


def test_zip_package_and_the_sealed_pdf_is_stored_as_the_sealed_original(store, actor, issued, tmp_path):
    cid, r = issued
    path = rd.export_seal_package(store, actor, cid, "查封冻结扣押裁定书", tmp_path / "pkg.zip")
    assert sorted(zipfile.ZipFile(path).namelist()) == sorted(
        ["approval_chain.json", "document.pdf", "document.pdf.sha256", "manifest.json"])
    sealed = seal(r.pdf)
    got = rd.import_sealed(store, actor, path, sealed)
    assert got.kind == "查封冻结扣押裁定书签章件" and got.state == "新出具"
    with store.read() as s:
        row = s.get(IssuedDocument, got.id)
        assert row.content == sealed and row.meta["sealed_of"] == r.id and row.meta["original_sha256"] == r.sha256
    # The same sealed file again: the stored one, not a second row.
    assert rd.import_sealed(store, actor, path, sealed).id == got.id
    listed = rd.issued_list(store, cid)
    assert listed[0]["kind"] == "查封冻结扣押裁定书签章件" and listed[0]["sealed"]


@pytest.mark.parametrize("tamper, message", [
    (lambda pdf: seal(pdf[:5000] + bytes([pdf[5000] ^ 1]) + pdf[5001:]), "与审批通过的文书"),
    (lambda pdf: overwrite_page(pdf), "第1页的内容与原件不同"),
    (lambda pdf: pdf, "未发现印章或签名"),
    (lambda pdf: b"not a pdf", "不是PDF"),
])
def test_a_tampered_or_unsealed_pdf_is_refused_and_nothing_is_stored(store, actor, issued, tmp_path, tamper, message):
    cid, r = issued
    path = rd.export_seal_package(store, actor, cid, "查封冻结扣押裁定书", tmp_path / "pkg")
    with pytest.raises(ValidationError, match=message):
        rd.import_sealed(store, actor, path, tamper(r.pdf))
    with store.read() as s:
        assert s.scalars(select(IssuedDocument).where(IssuedDocument.kind.like("%签章件"))).all() == []


def test_a_sealed_pdf_of_another_document_is_refused(store, actor, issued, tmp_path):
    cid, r = issued
    other = rd.issue(store, actor, "执行通知书", cid, today=TODAY)
    path = rd.export_seal_package(store, actor, cid, "查封冻结扣押裁定书", tmp_path / "pkg")
    with pytest.raises(ValidationError, match="与审批通过的文书"):
        rd.import_sealed(store, actor, path, seal(other.pdf))


def test_a_changed_package_is_refused(store, actor, issued, tmp_path):
    cid, r = issued
    path = rd.export_seal_package(store, actor, cid, "查封冻结扣押裁定书", tmp_path / "pkg")
    chain = json.loads((path / "approval_chain.json").read_text(encoding="utf-8"))
    chain[0]["approver"] = "孙立"
    (path / "approval_chain.json").write_text(json.dumps(chain, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError, match="approval_chain.json 与 manifest.json"):
        rd.import_sealed(store, actor, path, seal(r.pdf))


def test_only_issued_documents_are_packaged_and_targets_are_not_overwritten(store, actor, issued, tmp_path):
    cid, _ = issued
    with pytest.raises(ValidationError, match="没有已出具的报告财产令"):
        rd.export_seal_package(store, actor, cid, "报告财产令", tmp_path / "p1")
    (tmp_path / "p2").mkdir()
    with pytest.raises(ValidationError, match="已存在"):
        rd.export_seal_package(store, actor, cid, "查封冻结扣押裁定书", tmp_path / "p2")


def test_the_zhongben_ruling_goes_with_its_three_step_chain(store, actor, data_dir, tmp_path):
    add_judge(store, actor)
    cid = make_ready_case(store, actor)
    approve_all(store, actor, cid)
    issued = issue_ruling(store, actor, cid, today=TODAY)
    path = rd.export_seal_package(store, actor, cid, "终本裁定书", tmp_path / "ruling")
    chain = json.loads((path / "approval_chain.json").read_text(encoding="utf-8"))
    assert [c["step_name"] for c in chain] == ["合议庭评议", "执行局长审核", "院长审签"]
    assert {c["approved_sha256"] for c in chain} == {issued.content_sha256}
    got = rd.import_sealed(store, actor, path, seal(issued.original))
    assert got.kind == "终本裁定书签章件"


def test_cli_seal_package_and_import(store, actor, issued, db_path, tmp_path, capsys):
    from execdesk.cli import main

    cid, r = issued
    pkg = tmp_path / "cli.zip"
    assert main(["--db", str(db_path), "doc", "seal-package", "（2026）鲁0102执100号", "查封冻结扣押裁定书",
                 "--out", str(pkg)]) == 0
    assert "已生成送签包" in capsys.readouterr().out
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(overwrite_page(r.pdf))
    assert main(["--db", str(db_path), "doc", "import-sealed", str(pkg), str(bad)]) == 2
    assert "第1页的内容与原件不同" in capsys.readouterr().err
    good = tmp_path / "good.pdf"
    good.write_bytes(seal(r.pdf))
    assert main(["--db", str(db_path), "doc", "import-sealed", str(pkg), str(good)]) == 0
    assert "已核验并保存签章件" in capsys.readouterr().out


def test_verify_sealed_is_pure_and_checks_the_approved_hash():
    with pytest.raises(sp.SealRejected, match="原件与审批、出具时的SHA-256不符"):
        sp.verify_sealed(b"%PDF-1.4 a", b"%PDF-1.4 a b", approved_sha256="0" * 64)


def court_certificate() -> tuple[bytes, bytes]:
    """A self-signed court certificate as PKCS#12 (password "pw") and DER — a test CA, the outer boundary."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "济南市历下区人民法院")])
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30)).add_extension(usage, critical=True)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    p12 = pkcs12.serialize_key_and_certificates(b"court", key, cert, None,
                                                serialization.BestAvailableEncryption(b"pw"))
    return p12, cert.public_bytes(serialization.Encoding.DER)


def test_optional_pades_signature_of_the_package_pdf(store, actor, issued, tmp_path):
    """Internal tamper evidence: the package's PDF signed (PAdES, pyHanko) with the court's certificate; the
    signature is intact and trusted, the signed file begins with the issued bytes, a changed byte breaks it."""
    pytest.importorskip("pyhanko")
    cid, r = issued
    p12, der = court_certificate()
    with pytest.raises(ValidationError, match="证书文件无法打开"):
        rd.export_seal_package(store, actor, cid, "查封冻结扣押裁定书", tmp_path / "bad", pades_pkcs12=p12,
                               pades_passphrase="wrong")
    assert not (tmp_path / "bad").exists()
    path = rd.export_seal_package(store, actor, cid, "查封冻结扣押裁定书", tmp_path / "pkg", pades_pkcs12=p12,
                                  pades_passphrase="pw")
    signed = (path / "document.pades.pdf").read_bytes()
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"]["document.pades.pdf"] == hashlib.sha256(signed).hexdigest()
    assert signed.startswith(r.pdf) and sp.pades_check(signed, der)
    tampered = bytearray(signed)
    tampered[2000] ^= 1
    assert not sp.pades_check(bytes(tampered), der)
    # The signed file is itself an acceptable incremental update of the original.
    pages = int(next(line for line in pdf_tool("pdfinfo", r.pdf).splitlines() if line.startswith("Pages:")).split()[1])
    assert sp.verify_sealed(r.pdf, signed, approved_sha256=r.sha256).pages == pages
