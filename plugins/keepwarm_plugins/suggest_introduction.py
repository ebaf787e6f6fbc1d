"""Introduce this person to someone in your own network who can help them.

An introduction is a gift only you can give: it comes from who you know. The
rule looks for a contact tagged as an expert in what this person cares about
(or whose title or interests name it) and prefers the one you are closest to.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.model import Channel, Contact
from keepwarm.plugin import ConfigSection, ContactContext, Suggestion, hookimpl

from ._suggest_common import ago, applies, first_name, topics

SECTION = "introduction"
#: Strength of each kind of match: an expert tag beats a title, a title beats a shared interest.
STRENGTH = {"tag": 3, "title": 2, "interest": 1}


class Settings(BaseModel):
    """Parameters of the introduction suggestion; defaults equal rules/suggestions.toml."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="Suggest introducing the contact to someone in your network.")
    expert_prefix: str = Field(
        "expert:", min_length=1, max_length=40,
        description="Tag prefix that marks what a contact knows well: a contact tagged 'expert:sailing' can help with sailing.",
    )
    match_titles: bool = Field(True, description="Also count a contact whose job title names the topic.")
    match_interests: bool = Field(True, description="Also count a contact who shares the interest (a weaker match).")
    exclude_same_account: bool = Field(
        True, description="Skip people from the contact's own organization; they can meet without you."
    )
    use_industry: bool = Field(
        True, description="When the contact has no interests recorded, look for help with their account's industry."
    )
    score: float = Field(
        0.55, ge=0, le=1,
        description="Rank (0-1) of an introduction to a tagged expert; a title match ranks 0.1 lower, a shared interest 0.2 lower.",
    )


@hookimpl
def keepwarm_config_section() -> ConfigSection:
    return ConfigSection(SECTION, Settings)


def _match(helper: Contact, topic: str, cfg: Settings) -> str | None:
    wanted = topic.casefold()
    prefix = cfg.expert_prefix.casefold()
    for tag in helper.tags:
        tag = tag.casefold()
        if tag.startswith(prefix) and tag[len(prefix):].strip() == wanted:
            return "tag"
    if cfg.match_titles and re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", helper.title.casefold()):
        return "title"
    if cfg.match_interests and wanted in (i.casefold() for i in helper.interests):
        return "interest"
    return None


# The helpers who can speak to one topic, best first, for the network being
# evaluated: an agenda asks for thousands of contacts against the same network,
# and scanning everyone for each of them would make the agenda quadratic.
_ranked_for: tuple[object, dict] = (None, {})


def _ranked(network, topic: str, cfg: Settings) -> list[tuple]:
    global _ranked_for
    owner, table = _ranked_for
    if owner is not network:
        table = {}
        _ranked_for = (network, table)
    key = (topic.casefold(), cfg.expert_prefix, cfg.match_titles, cfg.match_interests)
    found = table.get(key)
    if found is None:
        never = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
        found = []
        for index, helper in enumerate(network.contacts):
            if helper.do_not_contact:
                continue
            kind = _match(helper, topic, cfg)
            if kind is not None:
                stats = network.stats.get(helper.id)
                last = stats.last_touch if stats is not None else None
                found.append(((STRENGTH[kind], last or never), index, helper, kind, last))
        # Strongest and warmest first; among equals the earlier contact, as a plain scan would pick.
        found.sort(key=lambda item: item[0], reverse=True)
        table[key] = found
    return found


@hookimpl
def keepwarm_suggestions(ctx: ContactContext):
    cfg = applies(ctx, SECTION)
    if cfg is None or ctx.network is None:
        return None
    wanted = topics(ctx, cfg.use_industry)
    own_account = ctx.contact.account if cfg.exclude_same_account else None
    best = None
    for position, topic in enumerate(wanted):
        for rank, index, helper, kind, last in _ranked(ctx.network, topic, cfg):
            if helper.id == ctx.contact.id or (own_account and helper.account == own_account):
                continue
            # The best rank wins; on a tie, the earlier contact, then the earlier topic.
            order = (rank, -index, -position)
            if best is None or order > best[0]:
                best = (order, helper, topic, kind, last)
            break
    if best is None:
        return None
    _, helper, topic, kind, last = best
    name = first_name(ctx)
    because = {
        "tag": f"is tagged {cfg.expert_prefix}{topic}",
        "title": f"works as {helper.title}",
        "interest": f"shares the interest in {topic}",
    }[kind]
    warmth = f"you last spoke with {helper.name.split()[0]} {ago(last.date(), ctx.today)}" if last else \
        f"you have not logged a touch with {helper.name.split()[0]} yet"
    return [
        Suggestion(
            key=SECTION,
            text=f"Introduce {ctx.contact.name} to {helper.name}, who can help with {topic}: write to both, "
                 "say in a line why each should meet the other, and let them take it from there.",
            why=f"{name} cares about {topic} and {helper.name} {because} in your contacts; {warmth}.",
            score=round(max(0.0, cfg.score - 0.1 * (3 - STRENGTH[kind])), 2),
            channel=Channel.EMAIL,
        )
    ]
