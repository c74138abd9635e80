"""Learning-rate schedules: the rate γ used in epoch e (counted from 0).

The note keeps γ fixed ("0.5 is a good start value"). A schedule multiplies the
optimiser's ``learning_rate`` γ₀ by a factor that depends only on the epoch:

- ``step``: γ_e = γ₀ · GAMMA^⌊e / STEP_SIZE⌋, the rate times GAMMA every STEP_SIZE
  epochs (PyTorch's ``StepLR``);
- ``exponential``: γ_e = γ₀ · GAMMA^e (PyTorch's ``ExponentialLR``).

A schedule is written ``"step:STEP_SIZE:GAMMA"`` or ``"exponential:GAMMA"`` on the
command line, and stored as a JSON-ready dict such as
``{"name": "step", "step_size": 10, "gamma": 0.5}`` in optimiser configs and model
files. :func:`parse_schedule` turns either form (or ``None``) into the dict;
:func:`get_schedule` into a :class:`Schedule`. The registry ``SCHEDULES`` holds the names.
"""

from __future__ import annotations

import math
from numbers import Real

from .registry import Registry
from .validation import check_positive_int

__all__ = [
    "Schedule",
    "StepSchedule",
    "ExponentialSchedule",
    "SCHEDULES",
    "parse_schedule",
    "get_schedule",
]

_SYNTAX = '"step:STEP_SIZE:GAMMA" (e.g. "step:10:0.5") or "exponential:GAMMA" (e.g. "exponential:0.95")'


def _check_gamma(gamma, name: str) -> float:
    if isinstance(gamma, bool) or not isinstance(gamma, Real) or not math.isfinite(gamma) or gamma <= 0:
        raise ValueError(f"{name} schedule: gamma must be a positive finite number; got {gamma!r}")
    return float(gamma)


class Schedule:
    """The factor γ_e / γ₀ for epoch e = 0, 1, …; ``to_dict()`` recreates it."""

    name = "schedule"

    def factor(self, epoch: int) -> float:
        raise NotImplementedError

    def to_dict(self) -> dict:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Schedule) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.to_dict().items() if k != "name")
        return f"{type(self).__name__}({args})"


class StepSchedule(Schedule):
    """γ_e = γ₀ · gamma^⌊e / step_size⌋: the rate times ``gamma`` every ``step_size`` epochs."""

    name = "step"

    def __init__(self, step_size: int, gamma: float = 0.5) -> None:
        self.step_size = check_positive_int(step_size, "step schedule: step size")
        self.gamma = _check_gamma(gamma, "step")

    def factor(self, epoch: int) -> float:
        return self.gamma ** (int(epoch) // self.step_size)

    def to_dict(self) -> dict:
        return {"name": self.name, "step_size": self.step_size, "gamma": self.gamma}


class ExponentialSchedule(Schedule):
    """γ_e = γ₀ · gamma^e."""

    name = "exponential"

    def __init__(self, gamma: float) -> None:
        self.gamma = _check_gamma(gamma, "exponential")

    def factor(self, epoch: int) -> float:
        return self.gamma ** int(epoch)

    def to_dict(self) -> dict:
        return {"name": self.name, "gamma": self.gamma}


SCHEDULES: Registry[type[Schedule]] = Registry("schedule")
SCHEDULES.register(StepSchedule, "step", aliases=("steplr",))
SCHEDULES.register(ExponentialSchedule, "exponential", aliases=("exp", "exponentiallr"))

# The positional fields of the string form, after the name.
_FIELDS = {"step": (("step_size", int), ("gamma", float)), "exponential": (("gamma", float),)}


def _from_string(text: str) -> dict:
    parts = [p.strip() for p in text.split(":")]
    name = SCHEDULES.canonical(parts[0]) if parts[0] else ""
    if not name:
        raise ValueError(f"schedule {text!r} has no name; expected {_SYNTAX}")
    fields = _FIELDS[name]
    values = parts[1:]
    if len(values) != len(fields):
        raise ValueError(f"schedule {text!r} has {len(values)} value(s), {name} needs {len(fields)}; expected {_SYNTAX}")
    spec: dict = {"name": name}
    for (field, kind), value in zip(fields, values):
        try:
            spec[field] = kind(value)
        except ValueError:
            raise ValueError(
                f"schedule {text!r}: {field} must be {'an integer' if kind is int else 'a number'}, "
                f"got {value!r}; expected {_SYNTAX}"
            ) from None
    return spec


def get_schedule(spec) -> Schedule | None:
    """A :class:`Schedule` from ``None``, a string, a dict or a Schedule (passed through).

    ``None``, ``""`` and ``"none"`` mean no schedule (a constant rate) and give ``None``.
    """
    if spec is None or isinstance(spec, Schedule):
        return spec
    if isinstance(spec, str):
        if spec.strip().lower() in ("", "none", "constant"):
            return None
        spec = _from_string(spec)
    if not isinstance(spec, dict):
        raise ValueError(f"schedule must be None, a string like {_SYNTAX}, or a dict; got {spec!r}")
    settings = dict(spec)
    if "name" not in settings:
        raise ValueError(f"schedule dict {spec!r} has no 'name'; expected one of {', '.join(SCHEDULES.names())}")
    cls = SCHEDULES.get(settings.pop("name"))
    try:
        return cls(**settings)
    except TypeError:
        fields = ", ".join(f for f, _ in _FIELDS[cls.name])
        raise ValueError(f"{cls.name} schedule takes {fields}; got {spec!r}") from None


def parse_schedule(spec) -> dict | None:
    """The JSON-ready dict of a schedule given as a string, dict, Schedule or None.

    >>> parse_schedule("step:10:0.5")
    {'name': 'step', 'step_size': 10, 'gamma': 0.5}
    >>> parse_schedule("exponential:0.95")
    {'name': 'exponential', 'gamma': 0.95}
    """
    schedule = get_schedule(spec)
    return None if schedule is None else schedule.to_dict()
