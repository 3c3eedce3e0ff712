"""统计: overdue by handler, cases by age, warnings, and (from the deadline engine's indicators, issue 3)
closure rates against their targets — as QtCharts, with an Excel export (openpyxl).
"""

from __future__ import annotations

import importlib
import logging
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
    QVBoxLayout,
    QWidget,
)

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
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(220)
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
        self.indicator_rows: list[tuple[str, str, str, str]] = []
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
        self.table.setMaximumHeight(230)
        top = QHBoxLayout()
        top.addWidget(self.headline, 1)
        top.addWidget(refresh)
        top.addWidget(self.export_button)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        self.grid.setColumnStretch(0, 1)
        self.grid.setColumnStretch(1, 1)
        lay.addLayout(self.grid, 1)
        lay.addWidget(self.table)
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
        f, indicator_rows = result
        self.figures = f
        self.indicator_rows = indicator_rows + [
            (self.tr("未结案件"), str(f.open_cases), "", ""), (self.tr("超期案件"), str(f.overdue), "0", ""),
            (self.tr("10日内到期"), str(f.warnings), "", ""), (self.tr("本年已结"), str(f.closed_this_year), "", "")]
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.headline.setText(self.tr("未结 {0} 件，其中超期 {1} 件、10日内到期 {2} 件；本年已结 {3} 件。")
                              .format(f.open_cases, f.overdue, f.warnings, f.closed_this_year))
        handlers = [h for h, _o, _w, _n in f.by_handler]
        self.grid.addWidget(bar_chart(self.tr("各承办人超期与预警案件"), handlers, [
            (self.tr("超期"), [o for _h, o, _w, _n in f.by_handler]),
            (self.tr("预警"), [w for _h, _o, w, _n in f.by_handler])]), 0, 0)
        self.grid.addWidget(bar_chart(self.tr("未结案件按立案时长"), [a for a, _n in f.by_age],
                                      [(self.tr("件数"), [n for _a, n in f.by_age])]), 0, 1)
        rates = [(name, value, target) for name, value, target, _note in self.indicator_rows
                 if value.endswith("%") and target.endswith("%")]
        if rates:
            self.grid.addWidget(bar_chart(self.tr("质效指标与目标（%）"), [r[0] for r in rates], [
                (self.tr("实际"), [float(r[1].rstrip("%")) for r in rates]),
                (self.tr("目标"), [float(r[2].rstrip("%")) for r in rates])], maximum=100), 1, 0, 1, 2)
        else:
            self.grid.addWidget(bar_chart(self.tr("各承办人未结案件"), handlers,
                                          [(self.tr("未结"), [n for _h, _o, _w, n in f.by_handler])]), 1, 0, 1, 2)
        fill_table(self.table, [self.tr(h) for h in ("指标", "数值", "目标", "说明")], self.indicator_rows)
        self.loaded.emit()

    def export(self, path: str | None = None) -> Path | None:
        interactive = not path
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("导出 Excel"), "执行统计.xlsx",
                                                  self.tr("Excel 工作簿 (*.xlsx)"))
        if not path:
            return None
        if self.figures is None:
            return None  # still computing
        try:
            out = export_excel(Path(path), self.figures, self.indicator_rows)
        except OSError as exc:
            show_error(self, self.tr("导出 Excel"), exc)
            return None
        if interactive:
            QMessageBox.information(self, self.tr("导出 Excel"), self.tr("已导出：{0}").format(out))
        return out


def indicator_table(report) -> list[tuple[str, str, str, str]]:
    """Court-level rows of the indicator report (services.indicators, issue 3): name, value, target, note."""
    rows = []
    for r in report.rows:
        if r.group_kind != "法院":
            continue
        if r.target is None:
            target = ""
        elif r.kind == "rate":
            target = f"{r.target * 100:.0f}%"
        else:
            target = f"{r.target:g}"
        verdict = {True: "达标", False: "未达标", None: ""}[r.meets_target]
        ratio = f"{r.numerator}/{r.denominator}" if r.denominator else ""
        rows.append((r.name, r.display(), target, "　".join(x for x in (verdict, ratio, r.basis) if x)))
    return rows


def export_excel(path: Path, f: DashboardFigures, indicator_rows: list[tuple[str, str, str, str]]) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.append(["指标", "数值", "目标", "说明"])
    for row in indicator_rows:
        ws.append(list(row))
    ws2 = wb.create_sheet("承办人")
    ws2.append(["承办人", "超期", "预警", "未结"])
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
