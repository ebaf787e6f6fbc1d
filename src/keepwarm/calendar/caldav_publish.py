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

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

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


def make_plan(desired: list[Entry], remote: dict[str, Remote], kind: str = "VEVENT") -> Plan:
    """Pure: what to do so that our `kind` of objects in the calendar equal `desired`.

    Events and to-dos are mirrored separately, so publishing to-dos into a
    calendar does not delete the events published there, nor the reverse.
    """
    plan = Plan()
    remote = {uid: r for uid, r in remote.items() if r.kind == kind}
    wanted = {e.uid: e for e in desired if e.active}
    for uid, entry in sorted(wanted.items(), key=lambda kv: (str(kv[1].start), kv[0])):
        there = remote.get(uid)
        if there is None:
            plan.create.append(entry)
        elif there.fingerprint != entry.fingerprint():
            plan.update.append((entry.with_sequence(max(entry.sequence, there.sequence + 1)), there))
        else:
            plan.unchanged += 1
    plan.delete = [r for uid, r in sorted(remote.items()) if uid not in wanted]
    return plan


# ------------------------------------------------------------------ the server


def _dav():
    import caldav
    from caldav.lib import error

    return caldav, error


def _reason(exc: BaseException) -> str:
    text = str(exc)
    found = re.search(r"\[Errno -?\d+\] ([^')\"]+)", text)
    if found:
        return found.group(1).strip().lower()
    if "timed out" in text.lower():
        return "timed out"
    first = text.splitlines()[0] if text else ""
    return first[:120] or type(exc).__name__


MASK = "***"
_USERINFO_PASSWORD = re.compile(r"(://[^/@:]*:)[^/]*@")


def shown(url: str) -> str:
    """The URL as keepwarm prints it: a password written into it (`https://me:pw@host/`) masked."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # unreadable (`http://me:pw@[::1`): mask what looks like a password all the same
        return _USERINFO_PASSWORD.sub(rf"\1{MASK}@", url)
    if not password:
        return url
    host = parts.netloc.rpartition("@")[2]
    user = parts.netloc.rpartition("@")[0].partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:{MASK}@{host}"))


def _secrets(url: str, password: str | None) -> list[str]:
    """Every form in which a password could come back in a server's or a library's message."""
    found = [password] if password else []
    try:
        raw = urlsplit(url).netloc.rpartition("@")[0].partition(":")[2]
    except ValueError:
        raw = ""
    if raw:
        found += [raw, unquote(raw)]
    return sorted({s for s in found if s}, key=len, reverse=True)


def scrub(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def _status(exc: BaseException) -> int | None:
    status = getattr(exc, "status", None)
    try:
        return int(status) if status is not None else None
    except (TypeError, ValueError):
        return None


def explain(exc: BaseException, url: str, username: str | None, secrets: Iterable[str] = ()) -> UserError:
    """One line a user can act on, for anything the network or the server says.

    401 is refused credentials; 403 is a refusal of what was asked, by a server that knows who
    asks (another user's calendar, a read-only share). The password never appears: masked in
    the URL, and taken out of whatever text the server or the library sent.
    """
    _, error = _dav()
    where = shown(url)
    who = f" for user {username!r}" if username else " (no user given; use --user)"
    if isinstance(exc, error.AuthorizationError) and _status(exc) == 403:
        text = (f"{where}: the server refused access{who} (HTTP 403 forbidden: the credentials were accepted, "
                "but this account may not use that calendar)")
    elif isinstance(exc, error.AuthorizationError):
        text = f"{where}: the server refused the credentials{who} (check the user name and password)"
    elif isinstance(exc, error.NotFoundError):
        text = f"{where}: no calendar there (expected a calendar's URL, or the server's with --calendar NAME)"
    elif isinstance(exc, error.DAVError):
        text = f"{where}: the CalDAV server answered with an error ({_reason(exc)})"
    else:
        text = f"{where}: cannot reach the CalDAV server ({_reason(exc)})"
    return UserError(scrub(text, [*_secrets(url, None), *secrets]))


def _client(url: str, username: str | None, password: str | None):
    caldav, _ = _dav()
    options: dict[str, Any] = {"url": url, "timeout": TIMEOUT_SECONDS}
    if username:
        options.update(username=username, password=password or "")
    accepted = inspect.signature(caldav.DAVClient.__init__).parameters
    if username and "auth_type" in accepted:
        options["auth_type"] = "basic"  # send credentials at once instead of after a 401
    if "enable_rfc6764" in accepted:
        options["enable_rfc6764"] = False  # the URL is given; no DNS discovery
    return caldav.DAVClient(**options)


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


def open_target(url: str, username: str | None, password: str | None, calendar_name: str | None,
                *, create: bool) -> Target:
    _, error = _dav()
    secrets = tuple(_secrets(url, password))

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


def apply(target: Target, plan: Plan, render_one: Callable[[Entry], str], username: str | None,
          progress: Callable[[str, Entry | Remote], None] = lambda action, item: None) -> None:
    _, error = _dav()
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
