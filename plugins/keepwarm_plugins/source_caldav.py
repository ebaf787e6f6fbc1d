"""Touches from a CalDAV account (Nextcloud, Radicale, Fastmail, iCloud...), with the caldav library.

`url` is a calendar's URL, or any URL above it (the account's, the server's):
then every calendar of the account found under that URL is read, or only the
one whose display name is `calendar`. The password comes from
`password_command` (never stored). Every event is read each sync; when each
calendar's sync-token (or ctag) is the one of the last sync, and the window's
dates too, nothing is read again.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from keepwarm.plugin import ReadRequest, SourceKind, dav, hookimpl

from ._calendar_read import CalendarOptions, CalendarSourceError, read_whole
from ._one_line import one_line
from ._password_command import PasswordCommandError, check_command, run_password_command

TIMEOUT_SECONDS = 30


class Options(CalendarOptions):
    """`[sources.NAME]` with `kind = "caldav"`."""

    url: str = Field(description="The calendar's URL, or the account's to read all its calendars (https://...).")
    username: str = Field("", description="The user name to log in with; empty for a server without login.")
    password_command: str = Field(
        "",
        description="A command printing the password on its first line (`pass show dav`), run without a shell "
        "at each sync; the password itself is never kept in config.toml.",
    )
    calendar: str = Field(
        "",
        description="Read only the account's calendar of this display name; empty reads every calendar under the URL.",
    )

    _command_splits = field_validator("password_command")(check_command)

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        value = value.strip()
        if urlsplit(value).scheme.lower() not in ("http", "https") or not urlsplit(value).netloc:
            raise ValueError("expected the calendar's or the account's address, starting with https://")
        return value


shown = dav.shown


def _explain(exc: BaseException, options: Options, secrets: list[str]) -> CalendarSourceError:
    text = dav.problem(
        exc,
        options.url,
        options.username,
        secrets,
        no_user="no username set",
        credentials="check username and password_command",
        not_found="check the url: a calendar's URL or the account's",
        unreachable="check the url and the network",
    )
    return CalendarSourceError(one_line(text, secrets=secrets))


def _client(options: Options, password: str | None):
    return dav.client(options.url, options.username, password, timeout=TIMEOUT_SECONDS)


def _path(url: Any) -> str:
    path = urlsplit(str(url)).path or "/"
    return path if path.endswith("/") else path + "/"


def _name_of(calendar) -> str:
    try:
        return calendar.get_display_name() or ""
    except AttributeError:
        return getattr(calendar, "name", "") or ""


def _at_url(client, url: str):
    calendar = client.calendar(url=url)
    calendar.get_properties()  # fails here, clearly, when nothing is at the URL
    return calendar


def _calendars(client, options: Options) -> list:
    """The calendars this source reads (see the module's docstring)."""
    from caldav.lib import error

    try:
        found = client.principal().calendars()
    except error.AuthorizationError:
        raise
    except (error.DAVError, ValueError):  # no account to discover: the URL must be a calendar's
        if options.calendar:
            raise
        return [_at_url(client, options.url)]
    if options.calendar:
        named = [c for c in found if _name_of(c) == options.calendar]
        if not named:
            names = ", ".join(sorted(repr(_name_of(c)) for c in found)) or "none"
            raise CalendarSourceError(
                f"{shown(options.url)}: no calendar named {options.calendar!r} (the account has: {names})"
            )
        return named
    under = [c for c in found if _path(c.url).startswith(_path(options.url))]
    return under or [_at_url(client, options.url)]  # a calendar shared with the account is not among its own


def _tag(calendar) -> str | None:
    """What changes whenever an event of the calendar does: RFC 6578's sync-token, else the ctag."""
    from caldav.elements import dav
    from caldav.elements.base import BaseElement

    class GetCTag(BaseElement):
        tag = "{http://calendarserver.org/ns/}getctag"

    found = calendar.get_properties([dav.SyncToken(), GetCTag()])
    value = found.get(dav.SyncToken.tag) or found.get(GetCTag.tag)
    return str(value) if value else None


def read(request: ReadRequest) -> Iterator:
    from caldav.lib import error

    options = cast(Options, request.options)  # the host builds them with `options=`
    secrets: list[str] = []
    password = None
    if options.password_command:
        try:
            password = run_password_command(options.password_command)
        except PasswordCommandError as exc:
            raise CalendarSourceError(f"{shown(options.url)}: {exc}") from None
        secrets.append(password)
    try:
        parts = urlsplit(options.url)
        secrets += [parts.password or ""]
    except ValueError:
        pass
    try:
        client = _client(options, password)
        calendars = _calendars(client, options)
        tags = {str(c.url): _tag(c) for c in calendars}
    except CalendarSourceError:
        raise
    except (error.DAVError, OSError, ValueError) as exc:
        raise _explain(exc, options, secrets) from None
    state = None
    if all(tags.values()):
        state = {"url": shown(options.url), "calendar": options.calendar, "tags": tags}

    def texts():
        for calendar in calendars:
            try:
                objects = list(calendar.events())
            except (error.DAVError, OSError) as exc:
                raise _explain(exc, options, secrets) from None
            for obj in objects:
                origin = str(obj.url).rstrip("/").rpartition("/")[2] or str(obj.url)
                yield origin, (lambda obj=obj: obj.data or "")

    yield from read_whole(request, state, texts)


KIND = SourceKind(
    name="caldav",
    family="calendar",
    summary="events of a CalDAV account or calendar (Nextcloud, Radicale, Fastmail, iCloud)",
    options=Options,
    target="url",
    read=read,
)


@hookimpl
def keepwarm_source_kinds():
    return [KIND]
