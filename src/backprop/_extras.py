"""Optional dependencies, imported only at the edge that needs them."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["MissingExtraError", "require"]


class MissingExtraError(ImportError):
    """An optional dependency is missing; the message names the extra to install."""


def require(module: str, extra: str, purpose: str) -> ModuleType:
    """Import ``module`` or raise a one-line hint: pip install 'backprop[extra]'."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{purpose} needs the optional package {module.split('.')[0]!r}: "
            f"pip install 'backprop[{extra}]'"
        ) from None
