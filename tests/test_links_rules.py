"""Issue #20, point 2 (its second half): links between people are read by the rules.

The introduction suggester proposes only people the contact can actually be
introduced to, and says through whom; any plugin reads the links the same way
(`ContactContext.links`, `Network.links_of`). Writing, removing or moving a link
marks both contacts for the incremental engine (migration 0016), and a merge
keeps the links that read both ways with the lower id first. Fixed clock.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from conftest import FIXED_NOW
from keepwarm.engine.agenda import build_agenda
from keepwarm.model import Contact, LinkKind
from keepwarm.plugin import ContactContext, ContactStats, Linked, Network, Suggestion, hookimpl
from keepwarm.services import actions, links
from keepwarm.services.merge import merge_contacts
from keepwarm.store import contacts as people
from keepwarm_plugins import suggest_introduction
from test_engine_incremental import _from_scratch, _json

TODAY = FIXED_NOW.date()
ADA = Contact(id=1, name="Ada Lovelace", interests=["sailing"])
GRACE = Contact(id=2, name="Grace Hopper", tags=["expert:sailing"])
HAL = Contact(id=3, name="Hal Helm", tags=["expert:sailing"])
ZOE = Contact(id=4, name="Zoe Zhang")
PIA = Contact(id=5, name="Pia Park")


def _stats(cid: int, days: int | None) -> ContactStats:
    last = None if days is None else FIXED_NOW - dt.timedelta(days=days)
    return ContactStats(contact_id=cid, recent_days=90, baseline_days=365, last_touch=last)


def _link(other: Contact, kind: LinkKind, *, first: bool = True) -> Linked:
    return Linked(other.id, other.name, kind, "", first, links.store.says(kind, "", first=first))


def _suggest(touched: dict[int, int], linked: dict[int, tuple[Linked, ...]], *people_: Contact) -> list[Suggestion]:
    everyone = (ADA, *people_)
    network = Network(
        contacts=everyone, stats={c.id: _stats(c.id, touched.get(c.id)) for c in everyone}, links=linked
    )
    ctx = ContactContext(
        contact=ADA,
        stats=_stats(1, None),
        today=TODAY,
        now=FIXED_NOW,
        rules={"introduction": suggest_introduction.Settings()},
        network=network,
        links=linked.get(ADA.id, ()),
    )
    return list(suggest_introduction.keepwarm_suggestions(ctx=ctx) or [])


def test_someone_the_contact_already_knows_is_not_proposed_the_next_helper_is():
    # Grace is the warmer expert, but Ada and Grace are former colleagues: nothing to introduce.
    linked = {1: (_link(GRACE, LinkKind.FORMER_COLLEAGUE),), 2: (_link(ADA, LinkKind.FORMER_COLLEAGUE),)}
    (found,) = _suggest({2: 3, 3: 40}, linked, GRACE, HAL)
    assert found.text.startswith("Introduce Ada Lovelace to Hal Helm") and "Grace" not in found.text
    assert _suggest({2: 3}, linked, GRACE) == []  # the only expert knows her already: no introduction at all


def test_a_helper_never_spoken_with_is_introduced_through_who_introduced_you_to_them():
    # Grace was introduced to the user by Zoe; Pia, Grace's partner, was spoken with more lately.
    linked = {
        2: (_link(ZOE, LinkKind.INTRODUCED_BY), _link(PIA, LinkKind.PARTNER)),
        4: (_link(GRACE, LinkKind.INTRODUCED_BY, first=False),),
        5: (_link(GRACE, LinkKind.PARTNER),),
    }
    (found,) = _suggest({4: 30, 5: 2}, linked, GRACE, ZOE, PIA)
    assert found.text == (
        "Introduce Ada Lovelace to Grace Hopper, who can help with sailing, through Zoe Zhang: "
        "ask Zoe to put the two in touch, with a line on why each should meet the other."
    )
    assert found.why.endswith(
        "you have not logged a touch with Grace yet, but Grace Hopper was introduced to you by Zoe Zhang, "
        "whom you last spoke with 30 days ago."
    )
    # Without the introduction, the warmest person linked to her: Pia.
    (found,) = _suggest({4: 30, 5: 2}, {2: (_link(PIA, LinkKind.PARTNER),)}, GRACE, ZOE, PIA)
    assert "through Pia Park" in found.text and "Grace Hopper is the partner of Pia Park" in found.why


def test_a_helper_spoken_with_or_linked_to_nobody_spoken_with_is_introduced_by_you():
    linked = {2: (_link(ZOE, LinkKind.INTRODUCED_BY),)}
    (cold,) = _suggest({}, linked, GRACE, ZOE)  # Zoe was never spoken with either: you write to both
    assert "write to both" in cold.text and "through" not in cold.text
    (warm,) = _suggest({2: 5, 4: 1}, linked, GRACE, ZOE)  # you know Grace yourself
    assert "write to both" in warm.text and "you last spoke with Grace 5 days ago" in warm.why


def _book(session) -> dict[str, int]:
    ids = {}
    with session.store.write() as conn:
        for contact in (ADA, GRACE, ZOE, Contact(name="Cy Young")):
            ids[contact.name.split()[0]] = people.insert_contact(conn, contact.model_copy(update={"id": None}), FIXED_NOW)
        for name, days in (("Ada", 200), ("Zoe", 10), ("Cy", 200)):
            at = FIXED_NOW - dt.timedelta(days=days)
            actions.log_interactions(conn, [ids[name]], FIXED_NOW, at=at, channel="call")
    return ids


def _introduction(agenda_json: dict, cid: int) -> str | None:
    (item,) = [item for item in agenda_json["items"] if item["contact"]["id"] == cid]
    found = [s["text"] for s in item["suggestions"] if s["key"] == "introduction"]
    return found[0] if found else None


def test_the_agenda_follows_each_link_written_and_removed_as_a_run_from_scratch(session, tmp_path):
    ids = _book(session)
    first = _json(build_agenda(session))
    assert "write to both" in _introduction(first, ids["Ada"])
    links.link(session, ids["Grace"], ids["Zoe"], LinkKind.INTRODUCED_BY)  # the helper's link, not Ada's
    after = _json(build_agenda(session))
    assert after == _from_scratch(session, tmp_path)
    assert "through Zoe Zhang" in _introduction(after, ids["Ada"])
    with session.store.write() as conn:  # Zoe renamed: the introduction names her new name
        zoe = people.get_contact(conn, ids["Zoe"])
        people.update_contact(conn, ids["Zoe"], zoe.model_copy(update={"name": "Zoe Quinn"}), FIXED_NOW)
    renamed = _json(build_agenda(session))
    assert renamed == _from_scratch(session, tmp_path)
    assert "through Zoe Quinn" in _introduction(renamed, ids["Ada"])
    links.link(session, ids["Ada"], ids["Grace"], LinkKind.KNOWS, "sailing club")
    known = _json(build_agenda(session))
    assert known == _from_scratch(session, tmp_path)
    assert _introduction(known, ids["Ada"]) is None
    links.unlink(session, ids["Grace"], ids["Ada"])
    again = _json(build_agenda(session))
    assert again == _from_scratch(session, tmp_path)
    assert "through Zoe Quinn" in _introduction(again, ids["Ada"])


class SaysWhoTheyKnow:
    """A third-party suggester reading the links as the built-in one does."""

    @hookimpl
    def keepwarm_suggestions(self, ctx):
        if not ctx.links:
            return None
        network_view = ctx.network.links_of([ctx.contact.id])[ctx.contact.id]
        assert network_view == ctx.links
        words = "; ".join(f"{link.says} {link.other}" for link in ctx.links)
        return [Suggestion(key="who_they_know", text=f"{ctx.contact.name} {words}", why="", score=0.9)]


def test_a_third_party_plugin_reads_the_links_and_its_advice_follows_them(session, tmp_path):
    ids = _book(session)
    session.runtime.host.register_for_test(SaysWhoTheyKnow(), "says_who")
    build_agenda(session)
    links.link(session, ids["Cy"], ids["Ada"], LinkKind.REPORTS_TO)
    agenda = _json(build_agenda(session))
    assert agenda == _from_scratch(session, tmp_path)

    def said(cid: int) -> list[str]:
        (item,) = [item for item in agenda["items"] if item["contact"]["id"] == cid]
        return [s["text"] for s in item["suggestions"] if s["key"] == "who_they_know"]

    assert said(ids["Cy"]) == ["Cy Young reports to Ada Lovelace"]
    assert said(ids["Ada"]) == ["Ada Lovelace manages Cy Young"]
    assert said(ids["Grace"]) == []


def _marked(db_path) -> set[int]:
    conn = sqlite3.connect(db_path)
    try:
        return {row[0] for row in conn.execute("SELECT contact_id FROM engine_marks")}
    finally:
        conn.close()


def test_writing_removing_or_renaming_marks_the_linked_contacts(session):
    ids = _book(session)
    build_agenda(session)
    assert _marked(session.db_path) == set()
    links.link(session, ids["Ada"], ids["Zoe"], LinkKind.MENTOR_OF)
    assert _marked(session.db_path) == {ids["Ada"], ids["Zoe"]}
    build_agenda(session)
    with session.store.write() as conn:
        zoe = people.get_contact(conn, ids["Zoe"])
        people.update_contact(conn, ids["Zoe"], zoe.model_copy(update={"name": "Zoe Quinn"}), FIXED_NOW)
    assert _marked(session.db_path) == {ids["Ada"], ids["Zoe"]}  # Ada's link shows Zoe's name
    build_agenda(session)
    links.unlink(session, ids["Zoe"], ids["Ada"])
    assert _marked(session.db_path) == {ids["Ada"], ids["Zoe"]}


def _rows(db_path) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT contact_id, other_id, kind FROM contact_links ORDER BY id").fetchall()
    finally:
        conn.close()


def test_a_merge_keeps_the_links_that_read_both_ways_lower_id_first(session):
    ids = _book(session)  # Ada 1, Grace 2, Zoe 3, Cy 4
    links.link(session, ids["Ada"], ids["Grace"], LinkKind.PARTNER)
    links.link(session, ids["Ada"], ids["Zoe"], LinkKind.REPORTS_TO)
    merge_contacts(session, ids["Cy"], ids["Ada"])  # Cy (4) keeps Ada's links
    assert _rows(session.db_path) == [(ids["Grace"], ids["Cy"], "partner"), (ids["Cy"], ids["Zoe"], "reports-to")]
    assert [s.other for _, s in links.links_of(session, ids["Grace"])] == ["Cy Young"]
    # Both sides already partners the other way round: the merge leaves one, not two.
    links.link(session, ids["Zoe"], ids["Grace"], LinkKind.PARTNER)
    merge_contacts(session, ids["Zoe"], ids["Cy"])
    assert _rows(session.db_path) == [(ids["Grace"], ids["Zoe"], "partner")]
