"""`CompactModel`: a frozen pydantic model cheap enough to make once per product, or more; and
the one shared, unchangeable empty list and dict its list and dict fields default to.

Pydantic keeps, per instance, the set of the field names it was given (`model_fields_set`): for a
status row given 29 fields that set took 2.2 KB, more than the row's values (benchmarks/
catalog_bench.py --case memory). The models made per product (rows, plans, differences, writes,
sync inputs) share one such set per distinct combination of names instead: a handful in a run.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any, Self, TypeVar

from pydantic import BaseModel, ConfigDict

_FIELD_SETS: dict[frozenset[str], set[str]] = {}
_LOCK = threading.Lock()


def _shared_names(names: Iterable[str]) -> set[str]:
    key = frozenset(names)
    with _LOCK:
        return _FIELD_SETS.setdefault(key, set(key))


class CompactModel(BaseModel):
    """A frozen model whose set of given field names is shared with every instance given the same
    names. Never changed in place: the model is frozen, and `model_copy` gives the copy a shared set
    of its own. Behaves otherwise as a pydantic model (validation, dumps, `model_fields_set`)."""

    model_config = ConfigDict(frozen=True)

    def model_post_init(self, context: Any, /) -> None:
        """Swap the per-instance set of given field names for the shared one."""
        object.__setattr__(self, "__pydantic_fields_set__", _shared_names(self.model_fields_set))

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with `update`'s fields changed (not validated, as pydantic's own)."""
        copied = super().model_copy(deep=deep)
        names: Iterable[str] = self.model_fields_set
        if update:
            copied.__dict__.update(update)
            names = self.model_fields_set | update.keys()
        object.__setattr__(copied, "__pydantic_fields_set__", _shared_names(names))
        return copied


def _refuse(*_: object, **__: object) -> Any:
    raise TypeError("a shared empty list or dict: the models holding it are frozen, never changed")


class _EmptyList(list[Any]):
    """The one empty list the per-product models share: changing it raises."""

    __slots__ = ()
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse


class _EmptyDict(dict[Any, Any]):
    """The one empty dict the per-product models share: changing it raises."""

    __slots__ = ()
    update = setdefault = pop = popitem = clear = _refuse
    __setitem__ = __delitem__ = __ior__ = _refuse


_EMPTY_LIST: list[Any] = _EmptyList()
_EMPTY_DICT: dict[Any, Any] = _EmptyDict()


def empty_list() -> list[Any]:
    """The shared empty list (a default for the per-product models' list fields)."""
    return _EMPTY_LIST


def empty_dict() -> dict[Any, Any]:
    """The shared empty dict (a default for the per-product models' dict fields)."""
    return _EMPTY_DICT


_Container = TypeVar("_Container", list[Any], dict[Any, Any])


def shared_empty(value: _Container) -> _Container:
    """`value`, or for an empty list or dict the one shared (unchangeable) empty one: a status row
    and its plan hold seven lists and dicts that are mostly empty, 56-64 bytes each per product."""
    if value:
        return value
    return _EMPTY_LIST if isinstance(value, list) else _EMPTY_DICT
