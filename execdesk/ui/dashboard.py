"""统计: overdue by handler, cases by age, warnings, and (from the deadline engine's indicators, issue 3)
closure rates against their targets — as QtCharts, with an Excel export (openpyxl).
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from execdesk.rules.money import format_yuan
from execdesk.services.case_views import DashboardFigures, dashboard_figures
from execdesk.ui.context import UiContext
from execdesk.ui.widgets import fill_table, make_table, show_error
from execdesk.ui.workers import start

log = logging.getLogger(__name__)


def bar_chart(title: str, categories: list[str], sets: list[tuple[str, list[float]]],
              maximum: float | None = None, suffix: str = "") -> QChartView:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setVisible(len(sets) > 1)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    series = QBarSeries()
    top = 0.0
    for name, values in sets:
        bs = QBarSet(name)
        bs.append([float(v) for v in values])
        series.append(bs)
        top = max([top, *values]) if values else top
    series.setLabelsVisible(True)
    chart.addSeries(series)
    axis_x = QBarCategoryAxis()
    axis_x.append(categories)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    axis_y = QValueAxis()
    axis_y.setRange(0, maximum if maximum is not None else max(1.0, top * 1.15))
    axis_y.setLabelFormat("%d" + suffix)
    if maximum is None:
        axis_y.applyNiceNumbers()  # 0, 5, 10 … rather than 0, 6, 13, 20
    # Three labels (0, half, top) fit a chart 190 px high: with more, Qt elides them all to "…" on a 1366×768 screen.
    top_value = axis_y.max()
    if top_value >= 2 and int(top_value) % 2:
        axis_y.setMax(top_value + 1)  # an even top: the half is a whole number
    axis_y.setTickCount(3)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(190)
    return view


def _indicators():
    try:
        return importlib.import_module("execdesk.services.indicators")
    except ImportError:
        return None


class DashboardPage(QWidget):
    loaded = Signal()
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.figures: DashboardFigures | None = None
        self.loading = False
        self.indicator_rows: list[tuple[str, str, str, str]] = []  # as shown
        self.lines: list[IndicatorLine] = []
        self.export_button = QPushButton(self.tr("导出 Excel…"))
        self.export_button.setObjectName("export_excel")
        self.export_button.clicked.connect(self.export)
        refresh = QPushButton(self.tr("刷新"))
        refresh.clicked.connect(self.refresh)
        self.headline = QLabel()
        self.headline.setObjectName("headline")
        self.headline.setWordWrap(True)
        self.grid = QGridLayout()
        self.table = make_table()
        self.table.setObjectName("indicators")
        self.table.setMinimumHeight(120)
        top = QHBoxLayout()
        top.addWidget(self.headline, 1)
        top.addWidget(refresh)
        top.addWidget(self.export_button)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        self.grid.setColumnStretch(0, 1)
        self.grid.setColumnStretch(1, 1)
        charts = QWidget()
        charts.setLayout(self.grid)
        # Charts above, the indicator table below, the split draggable: on a 1366×768 screen with a taskbar the
        # table keeps six rows or more instead of three (issue 17 item 9).
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setObjectName("dashboard_split")
        self.split.addWidget(charts)
        self.split.addWidget(self.table)
        self.split.setChildrenCollapsible(False)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setSizes([3000, 2000])  # 3 : 2 of whatever height the page gets (min sizes win on small screens)
        lay.addWidget(self.split, 1)
        self.refresh()

    def refresh(self) -> None:
        """Counts and indicators are computed on the thread pool (the indicators read every case)."""
        if self.loading:
            return
        self.loading = True
        self.headline.setText(self.tr("正在计算…"))
        store, today = self.ctx.store, self.ctx.today()

        def work(_job):
            with store.read() as s:
                figures = dashboard_figures(s, today)
            svc = _indicators()
            rows = indicator_table(svc.indicator_report(store, today=today)) if svc else []
            return figures, rows

        def failed(exc: BaseException) -> None:
            self.loading = False
            log.error("dashboard: %r", exc)
            self.headline.setText(self.tr("统计失败：{0}").format(exc))

        start(self, work, on_done=self._show, on_error=failed)

    def _show(self, result) -> None:
        self.loading = False
        f, indicator_lines = result
        self.figures = f
        for i, line in enumerate(indicator_lines):  # 超期案件数 = open past the limit + closed late: say so
            if line.indicator_id == "overdue_count" and line.value is not None:
                late = int(line.value) - f.overdue
                indicator_lines[i] = replace(line, note="　".join(x for x in (
                    self.tr("其中未结 {0} 件（即案件列表“执行期限已超期”）、本年超期结案 {1} 件").format(f.overdue, late),
                    line.note) if x))
        self.lines = indicator_lines + [
            IndicatorLine(self.tr("未结案件"), f.open_cases, "count"),
            IndicatorLine(self.tr("执行期限已超期（未结）"), f.overdue, "count", 0.0),
            IndicatorLine(self.tr("节点超期（执行期限未满）"), f.node_overdue, "count"),
            IndicatorLine(self.tr("10日内到期"), f.warnings, "count"),
            IndicatorLine(self.tr("本年已结"), f.closed_this_year, "count")]
        self.indicator_rows = [line.texts() for line in self.lines]
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.headline.setText(self.tr("未结 {0} 件，其中执行期限已超期 {1} 件、节点超期 {2} 件、10日内到期 {3} 件；"
                                      "本年已结 {4} 件。").format(f.open_cases, f.overdue, f.node_overdue,
                                                               f.warnings, f.closed_this_year))
        handlers = [h for h, _o, _w, _n in f.by_handler]
        self.grid.addWidget(bar_chart(self.tr("各承办人超期与预警案件"), handlers, [
            (self.tr("执行期限已超期"), [o for _h, o, _w, _n in f.by_handler]),
            (self.tr("预警"), [w for _h, _o, w, _n in f.by_handler])]), 0, 0)
        self.grid.addWidget(bar_chart(self.tr("未结案件按立案时长"), [a for a, _n in f.by_age],
                                      [(self.tr("件数"), [n for _a, n in f.by_age])]), 0, 1)
        rates = [line for line in self.lines if line.kind == "rate" and line.value is not None
                 and line.target is not None]
        if rates:
            self.grid.addWidget(bar_chart(self.tr("质效指标与目标（%）"), [r.name for r in rates], [
                (self.tr("实际"), [round(r.value * 100, 1) for r in rates]),
                (self.tr("目标"), [round(r.target * 100, 1) for r in rates])], maximum=100), 1, 0, 1, 2)
        else:
            self.grid.addWidget(bar_chart(self.tr("各承办人未结案件"), handlers,
                                          [(self.tr("未结"), [n for _h, _o, _w, n in f.by_handler])]), 1, 0, 1, 2)
        fill_table(self.table, [self.tr(h) for h in ("指标", "数值", "目标", "说明")], self.indicator_rows)
        self.loaded.emit()

    def export(self, path: str | None = None) -> Path | None:
        interactive = not path
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("导出 Excel"),
                                                  f"执行统计_{self.ctx.today():%Y%m%d}.xlsx",
                                                  self.tr("Excel 工作簿 (*.xlsx)"))
        if not path:
            return None
        if self.figures is None:
            return None  # still computing
        try:
            out = export_excel(Path(path), self.figures, self.lines)
        except OSError as exc:
            show_error(self, self.tr("导出 Excel"), exc)
            return None
        if interactive:
            QMessageBox.information(self, self.tr("导出 Excel"), self.tr("已导出：{0}").format(out))
        return out


@dataclass(frozen=True)
class IndicatorLine:
    """One row of the indicator table with its typed value (the screen formats it, Excel gets the number)."""

    name: str
    value: float | int | None
    kind: str  # rate (a share 0–1, shown as a percentage) / average / count
    target: float | None = None
    note: str = ""
    indicator_id: str = ""

    def value_text(self) -> str:
        from execdesk.rules.indicators import format_indicator

        return format_indicator(self.kind, self.value)

    def target_text(self) -> str:
        if self.target is None:
            return ""
        return f"{self.target * 100:.0f}%" if self.kind == "rate" else f"{self.target:g}"

    def texts(self) -> tuple[str, str, str, str]:
        return (self.name, self.value_text(), self.target_text(), self.note)


def _amount_terms(indicator_id: str) -> bool:
    """Whether an indicator's numerator and denominator are money (fen), shown in 元."""
    from execdesk.rules.indicators import load_config

    return any(t.lstrip("-").endswith("_fen") for d in load_config().indicators if d.id == indicator_id
               for t in d.numerator)


def indicator_table(report) -> list[IndicatorLine]:
    """Court-level rows of the indicator report (services.indicators, issue 3)."""
    rows = []
    for r in report.rows:
        if r.group_kind != "法院":
            continue
        verdict = {True: "达标", False: "未达标", None: ""}[r.meets_target]
        ratio = ""
        if r.denominator:
            if _amount_terms(r.indicator_id):
                ratio = f"{format_yuan(r.numerator)}元 / {format_yuan(r.denominator)}元"
            else:
                ratio = f"{r.numerator}/{r.denominator}"
        rows.append(IndicatorLine(r.name, r.value, r.kind, r.target,
                                  "　".join(x for x in (verdict, ratio, r.basis) if x), r.indicator_id))
    return rows


def export_excel(path: Path, f: DashboardFigures, lines: list[IndicatorLine]) -> Path:
    """Numbers as numbers: rates as percentages (number format 0.0%), counts as integers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.append(["指标", "数值", "目标", "说明"])
    for line in lines:
        value = line.value if line.kind != "count" or line.value is None else int(line.value)
        ws.append([line.name, value, line.target, line.note])
        fmt = {"rate": "0.0%", "average": "0.0", "count": "0"}.get(line.kind, "General")
        ws.cell(ws.max_row, 2).number_format = fmt
        ws.cell(ws.max_row, 3).number_format = "0%" if line.kind == "rate" else "General"
    ws2 = wb.create_sheet("承办人")
    ws2.append(["承办人", "执行期限已超期", "预警", "未结"])
    for row in f.by_handler:
        ws2.append(list(row))
    ws3 = wb.create_sheet("立案时长")
    ws3.append(["立案时长", "未结件数"])
    for row in f.by_age:
        ws3.append(list(row))
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 28
    wb.save(path)
    return path
