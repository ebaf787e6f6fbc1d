"""Each value of a context is frozen by one path: the walk never hands a value back to `Freezer.__call__`
(issue 19, new day, session 7).

A new day freezes some 60,000 objects: the network's contacts and statistics,
each contact's context with its follow-ups, promises and links. Every model or
dataclass met in a field, and every short tuple of them, used to go back
through `Freezer.__call__`, which looked the type and the memo up a second
time. They are now frozen where the walk meets them; what reaches plugins is
as read-only as before.
"""

from __future__ import annotations

import dataclasses

import pytest

from keepwarm.api.types import ContactContext, ContactStats, Linked, Network
from keepwarm.engine.readonly import Freezer
from keepwarm.model import Commitment, Contact, FollowUp, LinkKind

from conftest import FIXED_NOW
from freeze_probe import entered

TODAY = FIXED_NOW.date()


def _context():
    ada = Contact(id=1, name="Ada Lovelace", tags=["vip"])
    stats = ContactStats(1, 90, 365, touches_total=3)
    plan = FollowUp(id=3, contact_id=1, due=TODAY, reason="call Ada")
    promise = Commitment(id=4, contact_id=1, text="send the paper", due=TODAY)
    link = Linked(other_id=2, other="Grace Hopper", kind=next(iter(LinkKind)))
    return ada, stats, plan, promise, link


def test_the_walk_freezes_what_it_meets_without_calling_the_freezer_again():
    ada, stats, plan, promise, link = _context()
    freeze = Freezer()
    network = freeze(Network(contacts=(ada,), stats={1: stats}))
    _, _, *others = _context()  # the kinds of a follow-up, a promise and a link known from an earlier run
    Freezer()(tuple(others))
    ctx = ContactContext(ada, stats, TODAY, FIXED_NOW, {}, None, network, (promise,), (plan,), (), None, (link,))

    calls = entered(freeze, ctx)

    assert [value for method, value in calls if method == "__call__"] == [ctx], "a value handed back to __call__"
    assert ("_model", plan) in calls and ("_model", promise) in calls and ("_dataclass", link) in calls
    assert ctx.followups == (plan,) and ctx.commitments == (promise,) and ctx.links == (link,)
    with pytest.raises(ValueError):
        ctx.followups[0].reason = "changed"
    with pytest.raises(ValueError):
        ctx.commitments[0].text = "changed"
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.links[0].other_id = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        ctx.contact.tags.append("hacked")
