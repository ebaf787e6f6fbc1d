"""Rule packs: TOML files of rule parameters, merged key by key and validated.

The packs shipped with keepwarm (`rules/*.toml`) come first, then the user's
rules folder overrides them key by key. Each section is validated by the
pydantic model its plugin declares. Problems are collected, never raised one
at a time, as (file, dotted key, message, line) so that `keepwarm rules check`
shows them all together.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError


@dataclass(frozen=True)
class Problem:
    file: str
    key: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"

    def to_json(self) -> dict:
        return {"file": self.file, "key": self.key, "message": self.message, "line": self.line}


@dataclass
class RawRules:
    """The merged TOML before validation, with where each value came from."""

    values: dict[str, dict] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)  # dotted key -> file
    lines: dict[tuple[str, str], int] = field(default_factory=dict)  # (file, dotted key) -> line
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


@dataclass
class RuleSet:
    """Validated sections, ready for the plugins."""

    sections: dict[str, BaseModel]
    raw: RawRules
    problems: list[Problem]
    broken: set[str]
    #: Each section's values as dumped, with the object they were dumped from (see `dumped`).
    _dumps: dict[str, tuple[BaseModel, dict]] = field(default_factory=dict, repr=False)

    def origin(self, dotted: str) -> str:
        return self.raw.origins.get(dotted, "default")

    def dumped(self) -> dict[str, dict]:
        """Every section's values as JSON data, by section name: what the engine's state digest is made of.

        Each is dumped once per section object (a section replaced is dumped again), and kept with the
        validated rules between runs (rules/kept.py): dumping builds a model's serializer, which a run
        that reads its rules back from there otherwise never needs.
        """
        out = {}
        for name, model in self.sections.items():
            done = self._dumps.get(name)
            if done is None or done[0] is not model:
                done = self._dumps[name] = (model, model.model_dump(mode="json"))
            out[name] = done[1]
        return out


_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_.\-\"' ]+?)\s*=")


def _key_lines(text: str) -> dict[str, int]:
    """Best-effort map from dotted key to its line, for messages (tomllib keeps no positions)."""
    out: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = header.group(1).replace('"', "").replace("'", "").replace(" ", "")
            out.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            name = key.group(1).replace('"', "").replace("'", "").replace(" ", "")
            out[f"{table}.{name}" if table else name] = number
    return out


def _merge(target: dict, source: Mapping, origin: str, prefix: str, raw: RawRules) -> None:
    for key, value in source.items():
        dotted = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _merge(target[key], value, origin, dotted, raw)
        else:
            target[key] = _copy(value)
            _record(value, origin, dotted, raw)


def _copy(value):
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _record(value, origin: str, dotted: str, raw: RawRules) -> None:
    raw.origins[dotted] = origin
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _record(inner, origin, f"{dotted}.{key}", raw)


def read_folder(folder: Path, raw: RawRules) -> None:
    if not folder.is_dir():
        return
    import tomllib  # lazy for start-up: a run that reads the validated packs back parses none (rules/kept.py)

    for path in sorted(folder.glob("*.toml")):
        raw.files.append(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raw.problems.append(Problem(str(path), "", f"cannot be read ({exc})"))
            continue
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
            raw.problems.append(Problem(str(path), "", f"not valid TOML: {_strip_position(str(exc))}", line))
            continue
        for dotted, number in _key_lines(text).items():
            raw.lines[(str(path), dotted)] = number
        for section, body in data.items():
            if not isinstance(body, Mapping):
                raw.problems.append(
                    Problem(
                        str(path),
                        section,
                        "expected a table ([section]) of rule settings",
                        raw.lines.get((str(path), section)),
                    )
                )
                continue
            raw.values.setdefault(section, {})
            _merge(raw.values[section], body, str(path), section, raw)


def _line_from_message(message: str) -> int | None:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else None


def _strip_position(message: str) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", message)


def load_raw(default_dir: Path, user_dir: Path | None) -> RawRules:
    raw = RawRules()
    read_folder(default_dir, raw)
    if user_dir is not None:
        read_folder(user_dir, raw)
    return raw


def validate(raw: RawRules, models: Mapping[str, type[BaseModel]]) -> RuleSet:
    problems = list(raw.problems)
    sections: dict[str, BaseModel] = {}
    broken: set[str] = set()
    for name, model in models.items():
        data = _over_defaults(model, raw.values.get(name, {}))
        try:
            sections[name] = model.model_validate(data)
        except ValidationError as exc:
            broken.add(name)
            for err in exc.errors():
                problems.append(_problem(raw, name, model, err))
    for name in raw.values:
        if name not in models:
            origin = raw.origins.get(name) or next(
                (v for k, v in raw.origins.items() if k.startswith(name + ".")), "rules"
            )
            hint = _near(name, list(models))
            problems.append(
                Problem(
                    origin,
                    name,
                    "no plugin reads this section" + (f"; did you mean [{hint}]?" if hint else ""),
                    raw.lines.get((origin, name)),
                )
            )
    return RuleSet(sections=sections, raw=raw, problems=problems, broken=broken)


def _over_defaults(model: type[BaseModel], data: Mapping) -> Mapping:
    """The TOML values laid over the model's own defaults, table by table.

    A plugin that ships no rule pack (a third-party one) keeps its defaults in
    its model; overriding one key of a nested table must not drop the others.
    Lists are values: a list in TOML replaces the default list as a whole.
    """
    try:
        defaults = model().model_dump(mode="json", by_alias=True)
    except ValidationError:  # a model without defaults for every field
        return data
    return _layer(defaults, data)


def _layer(base: Mapping, top: Mapping) -> dict:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _layer(out[key], value)
        else:
            out[key] = value
    return out


def _near(word: str, candidates: list[str]) -> str | None:
    import difflib  # lazy for start-up: hints are worked out for mistakes only

    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names valid at the place an error points to (for near-miss hints)."""
    current: type[BaseModel] | None = model
    for part in loc[:-1]:
        if current is None or not isinstance(part, str) or part not in current.model_fields:
            return []
        annotation = current.model_fields[part].annotation
        current = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return list(current.model_fields) if current is not None else []


def _problem(raw: RawRules, section: str, model: type[BaseModel], err: Mapping[str, Any]) -> Problem:
    loc = tuple(err.get("loc", ()))
    dotted = ".".join([section, *(str(p) for p in loc)])
    origin = raw.origins.get(dotted)
    if origin is None:
        parent = dotted
        while "." in parent and origin is None:
            parent = parent.rsplit(".", 1)[0]
            origin = raw.origins.get(parent)
    origin = origin or "defaults"
    kind = err.get("type")
    message = err.get("msg", "invalid")
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if kind == "extra_forbidden":
        hint = _near(str(loc[-1]), _fields_at(model, loc)) if loc else None
        message = "unknown key" + (f"; did you mean '{hint}'?" if hint else "")
    elif "input" in err and kind not in ("missing",):
        message = f"{message} (got {err['input']!r})"
    return Problem(origin, dotted, message, raw.lines.get((origin, dotted)))


def effective(ruleset: RuleSet) -> dict[str, dict]:
    """The validated values, section by section, as plain data (for `rules show` and `rules init`)."""
    return {name: model.model_dump(mode="json") for name, model in sorted(ruleset.sections.items())}


def flatten(data: Mapping, prefix: str = "") -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for key, value in data.items():
        dotted = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping) and value:
            out.extend(flatten(value, dotted))
        else:
            out.append((dotted, value))
    return out
