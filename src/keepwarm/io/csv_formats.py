"""The contact exports keepwarm recognises by their headers, and the generic mapping.

Each reader turns one row into a contact record through a `Builder`, which
keeps track of the column each value came from so that a bad value is
reported as `line 12, E-mail 1 - Value: ...`. A value that cannot be right
(an email without an @, such as LinkedIn's `urn:li:member:...`, a date that is
not one) is left out of its record with a warning that names the line and the
column; the rest of the row is imported. A row that tells nothing about who
it is (no name, email, phone or profile URL) is skipped and reported, without
stopping the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import DateKind
from ..model.entities import email_problem
from ..model.enums import normalize_word
from ..text.controls import fold
from ..text.wording import cut
from . import datefmt
from .contacts_apply import Incoming, profile_key
from .report import Where
from .tabular import Row, by_fold, iter_values


@dataclass
class Builder:
    """Collects one record's fields; a cell that is empty says nothing and keeps the stored value."""

    fields: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    kinds: set = field(default_factory=set)
    uid: str | None = None
    warnings: list = field(default_factory=list)
    others: list = field(default_factory=list)  # columns with a value this reader does not import

    def text(self, key: str, value: str, source: str) -> None:
        value = value.strip()
        if value and key not in self.fields:
            self.fields[key], self.sources[key] = value, source

    def word(self, key: str, value: str, source: str) -> None:
        if value.strip():
            self.text(key, normalize_word(value), source)

    def items(self, key: str, values, source: str) -> None:
        found = [v.strip() for v in values if v and v.strip()]
        if key == "emails":
            for value in list(found):
                problem = email_problem(value)
                if problem:
                    self.warnings.append(f"{source}: {problem}; left out")
                    found.remove(value)
        if found:
            self.fields.setdefault(key, []).extend(found)
            self.sources.setdefault(key, source)

    def flag(self, key: str, value: str, source: str) -> None:
        word = value.strip().lower()
        if not word:
            return
        if word not in ("true", "yes", "y", "1", "x", "false", "no", "n", "0"):
            raise ValueError(f"{source}: {value.strip()!r} is not yes or no")
        self.fields[key], self.sources[key] = word in ("true", "yes", "y", "1", "x"), source

    def date(self, kind: DateKind, value: str, source: str, label: str = "") -> None:
        try:
            parsed = datefmt.parse(value)
        except ValueError as exc:
            self.warnings.append(f"{source}: {exc}; left out")
            return
        if parsed is None:
            return
        year, month, day = parsed
        self.fields.setdefault("dates", []).append(
            {"kind": kind.value, "month": month, "day": day, "year": year, "label": label}
        )
        self.sources.setdefault("dates", source)
        self.kinds.add(kind.value)

    def name_from(self, parts: list[str], source: str) -> None:
        joined = " ".join(p.strip() for p in parts if p and p.strip())
        self.text("name", joined, source)

    def note(self, source: str) -> None:
        """A column with a value that this reader does not import (named when the row is skipped)."""
        if source and source not in self.others:
            self.others.append(source)

    def finish(self, where: Where) -> Incoming:
        item = Incoming(where=where, fields=self.fields, uid=self.uid, sources=self.sources, warnings=self.warnings)
        item.date_kinds = frozenset(self.kinds)
        if not self.fields.get("name"):
            # Named after what identifies the person best, so a row without a name is not lost.
            emails = self.fields.get("emails") or []
            phones = self.fields.get("phones") or []
            profiles = [u for u in self.fields.get("urls") or [] if profile_key(u)]
            if emails:
                self.fields["name"], self.sources["name"] = emails[0], self.sources.get("emails", "email")
            elif phones or profiles:
                key = "phones" if phones else "urls"
                self.fields["name"], self.sources["name"] = (phones or profiles)[0], self.sources.get(key, key)
                self.warnings.append(
                    f"no name: named after its {'phone' if phones else 'profile URL'} (rename it in keepwarm)"
                )
            else:
                given = [self.sources[k] for k in self.fields if k in self.sources] + self.others
                item.problem = "nothing tells who this is (expected a name, an email, a phone or a profile URL)"
                if given:
                    item.problem += "; not imported: " + ", ".join(dict.fromkeys(given))
                item.invalid = False
        return item


Reader = Callable[[Row, dict[str, str], Builder], None]


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    recognise: Callable[[set[str]], bool]
    read: Reader


def _numbered(cols: dict[str, str], pattern: str) -> list[str]:
    """Columns like 'E-mail 2 - Value' in their number order."""
    rx = re.compile(pattern)
    found = []
    for folded, column in cols.items():
        m = rx.fullmatch(folded)
        if m:
            found.append((int(m.group(1)), column))
    return [column for _, column in sorted(found)]


def _cell(row: Row, cols: dict[str, str], *names: str) -> tuple[str, str]:
    for name in names:
        column = cols.get(fold(name))
        if column and row.get(column):
            return row.get(column), column
    return "", ""


def _one_line(text: str) -> str:
    return ", ".join(part.strip() for part in re.split(r"\r\n|\r|\n", text) if part.strip())


# ------------------------------------------------------------------ Google


def _google_recognise(names: set[str]) -> bool:
    has_email = any(re.fullmatch(r"e-mail \d+ - value", n) for n in names)
    return has_email and ("labels" in names or "group membership" in names)


def _google(row: Row, cols: dict[str, str], b: Builder) -> None:
    full, column = _cell(row, cols, "Name")
    if full:
        b.text("name", full, column)
    else:
        parts = [
            _cell(row, cols, "First Name", "Given Name")[0],
            _cell(row, cols, "Middle Name", "Additional Name")[0],
            _cell(row, cols, "Last Name", "Family Name")[0],
        ]
        b.name_from(parts, cols.get("first name") or cols.get("given name") or "First Name")
    for key, names in (
        ("account", ("Organization Name", "Organization 1 - Name")),
        ("title", ("Organization Title", "Organization 1 - Title")),
        ("notes", ("Notes",)),
    ):
        value, column = _cell(row, cols, *names)
        b.text(key, value if key != "notes" else value.replace("\r\n", "\n"), column)
    for key, pattern in (
        ("emails", r"e-mail (\d+) - value"),
        ("phones", r"phone (\d+) - value"),
        ("urls", r"website (\d+) - value"),
    ):
        for column in _numbered(cols, pattern):
            b.items(key, iter_values(row.get(column), ""), column)
    for number_column in _numbered(cols, r"address (\d+) - formatted"):
        b.items("addresses", [_one_line(v) for v in row.get(number_column).split(":::")], number_column)
    if "addresses" not in b.fields:
        for street in _numbered(cols, r"address (\d+) - street"):
            prefix = street[: -len("Street")]
            parts = [
                row.get(cols.get(fold(prefix + p), "")) for p in ("Street", "City", "Region", "Postal Code", "Country")
            ]
            b.items("addresses", [", ".join(_one_line(p) for p in parts if p)], street)
    birthday, column = _cell(row, cols, "Birthday")
    b.date(DateKind.BIRTHDAY, birthday, column or "Birthday")
    for value_column in _numbered(cols, r"event (\d+) - value"):
        prefix = value_column[: -len("Value")]
        label = row.get(cols.get(fold(prefix + "Label"), "") or cols.get(fold(prefix + "Type"), ""))
        label = label.strip().lstrip("* ").strip()
        kind = DateKind.ANNIVERSARY if label.lower() == "anniversary" else DateKind.CUSTOM
        b.date(kind, row.get(value_column), value_column, "" if kind == DateKind.ANNIVERSARY else label)
    labels, column = _cell(row, cols, "Labels", "Group Membership")
    tags = []
    for value in labels.split(":::"):
        value = value.strip()
        if value.startswith("*"):
            value = value.lstrip("* ").strip()
            if value.lower() == "mycontacts":
                continue
        if value:
            tags.append(value)
    b.items("tags", tags, column)


# ------------------------------------------------------------------ Outlook

OUTLOOK_PHONES = (
    "Mobile Phone",
    "Business Phone",
    "Business Phone 2",
    "Home Phone",
    "Home Phone 2",
    "Primary Phone",
    "Other Phone",
    "Company Main Telephone",
)


def _outlook_recognise(names: set[str]) -> bool:
    return {"first name", "last name", "e-mail address", "business phone"} <= names


def _outlook(row: Row, cols: dict[str, str], b: Builder) -> None:
    parts = [_cell(row, cols, n)[0] for n in ("First Name", "Middle Name", "Last Name")]
    b.name_from(parts, cols.get("first name", "First Name"))
    for key, name in (("account", "Company"), ("title", "Job Title"), ("notes", "Notes")):
        value, column = _cell(row, cols, name)
        b.text(key, value.replace("\r\n", "\n"), column)
    for name in ("E-mail Address", "E-mail 2 Address", "E-mail 3 Address"):
        value, column = _cell(row, cols, name)
        b.items("emails", [value], column)
    for name in OUTLOOK_PHONES:
        value, column = _cell(row, cols, name)
        b.items("phones", [value], column)
    for kind in ("Business", "Home", "Other"):
        parts = [
            _cell(row, cols, f"{kind} {p}")[0]
            for p in ("Street", "Street 2", "Street 3", "City", "State", "Postal Code", "Country/Region", "Country")
        ]
        address = ", ".join(_one_line(p) for p in parts if p)
        b.items("addresses", [address], cols.get(fold(f"{kind} Street"), f"{kind} Street"))
    for name in ("Web Page", "Personal Web Page"):
        value, column = _cell(row, cols, name)
        b.items("urls", [value], column)
    value, column = _cell(row, cols, "Birthday")
    b.date(DateKind.BIRTHDAY, value, column)
    value, column = _cell(row, cols, "Anniversary")
    b.date(DateKind.ANNIVERSARY, value, column)
    value, column = _cell(row, cols, "Categories")
    b.items("tags", iter_values(value), column)
    value, column = _cell(row, cols, "Hobby")
    b.items("interests", iter_values(value), column)


# ----------------------------------------------------------------- LinkedIn


def _linkedin_recognise(names: set[str]) -> bool:
    return {"first name", "last name", "connected on"} <= names


def _linkedin(row: Row, cols: dict[str, str], b: Builder) -> None:
    parts = [_cell(row, cols, n)[0] for n in ("First Name", "Last Name")]
    b.name_from(parts, cols.get("first name", "First Name"))
    for key, name in (("account", "Company"), ("title", "Position")):
        value, column = _cell(row, cols, name)
        b.text(key, value, column)
    value, column = _cell(row, cols, "Email Address")
    b.items("emails", [value], column)
    value, column = _cell(row, cols, "URL")
    b.items("urls", [value], column)
    value, column = _cell(row, cols, "Connected On")
    if value:
        b.note(column)


FORMATS = (
    Format("google", "Google Contacts CSV", _google_recognise, _google),
    Format("outlook", "Outlook CSV", _outlook_recognise, _outlook),
    Format("linkedin", "LinkedIn Connections CSV", _linkedin_recognise, _linkedin),
)


def recognise(header: list[str]) -> Format | None:
    names = set(by_fold(header))
    return next((f for f in FORMATS if f.recognise(names)), None)


# ------------------------------------------------------------------ generic

#: Words a --map may name (and header names the generic reader recognises on its own).
FIELDS: dict[str, str] = {
    "name": "name",
    "full_name": "name",
    "display_name": "name",
    "first_name": "first_name",
    "given_name": "first_name",
    "middle_name": "middle_name",
    "last_name": "last_name",
    "family_name": "last_name",
    "surname": "last_name",
    "account": "account",
    "company": "account",
    "organization": "account",
    "organisation": "account",
    "title": "title",
    "job_title": "title",
    "position": "title",
    "email": "emails",
    "emails": "emails",
    "e_mail": "emails",
    "email_address": "emails",
    "phone": "phones",
    "phones": "phones",
    "mobile": "phones",
    "telephone": "phones",
    "address": "addresses",
    "addresses": "addresses",
    "url": "urls",
    "urls": "urls",
    "website": "urls",
    "role": "role",
    "style": "style",
    "social_style": "style",
    "motivation": "motivations",
    "motivations": "motivations",
    "interest": "interests",
    "interests": "interests",
    "hobby": "interests",
    "hobbies": "interests",
    "channel": "preferred_channel",
    "preferred_channel": "preferred_channel",
    "best_time": "best_time",
    "do_not_contact": "do_not_contact",
    "birthday": "birthday",
    "work_anniversary": "work_anniversary",
    "anniversary": "anniversary",
    "tier": "tier",
    "stage": "stage",
    "tag": "tags",
    "tags": "tags",
    "labels": "tags",
    "categories": "tags",
    "notes": "notes",
    "note": "notes",
    "owner": "owner",
    "uid": "uid",
}
LIST_SPLIT = {"emails": ";, ", "phones": ";", "urls": "; ", "tags": ";,", "interests": ";,", "motivations": ";, "}
DATE_FIELDS = {
    "birthday": DateKind.BIRTHDAY,
    "work_anniversary": DateKind.WORK_ANNIVERSARY,
    "anniversary": DateKind.ANNIVERSARY,
}


#: Header names other programs write for a field (Outlook's "E-mail 2 Address", "Mobile Phone",
#: a CRM's "Work Email" or "Phone Number"), as patterns over the folded, underscored name.
COMMON: tuple[tuple[str, str], ...] = (
    (r"((home|work|business|other|personal|primary|private)_)?e_?mail(_\d+)?(_address)?(_\d+)?(_value)?", "emails"),
    (
        r"((mobile|cell|home|work|business|other|primary|main|car|private|company_main|direct)_)?"
        r"(phone|telephone|tel|mobile|cell|cellphone)(_\d+)?(_number|_no)?(_\d+)?(_value)?",
        "phones",
    ),
    (
        r"(personal_)?(web_page|web_site|website|homepage|home_page|linkedin(_url|_profile)?|profile(_url)?)(_\d+)?",
        "urls",
    ),
    (r"(organization|organisation|company)(_name)?(_\d+)?", "account"),
    (r"(job_title|organization_title|organisation_title|role_title)(_\d+)?", "title"),
    (r"(first|given|fore)(_name)?", "first_name"),
    (r"(last|family|sur)(_name)?", "last_name"),
    (r"(birth_date|date_of_birth|dob|birthdate)", "birthday"),
    (r"((home|work|business|other)_)?(street_)?address(_\d+)?(_formatted)?", "addresses"),
    (r"(comments?|remarks?|description)", "notes"),
    (r"(group_membership|groups?|lists?)", "tags"),
)


def field_key(header_name: str) -> str:
    return fold(header_name).replace(" ", "_").replace("-", "_")


def common_field(header_name: str) -> str | None:
    key = field_key(header_name).strip("_")
    if key in FIELDS:
        return FIELDS[key]
    return next((name for pattern, name in COMMON if re.fullmatch(pattern, key)), None)


def auto_map(header: list[str]) -> dict[str, str]:
    """Columns whose header names a field (`Name`, `Email`, `Company`) or says it as others do (`Mobile Phone`)."""
    out: dict[str, str] = {}
    for name in header:
        found = common_field(name) if name else None
        if found and not (found in SINGLE and found in out.values()):
            out[name] = found
    return out


#: Fields one column fills: the first column that names one is read, the next ones are reported.
SINGLE = frozenset(
    {
        "name",
        "first_name",
        "middle_name",
        "last_name",
        "account",
        "title",
        "role",
        "style",
        "preferred_channel",
        "best_time",
        "do_not_contact",
        "birthday",
        "work_anniversary",
        "anniversary",
        "tier",
        "stage",
        "notes",
        "owner",
        "uid",
    }
)


def ignored(header: list[str], mapping: dict[str, str]) -> list[str]:
    """One warning per column the generic reader does not read."""
    return [_ignored(name) for name in header if name and name not in mapping]


def _ignored(name: str) -> str:
    """A column's warning in one readable line, however long its (hostile) header is."""
    if len(name) <= 60:
        return f"column {name!r} is not read (expected a known field name; import it with --map {name!r}=FIELD)"
    return f"column {cut(name, 60)!r} ({len(name):,} characters) is not read (expected a known field name)"


def generic(mapping: dict[str, str]) -> Reader:
    def read(row: Row, cols: dict[str, str], b: Builder) -> None:
        names = {"first_name": "", "middle_name": "", "last_name": ""}
        first_column = ""
        for column, key in mapping.items():
            value = row.get(column)
            if not value:
                continue
            if key in names:
                names[key] = value
                first_column = first_column or column
            elif key == "uid":
                b.uid = value
            elif key in DATE_FIELDS:
                b.date(DATE_FIELDS[key], value, column)
            elif key in LIST_SPLIT:
                values = list(iter_values(value, LIST_SPLIT[key]))
                if key == "motivations":
                    values = [normalize_word(v) for v in values]
                b.items(key, values, column)
            elif key == "addresses":
                b.items(key, [_one_line(value)], column)
            elif key == "do_not_contact":
                b.flag(key, value, column)
            elif key in ("role", "style", "tier", "stage", "preferred_channel"):
                b.word(key, value, column)
            else:
                b.text(key, value.replace("\r\n", "\n"), column)
        if "name" not in b.fields:
            b.name_from(list(names.values()), first_column)

    return read
