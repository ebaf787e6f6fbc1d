"""Where a book lives: a SQLite file, or a database on a PostgreSQL server.

`--db`, KEEPWARM_DB and `Store.open` take either. A value shaped like a URL
(`scheme:/...`) is never taken for a file name: `--db postgresql://...` once
made a SQLite file under a folder named `postgresql:`, and a typo such as
`postgres:/x` or another server's URL (mysql://, http://) would have done the
same. Such a value is a server book when its scheme is PostgreSQL's, and a
one-line error otherwise, before anything is created.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import StoreError

#: The schemes a server book is given with; the first is SQLAlchemy's name for the driver keepwarm uses.
SCHEMES = ("postgresql+psycopg", "postgresql")
EXPECTED = "a database file path, or a PostgreSQL URL (postgresql://USER@HOST:PORT/DATABASE)"
#: The characters of a URL's scheme after its first letter (RFC 3986).
_SCHEME = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")


class ServerBook:
    """A book on a PostgreSQL server; printed without its password. (A plain class, not a dataclass: every
    command's start judges its --db, and a dataclass costs more to define than this module does to run.)"""

    __slots__ = ("url",)

    def __init__(self, url: str) -> None:
        self.url = url

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ServerBook) and other.url == self.url

    def __hash__(self) -> int:
        return hash(self.url)

    def __repr__(self) -> str:
        return f"ServerBook({str(self)!r})"

    def __str__(self) -> str:
        # lazy for start-up: only a server book parses its URL
        from sqlalchemy.engine import make_url

        return make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=True)

    @property
    def name(self) -> str:
        """The database's name (what a file book's file name is for its copies and messages)."""
        from sqlalchemy.engine import make_url  # lazy for start-up: only a server book parses its URL

        return make_url(self.url).database or "postgres"


def is_there(book: Path | ServerBook) -> bool:
    """Whether the book exists already: a file that does; a server's database always (its tables come on open)."""
    return isinstance(book, ServerBook) or book.exists()


def _scheme(value: str) -> str | None:
    """The scheme of a value shaped `scheme:/...` (a URL, or a mistyped one), else None: `C:\\x` or
    `notes:2024.db` stay file names."""
    scheme, colon, rest = value.partition(":")
    if not colon or not rest.startswith("/") or not scheme[:1].isascii() or not scheme[:1].isalpha():
        return None
    return scheme if all(char in _SCHEME for char in scheme) else None


def looks_like_url(value: str) -> bool:
    return _scheme(value) is not None


def locate(value: str | Path | ServerBook) -> Path | ServerBook:
    """The book `value` names: a file path (as before), or a server book; a URL of another kind is refused."""
    if isinstance(value, (Path, ServerBook)):
        return value
    if not looks_like_url(value):
        return Path(value).expanduser()
    return server_book(value)


def server_book(value: str) -> ServerBook:
    from sqlalchemy.engine import make_url  # lazy for start-up: only a server book parses its URL
    from sqlalchemy.exc import ArgumentError  # lazy for start-up (as above)

    given = _scheme(value) or ""
    if given.lower() not in SCHEMES or "://" not in value:
        raise StoreError(
            f"{_shown(value)}: not a database keepwarm can open ({given}: is no scheme it knows); expected {EXPECTED}"
        )
    try:
        url = make_url(value).set(drivername=SCHEMES[0])
    except (ArgumentError, ValueError) as exc:
        raise StoreError(f"{_shown(value)}: not a valid PostgreSQL URL ({exc}); expected {EXPECTED}") from None
    if not url.database:
        raise StoreError(f"{_shown(value)}: names no database; expected {EXPECTED}")
    return ServerBook(url.render_as_string(hide_password=False))


def _shown(value: str) -> str:
    """The value as given, its password (if any) hidden, control characters escaped (it is printed)."""
    import re  # lazy for start-up: only a refused value is shown

    shown = re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", value)
    return shown.encode("unicode_escape").decode("ascii")
