"""The sources the user configured (`[sources.NAME]` in config.toml), checked against the kinds plugins offer.

Problems are collected, not raised: a source whose kind no plugin offers, or
whose options its kind refuses, is listed with the reason (file, key, what
was expected) and skipped, while the other sources still sync.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ValidationError

from ..api.address_books import AddressBookKind
from ..api.sources import SourceKind
from ..errors import UserError, describe_validation_error
from ..home import paths
from ..text.wording import plural


@dataclass(frozen=True)
class Configured:
    """One configured source: its kind and validated options, or the problem that stops it."""

    name: str
    kind_name: str
    kind: SourceKind | AddressBookKind | None
    plugin: str
    options: BaseModel | None
    problem: str | None = None

    @property
    def target(self) -> str:
        if self.kind is None or self.options is None:
            return ""
        return str(getattr(self.options, self.kind.target, ""))


def kinds(session) -> dict[str, tuple[str, SourceKind | AddressBookKind]]:
    """The source kinds and address-book kinds the loaded plugins offer, by name (with the plugin that offers each).

    One namespace: `keepwarm source add contacts ~/.contacts` reads like `keepwarm source add vdir ~/.calendars`.
    """
    return offered(session.runtime.host)


def offered(host) -> dict[str, tuple[str, SourceKind | AddressBookKind]]:
    """`kinds` of a plugin host (`keepwarm doctor` builds its own)."""
    found: dict[str, tuple[str, SourceKind | AddressBookKind]] = dict(host.source_kinds())
    found.update(host.address_book_kinds(frozenset(found)))
    return found


def validate(kind: SourceKind | AddressBookKind, name: str, values: dict) -> BaseModel:
    """The kind's options model for a `[sources.NAME]` table (without `kind`); UserError names the key."""
    try:
        return kind.options.model_validate(values)
    except ValidationError as exc:
        raise UserError(f"{paths.config_file()}: {describe_validation_error(exc, prefix=f'sources.{name}.')}") from None
    except Exception as exc:  # the plugin's own model is broken: its problem, said in one line
        raise UserError(
            f"sources.{name}: the options of the source kind {kind.name!r} cannot be checked "
            f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
        ) from None


def configured(session) -> list[Configured]:
    return check(session.settings, kinds(session))


def check(settings, offered: dict[str, tuple[str, SourceKind | AddressBookKind]]) -> list[Configured]:
    """Each `[sources.NAME]` of these settings against the kinds offered (`keepwarm doctor` asks too)."""
    out = []
    for name, table in settings.sources.items():
        values = dict(table.model_extra or {})
        found = offered.get(table.kind)
        if found is None:
            known = ", ".join(sorted(offered)) or "none (are plugins disabled?)"
            out.append(
                Configured(
                    name,
                    table.kind,
                    None,
                    "",
                    None,
                    f"{paths.config_file()}: sources.{name}.kind: no plugin offers the source kind "
                    f"{table.kind!r} (known kinds: {known})",
                )
            )
            continue
        plugin, kind = found
        try:
            options = validate(kind, name, values)
        except UserError as exc:
            out.append(Configured(name, table.kind, kind, plugin, None, exc.message))
            continue
        out.append(Configured(name, table.kind, kind, plugin, options))
    return out


def require(session, name: str) -> None:
    """A UserError naming the configured sources when `name` is none of them (`source rm`, `source conflicts`)."""
    if name not in session.settings.sources:
        known = ", ".join(sorted(session.settings.sources)) or "none"
        raise UserError(f"NAME: no source named {name!r} (sources: {known})")


def pick(session, names: list[str] | None) -> list[Configured]:
    """The sources to sync: all, or the named ones (an unknown name is a one-line error naming the known ones)."""
    every = configured(session)
    if not names:
        return every
    by_name = {c.name: c for c in every}
    missing = [n for n in names if n not in by_name]
    if missing:
        known = ", ".join(sorted(by_name)) or "none yet (add one with `keepwarm source add KIND TARGET`)"
        raise UserError(
            f"source: no source named {missing[0]!r} ({plural(len(by_name), 'source')} configured: {known})"
        )
    return [by_name[n] for n in dict.fromkeys(names)]
