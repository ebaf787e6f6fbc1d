"""One contact or one account, gathered for display by the CLI and the TUI.

Returns plain JSON-ready dicts: the CLI prints them as JSON or text, the TUI
renders them; neither gathers anything itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import NotFound
from ..home.session import Session
from ..model import Role, stored_id
from ..store import activity, users
from ..store import contacts as people
from ..store.links import links_of
from ..store.notes import list_notes
from ..text import dates
from ..text.wording import day_of_year, one_line, spoken

RECENT = 10


def _team_text(sharing: dict | None) -> str | None:
    """Who besides the owner sees the contact (the team, or not: it is private; and whom it was given)."""
    if not sharing:
        return None
    given = [one_line(g["user"]) + (" (edit)" if g["edit"] else "") for g in sharing["given"]]
    if not sharing["private"] and not given:
        return None
    seen = "private (only its owner, their managers and admins)" if sharing["private"] else "shared with the team"
    return seen + (f"; given to {', '.join(given)}" if given else "")


def contact_detail(session: Session, contact_id: int) -> dict:
    # lazy for start-up: the engine, its plugins and the plugin API's types load only when a run is needed
    from ..api.types import to_json  # lazy for start-up (see above)
    from ..engine.evaluate import evaluate
    from . import health_series  # lazy for start-up: a contact's fixed start-up stops at the lookup

    # The run reads the contact, its open promises and follow-ups: shown as it read them, not read twice.
    evaluation = evaluate(session, contact_ids=[contact_id], persist=False)
    if contact_id not in evaluation.contacts:
        raise NotFound(f"contact: no contact with id {contact_id}")
    context = evaluation.contexts[contact_id]
    health = evaluation.health[contact_id]
    with session.store.read() as conn:
        recent = activity.list_interactions(conn, contact_id, limit=RECENT)
        assessments = activity.list_assessments(conn, contact_id)
        noted = list_notes(conn, contact_id)  # read for display only: the run above never sees them
        linked = links_of(conn, contact_id)
        sharing = users.sharing(conn, contact_id)
        weekly = health_series.contact_series(conn, contact_id, session.today, (health.score, health.band))
    view = {
        "contact": context.contact.model_dump(mode="json"),
        "recent_interactions": [i.model_dump(mode="json") for i in recent],
        "open_promises": [p.model_dump(mode="json") for p in context.commitments],
        "open_followups": [f.model_dump(mode="json") for f in context.followups],
        "assessments": [{**a.model_dump(mode="json"), "mean": round(a.mean(), 2)} for a in assessments],
        "notes": [n.model_dump(mode="json") for n in noted],  # newest first
        "links": [seen.to_json() for _, seen in linked],
        "sharing": sharing,
    }
    view.update(rhythm_view(context.contact, session.today))
    view["health"] = health.to_json()
    view["health_history"] = weekly  # oldest first, this week last
    view["warnings"] = to_json(evaluation.warnings.get(contact_id, []))
    view["tips"] = to_json(evaluation.tips(contact_id))
    view["suggestions"] = to_json(evaluation.suggestions(contact_id))
    view["stats"] = _stats_json(evaluation.stats[contact_id])
    view["problems"] = [p.to_json() for p in evaluation.problems]
    return view


def rhythm_view(contact, today: dt.date) -> dict:
    """The person's own rhythm as words, and the day their hold ends while it lasts (None: none): their
    snooze, or the first touch an import planned (`held_by` "import", io/spread.py), told apart."""
    from ..text.rhythms import rhythm  # lazy for start-up, as the engine

    days, until = contact.rhythm_days, contact.snoozed_until
    day = until.isoformat() if until is not None and until > today else None
    planned = contact.held_by == "import"
    return {
        "rhythm": rhythm(days) if days is not None else None,
        "snoozed_until": None if planned else day,
        "first_touch_on": day if planned else None,
    }


def _stats_json(stats) -> dict:
    from ..api.types import to_json  # lazy for start-up: loaded with the engine (see contact_detail)

    out = {}
    for name in stats.__slots__:
        value = getattr(stats, name)
        if hasattr(value, "model_dump"):
            value = value.model_dump(mode="json")
        out[name] = to_json(value)
    return out


def account_detail(session: Session, account_id: int) -> dict:
    from . import health_series  # lazy for start-up: a contact's fixed start-up stops at the lookup

    with session.store.read() as conn:
        account = people.get_account(conn, account_id)
        members = people.list_contacts(conn, account_id=account_id)
    view: dict[str, Any] = {
        "account": account.model_dump(mode="json"),
        "stakeholders": [
            {
                "id": c.id,
                "name": c.name,
                "title": c.title,
                "role": c.role.value if c.role else None,
                "style": c.style.value,
                "stage": c.stage.value,
            }
            for c in members
        ],
    }
    # lazy for start-up: the engine, its plugins and the plugin API's types load only when a run is needed
    from ..api.types import to_json  # lazy for start-up (see above)
    from ..engine.evaluate import evaluate

    evaluation = evaluate(session, contact_ids=[stored_id(c.id) for c in members], persist=False) if members else None
    if evaluation is not None:
        for person in view["stakeholders"]:
            health = evaluation.health.get(person["id"])
            if health is not None:
                person["health"] = health.score
                person["band"] = health.band
            last = evaluation.stats[person["id"]].last_touch
            person["last_touch"] = last.isoformat() if last else None
        found = evaluation.account_health.get(account_id)
        if found is not None:
            view["health"] = found.to_json()
        view["warnings"] = to_json(evaluation.account_warnings.get(account_id, []))
        with session.store.read() as conn:
            view["health_history"] = health_series.account_series(
                conn,
                [(stored_id(c.id), c.tier.value) for c in members],
                session.today,
                None if found is None else (found.score, found.band),
                session.runtime.health,
            )
    covered = {s["role"] for s in view["stakeholders"] if s["role"]}
    view["roles_uncovered"] = [r.value for r in Role if r.value not in covered]
    return view


def _line(label: str, value: object) -> str | None:
    if value in (None, "", [], False):
        return None
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return f"  {label:<18}{value}"


def render_text(view: dict, tz: ZoneInfo) -> str:
    from . import health_series  # lazy for start-up: a contact's fixed start-up stops at the lookup

    c = view["contact"]
    out = [f"{c['name']}  (#{c['id']})"]
    dates_text = [
        f"{spoken(d['kind'])} {day_of_year(d['month'], d['day'], d['year'])}"
        + (f" ({d['label']})" if d["label"] else "")
        for d in c["dates"]
    ]
    for label, value in (
        ("account", c["account"]),
        ("title", c["title"]),
        ("role", spoken(c["role"]) if c["role"] else None),
        ("style", c["style"] if c["style"] != "unknown" else None),
        ("motivations", c["motivations"]),
        ("interests", c["interests"]),
        ("emails", c["emails"]),
        ("phones", c["phones"]),
        ("prefers", " ".join(x for x in (c["preferred_channel"] or "", c["best_time"]) if x)),
        ("do not contact", "yes" if c["do_not_contact"] else None),
        ("tier / stage", f"{c['tier'].upper()} / {spoken(c['stage'])}"),
        ("rhythm", f"{view['rhythm']} (yours, in place of the rules')" if view.get("rhythm") else None),
        ("snoozed until", _snoozed_text(view.get("snoozed_until"))),
        ("first touch", _first_touch_text(view.get("first_touch_on"))),
        ("owner", c["owner"]),
        ("team", _team_text(view.get("sharing"))),
        ("dates", dates_text),
        ("tags", c["tags"]),
        ("notes", c["notes"]),
    ):
        line = _line(label, value)
        if line:
            out.append(line)
    if view.get("links"):
        out.append("\nLinks")
        out.extend(f"  {one_line(k['says'])} {one_line(k['other'])} (#{k['other_id']})" for k in view["links"])
    if view.get("notes"):
        out.append("\nNotes (newest first)")
        for n in view["notes"]:
            kind = "" if n["kind"] == "other" else f" [{spoken(n['kind'])}]"
            first, *more = n["text"].split("\n")
            out.append(f"  #{n['id']} {n['on']}{kind} {first}")
            out.extend(f"      {line}" for line in more)
    if "health" in view:
        h = view["health"]
        out.append(f"\nHealth {h['score']}/100")
        if view.get("health_history"):
            out.append("  " + health_series.render_text(view["health_history"]))
        for term in h.get("terms", []):
            out.append(f"  {term['points']:+6.1f}  {term['label']}: {term['detail']}")
    for title, key, fmt in (
        ("How to talk to them", "tips", lambda t: f"  - {one_line(t['text'])}"),
        (
            "Warnings",
            "warnings",
            lambda w: f"  ! {one_line(w['message'])}" + (f"  [{_evidence(w)}]" if w.get("evidence") else ""),
        ),
        (
            "Suggestions",
            "suggestions",
            lambda s: f"  > {one_line(s['text'])}" + (f"  ({one_line(s['why'])})" if s.get("why") else ""),
        ),
    ):
        if view.get(key):
            out.append(f"\n{title}")
            out.extend(fmt(item) for item in view[key])
    if view.get("problems"):  # what went wrong in the plugins while this view was worked out
        out.append("\nPlugin problems")
        out.extend(
            f"  ! plugin {p['plugin']}: {p['hook']}: {p['error']}"
            + (f" ({p['count']} times)" if p["count"] > 1 else "")
            for p in view["problems"]
        )
    if view["open_followups"]:
        out.append("\nFollow-ups")
        for f in view["open_followups"]:
            due = f["snoozed_until"] if f["status"] == "snoozed" else f["due"]
            out.append(f"  #{f['id']} {due} [{f['status']}] {one_line(f['reason'])}")
    if view["open_promises"]:
        out.append("\nOpen promises")
        for p in view["open_promises"]:
            out.append(f"  #{p['id']} by {p['by']}, due {p['due'] or '-'}: {one_line(p['text'])}")
    if view["recent_interactions"]:
        out.append("\nRecent interactions")
        for i in view["recent_interactions"]:
            when = dates.local(dt.datetime.fromisoformat(i["at"]), tz).strftime("%Y-%m-%d")
            mood = "" if i["sentiment"] is None else f" {i['sentiment']:+d}"
            notes = f" - {one_line(i['notes'])}" if i["notes"] else ""
            out.append(f"  {when} {i['channel']} {i['direction']} {spoken(i['purpose'])}{mood}{notes}")
    if view["assessments"]:
        out.append("\nAssessments")
        for a in view["assessments"][-5:]:
            out.append(
                f"  {a['on']}  trust {a['trust']} comm {a['communication']} sharing {a['sharing']} "
                f"advocacy {a['advocacy']} conflict {a['conflict']} commitment {a['commitment']}  (mean {a['mean']})"
            )
    return "\n".join(out)


def _snoozed_text(until: str | None) -> str | None:
    return None if until is None else f"{dt.date.fromisoformat(until):%a %d %b %Y} (nothing is due before)"


def _first_touch_text(day: str | None) -> str | None:
    if day is None:
        return None
    return (
        f"planned for {dt.date.fromisoformat(day):%a %d %b %Y} (an import's people are spread over the days after it)"
    )


def _evidence(warning: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in warning["evidence"].items())


def render_account_text(view: dict) -> str:
    from . import health_series  # lazy for start-up: a contact's fixed start-up stops at the lookup

    a = view["account"]
    out = [f"{a['name']}  (#{a['id']})"]
    for label in ("industry", "culture", "decision_making", "risk_tolerance", "budget_cycle", "notes"):
        line = _line(spoken(label), a[label])
        if line:
            out.append(line)
    if "health" in view:
        out.append(f"\nHealth {view['health']['score']}/100")
        if view.get("health_history"):
            out.append("  " + health_series.render_text(view["health_history"]))
    out.append("\nStakeholders")
    # Columns as wide as their widest cell: a long name or an empty title no longer shifts the others.
    rows = [
        (
            f"#{s['id']}",
            s["name"],
            spoken(s["role"] or "-"),
            one_line(s["title"]),
            f"health {s['health']}" if "health" in s else "",
        )
        for s in view["stakeholders"]
    ]
    widths = [max((len(r[i]) for r in rows), default=0) for i in range(4)]
    for row in rows:
        out.append(("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4]).rstrip())
    if view.get("roles_uncovered"):
        out.append("\nRoles nobody covers: " + ", ".join(spoken(r) for r in view["roles_uncovered"]))
    if view.get("warnings"):
        out.append("\nWarnings")
        out.extend(f"  ! {one_line(w['message'])}" for w in view["warnings"])
    return "\n".join(out)
