"""A source kind for tests: a third-party plugin whose store is a list of items held by the test.

It goes through everything a real source does (the hook, the options model,
config.toml, the cursor, checkpoints), so the core's tests need no mail
server; the built-in kinds have their own tests against real files and servers.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from keepwarm.hosting.host import PluginHost
from keepwarm.hosting.runtime import build_runtime
from keepwarm.plugin import (
    Capture,
    Channel,
    Checkpoint,
    Outcome,
    Person,
    Progress,
    ReadRequest,
    SourceKind,
    hookimpl,
)
from keepwarm.home.settings import Settings

UTC = dt.timezone.utc
ME = "me@corp.example"


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    store: str


class ListSource:
    """Items by store name; the cursor is how many of a store's items were read (a mail folder, in short)."""

    def __init__(self) -> None:
        self.stores: dict[str, list] = {}
        self.fail_after: int | None = None
        self.complete = False
        self.reads: list[ReadRequest] = []

    @hookimpl
    def keepwarm_source_kinds(self):
        return [SourceKind("listed", "mail", "items a test holds", Options, "store", self.read)]

    def read(self, request: ReadRequest):
        self.reads.append(request)
        items = self.stores.get(request.options.store, [])
        start = 0 if self.complete else int(request.cursor.get("read", 0))
        for n, item in enumerate(items[start:], start + 1):
            if self.fail_after is not None and n > self.fail_after:
                raise ConnectionError(f"{request.options.store}: connection lost")
            yield item
            if n % 2 == 0:
                yield Progress(n, len(items))
                yield Checkpoint({"read": n})
        yield Checkpoint({"read": len(items)}, complete=self.complete)


def mail(external_id: str, at: dt.datetime, sender: str, *to: str, cc: tuple[str, ...] = (), replies_to=(),
         subject: str = "hello", names: dict | None = None) -> Capture:
    names = names or {}
    people = (Person(sender, "from", names.get(sender, "")),
              *(Person(a, "to", names.get(a, "")) for a in to),
              *(Person(a, "cc", names.get(a, "")) for a in cc))
    return Capture(external_id, at, Channel.EMAIL, people, message_id=external_id, replies_to=tuple(replies_to),
                   subject=subject)


def meeting(uid: str, at: dt.datetime, organizer: str, *attendees: tuple[str, str], sequence: int = 0,
            cancelled: bool = False) -> Capture:
    people = (Person(organizer, "organizer"), *(Person(a, "attendee", status=s) for a, s in attendees))
    return Capture(uid, at, Channel.MEETING, people, sequence=sequence,
                   outcome=Outcome.CANCELLED if cancelled else Outcome.COMPLETED, subject="Quarterly review")


def use(session, plugin: ListSource, **settings) -> None:
    """The session syncs with this plugin loaded beside the built-ins, and these settings."""
    session._config = Settings.model_validate({"me": [ME], **settings})  # me=[...] in settings replaces it
    session.__dict__.pop("settings", None)
    host = PluginHost(plugins_dir=None).load()
    host.register_for_test(plugin, "listed_source")
    session.__dict__["runtime"] = build_runtime(host=host)
