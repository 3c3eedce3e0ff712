"""`execdesk --selftest`: after installing, check that this copy of ExecDesk can do its real work.

For court IT (and for CI on the frozen bundle, where a missing data file or hidden import shows up here
first). Every step runs the real code path on a throw-away database in a temporary folder; the user's own
database is only looked at, never written. Each step prints a line "✓ 通过 / ✗ 失败 / ! 提示 <step>：<detail>";
the exit code is 0 when no step failed, 1 when one did, 3 when a step hung (watchdog).

Steps: program and install location → data files → database create + upgrade (Alembic scripts) → register a
sample case with the real services → render a 终本 ruling PDF and check its fonts are embedded → every document template (shipped, presets, the
court's copies) → a Chinese
font and Qt's zh_CN translation are available → the main window opens (offscreen when there is no screen),
shows every page and closes → the ruling is previewed and printed (to a PDF file) through the app's own view
→ the OS keyring for the platform token → the user's own database and settings (read-only).

The Qt steps are in execdesk/ui/selftest_steps.py: Qt is imported only under execdesk/ui/. What the steps
share (state, outcomes) is in execdesk/selftest_state.py, so the Qt steps do not import this runner.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from execdesk.selftest_state import (  # noqa: F401  (re-exported for the tests and the Qt steps)
    SelfTestState,
    StepFailed,
    StepNote,
    StepResult,
    StepSkipped,
    log,
    need_store,
)

OK, FAIL, NOTE = "✓", "✗", "!"
# Spelled out as well: a console font without ✓/✗ still shows which steps failed.
WORDS = {OK: "通过", FAIL: "失败", NOTE: "提示"}
# A phrase every 终本 ruling contains; read back from the PDF when pdftotext is available.
RULING_PHRASE = "终结本次执行程序"


# ---------------------------------------------------------------- steps


def step_program(state: SelfTestState) -> str:
    from execdesk import __version__

    frozen = getattr(sys, "frozen", False)
    where = Path(sys.executable).resolve().parent if frozen else Path(__file__).resolve().parent.parent
    kind = "安装版" if frozen else "源代码运行"
    return (f"ExecDesk {__version__}（{kind}），位置 {where}，Python {sys.version.split()[0]}，"
            f"{sys.platform}")


def step_resources(state: SelfTestState) -> str:
    import tomllib

    from execdesk.resources import load_toml, resource_root

    root = resource_root()
    if not root.is_dir():
        raise StepFailed(f"找不到数据文件目录 {root}。安装不完整，请重新运行安装程序。")
    tomls = sorted(p for p in root.rglob("*.toml") if "__pycache__" not in p.parts)
    if not tomls:
        raise StepFailed(f"数据文件目录 {root} 中没有任何规则文件（*.toml）。安装不完整，请重新安装。")
    bad: list[str] = []
    for path in tomls:
        try:
            with path.open("rb") as fh:
                tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            bad.append(f"{path.relative_to(root)}（{exc}）")
    # The two files every screen needs: the case-type table and the node catalogue.
    for required in (("case_types.toml",), ("rules", "nodes.toml")):
        try:
            load_toml(*required)
        except FileNotFoundError:
            bad.append(f"{'/'.join(required)}（缺失）")
        except tomllib.TOMLDecodeError as exc:
            bad.append(f"{'/'.join(required)}（{exc}）")
    if bad:
        raise StepFailed(f"数据文件缺失或损坏：{'；'.join(sorted(set(bad)))}。目录 {root}。请重新安装。")
    others = sum(1 for p in root.rglob("*") if p.is_file() and p.suffix not in (".toml", ".py", ".pyc"))
    return f"{root}：{len(tomls)} 个规则文件全部可读，另有 {others} 个其他数据文件"


def step_database(state: SelfTestState) -> str:
    from execdesk.models.backup import list_backups
    from execdesk.models.migrate import (
        MIGRATIONS_DIR,
        check_integrity,
        current_revision,
        known_revisions,
        open_database,
    )

    if not (MIGRATIONS_DIR / "env.py").is_file():
        raise StepFailed(f"找不到数据库升级脚本（{MIGRATIONS_DIR / 'env.py'}）。安装不完整，请重新安装。")
    if not any((MIGRATIONS_DIR / "versions").glob("*.py")):
        raise StepFailed(f"数据库升级脚本缺失（{MIGRATIONS_DIR / 'versions'} 中没有任何版本脚本）。安装不完整，请重新安装。")
    try:
        head, revisions = known_revisions()
    except Exception as exc:  # alembic raises several kinds when the scripts are missing or broken
        raise StepFailed(f"数据库升级脚本无法读取（{MIGRATIONS_DIR}）：{exc}。请重新安装。") from exc
    path = state.workdir / "selftest.sqlite3"
    oldest = revisions[-1]  # walk_revisions goes from head back to the first release
    if oldest != head:
        # Exercise the path an upgrade of a real user takes: an old schema, backed up, then upgraded.
        open_database(path, target=oldest).close()
        before = f"先建立最早的结构版本 {oldest}，再升级（升级前自动备份）"
    else:
        before = "新建"
    store = open_database(path)
    now = current_revision(path)
    if now != head:
        store.close()
        raise StepFailed(f"升级后结构版本为 {now}，应为 {head}。")
    problems = check_integrity(path)
    if problems:
        store.close()
        raise StepFailed(f"升级后完整性检查未通过：{problems[0]}")
    backups = [p for p in list_backups(path) if ".pre-upgrade-" in p.name]
    if oldest != head and not backups:
        store.close()
        raise StepFailed("升级前没有生成备份文件，升级保护失效。")
    state.store = store
    extra = f"，升级前备份 {backups[0].name}" if backups else ""
    return f"{before} → 结构版本 {head}（共 {len(revisions)} 个版本），完整性检查通过{extra}"


def sample_case_input(today: date):
    """A complete, fictitious 首次执行 case dated relative to today (services refuse future dates)."""
    from execdesk.rules.identity import make_credit_code, make_resident_id
    from execdesk.services.inputs import BasisInput, CaseInput, PartyInput

    filed = today - timedelta(days=40)
    return CaseInput(
        case_number=f"（{filed.year}）鲁0102执9001号", filed_on=filed, received_on=filed, cause="民间借贷纠纷",
        amount_claimed="85000.50", handler_username="selftest_cbr", clerk_username="selftest_sj",
        parties=[
            PartyInput(role="申请执行人", kind="自然人", name="王芳", ethnicity="汉族",
                       id_number=make_resident_id("370102", date(1990, 4, 12), 128),
                       address="济南市历下区经十路100号", phone="13812345678"),
            PartyInput(role="被执行人", kind="法人", name="济南鲁信商贸有限公司",
                       id_number=make_credit_code("91370102MA3C1234X"), address="济南市历下区解放路8号",
                       legal_rep="李强", legal_rep_title="总经理"),
        ],
        basis=BasisInput(issuing_body="本院", document_type="民事判决书", document_number="（2025）鲁0102民初1234号",
                         effective_on=filed - timedelta(days=60), cause="民间借贷纠纷",
                         content="被告济南鲁信商贸有限公司偿还原告王芳借款85000.50元"),
    )


def step_services(state: SelfTestState) -> str:
    from execdesk.models import Case, Party
    from execdesk.rules.money import format_yuan, rmb_uppercase
    from execdesk.services.accounts import create_user, ensure_court
    from execdesk.services.cases import get_case, register_case
    from execdesk.services.context import Actor

    store = need_store(state)
    actor = Actor(username="selftest", display_name="自检", role="管理员")
    ensure_court(store, actor, code="鲁0102", name="济南市历下区人民法院")
    create_user(store, actor, username="selftest_cbr", display_name="张伟", role="承办人", password="selftest-123")
    create_user(store, actor, username="selftest_sj", display_name="刘洋", role="书记员", password="selftest-123")
    data = sample_case_input(date.today())
    state.case_id = register_case(store, actor, data)
    with store.read() as session:
        case: Case = get_case(session, state.case_id)
        parties = session.query(Party).filter(Party.case_id == case.id).count()
        number, fen = case.case_number, case.amount_claimed_fen
    if fen != 8500050:
        raise StepFailed(f"申请执行标的读回为 {fen} 分，应为 8500050 分。")
    words = rmb_uppercase(fen)
    if words != "捌万伍仟元伍角":
        raise StepFailed(f"金额大写为“{words}”，应为“捌万伍仟元伍角”。")
    return f"登记示例案件 {number}（{parties} 名当事人，标的 {format_yuan(fen)} 元，大写 {words}）"


# ---- PDF


def _pdf_objects(data: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2)
            for m in re.finditer(rb"(\d+)\s+0\s+obj\b(.*?)\bendobj", data, re.S)}


_FONT_DICT = re.compile(rb"/Type\s*/Font(?![A-Za-z])")
_REF = rb"\s+(\d+)\s+0\s+R"


def pdf_font_embedding(data: bytes) -> tuple[list[str], list[str]]:
    """(embedded, not embedded) font names of a PDF whose font objects are plain (not in object streams, as
    reportlab writes them). Works without poppler, so it runs on court PCs."""
    objects = _pdf_objects(data)
    embedded: list[str] = []
    missing: list[str] = []

    def descriptor_has_file(font_body: bytes) -> bool:
        ref = re.search(rb"/FontDescriptor" + _REF, font_body)
        if not ref:
            return False
        descriptor = objects.get(int(ref.group(1)), b"")
        return re.search(rb"/FontFile[23]?" + _REF, descriptor) is not None

    for body in objects.values():
        head = body.split(b"stream", 1)[0]
        if not _FONT_DICT.search(head):
            continue
        name_match = re.search(rb"/BaseFont\s*/([^\s/<>\[\]]+)", head)
        name = name_match.group(1).decode("latin-1") if name_match else "（无名字体）"
        subtype = re.search(rb"/Subtype\s*/(\w+)", head)
        subtype_name = subtype.group(1) if subtype else b""
        if subtype_name == b"Type3":
            embedded.append(name)  # glyphs are drawn by the PDF itself
            continue
        if subtype_name == b"Type0":
            continue  # judged through its descendant font, which is itself a /Type /Font object
        (embedded if descriptor_has_file(head) else missing).append(name)
    return embedded, missing


def _pdf_text(path: Path) -> str | None:
    """Text of the PDF via pdftotext when poppler is installed (Linux CI); None elsewhere."""
    tool = shutil.which("pdftotext")
    if not tool:
        return None
    done = subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=60)
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def _render_ruling(state: SelfTestState, target: Path) -> str:
    """Render the 终本 ruling of the sample case through the documents service (a draft: never issued)."""
    from execdesk.documents.fonts import FontMissingError
    from execdesk.services.documents import draft_ruling

    try:
        draft = draft_ruling(state.store, state.case_id)
    except FontMissingError as exc:
        raise StepFailed(str(exc)) from exc
    target.write_bytes(draft.pdf)
    return "终本裁定书（草稿）"


def step_pdf(state: SelfTestState) -> str:
    if state.case_id is None:
        raise StepSkipped("未执行：上一步未能登记示例案件")
    target = state.workdir / "终本裁定书-自检.pdf"
    what = _render_ruling(state, target)
    if not target.is_file() or target.stat().st_size == 0:
        raise StepFailed(f"没有生成 PDF 文件 {target}。")
    data = target.read_bytes()
    if not data.startswith(b"%PDF-"):
        raise StepFailed(f"{target} 不是 PDF 文件。")
    embedded, missing = pdf_font_embedding(data)
    if missing:
        raise StepFailed(f"PDF 中有未嵌入的字体：{'、'.join(sorted(set(missing)))}。在别的电脑上打开可能显示为乱码。")
    if not embedded:
        raise StepFailed("PDF 中没有任何嵌入字体，中文无法正确显示。")
    text = _pdf_text(target)
    if text is not None and RULING_PHRASE not in text.replace(" ", "").replace("\n", ""):
        raise StepFailed(f"PDF 文字读回失败：找不到“{RULING_PHRASE}”（字体映射有误，复制出的文字会是乱码）。")
    state.ruling_pdf = data
    checked = "，文字读回一致" if text is not None else ""
    names = "、".join(sorted({n.split("+", 1)[-1] for n in embedded}))
    return f"{what}：{len(data) // 1024} KB，{len(embedded)} 个字体全部嵌入（{names}）{checked}"


def step_templates(state: SelfTestState) -> str:
    """Every document template (issue 16 §6): the shipped ones, the provincial presets and the court's own
    copies in the user's real data folder (read only), with their field names checked against the vocabulary."""
    from execdesk.services import routine_documents as rd

    user = state.real_data_dir / "templates"
    problems = rd.check_templates(user)
    if problems:
        raise StepFailed("文书模板有误，改正前相应的文书不能生成（其他功能不受影响）：" + "；".join(problems))
    copies = sorted(p.relative_to(user).as_posix() for p in user.rglob("*.toml")) if user.is_dir() else []
    own = f"，本院副本 {len(copies)} 个（{'、'.join(copies)}）" if copies else "，无本院副本"
    return f"{len(rd.SLUGS)} 种文书模板及省份模板全部检查通过{own}"


# ---- Qt steps live in execdesk/ui/selftest_steps.py (Qt is imported only under execdesk/ui/).


def _qt_step(name: str, state: SelfTestState) -> str:
    from execdesk.ui import selftest_steps

    return getattr(selftest_steps, name)(state)


def step_user_data(state: SelfTestState) -> str:
    """Read-only look at the real data folder: what the next start will do to the user's database."""
    import json

    from execdesk.models.migrate import DatabaseError, current_revision, known_revisions

    folder = state.real_data_dir
    db = folder / "execdesk.sqlite3"
    parts = [f"数据目录 {folder}"]
    if db.exists():
        try:
            rev = current_revision(db)
        except DatabaseError as exc:
            raise StepFailed(f"用户数据库 {db} 无法读取：{exc}") from exc
        head, revisions = known_revisions()
        if rev is not None and rev not in revisions:
            raise StepFailed(f"用户数据库 {db} 的结构版本 {rev} 比本程序新，本程序无法打开。请安装更新的版本。")
        if rev == head:
            parts.append(f"数据库 {db.name} 为当前结构版本 {head}（{db.stat().st_size // 1024} KB）")
        else:
            parts.append(f"数据库 {db.name} 结构版本 {rev}，下次启动时将先自动备份再升级到 {head}")
    else:
        parts.append("尚无数据库（首次启动时创建）")
    settings_file = folder / "settings.json"
    if settings_file.exists():
        try:
            settings = json.loads(settings_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StepFailed(f"设置文件 {settings_file} 无法读取（{exc}）。可删除后重新设置省平台地址。") from exc
        parts.append(f"省平台地址 {settings.get('server_url') or '未设置'}")
        if settings.get("ca_bundle") and not Path(settings["ca_bundle"]).is_file():
            raise StepFailed(f"设置的 CA 证书文件 {settings['ca_bundle']} 不存在，同步将无法建立安全连接。")
    return "；".join(parts)


def step_credentials(state: SelfTestState) -> str:
    """The platform token is kept only in the OS keyring (Windows Credential Manager); the bundle must carry a
    working backend (keyring finds backends through package metadata, which frozen apps can lose)."""
    import keyring

    chosen = keyring.get_keyring()
    chain = getattr(chosen, "backends", None) or [chosen]
    names = [f"{type(b).__module__}.{type(b).__name__}" for b in chain]
    usable = [n for n in names if not n.startswith(("keyring.backends.fail", "keyring.backends.null",
                                                     "keyrings.alt"))]
    if sys.platform == "win32":
        if not any("Windows" in n for n in usable):
            raise StepFailed(f"Windows 凭据管理器不可用（找到的后端：{'、'.join(names) or '无'}），"
                             "省平台登录令牌将无法保存，同步无法使用。安装不完整，请重新安装。")
        return "省平台登录令牌保存在 Windows 凭据管理器"
    if not usable:
        raise StepNote(f"本机没有可用的系统密钥环（{'、'.join(names)}）：同步时无法保存省平台登录令牌"
                       "（Windows 上使用凭据管理器，不受影响）")
    return f"系统密钥环：{'、'.join(usable)}"


STEPS: list[tuple[str, Callable[[SelfTestState], str]]] = [
    ("程序", step_program),
    ("数据文件", step_resources),
    ("数据库创建与升级", step_database),
    ("业务服务", step_services),
    ("文书 PDF", step_pdf),
    ("文书模板", step_templates),
    ("中文字体（界面）", lambda state: _qt_step("step_qt_font", state)),
    ("主窗口", lambda state: _qt_step("step_main_window", state)),
    ("文书预览与打印", lambda state: _qt_step("step_preview_and_print", state)),
    ("凭据存储", step_credentials),
    ("用户数据（只读检查）", step_user_data),
]


# ---------------------------------------------------------------- runner


# A step that has not finished after this long is reported as hung and the self-test ends (exit 3): a frozen
# Alembic upgrade has been seen to hang on Windows (ANCHORS B5); court IT must see which step, not a blank window.
STEP_TIMEOUT_S = 180.0


class _Watchdog:
    """Ends the process with a Chinese message if the current step runs past STEP_TIMEOUT_S."""

    def __init__(self, out, log_path: Path) -> None:
        self.out = out
        self.log_path = log_path  # the user's real log (the steps run with the data folder pointed elsewhere)
        self.timer: threading.Timer | None = None

    def arm(self, name: str) -> None:
        self.disarm()
        self.timer = threading.Timer(STEP_TIMEOUT_S, self._expire, args=(name,))
        self.timer.daemon = True
        self.timer.start()

    def disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _expire(self, name: str) -> None:
        log.error("self-test step %s hung for %.0f s; stacks follow", name, STEP_TIMEOUT_S)
        for handler in logging.getLogger().handlers:
            handler.flush()
        with open(self.log_path, "a", encoding="utf-8") as fh:
            faulthandler.dump_traceback(file=fh, all_threads=True)
        print(f"{FAIL} {WORDS[FAIL]} {name}：超过 {STEP_TIMEOUT_S:.0f} 秒仍未完成，自检中止（程序可能卡住）。"
              f"详细信息已写入日志 {self.log_path}。请把以上内容发给技术支持。", file=self.out, flush=True)
        os._exit(3)  # the hung step holds the main thread: nothing else can end the process


def _run_step(name: str, func: Callable[[SelfTestState], str], state: SelfTestState) -> StepResult:
    started = time.perf_counter()
    try:
        detail = func(state)
        status = OK
    except StepNote as exc:
        detail, status = str(exc), NOTE
    except (StepFailed, StepSkipped) as exc:
        detail, status = str(exc), FAIL
    except Exception as exc:  # a bug or a broken install: say what broke, keep the traceback in the log
        log.exception("self-test step %s failed", name)
        detail, status = f"出错：{type(exc).__name__}：{exc}", FAIL
    return StepResult(name, status, detail, time.perf_counter() - started)


def _output_stream():
    """stdout, or a report file next to the log when there is no console (the windowed Windows program)."""
    if sys.stdout is not None:
        stream = sys.stdout
        try:
            OK.encode(stream.encoding or "ascii")
        except (UnicodeEncodeError, LookupError):
            stream.reconfigure(encoding="utf-8")  # e.g. redirected to a file on a GBK-coded Windows console
        return stream, None
    from execdesk.config import log_dir

    path = log_dir() / "selftest.txt"
    return path.open("w", encoding="utf-8"), path


def run_selftest() -> int:
    """Run every step, print each result, return 0 when all passed (else 1; 3 if a step hung)."""
    from execdesk.config import data_dir
    from execdesk.logging_setup import log_file

    out, report_path = _output_stream()
    results: list[StepResult] = []
    real_data_dir = data_dir()
    real_log = log_file()
    saved_env = os.environ.get("EXECDESK_DATA_DIR")
    with tempfile.TemporaryDirectory(prefix="execdesk-selftest-") as tmp:
        state = SelfTestState(workdir=Path(tmp), real_data_dir=real_data_dir)
        # Whatever the steps write (window layout, settings, backups) goes to the temporary folder.
        os.environ["EXECDESK_DATA_DIR"] = str(Path(tmp) / "data")
        print("ExecDesk 安装自检", file=out, flush=True)
        watchdog = _Watchdog(out, real_log)
        try:
            for name, func in STEPS:
                watchdog.arm(name)
                result = _run_step(name, func, state)
                watchdog.disarm()
                results.append(result)
                print(f"{result.status} {WORDS[result.status]} {result.name}：{result.detail}"
                      f"（{result.seconds:.2f} 秒）", file=out, flush=True)
        finally:
            watchdog.disarm()
            if state.store is not None:
                state.store.close()
            if saved_env is None:
                os.environ.pop("EXECDESK_DATA_DIR", None)
            else:
                os.environ["EXECDESK_DATA_DIR"] = saved_env
    failed = [r for r in results if r.status == FAIL]
    if failed:
        print(f"自检未通过：{len(failed)} 项失败（{'、'.join(r.name for r in failed)}）。"
              "请把以上内容发给技术支持。", file=out, flush=True)
    else:
        print(f"自检通过：{len(results)} 项全部正常。", file=out, flush=True)
    log.info("self-test: %s", "; ".join(f"{r.status} {r.name}: {r.detail}" for r in results))
    if report_path is not None:
        out.close()
    return 1 if failed else 0


