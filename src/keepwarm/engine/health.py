"""The 0-100 health score, explained term by term.

Each term turns one observed behaviour into points (the weights are the
[health] section of the rule packs), and says in words why it gave what it
gave, so a user can disagree with a number and see where it came from.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
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


#: A term as a run works it out: key, label, points, maximum, and its words as plain values -- the name of
#: their form (`_FORMS`) and what fills it. The words are made from them when read (`Health.terms`).
Worked = tuple[str, str, float, float, tuple]


class Health:
    """A score, its band, and the terms that explain it.

    A contact's health keeps its terms as worked out (`Worked`) and makes their
    words on first read: a whole-book run scores every contact, but words are
    read only for the contacts someone looks at and for the stored rows that
    changed (engine/conclusions.py digests the worked terms, not their words).
    """

    __slots__ = ("score", "band", "_terms", "_worked")

    def __init__(
        self, score: int, band: str, terms: tuple[HealthTerm, ...] = (), *, worked: tuple[Worked, ...] | None = None
    ):
        self.score = score
        self.band = band
        self._terms = None if worked is not None else tuple(terms)
        self._worked = worked

    @property
    def terms(self) -> tuple[HealthTerm, ...]:
        terms = self._terms
        if terms is None:
            assert self._worked is not None  # the words are made from it
            terms = self._terms = tuple(
                [HealthTerm(key, label, points, top, _words(facts)) for key, label, points, top, facts in self._worked]
            )
        return terms

    def plain(self) -> tuple:
        """Plain values that make the score, the band and every term with its words (what a stored row's
        digest is taken over): the worked terms, read without making words; else the terms given."""
        worked = self._worked
        return (self.score, self.band, worked if worked is not None else tuple([tuple(t) for t in self.terms]))

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
) -> Health:
    """The score now; the words of its terms when they are first read."""
    worked = _terms(stats, warnings, today, interval_days, cfg)
    total = sum([t[2] for t in worked])
    maximum = sum([t[3] for t in worked]) or 1.0
    score = round(_clamp(total / maximum) * 100)
    return Health(score=score, band=band(score, cfg), worked=tuple(worked))


def _terms(
    stats: ContactStats, warnings: Sequence[Warning], today: dt.date, interval_days: int, cfg: HealthSettings
) -> list[Worked]:
    """Each term worked out (`Worked`): the one place the shares are, for the score and for its words alike.

    Each term's function gives its share (0..1) and its words as plain values; the weight
    of a term is the setting of its key.
    """
    terms = []
    for key, label, share_of in _TERMS:
        weight = getattr(cfg, key)
        share, facts = share_of(stats, today, interval_days, cfg)
        terms.append((key, label, share * weight, weight, facts))
    if warnings:
        penalty = min(cfg.max_warning_penalty, sum([w.severity for w in warnings]) * cfg.warning_penalty)
        keys = _spoken_keys(frozenset({w.key for w in warnings}))
        terms.append(("warnings", "Open warnings", -penalty, 0.0, ("warnings", len(warnings), keys)))
    return terms


@functools.lru_cache(maxsize=1024)
def _spoken_keys(keys: frozenset[str]) -> tuple[str, ...]:
    """Warnings' keys as they are read, sorted: a book's contacts share a few dozen sets of them."""
    return tuple(sorted({spoken(key) for key in keys}))


def _recency(stats: ContactStats, today: dt.date, interval_days: int, cfg: HealthSettings) -> tuple[float, tuple]:
    """Full points within the rhythm, none at three rhythms late."""
    if stats.last_touch is None:
        return 0.0, ("never touched",)
    day = stats.last_touch.date()
    ratio = (today - day).days / max(1, interval_days)
    share = 1.0 if ratio <= 1 else max(0.0, min(1.0, 1 - (ratio - 1) / 2))
    return share, ("last touch", day.toordinal(), interval_days)


def _frequency(stats: ContactStats, today: dt.date, interval_days: int, cfg: HealthSettings) -> tuple[float, tuple]:
    if stats.touches_baseline == 0:
        return (0.6 if stats.touches_recent else 0.0), ("no baseline", stats.touches_recent)
    # ContactStats.rate_recent() and rate_baseline(), written out: this runs for every contact.
    recent = stats.touches_recent * 30 / stats.recent_days
    base = stats.touches_baseline * 30 / stats.baseline_days
    share = max(0.0, min(1.0, recent / base)) if base else 1.0
    return share, ("rate", round(recent, 1), round(base, 1))


def _reciprocity(stats: ContactStats, today: dt.date, interval_days: int, cfg: HealthSettings) -> tuple[float, tuple]:
    touched = stats.inbound_recent + stats.outbound_recent
    if touched == 0:
        touched, inbound = stats.inbound_total + stats.outbound_total, stats.inbound_total
        window = "ever"
    else:
        inbound, window = stats.inbound_recent, "recently"
    if touched == 0:
        return 0.0, ("no touches",)
    share = max(0.0, min(1.0, inbound / touched / cfg.inbound_share_target))
    return share, ("from them", inbound, touched, window)


def _responsiveness(
    stats: ContactStats, today: dt.date, interval_days: int, cfg: HealthSettings
) -> tuple[float, tuple]:
    if not stats.asked_recent:
        return 0.5, ("no replies",)
    return stats.replied_recent / stats.asked_recent, (
        "answered",
        stats.replied_recent,
        stats.asked_recent,
        stats.latency_recent_hours,
    )


def _sentiment(stats: ContactStats, today: dt.date, interval_days: int, cfg: HealthSettings) -> tuple[float, tuple]:
    if stats.sentiment_recent is None:
        return 0.5, ("no mood",)
    share = max(0.0, min(1.0, (stats.sentiment_recent + 2) / 4))
    return share, ("mood", stats.sentiment_recent, stats.sentiment_baseline)


def _assessment(stats: ContactStats, today: dt.date, interval_days: int, cfg: HealthSettings) -> tuple[float, tuple]:
    latest = stats.latest_assessment
    if latest is None:
        return 0.5, ("not assessed",)
    mean = latest.mean()
    previous = stats.previous_assessment
    return _clamp((mean - 1) / 4), (
        "assessed",
        mean,
        latest.on.toordinal(),
        None if previous is None else previous.mean(),
    )


#: The terms of a contact's score, in order: key (also the name of its weight in the settings), label, share.
_TERMS = (
    ("recency", "Recency", _recency),
    ("frequency", "Touch rate", _frequency),
    ("reciprocity", "Reciprocity", _reciprocity),
    ("responsiveness", "Responsiveness", _responsiveness),
    ("sentiment", "Sentiment", _sentiment),
    ("assessment", "Assessment", _assessment),
)


def _last_touch(day: int, interval_days: int) -> str:
    # The date, not "N days ago": the words are stored with the score and would change every day.
    return f"last touch on {full_date(dt.date.fromordinal(day))} against a {interval_days}-day rhythm"


def _answered(replied: int, asked: int, latency: float | None) -> str:
    detail = f"answered {replied} of {asked} recent outbound touches"
    return detail if latency is None else f"{detail}, in {latency:.0f} h on average"


def _mood(recent: float, baseline: float | None) -> str:
    detail = f"average mood {recent:+.1f} on a -2..+2 scale"
    return detail if baseline is None else f"{detail} (before: {baseline:+.1f})"


def _assessed(mean: float, on: int, previous: float | None) -> str:
    detail = f"assessed {mean:.1f} of 5 on {dt.date.fromordinal(on).isoformat()}"
    if previous is None:
        return detail
    delta = mean - previous
    trend = "up" if delta > 0.05 else "down" if delta < -0.05 else "steady"
    return f"{detail}, {trend} from {previous:.1f}"


#: The words of each form a term's function names, from the values it gives with the name.
_FORMS: dict[str, Callable[..., str]] = {
    "never touched": lambda: "never touched",
    "last touch": _last_touch,
    "no baseline": lambda touches: f"{plural(touches, 'touch')} recently, no baseline yet",
    "rate": lambda recent, base: f"{plural(recent, 'touch')} a month recently against {number(base)} before",
    "no touches": lambda: "no touches either way",
    "from them": lambda inbound, touched, window: f"{inbound} of {plural(touched, 'touch')} {window} came from them",
    "no replies": lambda: "no replies recorded recently",
    "answered": _answered,
    "no mood": lambda: "no mood recorded recently",
    "mood": _mood,
    "not assessed": lambda: "not assessed yet",
    "assessed": _assessed,
    "warnings": lambda count, keys: f"{plural(count, 'open warning')}: " + ", ".join(keys),
}


def _words(facts: tuple) -> str:
    """A term's words, from what its function gave (`Worked`)."""
    return _FORMS[facts[0]](*facts[1:])


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
