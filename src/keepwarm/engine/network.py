"""The network as a view of one contact (or one account) sees it: read from the store on demand.

A detail view evaluates a handful of contacts, but rules that connect people
(introductions) look across everyone. Loading and computing statistics for the
whole book to answer that costs seconds at 10k contacts; this network answers
the questions such rules ask — who may mention a topic, when did I last touch
these people — with small indexed queries, and loads everything only if a
plugin reads `contacts` or iterates `stats` itself.

What one contact's advice read of it is recorded (`TrackedNetwork`, `Reads`):
each question asked, with a digest of its answer, so that the advice can be
kept while those answers stay the same (engine/advisor.Advisor asks them again,
once each: `current_answers`). Anything else read of it (`contacts`, `stats`,
`others`) makes the advice depend on the whole book.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from sqlalchemy import BindParameter, Connection, LargeBinary, Text, bindparam, cast, func, select

from ..api.types import ContactStats, Linked
from ..model import Contact, LinkKind, stored_id
from ..store import contacts as people
from ..store import links as link_store
from ..store.schema import accounts, contact_tags, contacts, interactions
from .readonly import freeze
from .stats import _aware

#: Fields a topic may be found in, as `candidates` understands them.
FIELDS = ("tags", "title", "interests")


def last_touches(conn: Connection, ids: Iterable[int]) -> dict[int, dt.datetime | None]:
    """Each contact's latest completed touch: `ContactStats.last_touch`, for a few contacts, from the index."""
    wanted = list(dict.fromkeys(ids))
    out: dict[int, dt.datetime | None] = dict.fromkeys(wanted)
    for start in range(0, len(wanted), 500):
        for cid, last in conn.execute(_statements()["last_touches"], {"ids": wanted[start : start + 500]}):
            out[cid] = _aware(last)
    return out


def links_by_contact(conn: Connection, ids: Iterable[int] | None = None) -> dict[int, tuple[Linked, ...]]:
    """The links of these contacts (None: of everyone) as plugins read them, by contact (none: absent):
    one statement for the book, one per 500 contacts asked for."""
    chosen = None if ids is None else set(ids)
    kinds = {kind.value: kind for kind in LinkKind}
    words: dict[tuple, str] = {}  # a book has few kinds and labels: each worded once
    out: dict[int, list[Linked]] = {}
    for _, one, one_name, other, other_name, kind_text, label in link_store.rows_among(conn, chosen):
        kind = kinds[kind_text]
        for me, them, name, is_first in ((one, other, other_name, True), (other, one, one_name, False)):
            if chosen is None or me in chosen:
                said = words.get((kind, label, is_first))
                if said is None:
                    said = words[(kind, label, is_first)] = link_store.says(kind, label, first=is_first)
                out.setdefault(me, []).append(Linked(them, name, kind, label, is_first, said))
    return {cid: tuple(found) for cid, found in out.items()}


@cache
def _statements() -> dict:
    """The queries here, built once with their parameters bound at run time.

    A detail view asks a few of them per topic; building each anew cost more
    than running it.
    """
    i, c, t = interactions.c, contacts.c, contact_tags.c
    ids: BindParameter[Any] = bindparam("ids", expanding=True)
    pattern: BindParameter[str] = bindparam("pattern")
    # The latest completed touch, read backwards along (contact_id, at): usually the first entry or two.
    latest = (
        select(i.at)
        .where(i.contact_id == c.id, i.outcome == "completed")
        .order_by(i.at.desc())
        .limit(1)
        .scalar_subquery()
    )
    raw = cast(c.interests, Text)
    fields = {
        "tags": c.id.in_(select(t.contact_id).where(t.tag.like(pattern, escape="\\") | _non_ascii(t.tag))),
        "title": c.title.like(pattern, escape="\\") | _non_ascii(c.title),
        "interests": raw.like(pattern, escape="\\") | raw.like("%\\\\u%", escape="\\") | _non_ascii(raw),
    }
    columns = (c.id, c.name_fold, c.name, c.account_id, c.title, c.interests, c.do_not_contact)
    return {
        "last_touches": select(c.id, latest).where(c.id.in_(ids)),
        **{field: select(*columns).where(where) for field, where in fields.items()},
        "tags_of": select(t.contact_id, t.tag).where(t.contact_id.in_(ids)).order_by(t.contact_id, t.position),
        "accounts": select(accounts.c.id, accounts.c.name).where(accounts.c.id.in_(ids)),
    }


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _non_ascii(column) -> object:
    # length() counts characters of text and bytes of a blob: they differ when a character is not ASCII.
    return func.length(column) != func.length(cast(column, LargeBinary))


@dataclass(frozen=True, slots=True)
class Candidate:
    """What a rule that connects people reads of a contact it may name (see `StoredNetwork.candidates`)."""

    id: int
    name: str
    account: str | None
    title: str
    tags: tuple[str, ...]
    interests: tuple[str, ...]
    do_not_contact: bool


class _LazyStats(Mapping):
    """Statistics of everyone: the evaluated contacts' already, anyone else's computed on first use."""

    def __init__(
        self,
        known: Mapping[int, ContactStats],
        ids: Callable[[], list[int]],
        compute: Callable[[list[int] | None], dict[int, ContactStats]],
    ) -> None:
        self._known = dict(known)
        self._ids = ids
        self._compute = compute
        self._complete = False

    def __getitem__(self, contact_id: int) -> ContactStats:
        found = self._known.get(contact_id)
        if found is not None:
            return freeze(found)
        if self._complete or contact_id not in self._id_set:
            raise KeyError(contact_id)
        self._known.update(self._compute([contact_id]))
        return freeze(self._known[contact_id])

    @cached_property
    def _id_set(self) -> set[int]:
        return set(self._ids())

    def _everyone(self) -> None:
        if not self._complete:
            missing = [cid for cid in self._ids() if cid not in self._known]
            if missing:
                self._known.update(self._compute(None))
            self._complete = True

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids())

    def __len__(self) -> int:
        return len(self._id_set)

    def __contains__(self, contact_id: object) -> bool:
        return contact_id in self._known or contact_id in self._id_set

    def values(self):  # one bulk computation, not one per contact
        self._everyone()
        return [freeze(self._known[cid]) for cid in self._ids()]

    def items(self):
        self._everyone()
        return [(cid, freeze(self._known[cid])) for cid in self._ids()]

    def last_touches(self, ids: Iterable[int], conn_last: Callable[[list[int]], dict]) -> dict:
        ids = list(ids)
        out = {cid: self._known[cid].last_touch for cid in ids if cid in self._known}
        rest = [cid for cid in ids if cid not in out]
        if rest:
            out.update(conn_last(rest))
        return out


class StoredNetwork:
    """Quacks like `types.Network` (contacts, stats, others) and answers candidate searches from the store."""

    def __init__(
        self,
        store,
        known: Mapping[int, ContactStats],
        compute: Callable[[Connection, list[int] | None], dict[int, ContactStats]],
    ) -> None:
        self._store = store
        #: Each question asked through `answer`, with its answer (read-only: every contact's advice reads it)
        #: and the answer's digest: asked once per run, however many contacts ask.
        self._answers: dict[tuple, tuple[Any, str, str]] = {}
        self.stats = _LazyStats(known, self._all_ids, self._compute_with(compute))

    def __setattr__(self, name: str, value: object) -> None:
        if "stats" in self.__dict__:  # plugins read it; none may replace what the others read
            raise AttributeError(f"StoredNetwork: {name} is read-only")
        object.__setattr__(self, name, value)

    def _compute_with(self, compute):
        def run(ids: list[int] | None) -> dict[int, ContactStats]:
            with self._store.read() as conn:
                return compute(conn, ids)

        return run

    def _all_ids(self) -> list[int]:
        if "contacts" in self.__dict__:
            return [stored_id(c.id) for c in self.contacts]
        return self._ordered_ids

    @cached_property
    def _ordered_ids(self) -> list[int]:
        with self._store.read() as conn:
            return list(conn.execute(select(contacts.c.id).order_by(contacts.c.name_fold, contacts.c.id)).scalars())

    @cached_property
    def contacts(self) -> tuple[Contact, ...]:
        with self._store.read() as conn:
            return tuple(freeze(people.list_contacts(conn)))

    def others(self, contact: Contact) -> tuple[Contact, ...]:
        return tuple(c for c in self.contacts if c.id != contact.id)

    def last_touches(self, ids: Iterable[int]) -> dict[int, dt.datetime | None]:
        def read(rest: list[int]) -> dict:
            with self._store.read() as conn:
                return last_touches(conn, rest)

        return self.stats.last_touches(ids, read)

    def links_of(self, ids: Iterable[int]) -> dict[int, tuple[Linked, ...]]:
        """Each of these contacts' links (an empty tuple for one without), as `types.Network.links_of`."""
        wanted = list(dict.fromkeys(ids))
        with self._store.read() as conn:
            found = links_by_contact(conn, wanted)
        return {cid: found.get(cid, ()) for cid in wanted}

    def answer(self, kind: str, args: tuple) -> tuple[Any, str, str]:
        """The answer to a question (`QUESTIONS`: "candidates" (word, field), "last_touches" or "links_of" (ids)),
        read-only, its digest and the question as stored text (`question`); asked of the store once per
        network (a suggester asks the same few for every contact)."""
        key = (kind, args)
        found = self._answers.get(key)
        if found is None:
            if kind in ("last_touches", "links_of"):
                args = tuple(sorted(set(args)))
            value: Any
            if kind == "candidates":
                value = self.candidates(*args)
            elif kind == "links_of":
                value = self.links_of(args)
            else:
                value = self.last_touches(args)
            found = self._answers[key] = (freeze(value), _digest(kind, value), question(kind, args))
        return found

    def candidates(self, word: str, field: str) -> list[tuple[tuple, Candidate]] | None:
        """Contacts whose `field` may contain `word` (casefolded), in network order, each with its order key.

        A superset: the caller applies its own exact test. None when the store
        cannot narrow the search (a word that is not plain ASCII), and the caller
        should scan `contacts`.
        """
        if field not in FIELDS:
            raise ValueError(f"unknown field {field!r} (expected one of {', '.join(FIELDS)})")
        if not word.isascii() or '"' in word or "\\" in word:
            return None
        queries = _statements()
        with self._store.read() as conn:
            found = conn.execute(queries[field], {"pattern": f"%{_escape_like(word)}%"}).all()
            rows = sorted(found, key=lambda r: (r.name_fold, r.id))
            if not rows:
                return []
            tags: dict[int, list[str]] = {}
            for start in range(0, len(rows), 500):
                chunk = [r.id for r in rows[start : start + 500]]
                for cid, tag in conn.execute(queries["tags_of"], {"ids": chunk}):
                    tags.setdefault(cid, []).append(tag)
            account_ids = sorted({r.account_id for r in rows if r.account_id is not None})
            names = (
                {aid: name for aid, name in conn.execute(queries["accounts"], {"ids": account_ids})}
                if account_ids
                else {}
            )
        return [
            (
                (r.name_fold, r.id),
                Candidate(
                    id=r.id,
                    name=r.name,
                    account=names.get(r.account_id) if r.account_id else None,
                    title=r.title,
                    tags=tuple(tags.get(r.id, ())),
                    interests=tuple(r.interests or ()),
                    do_not_contact=bool(r.do_not_contact),
                ),
            )
            for r in rows
        ]


#: The questions a network answers that a contact's advice may depend on one by one (`TrackedNetwork`).
QUESTIONS = ("candidates", "last_touches", "links_of")


def _digest(kind: str, value: Any) -> str:
    """A digest of an answer: equal answers, equal digests, in every process (reprs of plain values,
    dates and frozen dataclasses; the last touches by id)."""
    if kind in ("last_touches", "links_of"):
        value = sorted(value.items())
    return hashlib.blake2b(repr(value).encode(), digest_size=12).hexdigest()


def question(kind: str, args: tuple) -> str:
    """A question as stored text (what `current_answers` asks again); the ids of "last_touches" and "links_of"
    sorted."""
    return json.dumps([kind, list(args)], ensure_ascii=False, separators=(",", ":"))


class Reads:
    """What one contact's advice read of the network: each question (`question`) with its answer's digest,
    or `whole`: something read that no one question stands for (everyone, every statistic)."""

    __slots__ = ("asked", "whole")

    def __init__(self) -> None:
        self.asked: dict[str, str] = {}
        self.whole = False


class TrackedNetwork:
    """The network as one contact's tips and suggestions get it: what they read is noted in `reads`.

    One per contact, so that a plugin keeping answers per network object (as the
    introduction suggester does) cannot hand one contact's answer to another
    without the other's asking being noted. The questions of a `StoredNetwork`
    (`candidates`, `last_touches`) are noted with their answers' digests; any
    other attribute (`contacts`, `stats`, `others`), or any attribute of a network
    that cannot answer them, makes the advice depend on the whole network.
    """

    __slots__ = ("_target", "reads", "__weakref__")

    def __init__(self, target: Any, reads: Reads) -> None:
        self._target, self.reads = target, reads

    def __getattr__(self, name: str) -> Any:
        target = object.__getattribute__(self, "_target")
        if name in QUESTIONS and isinstance(target, StoredNetwork):
            return getattr(self, f"_{name}")
        self.reads.whole = True
        return getattr(target, name)

    def _ask(self, kind: str, args: tuple) -> Any:
        value, digest, text = self._target.answer(kind, args)
        self.reads.asked[text] = digest
        return value

    def _candidates(self, word: str, field: str) -> list[tuple[tuple, Candidate]] | None:
        if field not in FIELDS:
            raise ValueError(f"unknown field {field!r} (expected one of {', '.join(FIELDS)})")
        return self._ask("candidates", (word, field))

    def _last_touches(self, ids: Iterable[int]) -> dict[int, dt.datetime | None]:
        return self._ask("last_touches", tuple(ids))

    def _links_of(self, ids: Iterable[int]) -> dict[int, tuple[Linked, ...]]:
        return self._ask("links_of", tuple(ids))

    def __repr__(self) -> str:
        return f"TrackedNetwork({self._target!r})"


def current_answers(store, questions: Iterable[str]) -> dict[str, str]:
    """Each of these questions (`question`'s text) asked of the store now, once: its answer's digest."""
    network = StoredNetwork(store, {}, lambda _conn, _ids: {})  # no statistics: the questions read none
    out: dict[str, str] = {}
    for text in questions:
        kind, args = json.loads(text)
        if kind not in QUESTIONS:
            out[text] = ""  # not a question this version asks: its advice is worked out again
            continue
        out[text] = network.answer(kind, tuple(args))[1]
    return out
