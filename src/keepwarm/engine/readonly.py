"""Read-only inputs for plugins: what one plugin is handed, it cannot change for the others.

Every plugin of a run reads the same contexts (`ctx.contact`, `ctx.stats`,
`ctx.rules[...]`, the account's members, the network). Were they mutable, one
plugin assigning `ctx.rules["other"].days = 1` or renaming `ctx.contact` would
change what every later plugin sees, and what is stored. So the engine passes
each context through one `Freezer` before any plugin sees it:

- pydantic models become instances of a frozen subclass (assignment raises,
  and the host records that as the plugin's problem); `isinstance` and `==`
  with the original class still hold. The run's own objects (contacts,
  follow-ups, promises, read from the store for this run) are frozen where they
  are, the engine's views of the run included: copying them cost a quarter of
  a whole-book run. Long-lived ones (the rules) are copied (`copy=True`);
- frozen dataclasses (the contexts, `ContactStats`, `Member`, `Network`, the
  warnings handed to suggesters) keep their identity, their mutable fields
  frozen in place (nothing can assign to them, and a copy of each contact's
  fifty statistics cost more than the plugins);
- lists become `ReadOnlyList`, dicts `ReadOnlyDict` (a list and a dict to
  every reader, JSON included, but without their mutators), sets frozensets.

It walks the fields it finds, so a field added to a context later is covered
without a special case. Each object is frozen once per run (a memo by
identity): the network's contacts are the contexts' contacts, and a field
holding something frozen already is taken from the memo without entering it
again. Fields whose annotation is already immutable (text, numbers, dates,
enums) are not visited, and a list or dict in a field annotated as holding
only such values (a contact's `emails: list[str]`, the statistics'
`note_signals: Mapping[str, int]`) is copied read-only without reading its
items: the annotation is trusted as it is for the plain fields.
What it cannot reach (an object of another kind, such as the lazily read
network of a detail view) is passed as it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
from collections.abc import Mapping
from typing import Any, NoReturn, cast

from pydantic import BaseModel


def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
    raise TypeError(f"{type(self).__name__}: read-only (plugins get read-only inputs; copy it to change it)")


class ReadOnlyList(list):
    """A list no one can change in place."""

    __slots__ = ()
    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __reduce__(self):
        return (list, (list(self),))


class ReadOnlyDict(dict):
    """A dict no one can change in place."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self):
        return (dict, (dict(self),))


_IMMUTABLE = frozenset(
    {
        str,
        int,
        float,
        bool,
        bytes,
        complex,
        type(None),
        dt.date,
        dt.datetime,
        dt.time,
        dt.timedelta,
        dt.timezone,
        frozenset,
        range,
        ReadOnlyList,
        ReadOnlyDict,
    }
)


def _immutable_hint(hint: Any) -> bool:
    """Whether every value a field so annotated may hold is immutable (then it is not visited)."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return all(_immutable_hint(a) for a in typing.get_args(hint))
    if typing.get_origin(hint) is typing.Annotated:  # bounded text or numbers (`NonEmpty | None`)
        return _immutable_hint(typing.get_args(hint)[0])
    return hint in _IMMUTABLE or (isinstance(hint, type) and issubclass(hint, enum.Enum))


#: Each class's fields that may hold something mutable, and each model class's frozen subclass.
_FIELDS: dict[type, tuple[str, ...]] = {}
_FROZEN: dict[type[BaseModel], type[BaseModel]] = {}


#: Each class's fields annotated as lists or mappings of immutable values (`list[str]`, `Mapping[str, int]`):
#: a list or dict there is copied read-only as it is, its items unread -> (that type, its read-only copy's).
_PLAIN: dict[type, dict[str, tuple[type, type]]] = {}


def _mutable_fields(cls: type) -> tuple[str, ...]:
    """The fields of a dataclass or model that may hold something mutable."""
    if cls not in _FIELDS:
        hints = _field_hints(cls)
        _FIELDS[cls] = tuple(name for name, hint in hints.items() if not _immutable_hint(hint))
        _PLAIN[cls] = {name: found for name, hint in hints.items() if (found := _plain_container(hint))}
    return _FIELDS[cls]


def _plain_container(hint: Any) -> tuple[type, type] | None:
    """(list, ReadOnlyList) for `list[str]`, (dict, ReadOnlyDict) for `Mapping[str, int]`: containers of immutable
    values only (a few e-mails, a contact's note counts), copied at once; None for any other annotation."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if not args or not all(_immutable_hint(a) for a in args):
        return None
    if origin is list:
        return (list, ReadOnlyList)
    if origin in (dict, Mapping):
        return (dict, ReadOnlyDict)
    return None


def _field_hints(cls: type) -> dict[str, Any]:
    if issubclass(cls, BaseModel):
        return {name: info.annotation for name, info in cls.model_fields.items()}
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # an annotation that cannot be resolved: visit the field
        hints = {}
    # Not a model, so a dataclass: only those two are asked for (see _kind).
    return {f.name: hints.get(f.name, Any) for f in dataclasses.fields(cast(Any, cls))}


def _frozen_model(cls: type[BaseModel]) -> type[BaseModel]:
    """A subclass of `cls` whose instances refuse assignment, equal to `cls`'s with the same values."""
    if cls not in _FROZEN:
        _FROZEN[cls] = _make_frozen_model(cls)
    return _FROZEN[cls]


def _make_frozen_model(cls: type[BaseModel]) -> type[BaseModel]:
    if cls.model_config.get("frozen"):
        return cls

    def __eq__(self, other: object) -> bool:
        if isinstance(other, BaseModel) and _base(type(other)) is cls:
            return self.__dict__ == other.__dict__
        return NotImplemented

    namespace = {
        # Built on first use: a run freezes some forty kinds of model, and only the few it dumps need their own
        # serializer (building each at once was a third of a one-contact run, e.g. `keepwarm contact show`).
        "model_config": {**cls.model_config, "frozen": True, "defer_build": True},
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
        "__eq__": __eq__,
        "__hash__": lambda self: id(self),
    }
    metaclass: Any = type(cls)  # pydantic's model metaclass, called as type() is
    frozen = metaclass(cls.__name__, (cls,), namespace)
    _BASES[frozen] = cls
    return frozen


#: Each frozen subclass -> the model class it was made from.
_BASES: dict[type, type] = {}


def _base(cls: type) -> type:
    return _BASES.get(cls, cls)


_AS_IS, _MODEL, _DATACLASS, _LIST, _TUPLE, _SET, _MAPPING = range(7)
#: From this many items, a container is remembered (the network's contacts and statistics are shared).
_SHARED = 16
_EMPTY = {_LIST: ReadOnlyList(), _TUPLE: (), _SET: frozenset(), _MAPPING: ReadOnlyDict()}
#: How each type is frozen, decided once per type.
_KINDS: dict[type, int] = {}


def _kind(cls: type) -> int:
    if cls in _IMMUTABLE or issubclass(cls, (enum.Enum, type)):
        return _AS_IS
    if cls is tuple:
        return _TUPLE
    if issubclass(cls, BaseModel):
        return _MODEL
    if dataclasses.is_dataclass(cls):
        # typeshed's DataclassInstance does not declare the dataclass's parameters.
        return _DATACLASS if cls.__dataclass_params__.frozen else _AS_IS  # type: ignore[attr-defined]
    if issubclass(cls, list):
        return _LIST
    if issubclass(cls, (set, frozenset)):
        return _SET
    if issubclass(cls, (dict, types.MappingProxyType)):
        return _MAPPING
    return _AS_IS  # not ours to freeze (a lazily computed Mapping would be computed whole): passed as it is


class Freezer:
    """Read-only versions of values, each made once (see the module's docstring)."""

    def __init__(self, *, copy: bool = False) -> None:
        #: Copy models rather than freeze them where they are (for long-lived ones, such as the rules).
        self.copy = copy
        self._done: dict[int, Any] = {}
        self._keep: list[Any] = []  # the originals stay alive, so their ids stay theirs

    def __call__(self, value: Any) -> Any:
        kind = _KINDS.get(type(value))
        if kind is None:
            kind = _KINDS[type(value)] = _kind(type(value))
        if kind is _AS_IS:
            return value
        if kind >= _LIST and len(value) < _SHARED:  # a contact's few tags: not worth remembering
            if not value:
                return _EMPTY[kind]
            return self._container(value, kind)
        done = self._done.get(id(value))
        if done is not None:
            return done
        return self._first(value, kind)

    def _first(self, value: Any, kind: int) -> Any:
        """A value not frozen in this run before (not in the memo, nor a short container): frozen, remembered."""
        if kind is _MODEL:
            out = self._model(value)
        elif kind is _DATACLASS:
            out = self._dataclass(value)
        else:
            out = self._container(value, kind)
        self._done[id(value)] = out
        if out is not value:  # a copy: the original is kept alive too, so that its id stays its own
            self._done[id(out)] = out
            self._keep.append(value)
        return out

    def _container(self, value: Any, kind: int) -> Any:
        if kind is _MAPPING:
            return ReadOnlyDict({k: self._item(v) for k, v in value.items()})
        if kind is _SET:
            return frozenset(value)
        items = [self._item(v) for v in value]
        if kind is _LIST:
            return ReadOnlyList(items)
        for a, b in zip(items, value):
            if a is not b:
                return tuple(items)
        return value

    def _item(self, value: Any) -> Any:
        """`self(value)`, without the calls for the usual values: text, numbers, enum members, what is
        frozen already, and short lists and mappings of plain values (a contact's e-mails and tags, its
        note signals), the bulk of a run's fields."""
        kinds = _KINDS
        kind = kinds.get(type(value))
        if kind == _AS_IS:
            return value
        if kind is not None and kind >= _LIST and not value:
            return _EMPTY[kind]
        done = self._done.get(id(value))  # frozen already (a context's contact, statistics, account)
        if done is not None:
            return done
        if kind == _MODEL or kind == _DATACLASS:  # not met before: frozen at once (not through `self` again)
            return self._first(value, kind)
        if kind == _TUPLE and len(value) < _SHARED:  # a contact's few follow-ups or links: never remembered
            return self._container(value, kind)
        if kind == _LIST and len(value) < _SHARED:
            for item in value:
                if kinds.get(type(item)) != _AS_IS:
                    return self(value)
            return ReadOnlyList(value)
        if kind == _MAPPING and len(value) < _SHARED:  # a contact's few note signals, counts or dates
            for item in value.values():
                if kinds.get(type(item)) != _AS_IS:
                    return self(value)
            return ReadOnlyDict(value)
        return self(value)

    def _model(self, model: BaseModel) -> BaseModel:
        kind = type(model)
        cls = _FROZEN.get(kind) or _frozen_model(kind)
        values = model.__dict__ if not self.copy else dict(model.__dict__)
        kinds, empty, done = _KINDS, _EMPTY, self._done
        names = _FIELDS.get(kind)
        if names is None:  # not `or`: most models' tuple is empty (a follow-up holds no mutable field)
            names = _mutable_fields(kind)
        plain = _PLAIN[kind]
        for name in names:
            current = values.get(name)
            found = kinds.get(type(current))
            if found == _AS_IS:  # None, text, an enum member: nothing to do (the usual case, inline)
                continue
            if found is not None and found >= _LIST and not current:
                values[name] = empty[found]
                continue
            if name in plain and type(current) is plain[name][0]:  # a contact's e-mails, tags: text, as annotated
                values[name] = plain[name][1](current)
                continue
            frozen = done.get(id(current)) or self._item(current)
            if frozen is not current:
                values[name] = frozen
        if cls is type(model) and not self.copy:
            return model
        if not self.copy:  # the run's own objects, read from the store for it: frozen where they are
            object.__setattr__(model, "__class__", cls)
            return model
        copy = cls.__new__(cls)
        object.__setattr__(copy, "__dict__", values)
        object.__setattr__(copy, "__pydantic_fields_set__", set(model.__pydantic_fields_set__))
        object.__setattr__(copy, "__pydantic_extra__", self(model.__pydantic_extra__))
        object.__setattr__(copy, "__pydantic_private__", self(model.__pydantic_private__))
        return copy

    def _dataclass(self, obj: Any) -> Any:
        """The dataclass itself, its mutable fields' values frozen in place.

        It is frozen, so nothing else assigns to it; a copy of each (a contact's
        statistics hold some fifty fields) cost more than the run's plugins.
        """
        done = self._done
        done[id(obj)] = obj  # a field that leads back to it (a cycle) finds it
        kinds, empty, get, put = _KINDS, _EMPTY, object.__getattribute__, object.__setattr__
        names = _FIELDS.get(type(obj))
        if names is None:
            names = _mutable_fields(type(obj))
        plain = _PLAIN[type(obj)]
        for name in names:
            try:  # what is set: a lazily filled field (engine.stats.MemberStats) is not filled for this
                current = get(obj, name)
            except AttributeError:
                continue
            found = kinds.get(type(current))
            if found == _AS_IS:
                continue
            if found is not None and found >= _LIST and not current:
                put(obj, name, empty[found])
                continue
            if name in plain and type(current) is plain[name][0]:  # the statistics' note counts: as annotated
                put(obj, name, plain[name][1](current))
                continue
            frozen = done.get(id(current)) or self._item(current)  # the memo first: most are frozen already
            if frozen is not current:
                put(obj, name, frozen)
        return obj


def freeze(value: Any) -> Any:
    """One value made read-only where it is, outside a run (each call its own memo)."""
    return Freezer()(value)
