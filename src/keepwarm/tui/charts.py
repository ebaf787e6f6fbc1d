"""What the charts draw, from the screens' views: a contact's or an account's health week by week, the
dashboard's months, a team member's weeks. Plain data (`Chart`); the widget that draws it (widgets/charts.py, textual-plotext)
is imported only when a chart is first shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .screen_views import TrendMonth, WeekHealth
from .team_views import TeamPerson


@dataclass(frozen=True)
class Series:
    """One line (or one set of bars) of a chart: its name in the legend, a value per x label (None: none)."""

    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Chart:
    """What a chart draws: a title, the x axis's labels and title, the y axis's title and range, the series."""

    title: str
    x_title: str
    labels: Sequence[str]
    y_title: str
    series: Sequence[Series]
    y_range: tuple[float, float] | None = None
    bars: bool = False
    #: How many x labels are written under the axis at most (the others are ticks without words).
    ticks: int = 6


def health_chart(whose: str, weeks: Sequence[WeekHealth]) -> Chart:
    """A score (0-100) a week, oldest first: the weeks before anything was recorded are left blank."""
    return Chart(
        title=f"Health of {whose}, week by week",
        x_title="week starting",
        labels=[f"{w.week:%d %b}" for w in weeks],
        y_title="health (0-100)",
        series=[Series("health", [w.score for w in weeks])],
        y_range=(0, 100),
    )


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _months(trend: Sequence[TrendMonth]) -> list[str]:
    """ "Jun 2026", "Jul", ..., "Jan 2027": the year on the first month and on each January only, so that six
    labels fit under a half-width chart (plotext leaves out a label that would touch the one before)."""
    out = []
    for index, m in enumerate(trend):
        year, month = m.month.split("-")
        name = _MONTHS[int(month) - 1]
        out.append(f"{name} {year}" if index == 0 or month == "01" else name)
    return out


def touches_chart(trend: Sequence[TrendMonth]) -> Chart:
    """Touches a month, with those that came in and those that came in unasked beside them."""
    return Chart(
        title="Touches a month",
        x_title="month",
        labels=_months(trend),
        y_title="touches",
        series=[
            Series("all", [m.touches for m in trend]),
            Series("inbound", [m.inbound for m in trend]),
            Series("unprompted", [m.unprompted for m in trend]),
        ],
        bars=True,
    )


def mean_health_chart(trend: Sequence[TrendMonth]) -> Chart:
    """The mean health each month (blank before anything was recorded)."""
    return Chart(
        title="Mean health a month",
        x_title="month",
        labels=_months(trend),
        y_title="mean health (0-100)",
        series=[Series("mean health", [m.mean_health for m in trend])],
        y_range=(0, 100),
    )


def team_touches_chart(person: TeamPerson, weeks: Sequence[dt.date]) -> Chart:
    """A person's touches each week beside what their contacts' rhythms asked for (the last week: so far)."""
    return Chart(
        title=f"Touches of {person.name}, week by week",
        x_title="week starting",
        labels=[f"{w:%d %b}" for w in weeks],
        y_title="touches",
        series=[Series("logged", list(person.touches.weekly)), Series("planned", list(person.touches.weekly_plan))],
        bars=True,
    )


def team_health_chart(person: TeamPerson, weeks: Sequence[dt.date], accounts: int = 3) -> Chart:
    """The mean health of a person's contacts each week, and a line for each of their first `accounts` accounts."""
    series = [Series("their contacts", list(person.health.weekly))]
    series += [Series(a.name, list(a.weekly)) for a in person.accounts[:accounts]]
    return Chart(
        title=f"Health of {person.name}'s relationships, week by week",
        x_title="week starting",
        labels=[f"{w:%d %b}" for w in weeks],
        y_title="health (0-100)",
        series=series,
        y_range=(0, 100),
    )
