"""``backprop playground``: the note's network learning live in a local web page."""

from __future__ import annotations

import argparse
import signal
import sys

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "playground",
        help="a local web page: watch the network learn, click any neuron or weight for its equations",
        description="Serve the playground page on this machine: pick a 2-D data set, XOR or the "
        "note's example, layer sizes, activation, cost, learning rate, batch size; play, pause, "
        "step; click any neuron or weight for the note's equations with the current numbers. "
        "Static files are shipped in the package: no network access is needed.",
    )
    p.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default: 127.0.0.1, this machine only)")
    p.add_argument("--open", action="store_true", help="open the page in the default web browser")
    p.add_argument("--max-sessions", type=int, default=32, help="sessions kept at once (default: 32)")
    p.add_argument("--verbose", action="store_true", help="log every request to standard error")
    return p


def run(args: argparse.Namespace) -> int:
    from ..playground import make_server

    if not 1 <= args.max_sessions <= 1000:
        raise ValueError(f"--max-sessions must be from 1 to 1000; got {args.max_sessions}")
    if args.host not in LOOPBACK:
        print(
            f"backprop playground: warning: binding to {args.host}: anyone who can reach this "
            "machine can use the playground; it has no login",
            file=sys.stderr,
        )
    log = (lambda line: print(line, file=sys.stderr, flush=True)) if args.verbose else None
    server = make_server(args.host, args.port, max_sessions=args.max_sessions, log=log)
    url = server.url
    print(f"backprop playground: serving on {url}  (Ctrl-C to stop)", flush=True)
    if args.open:
        import webbrowser

        webbrowser.open(url)
    def stop(signum, frame):  # `kill` stops it as cleanly as Ctrl-C
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nbackprop playground: stopped", flush=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
    return 0
