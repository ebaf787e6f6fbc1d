"""The read every calendar source shares: the whole store each sync, or nothing when it has not changed.

A calendar has no "new since last time" (an event can be edited or deleted
anywhere in it), so each source reads every event and ends with
`Checkpoint(cursor, complete=True)`: the core then drops the earlier captures
not seen again. The cursor holds what says the store is unchanged (a file's
mtime and size, a digest of a folder's, a CalDAV sync-token) with the window's
dates: when both match, the reader yields only that cursor and nothing is read
or removed.

A read that met something it could not read (a broken file, a broken event)
is not complete: keepwarm cannot tell which events that text held, so none of
the earlier captures is removed, and the store is read again next time so
the skip stays in the summary until the file is mended.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from keepwarm.plugin import Capture, Checkpoint, Progress, ReadRequest, Skip

if TYPE_CHECKING:
    from ._calendar_events import Window

PROGRESS_EVERY = 500
CHECKPOINT_EVERY = 1000


class CalendarSourceError(RuntimeError):
    """The store cannot be read at all (a missing path, a refused login): one line saying where and what to do."""


class CalendarOptions(BaseModel):
    """What every calendar source accepts besides where its store is."""

    # Built when a source of this kind is checked, not when the plugins load (`contact show` loads them too).
    model_config = ConfigDict(extra="forbid", defer_build=True)

    timezone: str = Field(
        "",
        description="IANA zone (Europe/Berlin) of times written without one and of all-day events, when the "
        "calendar does not name its own (X-WR-TIMEZONE); empty means UTC.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from ._calendar_events import zone_named  # lazy for start-up: the events are read by a sync only

        value = value.strip()
        if value and zone_named(value) is None:
            raise ValueError(f"unknown time zone {value!r} (expected an IANA name such as Europe/Berlin)")
        return value


def window_of(request: ReadRequest) -> Window:
    from ._calendar_events import UTC, Window, zone_named  # lazy for start-up (see read_whole)

    zone = zone_named(getattr(request.options, "timezone", "")) or UTC
    return Window(request.since, request.until, zone)


def cursor_for(request: ReadRequest, state: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The cursor this read ends with: the store's state and the window's dates; None if the state is unknown."""
    if state is None:
        return None
    return {**state, "since": request.since.date().isoformat(), "until": request.until.date().isoformat()}


def read_whole(
    request: ReadRequest,
    state: Mapping[str, Any] | None,
    texts: Callable[[], Iterable[tuple[str, Callable[[], bytes | str]]]],
    total: int | None = None,
) -> Iterator[Any]:
    """Everything the calendar texts hold in the window, then the closing checkpoint.

    `state` says what the store is now (None: the store cannot tell, read it
    every time). `texts` gives (origin, load) pairs, origin naming the file or
    object in skips; it is called only when the store changed. A `load` may
    raise OSError: that text is skipped as unreadable. Progress counts texts
    out of `total` when the number of texts is known (a folder, a CalDAV
    calendar: one event each), else events.
    """
    # lazy for start-up: every command that runs the rules loads this plugin; only a sync reads a calendar
    from ._calendar_events import read_calendar

    cursor = cursor_for(request, state)
    if cursor is not None and dict(request.cursor) == cursor:
        yield Checkpoint(dict(request.cursor))
        return
    window = window_of(request)
    seen: set[str] = set()
    done = captured = 0
    broken = False
    for origin, load in texts():
        try:
            data = load()
        except OSError as exc:
            broken = True
            yield Skip(origin, f"unreadable calendar file: {exc.strerror or type(exc).__name__}")
            continue
        for found in read_calendar(data, origin, window):
            if total is None:
                done += 1
                if done % PROGRESS_EVERY == 0:
                    yield Progress(done, None)
            for item in found:
                if isinstance(item, Skip):
                    broken = True
                    yield item
                elif isinstance(item, Capture) and item.external_id not in seen:
                    seen.add(item.external_id)
                    yield item
                    captured += 1
                    if captured % CHECKPOINT_EVERY == 0:
                        # Not the new cursor: a read stopped after this is not finished and must be redone.
                        yield Checkpoint(dict(request.cursor))
        if total is not None:
            done += 1
            if done % PROGRESS_EVERY == 0:
                yield Progress(done, total)
    yield Progress(done, done if total is None else total)
    if broken:
        yield Checkpoint(dict(request.cursor))
    else:
        yield Checkpoint(cursor or {}, complete=True)
