"""Validation of everything a request can carry: names, sizes and rates, bounded.

Each ``check_*`` function takes the decoded JSON body and returns clean values or
raises ``RequestError`` (a ``ValueError``) whose message names the field, what was
wrong and what is allowed. Unknown fields are errors, not ignored, so a typo in a
setting never silently falls back to a default.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..activations import ACTIVATIONS
from ..costs import COSTS
from .data import DATASET_NAMES

__all__ = ["RequestError", "Settings", "LIMITS", "check_settings", "check_fields", "HIDDEN_ACTIVATIONS"]


class RequestError(ValueError):
    """A request the server refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


# Bounds: a stray request can neither exhaust memory nor hold a thread for long.
LIMITS = {
    "hidden_layers": 4,          # at most this many hidden layers
    "neurons": 16,               # at most this many neurons in a hidden layer
    "learning_rate": 10.0,       # 0 < γ ≤ this
    "samples": (10, 1000),       # data set size
    "noise": 1.0,                # 0 ≤ noise ≤ this
    "seed": 2**31 - 1,           # 0 ≤ seed ≤ this
    "grid": (5, 100),            # decision-region grid points per side
    "steps": 5000,               # batch steps in one /step request
    "epochs": 50,                # epochs in one /train request
    "sample_steps": 100_000,     # samples processed in one request (steps × batch size)
    "replay_steps": 100_000,     # steps replayed when a session is created from a shared URL
    "replay_samples": 2_000_000, # samples processed by that replay (steps × batch size)
    "name_length": 32,           # characters in a name
}

HIDDEN_ACTIVATIONS = tuple(n for n in ACTIVATIONS.names() if not ACTIVATIONS.get(n).output_only)


@dataclass(frozen=True)
class Settings:
    """One playground session's settings; ``to_dict`` is what the page keeps in its URL."""

    dataset: str = "moons"
    hidden: tuple[int, ...] = (4, 4)
    activation: str = "sigmoid"
    cost: str = "quadratic"
    learning_rate: float = 0.5
    batch_size: int = 1
    noise: float = 0.1
    seed: int = 0
    samples: int = 200
    grid: int = 40

    def to_dict(self) -> dict:
        d = asdict(self)
        d["hidden"] = list(self.hidden)
        return d


_DEFAULTS = Settings()


def check_fields(body, allowed: set[str], what: str) -> dict:
    """``body`` must be a JSON object with only ``allowed`` keys."""
    if not isinstance(body, dict):
        raise RequestError(f"{what}: the body must be a JSON object; got {type(body).__name__}")
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise RequestError(
            f"{what}: unknown field{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(repr(k[:40]) for k in unknown[:5])}; allowed: {', '.join(sorted(allowed))}"
        )
    return body


def check_int(body: dict, key: str, low: int, high: int, default=None) -> int:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RequestError(f"{key} must be an integer from {low} to {high}; got {_show(value)}")
    return value


def check_number(body: dict, key: str, low: float, high: float, default, *, open_low=False) -> float:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RequestError(f"{key} must be a number; got {_show(value)}")
    value = float(value)
    ok = (low < value if open_low else low <= value) and value <= high
    if not ok:
        bound = f"greater than {low}" if open_low else f"at least {low}"
        raise RequestError(f"{key} must be {bound} and at most {high}; got {_show(value)}")
    return value


def check_name(body: dict, key: str, choices, default) -> str:
    value = body.get(key, default)
    if not isinstance(value, str) or len(value) > LIMITS["name_length"]:
        raise RequestError(f"{key} must be one of {', '.join(choices)}; got {_show(value)}")
    key_form = value.strip().lower().replace("-", "_")
    for choice in choices:
        if key_form == choice:
            return choice
    raise RequestError(f"{key} must be one of {', '.join(choices)}; got {_show(value)}")


def check_settings(body) -> tuple[Settings, int]:
    """The settings of a new session, and the number of steps to replay (shared URLs)."""
    allowed = set(Settings.__dataclass_fields__) | {"steps"}
    body = check_fields(body, allowed, "settings")
    d = _DEFAULTS
    hidden = body.get("hidden", list(d.hidden))
    if not isinstance(hidden, list) or len(hidden) > LIMITS["hidden_layers"]:
        raise RequestError(
            f"hidden must be a list of at most {LIMITS['hidden_layers']} layer sizes, "
            f"like [4, 4]; got {_show(hidden)}"
        )
    for n in hidden:
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= LIMITS["neurons"]:
            raise RequestError(
                f"each hidden layer size must be an integer from 1 to {LIMITS['neurons']}; "
                f"got {_show(n)} in hidden"
            )
    low, high = LIMITS["samples"]
    samples = check_int(body, "samples", low, high, d.samples)
    low_g, high_g = LIMITS["grid"]
    settings = Settings(
        dataset=check_name(body, "dataset", DATASET_NAMES, d.dataset),
        hidden=tuple(hidden),
        activation=check_name(body, "activation", HIDDEN_ACTIVATIONS, d.activation),
        cost=check_name(body, "cost", tuple(COSTS.names()), d.cost),
        learning_rate=check_number(body, "learning_rate", 0.0, LIMITS["learning_rate"], d.learning_rate, open_low=True),
        batch_size=check_int(body, "batch_size", 1, samples, d.batch_size),
        noise=check_number(body, "noise", 0.0, LIMITS["noise"], d.noise),
        seed=check_int(body, "seed", 0, LIMITS["seed"], d.seed),
        samples=samples,
        grid=check_int(body, "grid", low_g, high_g, d.grid),
    )
    steps = check_int(body, "steps", 0, LIMITS["replay_steps"], 0)
    if steps * settings.batch_size > LIMITS["replay_samples"]:
        raise RequestError(
            f"steps: replaying {steps} steps of {settings.batch_size} samples is more than the "
            f"{LIMITS['replay_samples']} samples a new session may process; start from fewer steps"
        )
    return settings, steps


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
