"""Read-side views the TUI shows: contact rows, account maps, rules and plugins.

Each function returns plain JSON-ready data built from the stored results (brought
up to date first: `services/results.py`) and the store, so the screens only render; filtering and sorting a contact list is
done here, in memory, because it runs on every keystroke of a search.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select

from ..home.session import Session
from ..model import Role, SocialStyle, Stage, stored_id
from ..rules.loading import effective, flatten
from ..store import activity, schema
from ..store import contacts as people
from ..store import results as stored
from ..text.controls import fold
from . import detail, health_series
from .results import Results, current

BANDS = ("warm", "cooling", "cold")

# A search folds the same names on every keystroke; remembering the folded
# text keeps a keystroke over 10,000 rows within a frame.
_fold = lru_cache(maxsize=200_000)(fold)
SORTS = ("name", "last_touch", "health")


# ---------------------------------------------------------------- contacts


def is_empty(session: Session) -> bool:
    with session.store.read() as conn:
        return conn.execute(select(func.count()).select_from(schema.contacts)).scalar_one() == 0


def contact_index(session: Session) -> list[dict]:
    """Every contact's id, name and account, by name: what a jump-to-contact search needs."""
    with session.store.read() as conn:
        names = {r.id: r.name for r in conn.execute(select(schema.accounts.c.id, schema.accounts.c.name))}
        rows = conn.execute(
            select(schema.contacts.c.id, schema.contacts.c.name, schema.contacts.c.account_id).order_by(
                schema.contacts.c.name_fold, schema.contacts.c.id
            )
        ).all()
    return [{"id": r.id, "name": r.name, "account": names.get(r.account_id)} for r in rows]


def contact_rows(session: Session, results: Results | None = None) -> list[dict]:
    """One row per contact with the numbers a table sorts and filters by."""
    results = results or current(session)
    with session.store.read() as conn:
        tags = stored.tags_of(conn)
    rows: list[dict[str, Any]] = []
    today = results.today
    for c in results.contacts:
        result = c.result
        last = result.figures.last_touch if result is not None else None
        rows.append(
            {
                "id": c.id,
                "name": c.name,
                "account": c.account,
                "title": c.title,
                "role": c.role,
                "style": c.style,
                "stage": c.stage,
                "tier": c.tier,
                "tags": tags.get(c.id, []),
                "owner": c.owner,
                "do_not_contact": c.do_not_contact,
                "last_touch": last.date().isoformat() if last else None,
                "days_since": (today - last.date()).days if last else None,
                "health": result.score if result else None,
                "band": result.band if result else None,
                "warnings": result.warnings if result else 0,
            }
        )
    for row in rows:
        # Folded once here, not on every keystroke: what the search matches and the name order.
        row["search_text"] = _haystack(row)
        row["name_key"] = (fold(row["name"]), row["id"])
    rows.sort(key=lambda r: r["name_key"])
    return rows


def _haystack(row: Mapping) -> str:
    return fold(" ".join([row["name"], row["account"] or "", row["title"] or "", *row["tags"]]))


def _matches(row: Mapping, words: list[str]) -> bool:
    haystack = row.get("search_text") or _haystack(row)
    return all(word in haystack for word in words)


def filter_rows(
    rows: Iterable[Mapping],
    *,
    search: str = "",
    account: str | None = None,
    tag: str | None = None,
    role: str | None = None,
    style: str | None = None,
    stage: str | None = None,
    band: str | None = None,
    has_warnings: bool = False,
) -> list[Mapping]:
    """Rows matching every filter given; `search` matches words in name, account, title and tags."""
    words = fold(search).split()
    tag_key = fold(tag) if tag else None
    out = []
    for row in rows:
        if account is not None and row["account"] != account:
            continue
        if tag_key is not None and tag_key not in {fold(t) for t in row["tags"]}:
            continue
        if role is not None and row["role"] != role:
            continue
        if style is not None and row["style"] != style:
            continue
        if stage is not None and row["stage"] != stage:
            continue
        if band is not None and row["band"] != band:
            continue
        if has_warnings and not row["warnings"]:
            continue
        if words and not _matches(row, words):
            continue
        out.append(row)
    return out


def sort_rows(rows: Iterable[Mapping], by: str = "name", descending: bool = False) -> list[Mapping]:
    """By name (A-Z), by last touch (longest ago first; never touched first) or by health (coldest first).

    `descending` turns each order around; ties always fall back to the name.
    """
    if by not in SORTS:
        raise ValueError(f"sort: {by!r} is not one of {', '.join(SORTS)}")
    by_name = sorted(rows, key=lambda r: r.get("name_key") or (_fold(r["name"]), r["id"]))
    if by == "name":
        return list(reversed(by_name)) if descending else by_name
    if by == "last_touch":
        key = lambda r: r["last_touch"] or ""  # noqa: E731 - never touched sorts first
    else:
        key = lambda r: -1 if r["health"] is None else r["health"]  # noqa: E731
    return sorted(by_name, key=key, reverse=descending)


def filter_choices(rows: Iterable[Mapping]) -> dict[str, list[str]]:
    """The values each filter can take: what occurs in the data, or the closed vocabulary."""
    rows = list(rows)
    tags: dict[str, str] = {}
    for row in rows:
        for tag in row["tags"]:
            tags.setdefault(fold(tag), tag)
    return {
        "account": sorted({r["account"] for r in rows if r["account"]}, key=fold),
        "tag": sorted(tags.values(), key=fold),
        "role": [r.value for r in Role],
        "style": [s.value for s in SocialStyle],
        "stage": [s.value for s in Stage],
        "band": list(BANDS),
    }


def contact_view(session: Session, contact_id: int, *, timeline: int = 50) -> dict:
    """`detail.contact_detail` plus a longer timeline and each important date's next occurrence."""
    view = detail.contact_detail(session, contact_id)
    with session.store.read() as conn:
        contact = people.get_contact(conn, contact_id)
        view["timeline"] = [
            i.model_dump(mode="json") for i in activity.list_interactions(conn, contact_id, limit=timeline)
        ]
    today = session.today
    upcoming = []
    for d in contact.dates:
        nxt = d.next_occurrence(today)
        upcoming.append(
            {
                "kind": d.kind.value,
                "label": d.label,
                "date": d.as_text(),
                "next": nxt.isoformat(),
                "in_days": (nxt - today).days,
                "years": (nxt.year - d.year) if d.year else None,
            }
        )
    view["dates_upcoming"] = sorted(upcoming, key=lambda x: x["in_days"])
    view["assessment_trend"] = [a["mean"] for a in view["assessments"]]
    view["today"] = today.isoformat()
    return view


# ---------------------------------------------------------------- accounts


def account_rows(session: Session, results: Results | None = None) -> list[dict]:
    """Every account with its number of stakeholders, health and warnings, by name."""
    results = results or current(session)
    with session.store.read() as conn:
        accounts = people.list_accounts(conn)
        counts = people.contacts_per_account(conn)
    healths = results.account_health()
    out = []
    for a in accounts:
        aid = stored_id(a.id)
        health = healths.get(aid)
        out.append(
            {
                "id": a.id,
                "name": a.name,
                "industry": a.industry,
                "contacts": counts.get(aid, 0),
                "health": health.score if health and counts.get(aid) else None,
                "band": health.band if health and counts.get(aid) else None,
                "warnings": len(results.account_warnings.get(aid, ())),
            }
        )
    return out


def stakeholder_map(view: Mapping) -> list[dict]:
    """Per role (in the vocabulary's order), who covers it and how warm the role is.

    A role's status is "empty" when nobody covers it, else the warmest band of
    its people: one warm champion keeps the role warm, all-cold people make it
    cold. Contacts without a role are listed last under role None.
    """
    by_role: dict[str | None, list[dict]] = {}
    for person in view["stakeholders"]:
        by_role.setdefault(person["role"], []).append(person)
    out = []
    for role in [r.value for r in Role] + ([None] if None in by_role else []):
        members = sorted(by_role.get(role, []), key=lambda p: (-(p.get("health") or 0), fold(p["name"])))
        out.append({"role": role, "people": members, "status": role_status(p.get("band") for p in members)})
    return out


_RANK = {band: index for index, band in enumerate(BANDS)}


def role_status(bands: Iterable[str | None]) -> str:
    """A role's status from its people's bands (None: not evaluated): "empty" with nobody, else the warmest band."""
    found = list(bands)
    known = [band for band in found if band]
    return "empty" if not found else (min(known, key=_RANK.__getitem__) if known else "unknown")


def account_view(session: Session, account_id: int, results: Results | None = None) -> dict:
    """`detail.account_detail` plus the stakeholder map by role.

    Given every contact's results (the ones the screens share), the same view
    is read from them instead of running the engine again for the account.
    """
    if results is None:
        view = detail.account_detail(session, account_id)
    else:
        view = _account_detail_from(session, results, account_id)
    view["map"] = stakeholder_map(view)
    view["roles_cold"] = [r["role"] for r in view["map"] if r["status"] == "cold" and r["role"]]
    return view


def _account_detail_from(session: Session, results: Results, account_id: int) -> dict:
    """What `detail.account_detail` returns, taken from every contact's results."""
    with session.store.read() as conn:
        account = people.get_account(conn, account_id)
    members = sorted((c for c in results.contacts if c.account_id == account_id), key=lambda c: (fold(c.name), c.id))
    stakeholders = []
    for c in members:
        person = {
            "id": c.id,
            "name": c.name,
            "title": c.title,
            "role": c.role,
            "style": c.style,
            "stage": c.stage,
        }
        last = None
        if c.result is not None:
            person["health"], person["band"] = c.result.score, c.result.band
            last = c.result.figures.last_touch
        person["last_touch"] = last.isoformat() if last else None
        stakeholders.append(person)
    view = {"account": account.model_dump(mode="json"), "stakeholders": stakeholders}
    health = results.account_health().get(account_id) if members else None
    if health is not None:
        view["health"] = health.to_json()
        view["warnings"] = results.account_warnings.get(account_id, [])
    if members:
        with session.store.read() as conn:
            view["health_history"] = health_series.account_series(
                conn,
                [(c.id, c.tier) for c in members],
                session.today,
                None if health is None else (health.score, health.band),
                results.runtime.health,
            )
    covered = {s["role"] for s in stakeholders if s["role"]}
    view["roles_uncovered"] = [r.value for r in Role if r.value not in covered]
    return view


# ----------------------------------------------------------- rules, plugins


def rules_view(runtime) -> dict:
    """The effective rules with where each value came from, the files read, and every problem."""
    values = effective(runtime.rules)
    broken = {p.key for p in runtime.rules.problems}
    return {
        "files": [str(f) for f in runtime.rules.raw.files],
        "problems": [p.to_json() | {"text": str(p)} for p in runtime.rules.problems],
        # A value whose own key is reported as a problem is not what the file says: the default stands in.
        "rows": [
            {"key": k, "value": v, "origin": runtime.rules.origin(k), "invalid": k in broken}
            for k, v in flatten(values)
        ],
    }


def plugins_view(runtime) -> dict:
    """The plugins in load order with their hooks and state, and the problems they caused."""
    return {
        "plugins": [info.to_json() for info in runtime.host.infos.values()],
        "messages": runtime.messages(),
    }
