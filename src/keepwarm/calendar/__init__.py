"""Follow-ups in the user's calendar: iCalendar files and CalDAV publishing.

`export` decides what goes in and renders it; `events` and `description` turn
follow-ups and dates into `entries.Entry` values; `components` and
`serialize` write them with `ics` (plus `folding`, which `ics` lacks);
`state` remembers what each file target received, so that later exports
cancel what is gone; `caldav_publish` mirrors the same entries on a server.
"""
