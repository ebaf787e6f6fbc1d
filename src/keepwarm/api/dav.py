"""Talking to a CalDAV server: the client, the URL as it may be printed, and one line for what went wrong.

Shared by `keepwarm calendar publish` and the CalDAV source, and offered to
plugins through `keepwarm.plugin.dav`: a password never appears in a message
(masked in the URL, taken out of whatever the server or the library said),
and every failure of the network or the server is one line a user can act on.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

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


def secrets_of(url: str, password: str | None) -> list[str]:
    """Every form in which a password could come back in a server's or a library's message, longest first."""
    found = [password] if password else []
    try:
        raw = urlsplit(url).netloc.rpartition("@")[0].partition(":")[2]
    except ValueError:
        raw = ""
    if raw:
        found += [raw, unquote(raw)]
    return sorted({s for s in found if s}, key=len, reverse=True)


def scrub(text: str, secrets: Iterable[str]) -> str:
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):  # "" is no secret; "ab" after "abc"
        text = text.replace(secret, MASK)
    return text


def reason(exc: BaseException) -> str:
    """What the network or the library said, shortly: "connection refused", "timed out", its first line."""
    text = str(exc)
    found = re.search(r"\[Errno -?\d+\] ([^')\"]+)", text)
    if found:
        return found.group(1).strip().lower()
    if "timed out" in text.lower():
        return "timed out"
    first = text.splitlines()[0] if text else ""
    return first[:120] or type(exc).__name__


def status_of(exc: BaseException) -> int | None:
    status = getattr(exc, "status", None)
    try:
        return int(status) if status is not None else None
    except (TypeError, ValueError):
        return None


def client(url: str, username: str | None, password: str | None, *, timeout: float = 20):
    """A caldav client for this URL, sending the credentials at once (no 401 round trip) and no DNS discovery."""
    from caldav.davclient import DAVClient  # lazy for start-up (every plugin imports this module); typed

    options: dict[str, Any] = {"url": url, "timeout": timeout}
    if username:
        options.update(username=username, password=password or "")
    accepted = inspect.signature(DAVClient.__init__).parameters
    if username and "auth_type" in accepted:
        options["auth_type"] = "basic"
    if "enable_rfc6764" in accepted:
        options["enable_rfc6764"] = False  # the URL is given: no DNS discovery
    return DAVClient(**options)


def problem(
    exc: BaseException,
    url: str,
    username: str | None,
    secrets: Iterable[str] = (),
    *,
    no_user: str = "no user name given",
    credentials: str = "check the user name and password",
    not_found: str = "expected a calendar's URL",
    unreachable: str = "",
    server: str = "CalDAV",
    collection: str = "calendar",
) -> str:
    """One line a user can act on, for anything the network or the server says; the hints name the caller's own
    settings ("--user", "password_command").

    401 is refused credentials; 403 is a refusal of what was asked, by a server that knows who asks
    (another user's calendar, a read-only share). `server` and `collection` name what is talked to
    ("CardDAV", "address book" for an address book).
    """
    from caldav.lib import error  # lazy for start-up: caldav loads when a server is talked to, not with every plugin

    where = shown(url)
    who = f" for user {username!r}" if username else f" ({no_user})"
    if isinstance(exc, error.AuthorizationError) and status_of(exc) == 403:
        text = (
            f"{where}: the server refused access{who} (HTTP 403 forbidden: the credentials were accepted, "
            f"but this account may not use that {collection})"
        )
    elif isinstance(exc, error.AuthorizationError):
        text = f"{where}: the server refused the credentials{who} ({credentials})"
    elif isinstance(exc, error.NotFoundError):
        text = f"{where}: no {collection} there ({not_found})"
    elif isinstance(exc, error.DAVError):
        text = f"{where}: the {server} server answered with an error ({reason(exc)})"
    else:
        text = f"{where}: cannot reach the {server} server ({reason(exc)}{'; ' + unreachable if unreachable else ''})"
    return scrub(text, [*secrets_of(url, None), *secrets])
