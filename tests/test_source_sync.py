"""The core of `keepwarm sync`: captured mail and meetings become touches with their meaning.

A concrete history at a fixed clock (Sunday 22 November 2026, 09:00 UTC), read
through a test source plugin, checked row by row in the book.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from keepwarm.errors import UserError
from keepwarm.model import FollowUp
from keepwarm.sources import correspondents
from keepwarm.sources.sync import sync
from keepwarm.store import followups as plans
from keepwarm.store.schema import captures, interactions
from source_support import ME, ListSource, mail, meeting, use

from conftest import FIXED_NOW

ADA, BOB, CAROL = "ada@client.example", "Bob@Client.example", "carol@partner.example"


def ago(days: float, hours: float = 0) -> dt.datetime:
    return FIXED_NOW - dt.timedelta(days=days, hours=hours)


@pytest.fixture
def book(session, keepwarm_people):
    return session


@pytest.fixture
def keepwarm_people(session):
    from keepwarm.model import Contact
    from keepwarm.store import contacts as people

    with session.store.write() as conn:
        ids = {
            "ada": people.insert_contact(conn, Contact(name="Ada Lovelace", emails=[ADA]), session.now),
            "bob": people.insert_contact(conn, Contact(name="Bob Byte", emails=["bob@client.example"]), session.now),
        }
    return ids


def touches(session, contact_id):
    i = interactions.c
    with session.store.read() as conn:
        return conn.execute(
            select(i.at, i.channel, i.direction, i.outcome, i.responded, i.response_hours, i.in_reply, i.notes)
            .where(i.contact_id == contact_id).order_by(i.at)
        ).all()


def test_mail_becomes_touches_with_direction_replies_and_unprompted(book, keepwarm_people):
    source = ListSource()
    source.stores["inbox"] = [
        mail("m1", ago(10), ME, ADA),
        mail("r1", ago(10, -12), ADA, ME, replies_to=["m1"]),  # Ada answers 12 hours later
        mail("u1", ago(5), ADA, ME),  # Ada writes first
        mail("m2", ago(20), ME, BOB, cc=(ADA,)),  # nobody answers: unanswered after 5 days
        mail("m3", ago(1), ME, BOB),  # too recent to call unanswered
    ]
    use(book, source, sources={"work": {"kind": "listed", "store": "inbox"}})
    [summary] = sync(book)
    assert (summary.read, summary.new_touches, summary.problem) == (5, 6, None)
    ada = touches(book, keepwarm_people["ada"])
    assert [(t.direction, t.responded, t.response_hours, t.in_reply) for t in ada] == [
        ("outbound", False, None, None),  # m2, where she was on Cc: no answer from her either
        ("outbound", True, 12.0, None),  # m1, answered in 12 hours
        ("inbound", None, None, True),  # r1: a reply, not unprompted
        ("inbound", None, None, None),  # u1: she wrote first
    ]
    assert all(t.channel == "email" and t.outcome == "completed" for t in ada)
    assert all(t.notes == "" for t in ada), "subjects are not kept unless the user asks"
    bob = touches(book, keepwarm_people["bob"])
    assert [(t.direction, t.responded) for t in bob] == [("outbound", False), ("outbound", None)]


def test_a_second_sync_adds_nothing_and_resumes_where_it_stopped(book, keepwarm_people):
    source = ListSource()
    source.stores["inbox"] = [mail(f"m{n}", ago(30 - n), ME, ADA) for n in range(5)]
    use(book, source, sources={"work": {"kind": "listed", "store": "inbox"}})
    source.fail_after = 3  # the connection drops after the third message: the first two were checkpointed
    [first] = sync(book)
    assert first.problem == "inbox: connection lost"
    assert len(touches(book, keepwarm_people["ada"])) == 2
    source.fail_after = None
    [second] = sync(book)
    assert (second.read, second.new_touches, second.problem) == (3, 3, None)
    assert source.reads[-1].cursor == {"read": 2}
    [third] = sync(book)
    assert (third.read, third.new_touches) == (0, 0)
    assert len(touches(book, keepwarm_people["ada"])) == 5


def test_the_same_message_from_two_sources_is_one_touch(book, keepwarm_people):
    source = ListSource()
    source.stores["a"] = [mail("same@id", ago(3), ADA, ME)]
    source.stores["b"] = [mail("same@id", ago(3), ADA, ME)]
    use(book, source, sources={"maildir": {"kind": "listed", "store": "a"}, "imap": {"kind": "listed", "store": "b"}})
    summaries = sync(book)
    assert [s.new_touches for s in summaries] == [1, 0]
    assert len(touches(book, keepwarm_people["ada"])) == 1


def test_meetings_declined_cancelled_moved_and_future(book, keepwarm_people):
    source = ListSource()
    source.complete = True
    source.stores["cal"] = [
        meeting("held", ago(7), ME, (ADA, "ACCEPTED"), (BOB, "DECLINED")),
        meeting("off", ago(3), ME, (ADA, "ACCEPTED"), cancelled=True),
        meeting("moving", ago(2), ME, (ADA, "ACCEPTED")),
        meeting("later", FIXED_NOW + dt.timedelta(days=3), ME, (ADA, "NEEDS-ACTION")),
    ]
    use(book, source, sources={"cal": {"kind": "listed", "store": "cal"}})
    sync(book)
    ada = touches(book, keepwarm_people["ada"])
    assert [(t.channel, t.direction, t.outcome) for t in ada] == [
        ("meeting", "outbound", "completed"), ("meeting", "outbound", "cancelled"), ("meeting", "outbound", "completed"),
    ], "the future meeting is no touch yet"
    assert [t.outcome for t in touches(book, keepwarm_people["bob"])] == ["declined"]
    # The meeting two days ago is moved to tomorrow with a higher SEQUENCE; the held one is deleted.
    source.stores["cal"] = [
        meeting("off", ago(3), ME, (ADA, "ACCEPTED"), cancelled=True),
        meeting("moving", FIXED_NOW + dt.timedelta(days=1), ME, (ADA, "ACCEPTED"), sequence=1),
        meeting("later", FIXED_NOW + dt.timedelta(days=3), ME, (ADA, "NEEDS-ACTION")),
    ]
    [summary] = sync(book)
    assert summary.removed == 1
    ada = touches(book, keepwarm_people["ada"])
    assert [(t.at, t.outcome) for t in ada] == [
        (ago(3).replace(tzinfo=None), "cancelled"), (ago(2).replace(tzinfo=None), "rescheduled"),
    ]
    assert touches(book, keepwarm_people["bob"]) == []
    # Four days on, the moved meeting and the later one have taken place.
    book._now = FIXED_NOW + dt.timedelta(days=4)
    sync(book)
    assert [t.outcome for t in touches(book, keepwarm_people["ada"])] == [
        "cancelled", "rescheduled", "completed", "completed"]


def test_a_captured_touch_meets_an_open_follow_up(book, keepwarm_people):
    ada = keepwarm_people["ada"]
    with book.store.write() as conn:
        fid = plans.insert_followup(conn, FollowUp(contact_id=ada, due=FIXED_NOW.date() + dt.timedelta(days=2),
                                                   reason="check in after the launch"), book.now)
    source = ListSource()
    source.stores["inbox"] = [mail("m1", ago(1), ME, ADA)]
    use(book, source, sources={"work": {"kind": "listed", "store": "inbox"}})
    sync(book)
    with book.store.read() as conn:
        assert plans.get_followup(conn, fid).status.value == "done"


def test_unknown_correspondents_ranked_added_and_ignored(book, keepwarm_people):
    source = ListSource()
    names = {CAROL: "Carol Partner", "dan@vendor.example": "Dan Vendor"}
    source.stores["inbox"] = [
        mail("c1", ago(9), CAROL, ME, names=names),
        mail("c2", ago(8), ME, CAROL, names=names),
        mail("c3", ago(7, -6), CAROL, ME, replies_to=["c2"], names=names),
        mail("d1", ago(6), "dan@vendor.example", ME, names=names),
    ]
    use(book, source, sources={"work": {"kind": "listed", "store": "inbox"}})
    [summary] = sync(book)
    assert summary.unknown == 2 and summary.new_touches == 0
    listed = correspondents.unknown(book)
    assert [(c.address, c.name, c.messages, c.inbound, c.outbound) for c in listed] == [
        (CAROL, "Carol Partner", 3, 2, 1), ("dan@vendor.example", "Dan Vendor", 1, 1, 0)]
    carol = correspondents.add(book, CAROL)
    assert [(t.direction, t.responded, t.response_hours, t.in_reply) for t in touches(book, carol)] == [
        ("inbound", None, None, None), ("outbound", True, 30.0, None), ("inbound", None, None, True)]
    assert correspondents.ignore(book, "DAN@vendor.example") is True
    assert correspondents.unknown(book) == []
    sync(book)
    assert correspondents.unknown(book) == [], "an ignored address stays ignored after another sync"
    with pytest.raises(UserError, match="belongs to a contact already"):
        correspondents.add(book, CAROL.upper())
    with pytest.raises(UserError, match="is not an e-mail address"):
        correspondents.add(book, "not an address")


def test_dry_run_counts_and_writes_nothing(book, keepwarm_people):
    source = ListSource()
    source.stores["inbox"] = [mail("m1", ago(2), ME, ADA), mail("m2", ago(1), ADA, ME)]
    use(book, source, sources={"work": {"kind": "listed", "store": "inbox"}})
    [summary] = sync(book, dry_run=True)
    assert (summary.read, summary.new_touches, summary.dry_run) == (2, 2, True)
    with book.store.read() as conn:
        assert conn.execute(select(captures.c.id)).all() == []
    assert touches(book, keepwarm_people["ada"]) == []
    [real] = sync(book)
    assert real.new_touches == 2


def test_without_my_addresses_sync_refuses_with_one_line(book):
    source = ListSource()
    use(book, source, sources={"work": {"kind": "listed", "store": "inbox"}})
    book._config = book._config.model_copy(update={"me": []})
    with pytest.raises(UserError, match=r"me: your own e-mail addresses are needed"):
        sync(book)


def test_a_source_with_bad_options_is_reported_and_the_others_sync(book, keepwarm_people):
    source = ListSource()
    source.stores["inbox"] = [mail("m1", ago(2), ADA, ME)]
    use(book, source, sources={"bad": {"kind": "listed", "stor": "x"}, "gone": {"kind": "pigeon"},
                               "work": {"kind": "listed", "store": "inbox"}})
    bad, gone, work = sync(book)
    assert "sources.bad.stor" in bad.problem and "sources.bad.store" in bad.problem
    assert "no plugin offers the source kind 'pigeon'" in gone.problem
    assert work.new_touches == 1 and work.problem is None


def test_the_reply_and_access_warnings_fire_from_captured_data(book, keepwarm_people):
    """A year of answered mail and held meetings with Ada, then three months of silence and refusals."""
    from keepwarm.engine.evaluate import evaluate

    source = ListSource()
    source.complete = False
    items = []
    for n in range(8):  # the baseline: every mail answered within four hours, every meeting held
        sent = ago(120 + 30 * n)
        items += [mail(f"b{n}", sent, ME, ADA), mail(f"br{n}", sent + dt.timedelta(hours=4), ADA, ME,
                                                        replies_to=[f"b{n}"]),
                  meeting(f"bm{n}", sent + dt.timedelta(days=2), ME, (ADA, "ACCEPTED"))]
    for n in range(5):  # the recent window: one late answer, four unanswered mails
        items.append(mail(f"r{n}", ago(80 - 12 * n), ME, ADA))
    items.append(mail("rr0", ago(80 - 3), ADA, ME, replies_to=["r0"]))
    items += [meeting("d1", ago(40), ME, (ADA, "DECLINED")), meeting("d2", ago(25), ME, (ADA, "DECLINED")),
              meeting("c1", ago(15), ME, (ADA, "ACCEPTED"), cancelled=True),
              meeting("d3", ago(5), ME, (ADA, "DECLINED"))]
    source.stores["all"] = items
    use(book, source, sources={"all": {"kind": "listed", "store": "all"}})
    sync(book)
    evaluation = evaluate(book, persist=False)
    ada = keepwarm_people["ada"]
    warned = {w.key: w for w in evaluation.warnings[ada]}
    assert {"reply_slowdown", "access_restriction"} <= set(warned), sorted(warned)
    stats = evaluation.stats[ada]
    assert (stats.asked_recent, stats.replied_recent) == (5, 1)
    assert stats.access_problems_recent == 4


def test_a_new_address_of_mine_turns_earlier_mail_the_right_way_round(book, keepwarm_people):
    source = ListSource()
    alias = "me.too@other.example"
    source.stores["inbox"] = [mail("a1", ago(3), alias, ADA), mail("a2", ago(2), ADA, alias)]
    use(book, source, sources={"work": {"kind": "listed", "store": "inbox"}})
    sync(book)
    assert [t.direction for t in touches(book, keepwarm_people["ada"])] == ["inbound", "inbound"]
    use(book, source, me=[ME, alias], sources={"work": {"kind": "listed", "store": "inbox"}})
    [summary] = sync(book)
    assert summary.reread and "your addresses changed" in summary.line()
    assert [t.direction for t in touches(book, keepwarm_people["ada"])] == ["outbound", "inbound"]
    [again] = sync(book)
    assert not again.reread and again.read == 0


def test_a_hostile_display_name_becomes_a_plain_name_and_a_typed_one_is_checked(book, keepwarm_people):
    source = ListSource()
    source.stores["inbox"] = [mail("e1", ago(2), "eve@x.example", ME, names={"eve@x.example": "Eve\x1b[31m Red\x07"})]
    use(book, source, sources={"work": {"kind": "listed", "store": "inbox"}})
    sync(book)
    eve = correspondents.add(book, "eve@x.example")
    from keepwarm.store import contacts as people

    with book.store.read() as conn:
        assert people.get_contact(conn, eve).name == "Eve Red"
    with pytest.raises(UserError, match="--name: contains the control character"):
        correspondents.add(book, "someone@x.example", "Bad\x1b[2Jname")


def test_a_meeting_i_declined_is_no_touch_and_stops_being_one(book, keepwarm_people):
    from keepwarm.plugin import Capture, Channel, Person

    def invite(my_answer: str) -> Capture:
        return Capture("party", ago(4), Channel.MEETING, (
            Person(ADA, "organizer"), Person(ME, "attendee", status=my_answer)))

    source = ListSource()
    source.complete = True
    source.stores["cal"] = [invite("ACCEPTED")]
    use(book, source, sources={"cal": {"kind": "listed", "store": "cal"}})
    sync(book)
    assert [(t.direction, t.outcome) for t in touches(book, keepwarm_people["ada"])] == [("inbound", "completed")]
    source.stores["cal"] = [invite("DECLINED")]
    [summary] = sync(book)
    assert summary.skipped == {"meeting you declined": 1} and summary.removed == 1
    assert touches(book, keepwarm_people["ada"]) == []
