"""Contacts synced both ways with a vdir: a folder of .vcf files, one card each, as khard and vdirsyncer keep them.

`path` is either one address book (a folder holding .vcf files) or a folder
of address books (vdirsyncer's layout: one sub-folder per collection); both
are read, one level of sub-folders deep, hidden folders (.git, vdirsyncer's
status) aside. A card's etag is the digest of its bytes, so a card edited by
khard, a phone (through vdirsyncer) or by hand is seen as changed whatever
its modification time says. New cards go to `book` (a sub-folder's name), or
to the folder itself when it holds cards or has no sub-folder, else to its
first sub-folder. Each write goes to a temporary file renamed over the card
once the card was checked to be the one read (the If-Match of a folder), so
a card is never half-written.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import cast

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import AddressBookError, AddressBookKind, BookRequest, CardChanged, CardRef, hookimpl

_SAFE = re.compile(r"^[A-Za-z0-9@._+-]{1,120}$")


class Options(BaseModel):
    """`[sources.NAME]` with `kind = "contacts"`."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    path: str = Field(
        description="The vdir folder: one address book (a folder of .vcf files) or a folder of address books, "
        "one sub-folder each (~ is your home folder)."
    )
    book: str = Field(
        "",
        description="In a folder of address books, the sub-folder new cards go to (default: the first one).",
    )


def _etag(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


class VdirBook:
    """One vdir (or a folder of them), its cards the .vcf files (see the module's docstring)."""

    def __init__(self, root: Path, book: str) -> None:
        self.root = root
        self.book = book

    def _folders(self) -> list[Path]:
        return [self.root, *sorted(p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith("."))]

    def cards(self) -> list[CardRef]:
        found = []
        try:
            for folder in self._folders():
                for file in sorted(folder.iterdir()):
                    if file.suffix.lower() == ".vcf" and file.is_file() and not file.name.startswith("."):
                        found.append(CardRef(str(file.relative_to(self.root)), _etag(file.read_bytes())))
        except OSError as exc:
            raise AddressBookError(f"{self.root}: cannot be read ({exc.strerror or exc})") from None
        return found

    def _file(self, href: str) -> Path:
        file = (self.root / href).resolve()
        if not file.is_relative_to(self.root.resolve()) or file.suffix.lower() != ".vcf":
            raise AddressBookError(f"{href}: not a card of {self.root}")
        return file

    def get(self, href: str) -> tuple[str, str]:
        try:
            data = self._file(href).read_bytes()
        except FileNotFoundError:
            raise CardChanged(f"{href}: gone since it was listed") from None
        except OSError as exc:
            raise AddressBookError(f"{self.root / href}: cannot be read ({exc.strerror or exc})") from None
        try:
            return data.decode("utf-8"), _etag(data)
        except UnicodeDecodeError as exc:
            raise ValueError(f"{href}: not UTF-8 text (byte {exc.start}); a vdir card is UTF-8") from None

    def _new_folder(self) -> Path:
        if self.book:
            return self.root / self.book  # checked when the book was opened
        folders = self._folders()
        if len(folders) == 1 or any(p.suffix.lower() == ".vcf" for p in self.root.iterdir()):
            return self.root
        return folders[1]

    def put(self, href: str | None, text: str, *, uid: str, etag: str | None) -> CardRef:
        data = text.encode("utf-8")
        if href is None:
            stem = uid if _SAFE.match(uid) else hashlib.sha256(uid.encode("utf-8")).hexdigest()[:32]
            file = self._new_folder() / f"{stem}.vcf"
        else:
            file = self._file(href)
        fd, temp = tempfile.mkstemp(prefix=".keepwarm-", suffix=".tmp", dir=file.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            if etag is None:
                try:
                    os.link(temp, file)  # fails when the card exists: never over another
                except FileExistsError:
                    raise CardChanged(f"{file.name}: a card of that name exists already") from None
            else:
                if not file.exists() or _etag(file.read_bytes()) != etag:
                    raise CardChanged(f"{file.name}: changed since it was read")
                os.replace(temp, file)
        except OSError as exc:
            raise AddressBookError(f"{file}: cannot be written ({exc.strerror or exc})") from None
        finally:
            Path(temp).unlink(missing_ok=True)
        return CardRef(str(file.relative_to(self.root)), _etag(data))

    def delete(self, href: str, *, etag: str) -> None:
        file = self._file(href)
        if not file.exists() or _etag(file.read_bytes()) != etag:
            raise CardChanged(f"{file.name}: changed since it was read")
        try:
            file.unlink()
        except OSError as exc:
            raise AddressBookError(f"{file}: cannot be deleted ({exc.strerror or exc})") from None


def open_book(request: BookRequest) -> VdirBook:
    options = cast(Options, request.options)  # the host builds them with `options=`
    root = Path(options.path).expanduser()
    if not root.exists():
        raise AddressBookError(f"{root}: no such folder (check the source's path; a vdir is a folder of .vcf files)")
    if not root.is_dir():
        raise AddressBookError(f"{root}: not a folder (a contacts source is a folder of .vcf files, one card each)")
    if options.book and not (root / options.book).is_dir():
        raise AddressBookError(f"{root / options.book}: no such address book (check the source's book)")
    return VdirBook(root, options.book)


KIND = AddressBookKind(
    name="contacts",
    summary="contacts synced both ways with a vdir: a folder of .vcf files (khard, vdirsyncer)",
    options=Options,
    target="path",
    open=open_book,
)


@hookimpl
def keepwarm_address_book_kinds():
    return [KIND]
