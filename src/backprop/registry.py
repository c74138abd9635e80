"""Name → object registries shared by the Python API, the command line and model files.

A name is looked up case-insensitively, with ``-`` and ``_`` treated alike, so
``--cost cross-entropy`` on the command line and ``cost="cross_entropy"`` in Python
find the same object, and a model file stores the canonical name.
"""

from __future__ import annotations

from typing import Generic, Iterator, TypeVar

T = TypeVar("T")

__all__ = ["Registry"]


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_")


class Registry(Generic[T]):
    """A dictionary of named objects with clear errors for unknown names."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}
        self._aliases: dict[str, str] = {}

    def register(self, item: T, name: str | None = None, aliases: tuple[str, ...] = ()) -> T:
        """Add ``item`` under ``name`` (default ``item.name``) and any aliases."""
        canonical = _key(name if name is not None else getattr(item, "name"))
        if canonical in self._items or canonical in self._aliases:
            raise ValueError(f"{self.kind} {canonical!r} is registered already")
        self._items[canonical] = item
        for alias in aliases:
            self._aliases[_key(alias)] = canonical
        return item

    def canonical(self, name: str) -> str:
        """Return the canonical name for ``name``, or raise a ValueError naming the choices."""
        if not isinstance(name, str):
            raise ValueError(f"{self.kind} must be given by name, one of {self.names()}; got {name!r}")
        key = _key(name)
        key = self._aliases.get(key, key)
        if key not in self._items:
            raise ValueError(f"unknown {self.kind} {name!r}; expected one of {', '.join(self.names())}")
        return key

    def get(self, name: str) -> T:
        return self._items[self.canonical(name)]

    def names(self) -> list[str]:
        return list(self._items)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        key = _key(name)
        return key in self._items or key in self._aliases

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def items(self):
        return self._items.items()
