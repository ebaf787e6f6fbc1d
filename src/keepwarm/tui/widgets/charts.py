"""The widget that draws a chart (`tui.charts.Chart`) with labelled axes, through textual-plotext.

Imported by a screen when it first shows a chart, not before (`show_chart`):
plotext is not needed for the agenda's first paint. Every text a chart draws
(its title, its axes, its ticks) is made visible first (`text.controls.visible`):
plotext's output is read back as ANSI, so an escape sequence in a contact's or
an account's name would otherwise act as one.
"""

from __future__ import annotations

from textual.widget import Widget
from textual_plotext import PlotextPlot

from ...text.controls import visible
from ...text.wording import one_line
from ..charts import Chart


def _safe(text: str) -> str:
    return visible(one_line(text), multiline=False)


class SeriesChart(PlotextPlot):
    """A chart of one or more series over the same x labels, with both axes titled."""

    DEFAULT_CSS = """
    SeriesChart {
        height: 14;
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.chart: Chart | None = None

    def draw(self, chart: Chart) -> None:
        self.chart = chart
        self.refresh()

    def render(self):
        plt = self.plt
        plt.clear_figure()
        chart = self.chart
        if chart is not None:
            _drawn(plt, chart)
        return super().render()


def _drawn(plt, chart: Chart) -> None:
    xs = list(range(len(chart.labels)))
    if chart.bars:
        values = [[0 if v is None else v for v in s.values] for s in chart.series]
        labels = [_safe(s.name) for s in chart.series]
        if len(values) == 1:
            plt.bar(xs, values[0], label=labels[0], width=0.5)
        else:
            plt.multiple_bar(xs, values, labels=labels, width=0.8)
    else:
        named = len(chart.series) > 1  # a legend only to tell lines apart: the y axis names a lone one
        for s in chart.series:
            known = [(x, v) for x, v in zip(xs, s.values) if v is not None]
            if known:
                label = _safe(s.name) if named else None
                # "hd": quarter blocks, so that a lone week (a new book's first) still shows as a mark
                plt.plot([x for x, _ in known], [v for _, v in known], label=label, marker="hd")
    plt.title(_safe(chart.title))
    plt.xlabel(_safe(chart.x_title))
    plt.ylabel(_safe(chart.y_title))
    if chart.y_range is not None:
        low, high = chart.y_range
        plt.ylim(low, high)
        plt.yticks([low + (high - low) * step / 4 for step in range(5)])
    elif chart.bars:  # counts: whole numbers on the axis
        top = max([v for s in chart.series for v in s.values if v is not None], default=0) or 1
        step = -(-top // 4)
        plt.ylim(0, top)
        plt.yticks(list(range(0, int(top) + 1, int(step))))
    if xs:
        plt.xlim(-0.5 if chart.bars else 0, xs[-1] + (0.5 if chart.bars else 0))
        every = max(1, -(-len(xs) // chart.ticks))  # ceiling: at most `ticks` labels
        shown = xs[::every] if xs[-1] in xs[::every] else [*xs[::every][:-1], xs[-1]]
        plt.xticks(shown, [_safe(chart.labels[x]) for x in shown])


def show_chart(box: Widget, chart_id: str, chart: Chart) -> SeriesChart:
    """The chart `chart_id` in `box` drawing `chart`: mounted on first use (plotext loads then), redrawn after."""
    found = box.query(f"#{chart_id}")
    widget = found.first(SeriesChart) if found else SeriesChart(id=chart_id)
    widget.draw(chart)
    if not found:
        box.mount(widget)
    return widget
