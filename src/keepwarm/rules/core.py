"""The core's own sections of the rule packs: the engine's statistics windows and the health weights.

They live in the rule packs like every rule's parameters (sections [engine]
and [health] of rules/engine.toml), but belong to the core, not to a plugin:
validated with the other sections (hosting/runtime.py), read by the engine.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class EngineSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    recent_days: int = Field(90, ge=7, le=730, description="Length of the recent window the statistics compare.")
    baseline_days: int = Field(
        365, ge=14, le=3650, description="Length of the baseline window just before the recent one."
    )
    horizon_days: int = Field(
        120, ge=7, le=730, description="How far ahead proposed follow-ups are stored (and so exported)."
    )
    satisfy_ahead_days: int = Field(
        7, ge=0, le=60, description="A touch completes open follow-ups due up to this many days after it."
    )
    default_interval_days: int = Field(
        45, ge=1, le=730, description="Rhythm assumed for health when no cadence rule gives one."
    )
    suggestions_shown: int = Field(3, ge=1, le=20, description="Suggestions shown per agenda item.")


class HealthSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    recency: float = Field(30, ge=0, le=100, description="Points for being touched within the expected rhythm.")
    frequency: float = Field(15, ge=0, le=100, description="Points for keeping the contact's own touch rate.")
    reciprocity: float = Field(15, ge=0, le=100, description="Points for them reaching out too (inbound share).")
    responsiveness: float = Field(10, ge=0, le=100, description="Points for answering my outbound touches.")
    sentiment: float = Field(10, ge=0, le=100, description="Points for the mood of recent touches.")
    assessment: float = Field(20, ge=0, le=100, description="Points from the latest six-dimension assessment.")
    warning_penalty: float = Field(4, ge=0, le=50, description="Points taken per severity level of each open warning.")
    max_warning_penalty: float = Field(30, ge=0, le=100, description="Most points warnings can take in total.")
    inbound_share_target: float = Field(
        0.35, gt=0, le=1, description="Inbound share of touches that earns all reciprocity points."
    )
    warm_from: int = Field(70, ge=0, le=100, description="Scores from here up are 'warm'.")
    cold_below: int = Field(40, ge=0, le=100, description="Scores below this are 'cold'; between is 'cooling'.")


CORE_SECTIONS: dict[str, type[BaseModel]] = {"engine": EngineSettings, "health": HealthSettings}
