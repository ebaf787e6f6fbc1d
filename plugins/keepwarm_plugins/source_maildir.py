"""Source kind "maildir": the Maildir folders mbsync, offlineimap, getmail and notmuch users keep.

A Maildir holds one file per message in cur/ and new/; a message never
changes, it is only renamed (flags) or moved. So a sync needs no database of
its own: the cursor is the newest inode change time (ctime) of the files
already read, plus the names read within a small margin below it (clocks
with coarse steps, a file landing while the folder is read). Files older
than that are not opened, and a folder whose own times are older is not even
listed, so a re-sync with nothing new costs a few stat calls.

Why ctime and not also mtime: delivering, copying, renaming (a flag change)
and moving a file all set its ctime to the present, and no program can set
it otherwise; mtime is set at will (offlineimap's utime_from_header sets it
to the message's Date), and one spam message dated 2040 would then put the
cursor in 2040 and hide all mail after it.

Files are read in the order of their change time, which makes every
checkpoint honest: everything before the cursor was read, so a sync killed
at any point resumes where it stopped. Only each file's header block is read
(`_mail_headers`). A flag change renames a file, so it is read again; the
core knows it by its Message-ID and adds nothing.

Folders: the path given, its Maildir++ subfolders (".Sent", ".Work.Clients")
and, for the layout mbsync writes with `SubFolders Verbatim`, any Maildir
below it ("INBOX", "Sent", "Work/Clients"). Named without the leading dot;
the top folder is "INBOX".
"""

from __future__ import annotations

import os
import re
import stat
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import Checkpoint, Progress, ReadRequest, Skip, SourceKind, hookimpl

#: Change times within this many nanoseconds below the newest one read are checked against the names read.
MARGIN_NS = 2_000_000_000
PROGRESS_EVERY = 500
CHECKPOINT_EVERY = 1000
#: How deep below the path to look for Maildir folders (a notmuch tree of accounts and folders).
MAX_DEPTH = 6
_FLAGS = re.compile(r"[:;!]2,.*$")


class MaildirOptions(BaseModel):
    """[sources.NAME] of kind "maildir" in config.toml."""

    # Built when a source of this kind is checked, not when the plugins load (`contact show` loads them too).
    model_config = ConfigDict(extra="forbid", defer_build=True)

    path: str = Field(
        description="The Maildir folder (with cur/ and new/ in it), or a folder of Maildirs as mbsync writes them; "
        "~ is your home folder.",
        min_length=1,
    )
    folders: list[str] = Field(
        default_factory=list,
        description='Only these folders, by name: "INBOX" for the top one, "Sent" for .Sent or Sent/, '
        '"Work/Clients" or "Work.Clients" below. Empty (the default): every folder found.',
    )
    skip_folders: list[str] = Field(
        default_factory=lambda: ["Drafts", "Junk", "Spam", "Trash"],
        description="Folders never read (by full name or last part, any case): unsent drafts and spam are no touches.",
    )


class NotAMaildir(OSError):
    """The path is not a Maildir, nor a folder with Maildirs in it."""


def read(request: ReadRequest) -> Iterator:
    options = cast(MaildirOptions, request.options)  # the host builds them with `options=`
    root = Path(os.path.expanduser(options.path))
    folders = select(find_folders(root), options, root)
    since, names, known = _from_cursor(request.cursor)
    pending = sorted(_changed_files(folders, since, names, known))
    total = len(pending)
    all_names = [name for name, _ in folders]
    # The names read within MARGIN_NS below the newest time read, oldest first (the cursor's at its time).
    recent: deque[tuple[int, str]] = deque((since, n) for n in names)
    newest = since
    for done, (changed, index, relative) in enumerate(pending, start=1):
        item = _read_file(folders[index][1] / relative, request)
        newest = max(newest, changed)
        recent.append((changed, _key(relative)))
        while recent and recent[0][0] <= newest - MARGIN_NS:
            recent.popleft()
        if item is not None:
            yield item
        if done % PROGRESS_EVERY == 0:
            yield Progress(done, total)
        if done % CHECKPOINT_EVERY == 0 and done < total:
            yield Checkpoint(_cursor(all_names, newest, recent))
    if total:
        yield Progress(total, total)
    yield Checkpoint(_cursor(all_names, newest, recent))


def _from_cursor(cursor) -> tuple[int, set[str], set[str]]:
    """(newest change time read, names read just below it, folders read) of a cursor; a broken one reads all again."""
    try:
        return (
            int(cursor.get("time_ns", 0)),
            {str(n) for n in cursor.get("names", ())},
            {str(f) for f in cursor.get("folders", ())},
        )
    except (AttributeError, TypeError, ValueError):
        return 0, set(), set()


def _changed_files(folders: list[tuple[str, Path]], since: int, names: set[str], known: set[str]):
    """(change time, folder index, "cur/name") of each message file not read yet: a folder new to the cursor whole."""
    floor = since - MARGIN_NS
    for index, (name, folder) in enumerate(folders):
        whole = name not in known
        for sub in ("cur", "new"):
            where = folder / sub
            if not whole and floor > 0 and _changed(where) <= floor:
                continue  # nothing was added, renamed or removed in it since the last read
            try:
                entries = os.scandir(where)
            except OSError:
                continue
            with entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue  # the Maildir rule: dot files are not messages
                    try:
                        st = entry.stat()
                    except OSError:
                        continue  # renamed since it was listed: its new name is read next time
                    if not stat.S_ISREG(st.st_mode):
                        continue
                    changed = st.st_ctime_ns
                    if not whole and (changed <= floor or (changed <= since and _key(entry.name) in names)):
                        continue
                    yield changed, index, f"{sub}/{entry.name}"


def _read_file(path: Path, request: ReadRequest):
    # lazy for start-up: every command that runs the rules loads this plugin; only a sync reads mail
    from ._mail_headers import HEADER_TOO_LARGE, HeaderTooLarge, capture, read_header_block

    try:
        with open(path, "rb") as stream:
            header = read_header_block(stream)
    except HeaderTooLarge:
        return Skip(f"file:{_key(path.name)}", HEADER_TOO_LARGE)
    except (FileNotFoundError, NotADirectoryError):
        return None  # renamed (a flag changed) since it was listed: read under its new name next time
    except OSError as exc:
        return Skip(f"file:{_key(path.name)}", f"unreadable file: {exc.strerror or type(exc).__name__}")
    return capture(header, now=request.now)


def find_folders(root: Path) -> list[tuple[str, Path]]:
    """(name, path) of every Maildir at or below root; raises NotAMaildir when there is none."""
    if not root.is_dir():
        raise NotAMaildir(f"{root}: no such folder (expected a Maildir, with cur/ and new/ folders)")
    found: list[tuple[str, Path]] = []
    seen: set[tuple[int, int]] = set()

    def walk(folder: Path, parts: tuple[str, ...], depth: int) -> None:
        try:
            st = folder.stat()
        except OSError:
            return
        if (st.st_dev, st.st_ino) in seen:
            return  # a link back up the tree
        seen.add((st.st_dev, st.st_ino))
        if _is_maildir(folder):
            found.append(("/".join(parts) or "INBOX", folder))
        if depth >= MAX_DEPTH:
            return
        try:
            children = sorted(e.name for e in os.scandir(folder) if e.name not in ("cur", "new", "tmp") and _is_dir(e))
        except OSError:
            return
        for child in children:
            if child.startswith("."):
                if not parts and child not in (".", "..") and len(child) > 1 and _is_maildir(folder / child):
                    found.append((child[1:], folder / child))  # Maildir++: .Sent, .Work.Clients
                continue  # other dot folders: .notmuch, .git, a Maildir++ folder of a nested Maildir
            walk(folder / child, (*parts, child), depth + 1)

    walk(root, (), 0)
    if not found:
        raise NotAMaildir(f"{root}: not a Maildir: no cur/ and new/ folders in it or below it")
    return found


def select(folders: list[tuple[str, Path]], options: MaildirOptions, root: Path) -> list[tuple[str, Path]]:
    """The folders the options ask for; naming a folder that is not there is an error, not an empty sync."""

    def norm(name: str) -> str:
        return name.strip().strip("/").replace(".", "/").lower()

    by_name = {norm(name): (name, path) for name, path in folders}
    if options.folders:
        missing = [f for f in options.folders if norm(f) not in by_name]
        if missing:
            raise NotAMaildir(f"{root}: no folder {missing[0]!r} (there are: {', '.join(name for name, _ in folders)})")
        chosen = [by_name[norm(f)] for f in dict.fromkeys(options.folders)]
    else:
        chosen = list(folders)
    skip = {norm(s) for s in options.skip_folders}
    return [
        (name, path) for name, path in chosen if norm(name) not in skip and norm(name).rsplit("/", 1)[-1] not in skip
    ]


def _is_maildir(folder: Path) -> bool:
    return (folder / "cur").is_dir() and (folder / "new").is_dir()


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _changed(folder: Path) -> int:
    try:
        st = folder.stat()
    except OSError:
        return 0
    return st.st_ctime_ns


def _key(name: str) -> str:
    """A message file's unique name, without its folder ("cur/") and the flags a rename changes."""
    return _FLAGS.sub("", name.rsplit("/", 1)[-1])


def _cursor(folders: list[str], time_ns: int, recent: deque[tuple[int, str]]) -> dict:
    return {"time_ns": time_ns, "names": list(dict.fromkeys(name for _, name in recent)), "folders": sorted(folders)}


KIND = SourceKind(
    name="maildir",
    family="mail",
    summary="A Maildir folder (mbsync, offlineimap, getmail, notmuch): its messages' headers, never bodies",
    options=MaildirOptions,
    target="path",
    read=read,
)


@hookimpl
def keepwarm_source_kinds():
    return [KIND]
