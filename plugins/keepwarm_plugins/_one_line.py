"""Outside text made fit for a one-line error or skip reason, with any secret in it masked.

A server's answer, a library's message or the text a file quotes can hold
line breaks, escape sequences and, in an error after a login, the password
itself; the sources' messages are one line and never hold a secret. Shared by
the imap, caldav and calendar readers so that all clean such text alike.
"""

from __future__ import annotations

from collections.abc import Iterable

#: What a secret is replaced with.
MASK = "***"


def one_line(text: str, *, secrets: Iterable[str] = (), limit: int | None = None) -> str:
    """`text` with each secret masked, every unprintable character a space, spaces collapsed, cut at `limit`."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):  # a longer one may hold a shorter
        text = text.replace(secret, MASK)
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    return text
