"""The 0-100 health score, explained term by term.

Each term turns one observed behaviour into points (the weights are the
[health] section of the rule packs), and says in words why it gave what it
gave, so a user can disagree with a number and see where it came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from ..api.kit import full_date
from ..api.types import ContactStats, Warning
from ..rules.core import HealthSettings
from ..text.wording import number, plural, spoken


class HealthTerm(NamedTuple):
    """One term of a score (a named tuple: a run may explain ten thousand scores)."""

    key: str
    label: str
    points: float
    maximum: float
    detail: str

    def to_json(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "points": round(self.points, 1),
            "maximum": round(self.maximum, 1),
            "detail": self.detail,
        }


class Health:
    """A score, its band, and the terms that explain it.

    A whole-book run scores every contact, but a term's words are read only for
    the contacts someone looks at: a contact's health therefore keeps what it
    was computed from and writes its terms on first use, from the same shares
    that made the score (see `_terms`).
    """

    __slots__ = ("score", "band", "_terms", "_source")

    def __init__(self, score: int, band: str, terms: tuple[HealthTerm, ...] = (), *, source: tuple | None = None):
        self.score = score
        self.band = band
        self._terms = None if source is not None else tuple(terms)
        self._source = source

    @property
    def terms(self) -> tuple[HealthTerm, ...]:
        terms = self._terms
        if terms is None:
            assert self._source is not None  # kept until the terms are written from it
            terms = self._terms = tuple([HealthTerm._make(term) for term in _terms(*self._source, explain=True)])
            self._source = None
        return terms

    def to_json(self) -> dict:
        return {"score": self.score, "band": self.band, "terms": [t.to_json() for t in self.terms]}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Health):
            return NotImplemented
        return (self.score, self.band, self.terms) == (other.score, other.band, other.terms)

    def __hash__(self) -> int:
        return hash((self.score, self.band, self.terms))

    def __repr__(self) -> str:
        return f"Health(score={self.score!r}, band={self.band!r}, terms={self.terms!r})"


def band(score: float, cfg: HealthSettings) -> str:
    if score >= cfg.warm_from:
        return "warm"
    if score < cfg.cold_below:
        return "cold"
    return "cooling"


def _clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def contact_health(
    stats: ContactStats,
    warnings: Sequence[Warning],
    today: dt.date,
    interval_days: int,
    cfg: HealthSettings,
    *,
    explain: bool = False,
) -> Health:
    """The score now; the words of its terms when they are first read, or now with `explain` (for a run
    that stores them: one pass instead of two)."""
    terms = _terms(stats, warnings, today, interval_days, cfg, explain=explain)
    total = sum([t[2] for t in terms])
    maximum = sum([t[3] for t in terms]) or 1.0
    score = round(_clamp(total / maximum) * 100)
    if explain:
        return Health(score=score, band=band(score, cfg), terms=tuple([HealthTerm._make(t) for t in terms]))
    return Health(score=score, band=band(score, cfg), source=(stats, warnings, today, interval_days, cfg))


def _terms(
    stats: ContactStats,
    warnings: Sequence[Warning],
    today: dt.date,
    interval_days: int,
    cfg: HealthSettings,
    *,
    explain: bool,
) -> list[tuple[str, str, float, float, str]]:
    """(key, label, points, maximum, detail) of each term; the details only with `explain`.

    The one place the shares are worked out, for the score and for its words alike: each term's
    function gives its share (0..1) and, with `explain`, its words.
    """
    terms = []
    for key, label, weight, share_of in (
        ("recency", "Recency", cfg.recency, lambda: _recency(stats, today, interval_days, explain)),
        ("frequency", "Touch rate", cfg.frequency, lambda: _frequency(stats, explain)),
        ("reciprocity", "Reciprocity", cfg.reciprocity, lambda: _reciprocity(stats, cfg, explain)),
        ("responsiveness", "Responsiveness", cfg.responsiveness, lambda: _responsiveness(stats, explain)),
        ("sentiment", "Sentiment", cfg.sentiment, lambda: _sentiment(stats, explain)),
        ("assessment", "Assessment", cfg.assessment, lambda: _assessment(stats, explain)),
    ):
        share, detail = share_of()
        terms.append((key, label, share * weight, weight, detail))
    if warnings:
        penalty = min(cfg.max_warning_penalty, sum(w.severity for w in warnings) * cfg.warning_penalty)
        detail = ""
        if explain:
            detail = f"{plural(len(warnings), 'open warning')}: " + ", ".join(sorted({spoken(w.key) for w in warnings}))
        terms.append(("warnings", "Open warnings", -penalty, 0.0, detail))
    return terms


def _recency(stats: ContactStats, today: dt.date, interval_days: int, explain: bool) -> tuple[float, str]:
    """Full points within the rhythm, none at three rhythms late."""
    if stats.last_touch is None:
        return 0.0, "never touched" if explain else ""
    days = (today - stats.last_touch.date()).days
    ratio = days / max(1, interval_days)
    share = 1.0 if ratio <= 1 else max(0.0, min(1.0, 1 - (ratio - 1) / 2))
    # The date, not "N days ago": the words are stored with the score and would change every day.
    return (
        share,
        f"last touch on {full_date(stats.last_touch.date())} against a {interval_days}-day rhythm" if explain else "",
    )


def _frequency(stats: ContactStats, explain: bool) -> tuple[float, str]:
    if stats.touches_baseline == 0:
        share = 0.6 if stats.touches_recent else 0.0
        return share, f"{plural(stats.touches_recent, 'touch')} recently, no baseline yet" if explain else ""
    # ContactStats.rate_recent() and rate_baseline(), written out: this runs for every contact.
    recent = stats.touches_recent * 30 / stats.recent_days
    base = stats.touches_baseline * 30 / stats.baseline_days
    share = max(0.0, min(1.0, recent / base)) if base else 1.0
    if not explain:
        return share, ""
    return share, f"{plural(round(recent, 1), 'touch')} a month recently against {number(round(base, 1))} before"


def _reciprocity(stats: ContactStats, cfg: HealthSettings, explain: bool) -> tuple[float, str]:
    touched = stats.inbound_recent + stats.outbound_recent
    if touched == 0:
        touched, inbound = stats.inbound_total + stats.outbound_total, stats.inbound_total
        window = "ever"
    else:
        inbound, window = stats.inbound_recent, "recently"
    if touched == 0:
        return 0.0, "no touches either way" if explain else ""
    share = max(0.0, min(1.0, inbound / touched / cfg.inbound_share_target))
    return share, f"{inbound} of {plural(touched, 'touch')} {window} came from them" if explain else ""


def _responsiveness(stats: ContactStats, explain: bool) -> tuple[float, str]:
    if not stats.asked_recent:
        return 0.5, "no replies recorded recently" if explain else ""
    share = stats.replied_recent / stats.asked_recent
    if not explain:
        return share, ""
    detail = f"answered {stats.replied_recent} of {stats.asked_recent} recent outbound touches"
    if stats.latency_recent_hours is not None:
        detail += f", in {stats.latency_recent_hours:.0f} h on average"
    return share, detail


def _sentiment(stats: ContactStats, explain: bool) -> tuple[float, str]:
    if stats.sentiment_recent is None:
        return 0.5, "no mood recorded recently" if explain else ""
    share = max(0.0, min(1.0, (stats.sentiment_recent + 2) / 4))
    if not explain:
        return share, ""
    detail = f"average mood {stats.sentiment_recent:+.1f} on a -2..+2 scale"
    if stats.sentiment_baseline is not None:
        detail += f" (before: {stats.sentiment_baseline:+.1f})"
    return share, detail


def _assessment(stats: ContactStats, explain: bool) -> tuple[float, str]:
    latest = stats.latest_assessment
    if latest is None:
        return 0.5, "not assessed yet" if explain else ""
    mean = latest.mean()
    share = _clamp((mean - 1) / 4)
    if not explain:
        return share, ""
    detail = f"assessed {mean:.1f} of 5 on {latest.on.isoformat()}"
    previous = stats.previous_assessment
    if previous is not None:
        delta = mean - previous.mean()
        trend = "up" if delta > 0.05 else "down" if delta < -0.05 else "steady"
        detail += f", {trend} from {previous.mean():.1f}"
    return share, detail


def account_health(members: Sequence[tuple[Health, str]], warnings: Sequence[Warning], cfg: HealthSettings) -> Health:
    """Members' scores weighted by tier (a counts three times, b twice), less account warnings."""
    weights = {"a": 3.0, "b": 2.0, "c": 1.0}
    if not members:
        return Health(score=0, band=band(0, cfg), terms=(HealthTerm("members", "Stakeholders", 0, 100, "no contacts"),))
    total = sum(h.score * weights.get(tier, 1.0) for h, tier in members)
    weight = sum(weights.get(tier, 1.0) for _, tier in members)
    mean = total / weight
    terms = [
        HealthTerm("members", "Stakeholders", mean, 100, f"tier-weighted mean of {plural(len(members), 'contact')}")
    ]
    penalty = min(cfg.max_warning_penalty, sum(w.severity for w in warnings) * cfg.warning_penalty)
    if warnings:
        terms.append(
            HealthTerm("warnings", "Account warnings", -penalty, 0, ", ".join(sorted({w.key for w in warnings})))
        )
    score = round(_clamp((mean - penalty) / 100) * 100)
    return Health(score=score, band=band(score, cfg), terms=tuple(terms))
