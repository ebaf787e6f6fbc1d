"""Mirroring the export on a CalDAV server (Nextcloud, Radicale, iCloud, Fastmail...).

The server is its own record: we list the calendar, keep to the objects
whose UID keepwarm wrote (`keepwarm-...@keepwarm`), and make them match the
export: create what is missing, update what changed (by the fingerprint we
store in X-KEEPWARM-HASH, so an unchanged event is not rewritten and a user's
own edit survives until our data changes), delete what is no longer wanted
(done, dismissed, deleted). Other events in the same calendar are never
touched.

Each object is one VCALENDAR sent with a plain PUT: no METHOD, and SEQUENCE
as we computed it (caldav's own save helpers would bump it again).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ..api import dav
from ..api.dav import scrub, shown
from ..errors import UserError
from .entries import Entry, is_ours

TIMEOUT_SECONDS = 20


@dataclass
class Remote:
    uid: str
    url: str
    fingerprint: str | None
    sequence: int
    summary: str
    kind: str = "VEVENT"


@dataclass
class Plan:
    create: list[Entry] = field(default_factory=list)
    update: list[tuple[Entry, Remote]] = field(default_factory=list)
    delete: list[Remote] = field(default_factory=list)
    unchanged: int = 0

    @property
    def empty(self) -> bool:
        return not (self.create or self.update or self.delete)


def make_plan(desired: Iterable[Entry], remote: dict[str, Remote], kind: str = "VEVENT") -> Plan:
    """Pure: what to do so that our `kind` of objects in the calendar equal `desired`.

    Events and to-dos are mirrored separately, so publishing to-dos into a
    calendar does not delete the events published there, nor the reverse.
    `desired` is read once, as it comes (a book's entries are made a chunk at a
    time): only the entries to send are kept, an unchanged one by its UID alone.
    """
    plan = Plan()
    remote = {uid: r for uid, r in remote.items() if r.kind == kind}
    wanted: dict[str, tuple[str, Entry | None]] = {}  # the last active entry of each UID: its start, itself if sent
    for entry in desired:
        if entry.active:
            there = remote.get(entry.uid)
            send = there is None or there.fingerprint != entry.fingerprint()
            wanted[entry.uid] = (str(entry.start), entry if send else None)
    for uid, (_start, sent) in sorted(wanted.items(), key=lambda kv: (kv[1][0], kv[0])):
        there = remote.get(uid)
        if sent is None:
            plan.unchanged += 1
        elif there is None:
            plan.create.append(sent)
        else:
            plan.update.append((sent.with_sequence(max(sent.sequence, there.sequence + 1)), there))
    plan.delete = [r for uid, r in sorted(remote.items()) if uid not in wanted]
    return plan


# ------------------------------------------------------------------ the server


def _dav():
    import caldav  # lazy for start-up: caldav is loaded by a publish only
    from caldav.lib import error  # lazy for start-up: caldav is loaded by a publish only

    return caldav, error


def explain(exc: BaseException, url: str, username: str | None, secrets: Iterable[str] = ()) -> UserError:
    """One line a user can act on, for anything the network or the server says (see `keepwarm.api.dav.problem`)."""
    return UserError(
        dav.problem(
            exc,
            url,
            username,
            secrets,
            no_user="no user given; use --user",
            not_found="expected a calendar's URL, or the server's with --calendar NAME",
        )
    )


def _client(url: str, username: str | None, password: str | None):
    return dav.client(url, username, password, timeout=TIMEOUT_SECONDS)


def _name_of(calendar) -> str:
    try:
        return calendar.get_display_name() or ""
    except AttributeError:
        return getattr(calendar, "name", "") or ""


@dataclass
class Target:
    client: Any
    calendar: Any | None  # None in a dry run when the named calendar does not exist yet
    url: str  # as shown to the user: a password in it masked
    created: bool = False
    secrets: tuple[str, ...] = ()  # what no message may repeat


def open_target(
    url: str, username: str | None, password: str | None, calendar_name: str | None, *, create: bool
) -> Target:
    _, error = _dav()
    secrets = tuple(dav.secrets_of(url, password))

    def target(calendar, where: str, created: bool = False) -> Target:
        return Target(client, calendar, shown(where), created, secrets)

    try:
        client = _client(url, username, password)
        if not calendar_name:
            calendar = client.calendar(url=url)
            calendar.get_properties()  # fails here, clearly, if nothing is at the URL
            return target(calendar, url)
        principal = client.principal()
        for candidate in principal.calendars():
            if _name_of(candidate) == calendar_name:
                return target(candidate, str(candidate.url))
        if not create:
            return target(None, url)
        calendar = principal.make_calendar(name=calendar_name)
        return target(calendar, str(calendar.url), created=True)
    except (error.DAVError, OSError) as exc:
        raise explain(exc, url, username, secrets) from None


def _list_objects(calendar) -> tuple[list, set[str]]:
    """The calendar's objects, and the URLs the listing names as deleted.

    A sync-token listing also names objects deleted since (a tombstone: what keepwarm itself
    deleted when a follow-up was done); loading one is a 404. Deleted is gone, not an error.
    """
    for name in ("get_objects_by_sync_token", "objects_by_sync_token"):
        method = getattr(calendar, name, None)
        if method is not None:
            found = method(load_objects=True)
            gone = {str(url) for url in (getattr(found, "deleted_urls", None) or ())}
            return list(found), gone
    return list(calendar.search()), set()


def _canonical(obj) -> str:
    url = obj.url
    return str(url.canonical() if hasattr(url, "canonical") else url)


def _text(value) -> str:
    return str(value) if value is not None else ""


def read_remote(target: Target, username: str | None) -> dict[str, Remote]:
    """Our objects on the server, by UID; anything else in the calendar is ignored."""
    if target.calendar is None:
        return {}
    _, error = _dav()
    try:
        objects, gone = _list_objects(target.calendar)
    except (error.DAVError, OSError) as exc:
        raise explain(exc, target.url, username, target.secrets) from None
    found: dict[str, Remote] = {}
    for obj in objects:
        if gone and _canonical(obj) in gone:
            continue
        try:
            component = obj.icalendar_component
        except error.NotFoundError:  # deleted between the listing and the loading: gone
            continue
        except (error.DAVError, OSError) as exc:
            raise explain(exc, target.url, username, target.secrets) from None
        except (ValueError, KeyError, AttributeError, IndexError):  # unreadable: not one we wrote
            continue
        uid = _text(component.get("UID"))
        if not is_ours(uid):
            continue
        try:
            sequence = int(component.get("SEQUENCE", 0))
        except (TypeError, ValueError):
            sequence = 0
        found[uid] = Remote(
            kind=str(getattr(component, "name", "VEVENT")).upper(),
            uid=uid,
            url=str(obj.url),
            fingerprint=_text(component.get("X-KEEPWARM-HASH")) or None,
            sequence=sequence,
            summary=_text(component.get("SUMMARY")),
        )
    return found


def _check(response, url: str, what: str, secrets: Iterable[str] = ()) -> None:
    status = getattr(response, "status", 200)
    if status is not None and int(status) >= 400:
        raise UserError(scrub(f"{shown(url)}: the server did not accept the {what} (HTTP {status})", secrets))


def apply(
    target: Target,
    plan: Plan,
    render_one: Callable[[Entry], str],
    username: str | None,
    progress: Callable[[str, Entry | Remote], None] = lambda action, item: None,
) -> None:
    _, error = _dav()
    assert target.calendar is not None  # only a dry run lacks it, and a dry run applies nothing
    client, base = target.client, str(target.calendar.url)
    if not base.endswith("/"):
        base += "/"
    headers = {"Content-Type": "text/calendar; charset=utf-8"}
    try:
        for entry in plan.create:
            href = base + quote(entry.uid, safe="") + ".ics"
            response = client.put(href, render_one(entry), {**headers, "If-None-Match": "*"})
            _check(response, href, "new event", target.secrets)
            progress("create", entry)
        for entry, remote in plan.update:
            _check(client.put(remote.url, render_one(entry), headers), remote.url, "update", target.secrets)
            progress("update", entry)
        for remote in plan.delete:
            response = client.delete(remote.url)
            if getattr(response, "status", 200) != 404:  # already gone is fine
                _check(response, remote.url, "deletion", target.secrets)
            progress("delete", remote)
    except (error.DAVError, OSError) as exc:
        raise explain(exc, target.url, username, target.secrets) from None
