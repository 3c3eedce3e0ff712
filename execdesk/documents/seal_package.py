"""送签包 for the court's electronic seal system (签章系统: 拟稿排版 → 审核送签 → 加盖印章), issue 16.

Pure (no database): the service gathers the issued PDF, its approval chain and the case reference; this module
writes them as a package in the documented format (docs/documents.md, "送签包") and checks a sealed PDF that
comes back against the approved, issued original before the service stores it as the sealed original.

Package (a folder, or the same files in a .zip):

- ``document.pdf`` — the issued PDF, byte for byte;
- ``document.pdf.sha256`` — its SHA-256 in ``sha256sum`` format;
- ``approval_chain.json`` — who approved, when, the decision, the opinion and the content hash each approved;
- ``manifest.json`` — format name and version, the court, the case reference (案号), the document (kind, 文号,
  version, date, who issued it, the SHA-256 of the PDF and of its content) and the SHA-256 of the other files.

A sealed PDF is accepted only when (1) it begins with exactly the bytes of the issued PDF (the seal was added as
an incremental update, as PAdES / GB/T 38540 signing does, so the approved revision is untouched: its SHA-256 is
recomputed over that prefix), (2) something was appended after it (it is sealed), and (3) read as a whole, it
has the same pages with the same page content streams (the update added a seal, signature field or annotation;
it did not replace what the pages print). Anything else is refused with the reason in Chinese.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from execdesk.rules.errors import ValidationError

FORMAT = "execdesk-seal-package"
FORMAT_VERSION = 1
PDF_NAME = "document.pdf"
SHA_NAME = "document.pdf.sha256"
PADES_NAME = "document.pades.pdf"
CHAIN_NAME = "approval_chain.json"
MANIFEST_NAME = "manifest.json"


class SealRejected(ValidationError):
    def __init__(self, message: str):
        super().__init__(message, "签章件")


@dataclass(frozen=True)
class ApprovalLink:
    step: str  # the step code (执行局长 / 院长 / 合议庭 …)
    step_name: str
    approver: str
    approver_id: str | None
    decided_at: str  # ISO 8601, UTC
    decision: str  # 同意 / 不同意
    opinion: str | None
    approved_sha256: str | None  # the content hash the approver approved


@dataclass(frozen=True)
class Package:
    manifest: dict
    chain: list[dict]
    pdf: bytes
    path: Path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def build_files(pdf: bytes, *, court: dict, case: dict, document: dict, route: dict | None,
                chain: list[ApprovalLink], created_at: str, created_by: str) -> dict[str, bytes]:
    """The package's files by name (the same content whether written as a folder or a zip)."""
    chain_bytes = _json([asdict(a) for a in chain])
    digest = sha256(pdf)
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "created_at": created_at, "created_by": created_by,
        "court": court, "case": case,
        "document": {**document, "file": PDF_NAME, "sha256": digest, "bytes": len(pdf)},
        "approval": route or {"route": "", "label": "无需审批"},
        "files": {PDF_NAME: digest, CHAIN_NAME: sha256(chain_bytes)},
    }
    return {PDF_NAME: pdf, SHA_NAME: f"{digest}  {PDF_NAME}\n".encode("ascii"), CHAIN_NAME: chain_bytes,
            MANIFEST_NAME: _json(manifest)}


def add_file(files: dict[str, bytes], name: str, data: bytes) -> dict[str, bytes]:
    """Add an optional file (the PAdES-signed PDF) and record its SHA-256 in the manifest."""
    manifest = json.loads(files[MANIFEST_NAME])
    manifest["files"][name] = sha256(data)
    return {**files, name: data, MANIFEST_NAME: _json(manifest)}


def write_package(target: Path, files: dict[str, bytes]) -> Path:
    """Write the package as a folder, or as a zip when ``target`` ends in .zip. Written to a temporary name
    first and renamed when complete: a package is never half there."""
    target = Path(target)
    if target.exists():
        raise ValidationError(f"{target}已存在，请指定新的目录或文件名", "送签包")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".seal-", dir=target.parent))
    try:
        if target.suffix.lower() == ".zip":
            part = tmp / "package.zip"
            with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as z:
                for name, data in files.items():
                    z.writestr(name, data)
            os.replace(part, target)
        else:
            folder = tmp / "package"
            folder.mkdir()
            for name, data in files.items():
                (folder / name).write_bytes(data)
            os.replace(folder, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _read_files(path: Path) -> dict[str, bytes]:
    path = Path(path)
    names = (PDF_NAME, SHA_NAME, CHAIN_NAME, MANIFEST_NAME)
    try:
        if path.is_dir():
            return {n: (path / n).read_bytes() for n in names}
        with zipfile.ZipFile(path) as z:
            return {n: z.read(n) for n in names}
    except FileNotFoundError:
        raise ValidationError(f"{path}不是完整的送签包（应含{'、'.join(names)}）", "送签包") from None
    except KeyError as exc:
        raise ValidationError(f"{path}不是完整的送签包（缺少{exc}）", "送签包") from None
    except zipfile.BadZipFile:
        raise ValidationError(f"{path}既不是送签包目录，也不是有效的zip文件", "送签包") from None


def read_package(path: Path) -> Package:
    """Read a package and check its own integrity (the PDF and the chain match the manifest's hashes)."""
    files = _read_files(path)
    try:
        manifest = json.loads(files[MANIFEST_NAME])
        chain = json.loads(files[CHAIN_NAME])
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("manifest.json 或 approval_chain.json 不是有效的JSON", "送签包") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise ValidationError(f"不是本系统的送签包（format 应为 {FORMAT} 第{FORMAT_VERSION}版）", "送签包")
    pdf = files[PDF_NAME]
    digest = sha256(pdf)
    if digest != manifest["document"]["sha256"] or files[SHA_NAME].split()[0].decode("ascii", "replace") != digest:
        raise ValidationError("送签包中的 document.pdf 与其 SHA-256 不符（送签包已被改动）", "送签包")
    if sha256(files[CHAIN_NAME]) != manifest["files"][CHAIN_NAME]:
        raise ValidationError("送签包中的 approval_chain.json 与 manifest.json 记录的 SHA-256 不符（送签包已被改动）",
                              "送签包")
    return Package(manifest=manifest, chain=chain, pdf=pdf, path=Path(path))


@dataclass(frozen=True)
class SealCheck:
    original_sha256: str
    sealed_sha256: str
    appended_bytes: int
    pages: int


def _page_contents(pdf: bytes) -> list[bytes]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        out = []
        for page in reader.pages:
            contents = page.get_contents()
            out.append(contents.get_data() if contents is not None else b"")
        return out
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise SealRejected(f"签章件无法读取（{exc}）") from None


def verify_sealed(original: bytes, sealed: bytes, *, approved_sha256: str) -> SealCheck:
    """Accept a sealed PDF only if the issued original (``approved_sha256``) is its untouched first revision and
    the pages print what the original prints. Raises SealRejected with the reason."""
    if sha256(original) != approved_sha256:
        raise SealRejected("原件与审批、出具时的SHA-256不符，不能核验")
    if not sealed.startswith(b"%PDF-"):
        raise SealRejected("签章件不是PDF文件")
    if sealed == original:
        raise SealRejected("签章件与原件完全相同，未发现印章或签名")
    prefix = sealed[:len(original)]
    if sha256(prefix) != approved_sha256:
        raise SealRejected("签章件的原始部分与审批通过的文书（SHA-256 " + approved_sha256[:16] + "…）不一致："
                           "文书内容已被改动，或签章系统重写了整个文件（应以增量更新方式加盖印章）")
    tail = sealed[len(original):]
    if b"%%EOF" not in tail:
        raise SealRejected("签章件在原件之后没有完整的增量更新")
    before, after = _page_contents(original), _page_contents(sealed)
    if len(before) != len(after):
        raise SealRejected(f"签章件有{len(after)}页，原件有{len(before)}页")
    for n, (a, b) in enumerate(zip(before, after, strict=True), 1):
        if a != b:
            raise SealRejected(f"签章件第{n}页的内容与原件不同（增量更新改写了页面内容）")
    return SealCheck(original_sha256=approved_sha256, sealed_sha256=sha256(sealed), appended_bytes=len(tail),
                     pages=len(after))


# ---------------------------------------------------------------- optional PAdES (internal tamper evidence)


def _pyhanko():
    try:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import signers
    except ImportError:
        raise ValidationError("未安装 pyHanko，无法加PAdES签名（pip install \"execdesk[pades]\"）", "PAdES签名") from None
    return IncrementalPdfFileWriter, signers


def pades_sign(pdf: bytes, pkcs12: bytes, passphrase: bytes | None, *, reason: str = "送签前内部防篡改签名",
               location: str = "") -> bytes:
    """The PDF with a PAdES signature of the court's certificate (PKCS#12), added as an incremental update: the
    signed file begins with the issued bytes. For internal tamper evidence only; the legal seal (SM2, GB/T 38540)
    is the seal system's job."""
    IncrementalPdfFileWriter, signers = _pyhanko()
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(pkcs12, other_certs=[], passphrase=passphrase)
    except (ValueError, TypeError) as exc:
        raise ValidationError(f"证书文件无法打开（{exc}）：请确认是PKCS#12（.p12/.pfx）文件及其密码", "PAdES签名") from None
    if signer is None:
        raise ValidationError("证书文件无法打开：请确认是PKCS#12（.p12/.pfx）文件及其密码", "PAdES签名")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name="ExecDeskPAdES", reason=reason, location=location or None,
                                        subfilter=None)
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()


def pades_check(signed: bytes, trusted_der: bytes) -> bool:
    """True when the file's PAdES signature is intact, covers the whole file and chains to ``trusted_der``."""
    _pyhanko()
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(signed))
    if not reader.embedded_signatures:
        return False
    ctx = ValidationContext(trust_roots=[asn1_x509.Certificate.load(trusted_der)])
    status = validate_pdf_signature(reader.embedded_signatures[0], ctx)
    return bool(status.intact and status.valid and status.coverage is not None
                and status.coverage.name == "ENTIRE_FILE")
