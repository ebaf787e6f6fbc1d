"""Introduce this person to someone in your own network who can help them.

An introduction is a gift only you can give: it comes from who you know. The
rule looks for a contact tagged as an expert in what this person cares about
(or whose title or interests name it) and prefers the one you are closest to.

Links between people (`keepwarm link`) say who can actually be connected, and
through whom: a helper already linked to this person (any kind: they know each
other) is never proposed, the next one is; when you have never logged a touch
with the helper but they are linked to someone you have spoken with (who
introduced you to them first, else the warmest), the introduction goes through
that person and names them. Otherwise you know both (both are your contacts):
you write to both. The links are read as any plugin can read them:
`ctx.links` / `ctx.linked_to` and `ctx.network.links_of`, `last_touches`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import (
    Channel,
    Contact,
    ContactContext,
    Linked,
    Suggestion,
    ago,
    applies,
    first_name,
    hookimpl,
    section,
)

from ._suggest_common import topics

SECTION = "introduction"
#: Strength of each kind of match: an expert tag beats a title, a title beats a shared interest.
STRENGTH = {"tag": 3, "title": 2, "interest": 1}


class Settings(BaseModel):
    """Parameters of the introduction suggestion; the source of rules/suggestions.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Suggest introducing the contact to someone in your network.")
    expert_prefix: str = Field(
        "expert:",
        min_length=1,
        max_length=40,
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
        0.55,
        ge=0,
        le=1,
        description="Rank (0-1) of an introduction to a tagged expert; a title match ranks 0.1 lower, a shared interest 0.2 lower.",
    )


keepwarm_config_section = section(SECTION, Settings)


def _match(helper: Contact, topic: str, cfg: Settings) -> str | None:
    wanted = topic.casefold()
    prefix = cfg.expert_prefix.casefold()
    for tag in helper.tags:
        tag = tag.casefold()
        if tag.startswith(prefix) and tag[len(prefix) :].strip() == wanted:
            return "tag"
    if cfg.match_titles and re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", helper.title.casefold()):
        return "title"
    if cfg.match_interests and wanted in (i.casefold() for i in helper.interests):
        return "interest"
    return None


# The helpers who can speak to one topic, best first, for the network being
# evaluated: an agenda asks for thousands of contacts against the same network,
# and scanning everyone for each of them would make the agenda quadratic. The
# network is indexed once (tags, titles, interests, casefolded), then each topic
# is looked up in the index.
_ranked_for: tuple[object, dict] = (None, {})


def _index(
    network, cfg: Settings, table: dict
) -> tuple[dict[str, list[int]], list[tuple[int, str]], dict[str, list[int]]]:
    key = ("index", cfg.expert_prefix, cfg.match_titles, cfg.match_interests)
    index = table.get(key)
    if index is None:
        prefix = cfg.expert_prefix.casefold()
        tagged: dict[str, list[int]] = {}
        interested: dict[str, list[int]] = {}
        titles: list[tuple[int, str]] = []
        for position, helper in enumerate(network.contacts):
            if helper.do_not_contact:
                continue
            for tag in helper.tags:
                tag = tag.casefold()
                if tag.startswith(prefix):
                    found = tagged.setdefault(tag[len(prefix) :].strip(), [])
                    if not found or found[-1] != position:
                        found.append(position)
            if cfg.match_titles and helper.title:  # an empty title names no topic
                titles.append((position, helper.title.casefold()))
            if cfg.match_interests:
                for interest in {i.casefold() for i in helper.interests}:
                    interested.setdefault(interest, []).append(position)
        index = table[key] = (tagged, titles, interested)
    return index


def _ranked(network, topic: str, cfg: Settings) -> list[tuple]:
    global _ranked_for
    owner, table = _ranked_for
    if owner is not network:
        table = {}
        _ranked_for = (network, table)
    key = (topic.casefold(), cfg.expert_prefix, cfg.match_titles, cfg.match_interests)
    found = table.get(key)
    if found is None:
        tagged, titles, interested = _index(network, cfg, table)
        wanted = key[0]
        kinds: dict[int, str] = {}
        for position in interested.get(wanted, ()):
            kinds[position] = "interest"
        if titles:
            pattern = re.compile(rf"(?<!\w){re.escape(wanted)}(?!\w)")
            for position, title in titles:
                if wanted in title and pattern.search(title):
                    kinds[position] = "title"
        for position in tagged.get(wanted, ()):
            kinds[position] = "tag"
        contacts, stats = network.contacts, network.stats
        found = []
        for position, kind in kinds.items():
            helper = contacts[position]
            helper_stats = stats.get(helper.id)
            last = helper_stats.last_touch if helper_stats is not None else None
            found.append(((STRENGTH[kind], last or NEVER), position, helper, kind, last))
        # Strongest and warmest first; among equals the earlier contact, as a plain scan would pick.
        found.sort(key=lambda item: (item[0], -item[1]), reverse=True)
        table[key] = found
    return found


NEVER = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


# The helpers who can speak to one topic at one level, best first, from the store's network: as `_ranked`
# for the whole network, an agenda asks for thousands of contacts against the same one, and sorting the
# store's answer for each of them would make the agenda quadratic. The network is still asked for every
# contact (it answers each question once per run, the same objects each time): what a contact's advice read
# is noted by the network it is given (one per contact, engine/network.TrackedNetwork), so the ranking is
# kept for the answers it was made from, not for a network, and made again when they are other answers.
_stored_for: dict[tuple, tuple] = {}


def _stored_ranked(network: Any, wanted: str, field: str, cfg: Settings) -> list[tuple] | None:
    """Every helper the store finds for a topic (casefolded) in one field and that fits at that level, best
    first (rank, then the earlier contact), as (rank, order key, helper, kind, last touch); None when the
    store cannot narrow the search."""
    found = network.candidates(wanted, field)
    if found is None:
        return None
    key = (wanted, field, cfg.expert_prefix, cfg.match_titles, cfg.match_interests)
    kept = _stored_for.get(key)
    if kept is None or kept[0] is not found:
        level = {"tags": "tag", "title": "title", "interests": "interest"}[field]
        fitting = [
            (order, helper)
            for order, helper in found
            if not helper.do_not_contact and _match(helper, wanted, cfg) == level
        ]
        kept = (found, level, fitting, [helper.id for _, helper in fitting], None, None)
    found, level, fitting, ids, ranked_with, ranked = kept
    last = network.last_touches(ids) if fitting else {}
    if ranked is None or ranked_with is not last:
        ranked = [
            ((STRENGTH[level], last.get(helper.id) or NEVER), order, helper, level, last.get(helper.id))
            for order, helper in fitting
        ]
        ranked.sort(key=lambda item: item[1])  # the earlier contact first among equal ranks (a stable sort)
        ranked.sort(key=lambda item: item[0], reverse=True)
    _stored_for[key] = (found, level, fitting, ids, last, ranked)
    return ranked


def _best_in_store(ctx: ContactContext, topic: str, cfg: Settings, own_account: str | None):
    """The topic's best helper, asking the store level by level (tag, title, interest): a detail view's path.

    None when the store cannot narrow the search for this topic (then `_ranked` scans everyone).
    Otherwise the (rank, order key, helper, kind, last touch) of the best helper, or () when nobody fits.
    """
    fields = ["tags"] + (["title"] if cfg.match_titles else []) + (["interests"] if cfg.match_interests else [])
    wanted = topic.casefold()
    # The store's network (the caller checked it has `candidates`), which answers these queries.
    network: Any = ctx.network
    for field in fields:
        ranked = _stored_ranked(network, wanted, field, cfg)
        if ranked is None:
            return None
        for found in ranked:
            if _may_introduce(ctx, found[2], own_account):
                return found
    return ()


def _may_introduce(ctx: ContactContext, helper: Any, own_account: str | None) -> bool:
    """Whether the contact may be introduced to this helper: another person, not of their own organization
    (when so set), and not someone they already know (a link between the two: nothing to introduce)."""
    if helper.id == ctx.contact.id or (own_account and helper.account == own_account):
        return False
    return not ctx.linked_to(helper.id)


def _go_between(ctx: ContactContext, helper: Any) -> tuple[Linked, dt.datetime] | None:
    """Who can put the contact in touch with a helper the user has never logged a touch with: someone the
    helper is linked to and the user has spoken with (the one who introduced the user to the helper first,
    then the warmest), with that touch; None when nobody is."""
    network: Any = ctx.network
    links = [link for link in network.links_of([helper.id]).get(helper.id, ()) if link.other_id != ctx.contact.id]
    if not links:
        return None
    last = network.last_touches([link.other_id for link in links])
    known = [(link, last[link.other_id]) for link in links if last.get(link.other_id) is not None]
    if not known:
        return None
    return min(known, key=lambda pair: (not pair[0].introduced_me_to_them, -pair[1].timestamp(), pair[0].other_id))


@hookimpl
def keepwarm_suggestions(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    if cfg is None or ctx.network is None:
        return None
    wanted = topics(ctx, cfg.use_industry)
    own_account = ctx.contact.account if cfg.exclude_same_account else None
    found_per_topic = None
    if getattr(ctx.network, "candidates", None) is not None:
        found_per_topic = [_best_in_store(ctx, topic, cfg, own_account) for topic in wanted]
        if any(found is None for found in found_per_topic):
            found_per_topic = None  # order keys of the two paths do not compare: scan for every topic
    if found_per_topic is None:
        found_per_topic = []
        for topic in wanted:
            found: tuple = ()
            for rank, index, helper, kind, last in _ranked(ctx.network, topic, cfg):
                if not _may_introduce(ctx, helper, own_account):
                    continue
                found = (rank, index, helper, kind, last)
                break
            found_per_topic.append(found)
    best = None
    for topic, found in zip(wanted, found_per_topic):
        if not found:
            continue
        rank, order, helper, kind, last = found
        # The best rank wins; on a tie, the earlier contact, then the earlier topic.
        if best is None or rank > best[0] or (rank == best[0] and order < best[1]):
            best = (rank, order, helper, topic, kind, last)
    if best is None:
        return None
    _, _, helper, topic, kind, last = best
    name = first_name(ctx.contact.name)
    because = {
        "tag": f"is tagged {cfg.expert_prefix}{topic}",
        "title": f"works as {helper.title}",
        "interest": f"shares the interest in {topic}",
    }[kind]
    through = None if last else _go_between(ctx, helper)
    if through is not None:
        link, spoke = through
        go_first = first_name(link.other)
        text = (
            f"Introduce {ctx.contact.name} to {helper.name}, who can help with {topic}, through {link.other}: "
            f"ask {go_first} to put the two in touch, with a line on why each should meet the other."
        )
        warmth = (
            f"you have not logged a touch with {first_name(helper.name)} yet, but {helper.name} {link.says} "
            f"{link.other}, whom you last spoke with {ago(spoke.date(), ctx.today)}"
        )
    else:
        text = (
            f"Introduce {ctx.contact.name} to {helper.name}, who can help with {topic}: write to both, "
            "say in a line why each should meet the other, and let them take it from there."
        )
        warmth = (
            f"you last spoke with {helper.name.split()[0]} {ago(last.date(), ctx.today)}"
            if last
            else f"you have not logged a touch with {helper.name.split()[0]} yet"
        )
    return [
        Suggestion(
            key=SECTION,
            text=text,
            why=f"{name} cares about {topic} and {helper.name} {because} in your contacts; {warmth}.",
            score=round(max(0.0, cfg.score - 0.1 * (3 - STRENGTH[kind])), 2),
            channel=Channel.EMAIL,
        )
    ]
