"""The 0-100 health score, explained term by term.

Each term turns one observed behaviour into points (the weights are the
[health] section of the rule packs), and says in words why it gave what it
gave, so a user can disagree with a number and see where it came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from .settings import HealthSettings
from .types import ContactStats, Warning


@dataclass(frozen=True, slots=True)
class HealthTerm:
    key: str
    label: str
    points: float
    maximum: float
    detail: str

    def to_json(self) -> dict:
        return {"key": self.key, "label": self.label, "points": round(self.points, 1),
                "maximum": round(self.maximum, 1), "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Health:
    score: int
    band: str
    terms: tuple[HealthTerm, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        return {"score": self.score, "band": self.band, "terms": [t.to_json() for t in self.terms]}


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
    terms: list[HealthTerm] = []

    days = stats.days_since(stats.last_touch, today)
    if days is None:
        share, detail = 0.0, "never touched"
    else:
        ratio = days / max(1, interval_days)
        # Full points within the rhythm, none at three rhythms late.
        share = 1.0 if ratio <= 1 else _clamp(1 - (ratio - 1) / 2)
        detail = f"last touch {days} days ago against a {interval_days}-day rhythm"
    terms.append(HealthTerm("recency", "Recency", share * cfg.recency, cfg.recency, detail))

    recent, base = stats.rate_recent(), stats.rate_baseline()
    if stats.touches_baseline == 0:
        share = 0.6 if stats.touches_recent else 0.0
        detail = f"{stats.touches_recent} touches recently, no baseline yet"
    else:
        share = _clamp(recent / base) if base else 1.0
        detail = f"{recent:.1f} touches a month recently against {base:.1f} before"
    terms.append(HealthTerm("frequency", "Touch rate", share * cfg.frequency, cfg.frequency, detail))

    touched = stats.inbound_recent + stats.outbound_recent
    if touched == 0:
        touched, inbound = stats.inbound_total + stats.outbound_total, stats.inbound_total
        window = "ever"
    else:
        inbound, window = stats.inbound_recent, "recently"
    if touched == 0:
        share, detail = 0.0, "no touches either way"
    else:
        inbound_share = inbound / touched
        share = _clamp(inbound_share / cfg.inbound_share_target)
        detail = f"{inbound} of {touched} touches {window} came from them"
    terms.append(HealthTerm("reciprocity", "Reciprocity", share * cfg.reciprocity, cfg.reciprocity, detail))

    rate = stats.reply_rate_recent()
    if rate is None:
        share, detail = 0.5, "no replies recorded recently"
    else:
        share = rate
        detail = f"answered {stats.replied_recent} of {stats.asked_recent} recent outbound touches"
        if stats.latency_recent_hours is not None:
            detail += f", in {stats.latency_recent_hours:.0f} h on average"
    terms.append(HealthTerm("responsiveness", "Responsiveness", share * cfg.responsiveness, cfg.responsiveness, detail))

    if stats.sentiment_recent is None:
        share, detail = 0.5, "no mood recorded recently"
    else:
        share = _clamp((stats.sentiment_recent + 2) / 4)
        detail = f"average mood {stats.sentiment_recent:+.1f} on a -2..+2 scale"
        if stats.sentiment_baseline is not None:
            detail += f" (before: {stats.sentiment_baseline:+.1f})"
    terms.append(HealthTerm("sentiment", "Sentiment", share * cfg.sentiment, cfg.sentiment, detail))

    latest = stats.latest_assessment
    if latest is None:
        share, detail = 0.5, "not assessed yet"
    else:
        mean = latest.mean()
        share = _clamp((mean - 1) / 4)
        detail = f"assessed {mean:.1f} of 5 on {latest.on.isoformat()}"
        previous = stats.previous_assessment
        if previous is not None:
            delta = mean - previous.mean()
            trend = "up" if delta > 0.05 else "down" if delta < -0.05 else "steady"
            detail += f", {trend} from {previous.mean():.1f}"
    terms.append(HealthTerm("assessment", "Assessment", share * cfg.assessment, cfg.assessment, detail))

    penalty = min(cfg.max_warning_penalty, sum(w.severity for w in warnings) * cfg.warning_penalty)
    if warnings:
        terms.append(
            HealthTerm("warnings", "Open warnings", -penalty, 0.0, f"{len(warnings)} open warning(s): "
                       + ", ".join(sorted({w.key for w in warnings})))
        )
    total = sum(t.points for t in terms)
    maximum = sum(t.maximum for t in terms) or 1.0
    score = round(_clamp(total / maximum) * 100)
    return Health(score=score, band=band(score, cfg), terms=tuple(terms))


def account_health(members: Sequence[tuple[Health, str]], warnings: Sequence[Warning], cfg: HealthSettings) -> Health:
    """Members' scores weighted by tier (a counts three times, b twice), less account warnings."""
    weights = {"a": 3.0, "b": 2.0, "c": 1.0}
    if not members:
        return Health(score=0, band=band(0, cfg), terms=(HealthTerm("members", "Stakeholders", 0, 100, "no contacts"),))
    total = sum(h.score * weights.get(tier, 1.0) for h, tier in members)
    weight = sum(weights.get(tier, 1.0) for _, tier in members)
    mean = total / weight
    terms = [HealthTerm("members", "Stakeholders", mean, 100, f"tier-weighted mean of {len(members)} contacts")]
    penalty = min(cfg.max_warning_penalty, sum(w.severity for w in warnings) * cfg.warning_penalty)
    if warnings:
        terms.append(HealthTerm("warnings", "Account warnings", -penalty, 0, ", ".join(sorted({w.key for w in warnings}))))
    score = round(_clamp((mean - penalty) / 100) * 100)
    return Health(score=score, band=band(score, cfg), terms=tuple(terms))
