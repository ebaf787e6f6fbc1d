"""Hostile input: arbitrary text into every parser a user can reach.

Each property: a correct result or a clean UserError (one line), never another
exception; and where the parser feeds a write, a refused input writes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import string
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import tomli_w
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from keepwarm.text import dates
from keepwarm.calendar import description
from keepwarm.calendar.components import build_calendar
from keepwarm.calendar.entries import Entry
from keepwarm.calendar.serialize import to_bytes
from keepwarm.errors import UserError
from keepwarm.hosting.host import PluginHost
from keepwarm.io import backup_lines, csv_import, imports, interactions_import, restore, vcard_import
from keepwarm.io.backup import collect, dumps, export_json
from keepwarm.rules import loading as rules
from keepwarm.rules.core import CORE_SECTIONS
from keepwarm.store import Store

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)
TZ = ZoneInfo("Europe/Berlin")
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

#: Text as users and files produce it: any character, with the ones parsers care about made likely.
SPECIAL = st.sampled_from(list(",;:=\\\"'\n\r\t[]{}#.-+ ") + ["BEGIN:VCARD", "END:VCARD", "\r\n", "=\r\n", "\x00", "\u2028"])
hostile = st.lists(st.one_of(st.text(max_size=8), SPECIAL), max_size=25).map("".join)


def one_line(message: str) -> bool:
    return "\n" not in message and "Traceback" not in message and bool(message.strip())


# ------------------------------------------------------------------ dates


@FAST
@given(hostile)
def test_dates_parse_or_say_what_was_expected(text):
    today = NOW.date()
    for parse in (
        lambda: dates.parse_day(text, today),
        lambda: dates.parse_when(text, NOW, TZ),
        lambda: dates.parse_moment(text, NOW, TZ),
        lambda: dates.parse_yearless(text),
    ):
        try:
            result = parse()
        except UserError as exc:
            assert one_line(exc.message)
        else:
            assert isinstance(result, (dt.date, tuple))


@FAST
@given(st.integers(-10**6, 10**6), st.sampled_from(["d", "w", "m", "y", " days", " weeks", " months", " years"]))
def test_relative_dates_far_away_are_refused_not_crashed(n, unit):
    for text in (f"+{n}{unit}", f"in {abs(n)}{unit}", f"{abs(n)}{unit} ago"):
        try:
            dates.parse_when(text, NOW, TZ)
        except UserError as exc:
            assert one_line(exc.message)


# ------------------------------------------------------------------ rule files


@pytest.fixture(scope="module")
def rule_models():
    host = PluginHost(safe_mode=True, plugins_dir=None).load()
    return {**CORE_SECTIONS, **host.section_models()}


toml_scalar = st.one_of(st.integers(-10**20, 10**20), st.floats(allow_nan=True), st.booleans(), st.text(max_size=10),
                        st.dates())


@SLOW
@given(st.one_of(hostile, st.builds(
    lambda section, key, value: tomli_w.dumps({section: {key: value}}),
    st.sampled_from(["engine", "health", "cadence_interval", "cadence_occasions", "promise_due", "warn_replies", "x"]),
    st.sampled_from(["enabled", "tier_days", "lead_days", "weights", "nope", "a.b"]),
    st.one_of(toml_scalar, st.lists(toml_scalar, max_size=3), st.dictionaries(st.text(max_size=5), toml_scalar, max_size=3)),
)))
def test_any_rule_file_yields_problems_with_file_and_never_raises(tmp_path_factory, rule_models, text):
    folder = tmp_path_factory.mktemp("rules")
    path = folder / "mine.toml"
    path.write_bytes(text.encode("utf-8", "replace"))
    raw = rules.load_raw(folder, None)
    ruleset = rules.validate(raw, rule_models)
    for problem in ruleset.problems:
        assert problem.file and one_line(str(problem))
    # Every section is either validated or reported broken (its plugin is then disabled).
    assert set(ruleset.sections) | ruleset.broken == set(rule_models)
    assert all(any(p.key.split(".")[0] == name for p in ruleset.problems) for name in ruleset.broken)


# ------------------------------------------------------------------ vCard


vcard_lines = st.lists(st.one_of(
    hostile,
    st.sampled_from(["VERSION:2.1", "VERSION:3.0", "VERSION:4.0", "FN:", "N:;;;;", "BDAY:", "BDAY:--0230",
                     "EMAIL;TYPE=INTERNET:", "NOTE;ENCODING=QUOTED-PRINTABLE:=C3=", "X-KEEPWARM-TIER:",
                     "X-KEEPWARM-DATE:", "CATEGORIES:", "ORG:", "ADR:;;", "PHOTO;ENCODING=b:", "item1.X-ABDATE:"]),
    st.builds(lambda p, v: f"{p}:{v}", st.sampled_from(["FN", "NOTE", "BDAY", "ANNIVERSARY", "EMAIL", "TEL", "ORG",
                                                          "X-KEEPWARM-STYLE", "X-KEEPWARM-DO-NOT-CONTACT", "TITLE"]),
              hostile),
), max_size=12)


def _vcard(lines: list[str]) -> str:
    return "BEGIN:VCARD\r\n" + "\r\n".join(lines) + "\r\nEND:VCARD\r\n"


@FAST
@given(st.one_of(hostile, vcard_lines.map(_vcard)))
def test_vcard_reading_reports_problems_per_card_and_never_raises(text):
    for item in vcard_import.read(text, "contacts.vcf"):
        assert item.problem is None or one_line(item.problem)


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "keepwarm.db")
    yield s
    s.close()


def _snapshot(store):
    with store.read() as conn:
        return collect(conn)


def _all_or_nothing(store, call):
    before = _snapshot(store)
    try:
        call()
    except UserError as exc:
        assert one_line(exc.message)
        assert _snapshot(store) == before  # a refused import writes nothing
        return False
    return True


@SLOW
@given(st.lists(vcard_lines.map(_vcard), min_size=1, max_size=3).map("".join))
def test_importing_any_vcard_lands_whole_or_not_at_all(tmp_path_factory, store, text):
    path = tmp_path_factory.mktemp("in") / "contacts.vcf"
    path.write_bytes(text.encode("utf-8", "replace"))
    _all_or_nothing(store, lambda: imports.import_vcards(store, [path], NOW))


@FAST
@given(st.lists(st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=12), min_size=1, max_size=5),
       st.sampled_from(["NOTE", "TITLE", "FN"]))
def test_vcard_text_with_commas_and_semicolons_is_kept_whole(words, prop):
    value = ", ".join(w.strip() or "x" for w in words) + "; end"
    name = "" if prop == "FN" else "FN:Someone\r\n"
    card = f"BEGIN:VCARD\r\nVERSION:3.0\r\n{name}{prop}:{value}\r\nEND:VCARD\r\n"
    [item] = vcard_import.read(card, "f.vcf")
    key = {"NOTE": "notes", "TITLE": "title", "FN": "name"}[prop]
    assert item.fields[key] == value


# ------------------------------------------------------------------ CSV


csv_text = st.one_of(hostile, st.builds(
    lambda header, rows: "\n".join([header, *rows]),
    st.sampled_from(["Name,E-mail 1 - Value,Birthday,Notes", "First Name,Last Name,E-mail Address,Company",
                     "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
                     "date,contact,channel,direction,sentiment,notes", "Name;Email;Tags", "\ufeffName\tEmail"]),
    st.lists(hostile, max_size=5),
))


@FAST
@given(csv_text)
def test_csv_reading_never_raises_anything_but_a_user_error(text):
    for read in (lambda: csv_import.read(text, "c.csv"),
                 lambda: list(interactions_import.read(text, "i.csv", NOW, TZ).touches())):
        try:
            read()
        except UserError as exc:
            assert one_line(exc.message)


@SLOW
@given(csv_text)
def test_importing_any_csv_lands_whole_or_not_at_all(tmp_path_factory, store, text):
    path = tmp_path_factory.mktemp("in") / "data.csv"
    path.write_bytes(text.encode("utf-8", "replace"))
    _all_or_nothing(store, lambda: imports.import_contacts_csv(store, path, NOW))
    _all_or_nothing(store, lambda: imports.import_interactions(store, path, NOW, TZ))


# ------------------------------------------------------------------ JSON restore


json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=False), hostile),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(hostile, inner, max_size=3)),
    max_leaves=12,
)
SECTIONS = ["accounts", "contacts", "interactions", "promises", "followups", "assessments", "rules"]


def _backup(mutations: dict) -> dict:
    base = {"format": "keepwarm-backup", "version": 1, "accounts": [], "contacts": [], "interactions": [],
            "promises": [], "followups": [], "assessments": [], "rules": {}}
    return {**base, **mutations}


@FAST
@given(st.one_of(json_value, st.dictionaries(st.sampled_from(SECTIONS + ["format", "version", "anchor"]), json_value,
                                              max_size=3).map(_backup)))
def test_restore_validates_any_json_with_a_clean_message(data):
    try:
        restore.parse(data, "backup.json")
    except UserError as exc:
        assert one_line(exc.message)


@SLOW
@given(st.one_of(hostile, st.dictionaries(st.sampled_from(SECTIONS), json_value, max_size=2).map(
    lambda d: json.dumps(_backup(d)))))
def test_restoring_any_file_lands_whole_or_not_at_all(tmp_path_factory, home, text):
    folder = tmp_path_factory.mktemp("restore")
    path = folder / "backup.json"
    path.write_bytes(text.encode("utf-8", "replace"))
    with Store.open(folder / "keepwarm.db") as store:
        _all_or_nothing(store, lambda: restore.restore(store, path))


@SLOW
@given(st.dictionaries(st.sampled_from(SECTIONS + ["anchor", "x"]), json_value, max_size=3).map(_backup))
def test_restoring_any_backup_in_our_layout_lands_whole_or_not_at_all(tmp_path_factory, home, data):
    """The same values written one record per line, as `keepwarm export json` does: the streamed reader."""
    folder = tmp_path_factory.mktemp("restore")
    path = folder / "backup.json"
    path.write_text(dumps(data), encoding="utf-8")
    backup_lines.scan(path)  # our layout, so the streamed reader is the one taking it
    with Store.open(folder / "keepwarm.db") as store:
        _all_or_nothing(store, lambda: restore.restore(store, path))


@SLOW
@given(st.lists(st.tuples(st.integers(0, 400), st.sampled_from(["drop", "twice", "cut", "swap", "hostile"]), hostile),
                min_size=1, max_size=3))
def test_a_damaged_export_lands_whole_or_not_at_all(tmp_path_factory, home, damage):
    """Lines of a real export dropped, repeated, cut short, swapped or replaced: refused cleanly, or restored."""
    lines = _real_export().split("\n")
    for at, how, text in damage:
        at %= len(lines)
        if how == "drop":
            del lines[at]
        elif how == "twice":
            lines.insert(at, lines[at])
        elif how == "cut":
            lines[at] = lines[at][: len(lines[at]) // 2]
        elif how == "swap":
            lines[at], lines[-1 - at] = lines[-1 - at], lines[at]
        else:
            lines[at] = text
    folder = tmp_path_factory.mktemp("restore")
    path = folder / "backup.json"
    path.write_text("\n".join(lines), encoding="utf-8", errors="replace")
    with Store.open(folder / "keepwarm.db") as store:
        _all_or_nothing(store, lambda: restore.restore(store, path))


@functools.cache
def _real_export() -> str:
    import tempfile

    from keepwarm.io import demo

    with tempfile.TemporaryDirectory() as folder:
        with Store.open(Path(folder) / "demo.db") as store:
            demo.load_demo(store, NOW.date(), NOW)
            return export_json(store)


# ------------------------------------------------------------------ .ics export


ics_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)


def _parsed_back(entry: Entry) -> icalendar.cal.Component:
    data = to_bytes(build_calendar([entry], stamp=NOW, tz=TZ, name="keepwarm", prodid="-//keepwarm//test//EN"))
    [event] = [c for c in icalendar.Calendar.from_ical(data).walk() if c.name == "VEVENT"]
    return event


@FAST
@given(name=ics_text, reason=ics_text, notes=ics_text)
def test_any_name_reason_and_note_go_into_the_ics_and_parse_back_the_same(name, reason, notes):
    assume(name.strip())
    from keepwarm.model import Contact, FollowUp

    contact = Contact(id=1, name=name, notes=notes)
    followup = FollowUp(id=1, contact_id=1, due=NOW.date(), reason=reason or "x", source="manual", rule_key="manual")
    title = description.summary(followup, contact)
    body = description.clean(f"{reason}\n\n{notes}")
    event = _parsed_back(Entry(uid="kw-1@keepwarm", kind="VEVENT", summary=title, start=NOW.date(), description=body))
    assert str(event["SUMMARY"]) == title
    assert str(event.get("DESCRIPTION", "")) == body
