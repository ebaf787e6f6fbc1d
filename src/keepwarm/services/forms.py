"""Forms as text in, validated records (or per-field problems) out.

A form is a dict of field name -> what the user typed or picked. These
functions turn it into the same pydantic records the CLI builds, and return
each problem under the field that caused it, so a form can show it next to
that field while the user types. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from ..errors import UserError
from ..model import (
    ASSESSMENT_DIMENSIONS,
    Assessment,
    Commitment,
    Contact,
    DateKind,
    FollowUp,
    ImportantDate,
    Interaction,
    Motivation,
)
from ..model.enums import normalize_word
from ..text import dates
from ..text.controls import control_problem

#: Clocks drift; a touch logged "now" on another machine may look a little ahead (as in the CLI).
FUTURE_SLACK = dt.timedelta(minutes=5)

LIST_FIELDS = ("emails", "phones", "interests", "tags", "motivations")
TEXT_FIELDS = ("name", "account", "title", "best_time", "owner", "notes")
CHOICE_FIELDS = ("role", "style", "preferred_channel", "tier", "stage")
DATE_FIELDS = {"birthday": DateKind.BIRTHDAY, "work_anniversary": DateKind.WORK_ANNIVERSARY}


@dataclass
class Checked:
    """The result of checking a form: a record when every field is fine, else the problems by field."""

    value: object | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _split(text: str | None, sep: str = ",") -> list[str]:
    return [part.strip() for part in (text or "").split(sep) if part.strip()]


def _message(err: Mapping) -> str:
    msg = err.get("msg", "invalid")
    return msg[len("Value error, ") :] if msg.startswith("Value error, ") else msg


def _first(errors: dict[str, str], name: str, message: str) -> None:
    errors.setdefault(name, message)


# ----------------------------------------------------------------- contact


def _date_text(date: ImportantDate | None) -> str:
    """A date as the form field shows it (without the "--" of a date with no year), "" for none."""
    return date.as_text().removeprefix("--") if date else ""


def contact_to_form(contact: Contact | None) -> dict[str, object]:
    """A contact as form values: lists joined with commas, dates as text, choices as their words."""
    if contact is None:
        return {
            "name": "",
            "account": "",
            "title": "",
            "emails": "",
            "phones": "",
            "role": None,
            "style": "unknown",
            "motivations": "",
            "interests": "",
            "preferred_channel": None,
            "best_time": "",
            "do_not_contact": False,
            "birthday": "",
            "work_anniversary": "",
            "other_dates": "",
            "tier": "b",
            "stage": "active",
            "tags": "",
            "notes": "",
            "owner": "",
        }
    by_kind = {kind: next((d for d in contact.dates if d.kind == kind), None) for kind in DATE_FIELDS.values()}
    others = [d for d in contact.dates if d not in by_kind.values()]
    return {
        "name": contact.name,
        "account": contact.account or "",
        "title": contact.title,
        "emails": ", ".join(contact.emails),
        "phones": ", ".join(contact.phones),
        "role": contact.role.value if contact.role else None,
        "style": contact.style.value,
        "motivations": ", ".join(m.value for m in contact.motivations),
        "interests": ", ".join(contact.interests),
        "preferred_channel": contact.preferred_channel.value if contact.preferred_channel else None,
        "best_time": contact.best_time,
        "do_not_contact": contact.do_not_contact,
        "birthday": _date_text(by_kind[DateKind.BIRTHDAY]),
        "work_anniversary": _date_text(by_kind[DateKind.WORK_ANNIVERSARY]),
        "other_dates": "; ".join(f"{d.label or d.kind.value}={d.as_text().removeprefix('--')}" for d in others),
        "tier": contact.tier.value,
        "stage": contact.stage.value,
        "tags": ", ".join(contact.tags),
        "notes": contact.notes,
        "owner": contact.owner,
    }


def _date_from_text(kind: DateKind, text: str, label: str = "") -> ImportantDate:
    """Raises UserError with the bare problem (no field prefix): the form shows it by the field."""
    try:
        year, month, day = dates.parse_yearless(text, field=kind.value)
    except UserError as exc:
        raise UserError(exc.message.removeprefix(f"{kind.value}: ")) from None
    try:
        return ImportantDate(kind=kind, month=month, day=day, year=year, label=label)
    except ValidationError as exc:
        raise UserError("; ".join(_message(e) for e in exc.errors())) from None


def _refuse_controls(errors: dict[str, str], values: Mapping[str, object]) -> None:
    """A pasted text can carry escape sequences: the forms refuse them as the CLI's options do."""
    for name, value in values.items():
        if isinstance(value, str):
            problem = control_problem(value, multiline=name == "notes")
            if problem:
                _first(errors, name, problem)


def check_contact(values: Mapping[str, object], base: Contact | None = None) -> Checked:
    """Validate a contact form through the `Contact` model; fields the form lacks keep `base`'s values."""
    errors: dict[str, str] = {}
    _refuse_controls(errors, values)
    data: dict[str, Any] = base.model_dump() if base is not None else {}
    data.pop("dates", None)
    _plain_fields(values, data)
    if "motivations" in values:
        data["motivations"] = _motivations(data["motivations"], errors)
    data["dates"] = _dates(values, base.dates if base is not None else [], errors)
    if not str(data.get("name") or "").strip():
        _first(errors, "name", "a name is needed")
    try:
        contact = Contact.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = err.get("loc", ())
            name = str(loc[0]) if loc else "name"
            _first(errors, "other_dates" if name == "dates" else name, _message(err))
        return Checked(None, errors)
    return Checked(None, errors) if errors else Checked(contact, {})


def _plain_fields(values: Mapping[str, object], data: dict[str, object]) -> None:
    """Text, choices, the do-not-contact box and the comma-separated lists, as the form gives them."""
    for name in TEXT_FIELDS:
        if name in values:
            text = str(values[name] or "").strip() if name != "notes" else str(values[name] or "")
            data[name] = text if (text or name not in ("account",)) else None
    for name in CHOICE_FIELDS:
        if name in values:
            data[name] = values[name] or None
            if name in ("style", "tier", "stage") and data[name] is None:
                data.pop(name)
    if "do_not_contact" in values:
        data["do_not_contact"] = bool(values["do_not_contact"])
    for name in LIST_FIELDS:
        if name in values:
            data[name] = _split(str(values[name] or ""))


def _motivations(words: list, errors: dict[str, str]) -> list[str]:
    known = {m.value for m in Motivation}
    out = []
    for word in words:
        key = normalize_word(word)
        if key not in known:
            _first(
                errors,
                "motivations",
                f"{word!r} is not a motivation (expected {', '.join(m.value for m in Motivation)})",
            )
        out.append(key)
    return out


def _dates(values: Mapping[str, object], kept: list[ImportantDate], errors: dict[str, str]) -> list[ImportantDate]:
    """The two named dates, then "label=date; label=date" for the rest; a field the form lacks keeps its dates."""
    new_dates: list[ImportantDate] = []
    for name, kind in DATE_FIELDS.items():
        if name not in values:
            new_dates += [d for d in kept if d.kind == kind]
            continue
        text = str(values[name] or "").strip()
        if text:
            try:
                new_dates.append(_date_from_text(kind, text))
            except UserError as exc:
                _first(errors, name, exc.message)
    if "other_dates" not in values:
        return new_dates + [d for d in kept if d.kind not in DATE_FIELDS.values()]
    for part in _split(str(values["other_dates"] or ""), ";"):
        label, sep, when = part.rpartition("=")
        if not sep or not label.strip():
            _first(errors, "other_dates", f"{part!r} is not LABEL=DATE (expected e.g. founded=2019-05-02)")
            continue
        label = label.strip()
        kind = DateKind.ANNIVERSARY if normalize_word(label) == DateKind.ANNIVERSARY.value else DateKind.CUSTOM
        try:
            new_dates.append(_date_from_text(kind, when, "" if kind == DateKind.ANNIVERSARY else label))
        except UserError as exc:
            _first(errors, "other_dates", exc.message)
    return new_dates


# ----------------------------------------------------------------- touches


def check_touch(values: Mapping[str, Any], now: dt.datetime, tz: ZoneInfo) -> Checked:
    """Validate a log form; the value is the keyword arguments for `actions.log_interactions`.

    `contact_ids` must already be resolved (a list of ints); `when` is typed
    text (`now`, `yesterday 15:00`); sentiment and response hours are text too.
    """
    errors: dict[str, str] = {}
    _refuse_controls(errors, values)
    ids = [int(i) for i in values.get("contact_ids") or ()]
    if not ids:
        errors["contacts"] = "at least one contact is needed"
    fields: dict[str, object] = {}
    _moment(values, now, tz, fields, errors)
    for name in ("channel", "direction", "purpose", "outcome"):
        if values.get(name):
            fields[name] = values[name]
        elif name == "channel":
            errors["channel"] = "pick how you were in touch"
    _numbers(values, fields, errors)
    fields["notes"] = str(values.get("notes") or "")
    try:
        Interaction(contact_id=ids[0] if ids else 0, **fields)
    except ValidationError as exc:
        for err in exc.errors():
            loc = err.get("loc", ())
            _first(errors, str(loc[0]) if loc else "notes", _message(err))
    if errors:
        return Checked(None, errors)
    return Checked({"contact_ids": ids, **fields}, {})


def _moment(values: Mapping[str, object], now: dt.datetime, tz: ZoneInfo, fields: dict, errors: dict) -> None:
    """When it happened, as typed (`now`, `yesterday 15:00`): not in the future."""
    when = str(values.get("when") or "now").strip() or "now"
    try:
        at = dates.parse_moment(when, now, tz, field="when")
        if at > now + FUTURE_SLACK:
            errors["when"] = f"{when!r} is in the future (log what happened)"
        fields["at"] = at
    except UserError as exc:
        errors["when"] = exc.message.removeprefix("when: ")


def _numbers(values: Mapping[str, object], fields: dict, errors: dict) -> None:
    """The mood, whether they answered, and in how many hours, typed as text."""
    sentiment = str(values.get("sentiment") or "").strip()
    if sentiment:
        try:
            fields["sentiment"] = int(sentiment)
        except ValueError:
            errors["sentiment"] = f"{sentiment!r} is not a whole number (expected -2 to 2)"
    responded = values.get("responded")
    if responded not in (None, ""):
        fields["responded"] = responded in (True, "yes", "true")
    hours = str(values.get("response_hours") or "").strip()
    if hours:
        try:
            fields["response_hours"] = float(hours)
        except ValueError:
            errors["response_hours"] = f"{hours!r} is not a number of hours"


# ------------------------------------------------------------------ snooze


def snooze_examples(today: dt.date, last: str = ", ") -> str:
    """Ways to type a snooze date, the full date among them two weeks after `today` (a fixed one goes stale)."""
    return f"+3d, +1w, friday{last}{(today + dt.timedelta(days=14)).isoformat()}"


def check_snooze(text: str, today: dt.date) -> Checked:
    """A day after today, typed the everyday way (`+1w`, `friday`, `2026-12-01`)."""
    raw = (text or "").strip()
    if not raw:
        return Checked(None, {"until": f"empty (expected a date such as {snooze_examples(today, ' or ')})"})
    try:
        day = dates.parse_day(raw, today, field="until")
    except UserError as exc:
        return Checked(None, {"until": exc.message.removeprefix("until: ")})
    if day <= today:
        return Checked(None, {"until": f"{day.isoformat()} is not after today (expected a future date)"})
    return Checked(day, {})


# ------------------------------------------------- a person's rhythm and snooze
# An empty answer clears: the app's dialog has no --clear; Checked(None) with no errors means "clear".


def check_rhythm(text: str) -> Checked:
    """A person's own rhythm ("every 3 weeks") in days, as `keepwarm contact rhythm` reads it; empty clears it."""
    from ..text.rhythms import parse_rhythm  # lazy for start-up: only the rhythm dialog reads one

    if not (text or "").strip():
        return Checked(None, {})
    try:
        return Checked(parse_rhythm(text), {})
    except UserError as exc:
        return Checked(None, {"rhythm": exc.message.removeprefix("rhythm: ")})


def check_contact_snooze(text: str, today: dt.date) -> Checked:
    """The day a person's snooze ends, as `keepwarm contact snooze` reads it; empty wakes them."""
    from ..text.rhythms import parse_snooze  # lazy for start-up: only the snooze dialog reads one

    if not (text or "").strip():
        return Checked(None, {})
    try:
        return Checked(parse_snooze(text, today), {})
    except UserError as exc:
        return Checked(None, {"until": exc.message.removeprefix("snooze: ")})


# ----------------------------------------------------------------- promise


def promise_to_form(promise: Commitment | None) -> dict[str, Any]:
    if promise is None:
        return {"text": "", "by": "me", "due": ""}
    return {"text": promise.text, "by": promise.by.value, "due": promise.due.isoformat() if promise.due else ""}


def check_promise(values: Mapping[str, object], contact_id: int, today: dt.date) -> Checked:
    """A promise form (what, who promised, when) as the Commitment `keepwarm promise add` stores."""
    errors: dict[str, str] = {}
    text = " ".join(str(values.get("text") or "").split())
    if not text:
        errors["text"] = "say what was promised"
    due = None
    raw = str(values.get("due") or "").strip()
    if raw:
        try:
            due = dates.parse_day(raw, today, field="due")
        except UserError as exc:
            errors["due"] = exc.message.removeprefix("due: ")
    try:
        value = Commitment(contact_id=contact_id, text=text or "-", by=values.get("by") or "me", due=due)
    except ValidationError as exc:
        for err in exc.errors():
            loc = err.get("loc", ())
            _first(errors, str(loc[0]) if loc else "text", _message(err))
        value = None
    if errors:
        return Checked(None, errors)
    return Checked(value, {})


# ---------------------------------------------------------------- follow-up


def followup_to_form() -> dict[str, Any]:
    return {"reason": "", "due": "", "channel": None, "action": ""}


def check_followup(values: Mapping[str, object], contact_id: int, now: dt.datetime, tz: ZoneInfo) -> Checked:
    """A follow-up form (why, when, how, what to do) as the FollowUp `keepwarm followup add` stores.

    The due date is the CLI's `--due` text, read by the same `dates.parse_when`
    (a time of day too); left empty it is the CLI's default, today.
    """
    errors: dict[str, str] = {}
    _refuse_controls(errors, values)
    reason = str(values.get("reason") or "").strip()
    if not reason:
        _first(errors, "reason", "say why you will get in touch")
    day, time = None, None
    try:
        day, time = dates.parse_when(str(values.get("due") or "").strip() or "today", now, tz, field="due")
    except UserError as exc:
        _first(errors, "due", exc.message.removeprefix("due: "))
    fields = {"channel": values.get("channel") or None, "action": str(values.get("action") or "").strip()}
    try:
        value = FollowUp(contact_id=contact_id, due=day or now.date(), due_time=time, reason=reason or "-", **fields)
    except ValidationError as exc:
        for err in exc.errors():
            loc = err.get("loc", ())
            _first(errors, str(loc[0]) if loc else "reason", _message(err))
        value = None
    return Checked(None, errors) if errors else Checked(value, {})


# --------------------------------------------------------------- assessment


def assessment_to_form() -> dict[str, Any]:
    return {**{name: "" for name in ASSESSMENT_DIMENSIONS}, "on": "", "note": ""}


def check_assessment(values: Mapping[str, object], contact_id: int, today: dt.date) -> Checked:
    """An assessment form (the six ratings typed 1-5, the day, a note) as the Assessment `keepwarm assess` stores.

    The day is the CLI's `--on` text (`dates.parse_day`), today when left empty.
    """
    errors: dict[str, str] = {}
    _refuse_controls(errors, values)
    ratings: dict[str, int] = {}
    for name in ASSESSMENT_DIMENSIONS:
        raw = str(values.get(name) or "").strip()
        if not raw:
            _first(errors, name, "rate it from 1 to 5")
        elif not raw.isdecimal() or not 1 <= int(raw) <= 5:
            _first(errors, name, f"{raw!r} is not a rating from 1 to 5")
        else:
            ratings[name] = int(raw)
    on = today
    try:
        on = dates.parse_day(str(values.get("on") or "").strip() or "today", today, field="on")
    except UserError as exc:
        _first(errors, "on", exc.message.removeprefix("on: "))
    if errors:
        return Checked(None, errors)
    try:
        value = Assessment(contact_id=contact_id, on=on, note=str(values.get("note") or "").strip(), **ratings)
    except ValidationError as exc:
        for err in exc.errors():
            loc = err.get("loc", ())
            _first(errors, str(loc[0]) if loc else "note", _message(err))
        return Checked(None, errors)
    return Checked(value, {})
