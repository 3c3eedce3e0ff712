"""Routine documents (issue 16): 100 执行通知书 in one batch vs 100 bare reportlab renderings of the same texts with
the same font (interleaved, same run), and the longest event-loop stall while the batch runs in a UI worker.

    .venv/bin/python bench/bench_routine_documents.py [--cases 100] [--rounds 5] [--samples docs/pdf]

(``--rounds 0`` measures only the UI stall: the batch as the 批量生成 tab runs it, in a child process, against the
same batch in the UI worker thread itself, interleaved, and the idle event loop.)

The batch is the real one (services.routine_documents.batch): read each case, compose, render, issue (an immutable
row each, audited), write one PDF per case and the print file. Each round runs on a fresh copy of the same
database, so every round issues all 100 (a second batch on the same database would hand out the issued ones).
The baseline renders each case's paragraphs (exactly the texts of its notice) in the same TrueType font with
default platypus layout and nothing else. ``--samples DIR`` also writes a sample of every document kind and its
first page as PNG (pdftoppm -r 60) into DIR (the docs/pdf/ pictures).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

TODAY = date(2026, 11, 25)
SETTINGS = """
[court]
address = "济南市历下区经十路15000号"
phone = "0531-12345678"
[account]
account_name = "济南市历下区人民法院执行款专户"
bank = "中国工商银行济南历下支行"
prefix = "37010266"
"""


def _setup_data_dir() -> Path:
    d = Path(tempfile.mkdtemp(prefix="execdesk-bench-docs-"))
    (d / "templates").mkdir()
    (d / "templates" / "settings.toml").write_text(SETTINGS, encoding="utf-8")
    os.environ["EXECDESK_DATA_DIR"] = str(d)
    return d


def bare_reportlab(paragraphs: list[str]) -> bytes:
    from xml.sax.saxutils import escape

    from execdesk.documents.fonts import cjk_fonts

    font = cjk_fonts().body
    style = ParagraphStyle("b", fontName=font, fontSize=16, leading=28.9, wordWrap="CJK")
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build([Paragraph(escape(p), style) for p in paragraphs])
    return buf.getvalue()


def make_db(path: Path, n: int) -> list[str]:
    from execdesk.models.migrate import open_database
    from execdesk.services.context import Actor
    from execdesk.services.demo import generate_demo

    store = open_database(path)
    generate_demo(store, Actor.local_system(), cases=n, today=TODAY)
    from sqlalchemy import select

    from execdesk.models import Case

    with store.read() as s:
        ids = list(s.scalars(select(Case.id).order_by(Case.filed_on, Case.serial)))[:n]
    store.close()
    return ids


def batch_round(src: Path, work: Path, ids: list[str]) -> tuple[float, float, int]:
    from execdesk.models.database import Store
    from execdesk.services import routine_documents as rd
    from execdesk.services.context import Actor

    db = work / "db.sqlite3"
    shutil.copy(src, db)
    out = work / "out"
    store = Store(db)
    t0, c0 = time.perf_counter(), time.process_time()
    result = rd.batch(store, Actor.local_system(), "执行通知书", ids, out, today=TODAY)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    store.close()
    issued = result.issued
    shutil.rmtree(out)
    db.unlink()
    return elapsed, cpu, issued


def texts_of(src: Path, ids: list[str]) -> list[list[str]]:
    from execdesk.models.database import Store
    from execdesk.services import routine_documents as rd

    store = Store(src)
    out = [rd.status(store, "执行通知书", cid, today=TODAY).text.paragraphs() for cid in ids]
    store.close()
    return out


def ui_stall(src: Path, work: Path, ids: list[str], mode: str = "process") -> dict:
    """The batch run from a UI worker as the 批量生成 tab runs it (``mode="process"``: rd.batch_in_process, a child
    process) or as it ran before (``"thread"``: rd.batch in the worker thread itself, the baseline), with a 10 ms
    probe on the event loop."""
    import gc

    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from execdesk.models.database import Store
    from execdesk.services import routine_documents as rd
    from execdesk.services.context import Actor
    from execdesk.ui.workers import start

    app = QApplication.instance() or QApplication([])
    db = work / f"ui-{mode}.sqlite3"
    shutil.copy(src, db)
    store = Store(db)

    out = work / f"ui-out-{mode}"

    def job_fn(job):
        if mode == "process":
            return rd.batch_in_process(db, Actor.local_system(), "执行通知书", ids, out, today=TODAY,
                                       progress=job.progress, cancelled=lambda: job.cancelled)
        return rd.batch(store, Actor.local_system(), "执行通知书", ids, out, today=TODAY,
                        progress=job.progress, cancelled=lambda: job.cancelled)

    gc.freeze()  # as the app does after its warm-up
    probe = gap_probe()
    loop = QEventLoop()
    result: dict = {}
    probe.start()
    t0 = time.perf_counter()
    task = start(app, job_fn, on_done=lambda r: (result.update(r=r), loop.quit()),
                 on_error=lambda exc: (result.update(error=exc), loop.quit()))
    task.progress.connect(lambda done, total, text: None)  # progress crosses threads as in the dialog
    loop.exec()
    elapsed = time.perf_counter() - t0
    stall = probe.stop()
    store.close()
    if "error" in result:
        raise result["error"]
    return {"s": elapsed, "stall_ms": stall, "ticks": probe.ticks, "issued": result["r"].issued, **gap_stats(probe)}


def gap_probe():
    """ui.workers.StallProbe that also keeps every gap (the longest alone says little on a loaded machine)."""
    from execdesk.ui.workers import StallProbe

    class GapProbe(StallProbe):
        def start(self) -> None:
            self.gaps: list[float] = []
            super().start()

        def _tick(self) -> None:
            before = self._last
            super()._tick()
            self.gaps.append(self._last - before - self.interval_ms)

    return GapProbe()


def gap_stats(probe) -> dict:
    gaps = sorted(probe.gaps) or [0.0]
    return {"p99_ms": gaps[min(len(gaps) - 1, int(len(gaps) * 0.99))],
            "over50": sum(1 for g in gaps if g > 50) / len(gaps)}


def idle_stall(seconds: float, stats: bool = False):
    """The probe's own reading with nothing running (the machine's scheduling jitter, for comparison)."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    QApplication.instance() or QApplication([])
    probe = gap_probe()
    loop = QEventLoop()
    probe.start()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    longest = probe.stop()
    return {"stall_ms": longest, **gap_stats(probe)} if stats else longest


# ---------------------------------------------------------------- samples for docs/pdf


def samples(out_dir: Path) -> list[Path]:
    """One sample of every kind on a complete fictitious case, each PDF's first page as PNG."""
    from sqlalchemy import select

    from execdesk.models import Measure, Party
    from execdesk.models.migrate import open_database
    from execdesk.rules.identity import make_credit_code, make_resident_id
    from execdesk.services import cases
    from execdesk.services import routine_documents as rd
    from execdesk.services.accounts import create_user, ensure_court
    from execdesk.services.approvals import approve_ruling
    from execdesk.services.context import Actor
    from execdesk.services.documents import issue_ruling
    from execdesk.services.inputs import BasisInput, CaseInput, NodeInput, PartyInput

    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    store = open_database(tmp / "s.sqlite3")
    actor = Actor(username="sample", display_name="示例", role="承办人")
    ensure_court(store, actor, code="鲁0102", name="济南市历下区人民法院")
    for u, name, role, title in (("zhangwei", "张伟", "承办人", "审判员"), ("liuyang", "刘洋", "书记员", None),
                                 ("zhaolei", "赵磊", "执行局长", "审判员"), ("sunli", "孙立", "院长", None),
                                 ("zhoumin", "周敏", "审判员", "审判员")):
        create_user(store, actor, username=u, display_name=name, role=role, password="password123", title=title)
    data = CaseInput(
        case_number="（2026）鲁0102执100号", filed_on=date(2026, 3, 2), cause="民间借贷纠纷", amount_claimed="85000.00",
        received_on=date(2026, 3, 2), handler_username="zhangwei", clerk_username="liuyang",
        parties=[PartyInput(role="申请执行人", kind="自然人", name="王芳",
                            id_number=make_resident_id("370102", date(1990, 4, 12), 128),
                            address="济南市历下区经十路100号", phone="13812345678", ethnicity="汉族"),
                 PartyInput(role="被执行人", kind="法人", name="济南鲁信商贸有限公司",
                            id_number=make_credit_code("91370102MA3C1234X"), address="济南市历下区解放路8号",
                            legal_rep="李强", legal_rep_title="总经理")],
        basis=BasisInput(issuing_body="本院", document_type="民事判决书", document_number="（2025）鲁0102民初1234号",
                         effective_on=date(2026, 1, 10), cause="民间借贷纠纷",
                         content="被告济南鲁信商贸有限公司于判决生效之日起十日内偿还原告王芳借款85000元"))
    cid = cases.register_case(store, actor, data, today=TODAY)
    with store.read() as s:
        debtor = s.scalar(select(Party.id).where(Party.case_id == cid, Party.role == "被执行人"))
    scopes = ["商业银行", "证券", "互联网银行", "车辆", "不动产", "工商", "人行", "住房公积金", "金融理财", "收益类保险", "股息红利"]
    cases.record_node(store, actor, cid, NodeInput(code="N04", ended_on=date(2026, 3, 4),
                                                   data={"report_order_on": "2026-03-04", "served_on": "2026-03-05"}),
                      today=TODAY)
    cases.record_node(store, actor, cid, NodeInput(code="N08", ended_on=date(2026, 3, 20), description="经核查属实",
                                                   data={"report_status": "按时"}), today=TODAY)
    for on in (date(2026, 3, 6), date(2026, 10, 20)):
        cases.record_inquiry(store, actor, cid, method="网络查控", queried_on=on, scopes=scopes, party_id=debtor,
                             result="未发现可供执行的财产", today=TODAY)
    cases.record_inquiry(store, actor, cid, method="传统查控", queried_on=date(2026, 4, 10), party_id=debtor,
                         result="至被执行人住所地实地调查，未发现可供执行的财产", today=TODAY)
    cases.record_measure(store, actor, cid, kind="限制消费", started_on=date(2026, 3, 25), party_id=debtor,
                         document_number="（2026）鲁0102执100号之一", today=TODAY)
    cases.record_measure(store, actor, cid, kind="失信", started_on=date(2026, 3, 28), party_id=debtor,
                         document_number="（2026）鲁0102执100号之二", today=TODAY)
    cases.record_measure(store, actor, cid, kind="冻结", started_on=date(2026, 4, 2), asset_kind="存款", party_id=debtor,
                         description="中国银行济南分行账户6217000012345678901中的存款", amount="3000", today=TODAY)
    cases.record_payment(store, actor, cid, kind="到账", amount="12000.00", paid_on=date(2026, 5, 6), route="划拨",
                         today=TODAY)
    cases.record_node(store, actor, cid, NodeInput(code="N22", ended_on=date(2026, 11, 10),
                                                   data={"method": "电话", "agreed": "是", "attendees": "申请执行人王芳"}),
                      today=TODAY)
    cases.record_extension(store, actor, cid, reason="需评估拍卖被执行人房产", applied_on=date(2026, 8, 20), approver="孙立",
                           approved_on=date(2026, 8, 25), months=3, today=TODAY)
    with store.read() as s:
        m = {k: s.scalar(select(Measure.id).where(Measure.case_id == cid, Measure.kind == k))
             for k in ("限制消费", "失信", "冻结")}

    def sign(kind, subject=None, options=None):
        tpl = rd.template(kind)
        steps = {"执行局长签发": [("执行局长", "zhaolei")],
                 "延长执行期限": [("执行局长", "zhaolei"), ("院长", "sunli")]}.get(tpl.approval, [])
        for step, user in steps:
            rd.approve(store, actor, kind, cid, step=step, approver_username=user, password="password123",
                       opinion="同意", subject_id=subject, options=options, today=TODAY)

    plan = [("notice", None, None), ("report_order", None, None), ("limit_consumption", m["限制消费"], None),
            ("credit_listing", m["失信"], None), ("seal_ruling", m["冻结"], None), ("seal_renewal", m["冻结"], None),
            ("assist_notice", m["冻结"], {"assist_body": "中国银行股份有限公司济南分行"}),
            ("interview_record", None, None), ("investigation_record", None, None), ("service_receipt", None, None),
            ("extension_form", None, None), ("zhongben_form", None, None)]
    # Issuing a 解除/撤销 document releases its measure (the act it is): those come after the 终本 ruling, which
    # needs the 限制消费 and 失信 in force (R4).
    releases = [("limit_release", m["限制消费"], {"release_reason": "被执行人已履行完毕生效法律文书确定的义务"}),
                ("credit_removal", m["失信"], {"release_reason": "被执行人已履行完毕"}),
                ("seal_release", m["冻结"], {"release_reason": "申请执行人申请解除冻结"})]
    written = []
    for slug, subject, options in plan:
        sign(slug, subject, options)
        pdf = rd.produce(store, actor, slug, cid, subject_id=subject, options=options, today=TODAY).pdf
        written.append(_write_sample(out_dir, slug, pdf))
    # 终本 ruling → the re-query notice; then a 执恢 case and the closure of the original.
    kw = dict(password="password123", today=TODAY)
    approve_ruling(store, actor, cid, step="合议庭", approver_username="zhaolei", panel=["zhangwei", "zhoumin"], **kw)
    approve_ruling(store, actor, cid, step="执行局长", approver_username="zhaolei", **kw)
    approve_ruling(store, actor, cid, step="院长", approver_username="sunli", **kw)
    issue_ruling(store, actor, cid, today=TODAY)
    for slug, subject, options in releases:
        sign(slug, subject, options)
        pdf = rd.produce(store, actor, slug, cid, subject_id=subject, options=options, today=TODAY).pdf
        written.append(_write_sample(out_dir, slug, pdf))
    later = date(2027, 5, 20)
    cases.record_inquiry(store, actor, cid, method="网络查控", queried_on=later, scopes=["商业银行", "车辆", "不动产"],
                         result="未发现可供执行的财产", today=later)
    written.append(_write_sample(out_dir, "requery_notice",
                                 rd.produce(store, actor, "requery_notice", cid, today=later).pdf))
    cases.record_node(store, actor, cid, NodeInput(code="N27", ended_on=later, data={"method": "终结本次执行程序"}),
                      today=later)
    written.append(_write_sample(out_dir, "closure_notice",
                                 rd.produce(store, actor, "closure_notice", cid, today=later).pdf))
    data.case_number, data.filed_on, data.received_on = "（2027）鲁0102执恢3号", date(2027, 5, 21), date(2027, 5, 21)
    data.origin_case_number = "（2026）鲁0102执100号"
    new = cases.register_case(store, actor, data, today=date(2027, 5, 22))
    written.append(_write_sample(out_dir, "restore_notice",
                                 rd.produce(store, actor, "restore_notice", new, today=date(2027, 5, 22)).pdf))
    store.close()
    return written


def _write_sample(out_dir: Path, slug: str, pdf: bytes) -> Path:
    target = out_dir / f"doc_{slug}.png"
    if shutil.which("pdftoppm"):
        with tempfile.TemporaryDirectory() as t:
            p = Path(t) / "d.pdf"
            p.write_bytes(pdf)
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(p),
                            str(target.with_suffix(""))], check=True)
    return target


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--samples", type=Path)
    args = ap.parse_args()
    _setup_data_dir()
    if args.samples:
        for p in samples(args.samples):
            print(f"sample {p}")
    work = Path(tempfile.mkdtemp(prefix="execdesk-bench-batch-"))
    src = work / "src.sqlite3"
    ids = make_db(src, args.cases)
    texts = texts_of(src, ids)
    for t in texts[:2]:  # font registration and first-use costs outside the measured rounds
        bare_reportlab(t)
    if args.rounds == 0:  # the UI stall only
        report_stall(src, work, ids)
        shutil.rmtree(work, ignore_errors=True)
        return 0
    batch_times, bare_times, batch_cpu, bare_cpu = [], [], [], []
    for _ in range(args.rounds):  # interleaved: batch, bare, batch, bare …
        elapsed, cpu, issued = batch_round(src, work, ids)
        assert issued == len(ids), f"only {issued} of {len(ids)} issued"
        batch_times.append(elapsed)
        batch_cpu.append(cpu)
        t0, c0 = time.perf_counter(), time.process_time()
        for t in texts:
            bare_reportlab(t)
        bare_times.append(time.perf_counter() - t0)
        bare_cpu.append(time.process_time() - c0)
    b, r = statistics.median(batch_times), statistics.median(bare_times)
    ratios = [x / y for x, y in zip(batch_times, bare_times, strict=True)]
    print(f"{len(ids)} 执行通知书 in one batch (read, compose, render, issue, one PDF each + print file): "
          f"median {b:.2f} s over {args.rounds} rounds {[round(x, 2) for x in batch_times]}")
    print(f"{len(ids)} bare reportlab renderings of the same texts, same font: median {r:.2f} s "
          f"{[round(x, 2) for x in bare_times]}")
    print(f"ratio batch / bare: median of the rounds' ratios {statistics.median(ratios):.2f}× "
          f"{[round(x, 2) for x in ratios]}; ratio of medians {b / r:.2f}× (target ≤ 1.2×)")
    cpu_ratios = [x / y for x, y in zip(batch_cpu, bare_cpu, strict=True)]
    print(f"CPU time of this process (less sensitive to other load): batch median {statistics.median(batch_cpu):.2f} s, "
          f"bare {statistics.median(bare_cpu):.2f} s, median ratio {statistics.median(cpu_ratios):.2f}× "
          f"{[round(x, 2) for x in cpu_ratios]}")
    report_stall(src, work, ids)
    shutil.rmtree(work, ignore_errors=True)
    return 0


def report_stall(src: Path, work: Path, ids: list[str], rounds: int = 2) -> None:
    """Interleaved: the app's way (child process) and the baseline (the worker thread itself), then the idle
    loop; the worst of each over ``rounds``."""
    runs: dict[str, list[dict]] = {"process": [], "thread": []}
    for _ in range(rounds):
        for mode in ("process", "thread"):
            runs[mode].append(ui_stall(src, work, ids, mode))
    idles = [idle_stall(5.0, stats=True) for _ in range(rounds)]
    for mode, label in (("process", "in a child process (the 批量生成 tab)"),
                        ("thread", "in the UI worker thread itself (before; baseline)")):
        rs = runs[mode]
        print(f"batch {label}: {[round(r['s'], 2) for r in rs]} s, {rs[-1]['issued']} issued; longest event-loop "
              f"stall {[round(r['stall_ms'], 1) for r in rs]} ms, 99th percentile gap "
              f"{[round(r['p99_ms'], 1) for r in rs]} ms, ticks late by > 50 ms {[f'{r['over50']:.2%}' for r in rs]} "
              f"over {[r['ticks'] for r in rs]} probe ticks")
    print(f"idle loop over 5 s: longest {[round(r['stall_ms'], 1) for r in idles]} ms, 99th percentile "
          f"{[round(r['p99_ms'], 1) for r in idles]} ms, > 50 ms {[f'{r['over50']:.2%}' for r in idles]}")
    p = max(r["stall_ms"] for r in runs["process"])
    t = max(r["stall_ms"] for r in runs["thread"])
    i = max(r["stall_ms"] for r in idles)
    print(f"longest stall: child process {p:.1f} ms (target ≤ 50 ms), thread {t:.1f} ms, ratio {p / t:.2f}×; "
          f"idle loop {i:.1f} ms")


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main())
