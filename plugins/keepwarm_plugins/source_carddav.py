"""Contacts synced both ways with a CardDAV address book (Nextcloud, Radicale, Fastmail, iCloud...).

`url` is the address book's URL (the collection holding the cards). The
caldav library has no address books, so the few requests a sync needs are
made through its client (`keepwarm.plugin.dav`: the same login, the same
one-line errors, the password never shown): PROPFIND lists the cards and
their ETags, GET reads a changed one, PUT writes one with If-Match (or
If-None-Match: * for a new one), so that a card edited on a phone meanwhile
is refused by the server (412) and becomes a conflict, never an overwrite.
The password comes from `password_command` (never stored).
"""

from __future__ import annotations

import hashlib
import logging
import re
from contextlib import contextmanager
from typing import cast
from urllib.parse import quote, unquote, urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from keepwarm.plugin import AddressBookError, AddressBookKind, BookRequest, CardChanged, CardRef, dav, hookimpl

from ._one_line import one_line
from ._password_command import PasswordCommandError, check_command, run_password_command

TIMEOUT_SECONDS = 30
_SAFE = re.compile(r"^[A-Za-z0-9@._+-]{1,120}$")
_LIST = (
    '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop>'
    "<D:getetag/><D:resourcetype/></D:prop></D:propfind>"
)


class Options(BaseModel):
    """`[sources.NAME]` with `kind = "carddav"`."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    url: str = Field(description="The address book's URL (https://.../addressbooks/you/contacts/).")
    username: str = Field("", description="The user name to log in with; empty for a server without login.")
    password_command: str = Field(
        "",
        description="A command printing the password on its first line (`pass show dav`), run without a shell "
        "at each sync; the password itself is never kept in config.toml.",
    )

    _command_splits = field_validator("password_command")(check_command)

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        value = value.strip()
        if urlsplit(value).scheme.lower() not in ("http", "https") or not urlsplit(value).netloc:
            raise ValueError("expected the address book's address, starting with https://")
        return value if value.endswith("/") else value + "/"


@contextmanager
def _quiet():
    """caldav warns on stderr about a text/vcard answer (it expects calendars): not the user's concern."""
    logger = logging.getLogger("caldav")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


class DavBook:
    """One address book on a CardDAV server, through the caldav library's client (see the module's docstring)."""

    def __init__(self, options: Options, password: str | None) -> None:
        self.options = options
        self.secrets = list(dav.secrets_of(options.url, password))
        self.client = dav.client(options.url, options.username, password, timeout=TIMEOUT_SECONDS)
        self.base = urlsplit(options.url).path

    def _explain(self, exc: BaseException) -> AddressBookError:
        text = dav.problem(
            exc,
            self.options.url,
            self.options.username,
            self.secrets,
            no_user="no username set",
            credentials="check username and password_command",
            not_found="check the url: an address book's URL",
            unreachable="check the url and the network",
            server="CardDAV",
            collection="address book",
        )
        return AddressBookError(one_line(text, secrets=self.secrets))

    def _request(self, url: str, method: str, body: str = "", headers: dict | None = None):
        try:
            with _quiet():
                response = self.client.request(url, method, body, headers or {})
        except Exception as exc:  # caldav's errors, and the HTTP library's own (refused, timed out): one line
            raise self._explain(exc) from None
        if response.status == 404 and method == "PROPFIND":
            raise AddressBookError(
                f"{dav.shown(self.options.url)}: no address book there (HTTP 404; check the url: an address book's URL)"
            )
        if response.status >= 400 and response.status not in (404, 412):
            raise AddressBookError(
                one_line(
                    f"{dav.shown(self.options.url)}: the CardDAV server answered {method} with HTTP {response.status}",
                    secrets=self.secrets,
                )
            )
        return response

    def _url(self, href: str) -> str:
        return urljoin(self.options.url, href)

    def cards(self) -> list[CardRef]:
        response = self._request(self.options.url, "PROPFIND", _LIST, {"Depth": "1", "Content-Type": "application/xml"})
        tree = getattr(response, "tree", None)
        if tree is None:
            raise AddressBookError(f"{dav.shown(self.options.url)}: the server's answer is not a list of cards")
        found = []
        for item in tree.iter("{DAV:}response"):
            href = item.findtext("{DAV:}href") or ""
            if not href or unquote(urlsplit(href).path).rstrip("/") == unquote(self.base).rstrip("/"):
                continue
            kinds = item.find(".//{DAV:}resourcetype")
            if kinds is not None and kinds.find("{DAV:}collection") is not None:
                continue
            etag = (item.findtext(".//{DAV:}getetag") or "").strip()
            if etag:
                found.append(CardRef(urlsplit(href).path, etag))
        return found

    def get(self, href: str) -> tuple[str, str]:
        response = self._request(self._url(href), "GET")
        if response.status == 404:
            raise CardChanged(f"{href}: gone since it was listed")
        raw = response.raw
        text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
        return text, (response.headers.get("ETag") or "").strip()

    def _etag_of(self, url: str) -> str:
        response = self._request(url, "PROPFIND", _LIST, {"Depth": "0", "Content-Type": "application/xml"})
        tree = getattr(response, "tree", None)
        return ((tree.findtext(".//{DAV:}getetag") if tree is not None else "") or "").strip()

    def put(self, href: str | None, text: str, *, uid: str, etag: str | None) -> CardRef:
        if href is None:
            stem = uid if _SAFE.match(uid) else hashlib.sha256(uid.encode("utf-8")).hexdigest()[:32]
            href = self.base + quote(stem) + ".vcf"
            condition = {"If-None-Match": "*"}
        else:
            condition = {"If-Match": etag or ""}
        url = self._url(href)
        response = self._request(url, "PUT", text, {"Content-Type": "text/vcard; charset=utf-8", **condition})
        if response.status == 412:
            raise CardChanged(f"{href}: changed on the server since it was read")
        new = (response.headers.get("ETag") or "").strip() or self._etag_of(url)
        return CardRef(href, new or "?")

    def delete(self, href: str, *, etag: str) -> None:
        response = self._request(self._url(href), "DELETE", "", {"If-Match": etag})
        if response.status in (404, 412):
            raise CardChanged(f"{href}: changed on the server since it was read")


def open_book(request: BookRequest) -> DavBook:
    options = cast(Options, request.options)  # the host builds them with `options=`
    password = None
    if options.password_command:
        try:
            password = run_password_command(options.password_command)
        except PasswordCommandError as exc:
            raise AddressBookError(f"{dav.shown(options.url)}: {exc}") from None
    return DavBook(options, password)


KIND = AddressBookKind(
    name="carddav",
    summary="contacts synced both ways with a CardDAV address book (Nextcloud, Radicale, Fastmail, iCloud)",
    options=Options,
    target="url",
    open=open_book,
)


@hookimpl
def keepwarm_address_book_kinds():
    return [KIND]
