"""Documents (issue 4): one 终本裁定书 vs a bare reportlab document with the same text and font, file size,
and a batch of 500 书面说明 — ratios against a baseline measured in the same run (no timing asserts anywhere).

    .venv/bin/python bench/bench_documents.py [--runs 20] [--batch 500] [--samples docs/pdf]

Data: demo cases (services.demo) in a temporary database; the ruling is a ready demo case approved along the
山东 route; the batch uses the open demo cases, computed as of a later day on which they are all overdue.
``--samples DIR`` also writes the pages of each document as PNG (pdftoppm -r 60) into DIR: the issued ruling, its
draft, the ruling with a long party list and agents, its 公开版, one whose sign-off falls at a page end, a 书面说明
and the first pages of the batch.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate
from sqlalchemy import select

from execdesk.documents import explanation as expl_doc
from execdesk.documents import ruling as ruling_doc
from execdesk.documents.fonts import cjk_fonts
from execdesk.models import Case
from execdesk.models.migrate import open_database
from execdesk.services import derived, documents, explanations
from execdesk.services.accounts import create_user
from execdesk.services.approvals import approve_ruling
from execdesk.services.context import Actor
from execdesk.services.demo import DEMO_PASSWORD, generate_demo
from execdesk.services.zhongben import evaluate_case

TODAY = date(2026, 11, 25)
LATER = date(2027, 6, 1)  # every open demo case is past its execution limit by then


def bare_reportlab(paragraphs: list[str]) -> bytes:
    """The baseline: the same paragraphs in the same font, default platypus layout, nothing else."""
    font = cjk_fonts().body
    style = ParagraphStyle("b", fontName=font, fontSize=16, leading=28.9, wordWrap="CJK")
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build([Paragraph(p, style) for p in paragraphs])
    return buf.getvalue()


def png(pdf: Path, out_stem: Path, last: int = 6) -> None:
    """Every page (up to ``last``) as out_stem-N.png at 60 dpi."""
    if shutil.which("pdftoppm"):
        for old in out_stem.parent.glob(f"{out_stem.name}-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", str(last), str(pdf), str(out_stem)],
                       check=True)


def sample_case(store, actor, case_id: str) -> None:
    """The bench's ruling case made rich for the sample pages: a long party list with agents under their parties,
    a frozen account and a sealed car quoted in the text (what the 公开版 removes)."""
    from execdesk.models import Party
    from execdesk.services import cases

    with store.transaction() as s:
        first = s.scalar(select(Party).where(Party.case_id == case_id).order_by(Party.seq))
        seq = 10
        people = [("申请执行人", "法人", "济南泉城农村商业银行股份有限公司", "91370100MA3EXAMP1X", "济南市历下区泺源大街8号", "王海", "董事长"),
                  ("被执行人", "自然人", "马建国", "370102198203154218", "济南市历下区文化东路12号3单元201室", None, None),
                  ("被执行人", "法人", "济南舜耕建筑工程有限公司", "91370102MA3EXAMP2Y", "济南市历下区舜耕路66号", "马建国", "执行董事"),
                  ("被执行人", "自然人", "刘秀英", "370103198507224426", "济南市市中区英雄山路9号", None, None)]
        ids = []
        for role, kind, name, idn, addr, rep, title in people:
            seq += 1
            p = Party(case_id=case_id, seq=seq, role=role, kind=kind, name=name, id_number=idn, address=addr,
                      legal_rep=rep, legal_rep_title=title, sex=("男" if name == "马建国" else "女") if kind == "自然人"
                      else None, ethnicity="汉族" if kind == "自然人" else None,
                      birth_date=date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14])) if kind == "自然人" else None,
                      phone="13905310000" if kind == "自然人" else None)
            s.add(p)
            s.flush()
            ids.append(p.id)
        for represents, name, firm in ((first.id, "赵明", "山东泉城律师事务所律师"), (ids[0], "孙敏", "该行员工"),
                                       (ids[2], "钱亮", "山东舜耕律师事务所律师")):
            seq += 1
            s.add(Party(case_id=case_id, seq=seq, role="委托代理人", kind="自然人", name=name, legal_rep_title=firm,
                        represents_party_id=represents))
        debtor = ids[1]
    cases.record_measure(store, actor, case_id, kind="冻结", started_on=TODAY, asset_kind="存款", party_id=debtor,
                         description="中国银行账户6217000012345678901中的存款", amount="1200", today=TODAY)
    cases.record_inquiry(store, actor, case_id, method="传统查控", queried_on=TODAY, party_id=debtor,
                         result="至车辆管理所查询，被执行人马建国名下登记有鲁A8B123号小型轿车一辆，经查找未能实际扣押",
                         today=TODAY)


def signoff_alone(data) -> bytes:
    """The same ruling with as many more on-site inquiries as it takes for the sign-off to fall at a page end:
    the block moves whole to the next page, marked （此页无正文）."""
    from dataclasses import replace

    for n in range(1, 30):
        extra = tuple(ruling_doc.Event.of(date(2026, 10, 1 + k), "traditional", debtor="被执行人",
                                          result="实地调查未发现可供执行的财产") for k in range(n))
        pdf = ruling_doc.render(ruling_doc.compose(replace(data, events=data.events + extra)))
        pages = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode().split("\f")
        if "（此页无正文）" in pages[-2]:
            return pdf
    raise RuntimeError("no length put the sign-off alone on a page")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--cases", type=int, default=1700, help="demo cases to generate (≈ 1/3 stay open)")
    ap.add_argument("--samples", type=Path, default=None)
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-docs-"))
    store = open_database(work / "bench.sqlite3")
    actor = Actor.local_system()
    t0 = time.perf_counter()
    generate_demo(store, actor, args.cases, today=TODAY)
    create_user(store, actor, username="bench_judge", display_name="钱审判", role="审判员", password=DEMO_PASSWORD,
                title="审判员")
    print(f"demo data: {args.cases} cases in {time.perf_counter() - t0:.1f} s")

    # ---- one ruling: pick a ready demo case, approve it along the court's route.
    with store.read() as s:
        ready = next(c for c in s.scalars(select(Case).where(Case.status == "未结").order_by(Case.case_number))
                     if evaluate_case(s, c, TODAY).ready)
        case_id, number, handler_id = ready.id, ready.case_number, ready.handler_id
        from execdesk.models import User

        judges = [u.username for u in s.scalars(select(User).where(User.title == "审判员", User.role != "执行局长"))
                  if u.id != handler_id][:2]
    kw = dict(password=DEMO_PASSWORD, today=TODAY)
    approve_ruling(store, actor, case_id, step="合议庭", approver_username="zhaolei", panel=judges, **kw)
    approve_ruling(store, actor, case_id, step="执行局长", approver_username="zhaolei", **kw)
    approve_ruling(store, actor, case_id, step="院长", approver_username="sunli", **kw)
    issued = documents.issue_ruling(store, actor, case_id, today=TODAY)  # also the warm-up (fonts registered)

    def ours() -> bytes:
        with store.read() as s:
            case = s.get(Case, case_id)
            text = documents.ruling_text(s, case, TODAY, strict_signers=True)
        return ruling_doc.render(text)

    with store.read() as s:
        paragraphs = documents.ruling_text(s, s.get(Case, case_id), TODAY, strict_signers=True).paragraphs()
    with store.read() as s:
        text = documents.ruling_text(s, s.get(Case, case_id), TODAY, strict_signers=True)
    # Interleaved (ours, render-only, bare, ours, …) so that load from other processes hits all three alike.
    samples: dict[str, list[float]] = {"ours": [], "render": [], "bare": []}
    fns = {"ours": ours, "render": lambda: ruling_doc.render(text), "bare": lambda: bare_reportlab(paragraphs)}
    for fn in fns.values():
        fn()  # warm-up
    our_pdf = bare_pdf = b""
    for _ in range(args.runs):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            out = fn()
            samples[name].append(time.perf_counter() - t0)
            if name == "ours":
                our_pdf = out
            elif name == "bare":
                bare_pdf = out
    t_ours, t_render, t_bare = (statistics.median(samples[k]) for k in ("ours", "render", "bare"))
    pages = subprocess.run(["pdfinfo", "-"], input=our_pdf, capture_output=True).stdout.decode()
    n_pages = next((line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")), "?")
    print(f"one ruling {number} ({n_pages} pages, {len(paragraphs)} paragraphs), median of {args.runs}, interleaved:")
    print(f"  ExecDesk (gather from DB + compose + render): {t_ours * 1000:.1f} ms")
    print(f"  ExecDesk render only (composed text -> PDF):  {t_render * 1000:.1f} ms")
    print(f"  bare reportlab, same text and font:           {t_bare * 1000:.1f} ms")
    print(f"  ratio {t_ours / t_bare:.2f}x with gathering, {t_render / t_bare:.2f}x render only (target <= 1.25x)")
    print(f"  file size: issued original {len(issued.original):,} bytes, public {len(issued.public):,} bytes,"
          f" bare baseline {len(bare_pdf):,} bytes (target <= 100 KB); fonts: {', '.join(cjk_fonts().files)}")

    # ---- a batch of 500 书面说明.
    derived.recompute_all(store, today=LATER)
    with store.read() as s:
        overdue = len(explanations.overdue_case_ids(s))
    t0 = time.perf_counter()
    batch, count = explanations.batch_pdf(store, today=LATER, limit=args.batch)
    t_batch = time.perf_counter() - t0
    pages = subprocess.run(["pdfinfo", "-"], input=batch, capture_output=True).stdout.decode()
    n_pages = next((line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")), "?")
    # Baseline for the batch: rendering the same composed texts again (no DB, no computation).
    with store.read() as s:
        ids = explanations.overdue_case_ids(s)[:args.batch]
        texts = [expl_doc.compose(explanations.explanation_data(s, s.get(Case, i), explanations._latest(s, i), LATER))
                 for i in ids]
    cover = expl_doc.compose_batch(texts, scope="全院", today=LATER)
    t0 = time.perf_counter()
    expl_doc.render_batch(cover, texts)
    t_render = time.perf_counter() - t0
    print(f"batch of {count} 书面说明 ({overdue} overdue open cases as of {LATER}): {t_batch:.1f} s total, "
          f"{t_batch / count * 1000:.0f} ms per case, {n_pages} pages, {len(batch) / 1024 / 1024:.1f} MiB")
    print(f"  of which rendering the composed texts: {t_render:.1f} s ({t_batch / t_render:.2f}x incl. gathering"
          " and the deadline computation)")

    if args.samples:
        args.samples.mkdir(parents=True, exist_ok=True)
        with store.read() as s:
            text = documents.ruling_text(s, s.get(Case, case_id), TODAY, strict_signers=True)
        draft = ruling_doc.render(text, draft=True)
        with store.read() as s:
            plain = documents.ruling_data(s, s.get(Case, case_id), TODAY, strict_signers=True)
        sample_case(store, actor, case_id)
        with store.read() as s:
            data = documents.ruling_data(s, s.get(Case, case_id), TODAY, strict_signers=True)
        from execdesk.documents.public import public_copy

        rich = ruling_doc.compose(data)
        samples = {"ruling": issued.original, "ruling_draft": draft, "ruling_parties": ruling_doc.render(rich),
                   "ruling_public": ruling_doc.render(public_copy(rich)), "ruling_signoff": signoff_alone(plain),
                   "explanation": expl_doc.render(next((t for t in texts if any("批准" in p for _, ps in t.sections
                                                                                 for p in ps)), texts[0])),
                   "explanation_batch": batch}
        for name, pdf in samples.items():
            path = args.samples / f"{name}.pdf"
            path.write_bytes(pdf)
            png(path, args.samples / name, last=3 if name == "explanation_batch" else 8)
            path.unlink()  # keep the PNGs in docs/, not the (demo-data) PDFs
        print(f"the pages of each document written to {args.samples}/*-N.png (60 dpi)")
    store.close()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
