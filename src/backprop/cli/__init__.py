"""The command line: ``backprop COMMAND …``. The only part of the package that prints.

Each command lives in its own module of this package with two functions:
``add_parser(subparsers)`` declares its arguments and ``run(args) -> int`` does the
work. Errors a user can fix are printed on one line, without a traceback, and the
exit status is non-zero.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from .. import __version__
from .._extras import MissingExtraError

# The commands, in the order ``backprop --help`` lists them: module names in this package.
COMMANDS = [
    "demo",
    "datasets",
    "train",
    "evaluate",
    "predict",
    "explain",
    "sheet",
    "plot",
    "export",
    "playground",
]


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error on one line that points at ``--help``.

    Sub-commands' parsers are made by ``add_parser`` with this same class.
    """

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="backprop",
        description="The neural network of the note 'Back propagation in a simple "
        "neural net', exact, for any layer sizes.",
    )
    parser.add_argument("--version", action="version", version=f"backprop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        module = importlib.import_module(f"{__name__}.{name}")
        sub_parser = module.add_parser(sub)
        sub_parser.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:
        # The reader went away (``backprop demo | head``): stop quietly, as Unix tools do.
        _silence_stdout()
        return 0
    except MissingExtraError as error:
        print(f"backprop: {error}", file=sys.stderr)
        return 3
    except (ValueError, RuntimeError, OSError) as error:
        print(f"backprop {args.command}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("backprop: interrupted", file=sys.stderr)
        return 130


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
