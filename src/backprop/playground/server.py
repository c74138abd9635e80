"""The playground's web server: standard library only, JSON API plus three static files.

Routes (bodies and answers are JSON; an error is ``{"error": message}`` with a 4xx
status, and the server keeps serving):

    GET    /                              the page (static/index.html, app.js, style.css)
    GET    /api/options                   choices, defaults and limits for the page's form
    POST   /api/sessions                  settings → a new session {"id", "state"} (201)
    GET    /api/sessions/ID               {"id", "state"}
    POST   /api/sessions/ID/step          {"steps": n} → n batch steps of Network.step
    POST   /api/sessions/ID/train         {"epochs": k} → to the end of the k-th epoch from here
    POST   /api/sessions/ID/reset         {} → the initial weights again
    POST   /api/sessions/ID/explain       {"kind": "neuron"|"weight", "layer", "j", "i", "sample"}
    DELETE /api/sessions/ID

Bounded everywhere: request bodies (16 KiB), the number of sessions (least recently
used evicted), network and grid sizes, work per request (``settings.LIMITS``), and the
number of requests computing at once (the rest wait briefly, then get 503).
"""

from __future__ import annotations

import json
import re
import secrets
import socket
import sys
import threading
from collections import OrderedDict
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Callable

from .. import __version__
from ..costs import COSTS
from .data import DATASET_NAMES
from .explain import explain_neuron, explain_weight
from .session import Session
from .settings import HIDDEN_ACTIVATIONS, LIMITS, RequestError, Settings, check_fields, check_int, check_settings

__all__ = ["PlaygroundServer", "SessionStore", "make_server"]

MAX_BODY = 16 * 1024
MAX_SESSIONS = 32
MAX_BUSY = 4          # requests computing at once
MAX_CONNECTIONS = 64  # connections served at once (one thread each); more are refused
BUSY_WAIT = 20.0      # seconds a request waits for a free slot before 503
STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/style.css": ("style.css", "text/css; charset=utf-8"),
}
# Nothing but this server: no CDN, no other host, so the page works offline.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_SESSION_ROUTE = re.compile(r"^/api/sessions/([0-9a-f]{16})(?:/(step|train|reset|explain))?$")


class SessionStore:
    """At most ``max_sessions`` sessions; a new one evicts the least recently used."""

    def __init__(self, max_sessions: int = MAX_SESSIONS) -> None:
        self.max_sessions = max_sessions
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, session: Session) -> str:
        sid = secrets.token_hex(8)
        with self._lock:
            self._sessions[sid] = session
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
        return sid

    def get(self, sid: str) -> Session:
        with self._lock:
            session = self._sessions.get(sid)
            if session is None:
                raise RequestError(
                    f"no session {sid}: it ended or was evicted (at most {self.max_sessions} are "
                    "kept); create a new one", HTTPStatus.NOT_FOUND,
                )
            self._sessions.move_to_end(sid)
            return session

    def delete(self, sid: str) -> None:
        with self._lock:
            if self._sessions.pop(sid, None) is None:
                raise RequestError(f"no session {sid}", HTTPStatus.NOT_FOUND)

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)


class PlaygroundServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, max_sessions: int = MAX_SESSIONS, log: Callable[[str], None] | None = None):
        if ":" in address[0]:  # an IPv6 address such as ::1
            self.address_family = socket.AF_INET6
        super().__init__(address, PlaygroundHandler)
        self.store = SessionStore(max_sessions)
        self.busy = threading.BoundedSemaphore(MAX_BUSY)
        self.connections = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.log = log

    def process_request(self, request, client_address):
        # One thread per connection, but never more than MAX_CONNECTIONS of them.
        if not self.connections.acquire(blocking=False):
            try:
                body = b'{"error": "too many connections; try again later"}'
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                    b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
                )
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.release()

    def handle_error(self, request, client_address) -> None:
        # socketserver would print a traceback to stderr; the library leaves output to the
        # command line, so the error goes to ``log`` (the CLI's --verbose) or nowhere.
        if self.log is not None:
            error = sys.exc_info()[1]
            self.log(f"{client_address[0]} connection error: {error!r}")

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/"


def make_server(host: str = "127.0.0.1", port: int = 0, *, max_sessions: int = MAX_SESSIONS,
                log: Callable[[str], None] | None = None) -> PlaygroundServer:
    """A server bound to ``host:port`` (port 0: a free one); call ``serve_forever()``."""
    if not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"port must be an integer from 0 to 65535; got {port!r}")
    return PlaygroundServer((host, port), max_sessions=max_sessions, log=log)


def _reject_constant(name: str):
    raise RequestError(f"the body is not valid JSON: {name} is not a number JSON allows")


class PlaygroundHandler(BaseHTTPRequestHandler):
    server: PlaygroundServer
    server_version = f"backprop-playground/{__version__}"
    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds a client may take to send its request

    # -- plumbing -----------------------------------------------------------------------

    def log_message(self, format: str, *args) -> None:
        if self.server.log is not None:
            self.server.log(f"{self.address_string()} {format % args}")

    def _send(self, status: int, body: bytes, content_type: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload) -> None:
        body = json.dumps(payload, allow_nan=False, separators=(",", ":")).encode()
        self._send(status, body, "application/json")

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"error": message})

    def _body(self):
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise RequestError("chunked bodies are not accepted; send Content-Length", HTTPStatus.LENGTH_REQUIRED)
        if length is None:
            return {}
        try:
            n = int(length)
        except ValueError:
            self.close_connection = True
            raise RequestError(f"Content-Length must be an integer; got {length[:20]!r}") from None
        if n < 0:
            self.close_connection = True
            raise RequestError("Content-Length must not be negative")
        if n > MAX_BODY:
            self.close_connection = True  # the unread body must not be taken for a request
            raise RequestError(f"the body has {n} bytes; at most {MAX_BODY} are accepted",
                               HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        raw = self.rfile.read(n) if n else b""
        if not raw.strip():
            return {}
        try:
            return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
        except RequestError:
            raise
        except UnicodeDecodeError:
            raise RequestError("the body is not UTF-8 text") from None
        except json.JSONDecodeError as error:
            raise RequestError(f"the body is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
        except RecursionError:
            raise RequestError("the body is not valid JSON: nested too deeply") from None
        except ValueError as error:  # e.g. an integer of more digits than Python converts
            raise RequestError(f"the body is not valid JSON: {error}"[:200]) from None

    def _check_host(self) -> None:
        # Bound to loopback, only pages from this server may call it (no DNS rebinding).
        bound = self.server.server_address[0]
        if bound not in ("127.0.0.1", "::1", "localhost"):
            return
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise RequestError(f"Host {host[:60]!r} is not this server; open {self.server.url}", HTTPStatus.FORBIDDEN)

    def _handle(self, method: str) -> None:
        try:
            self._check_host()
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            if method in ("GET", "HEAD") and path in STATIC:
                self._static(*STATIC[path])
                return
            if method in ("POST", "DELETE"):
                body = self._body()
            else:
                body = None
                if self.headers.get("Content-Length", "0") not in ("", "0"):
                    self.close_connection = True  # an unread body must not be taken for a request
            if not self.server.busy.acquire(timeout=BUSY_WAIT):
                raise RequestError("the server is busy; try again in a moment", HTTPStatus.SERVICE_UNAVAILABLE)
            try:
                status, payload = self._route(method, path, body)
            finally:
                self.server.busy.release()
            self._json(status, payload)
        except RequestError as error:
            self._error(error.status, str(error))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as error:  # the server must survive anything a request triggers
            self.close_connection = True
            self.log_message("internal error: %r", error)
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"internal error: {type(error).__name__}: {error}"[:300])

    def do_GET(self) -> None:
        self._handle("GET")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _not_allowed(self) -> None:
        self.close_connection = True
        self._error(HTTPStatus.METHOD_NOT_ALLOWED, f"method {self.command} is not allowed here")

    do_PUT = do_PATCH = do_OPTIONS = _not_allowed

    def _static(self, name: str, content_type: str) -> None:
        data = resources.files(__package__).joinpath("static", name).read_bytes()
        self._send(HTTPStatus.OK, data, content_type, {"Content-Security-Policy": CSP})

    # -- the API ------------------------------------------------------------------------

    def _route(self, method: str, path: str, body):
        store = self.server.store
        if path == "/api/options":
            _method(method, "GET")
            return HTTPStatus.OK, _options()
        if path == "/api/sessions":
            _method(method, "POST")
            settings, steps = check_settings(body)
            session = Session(settings, steps)
            sid = store.add(session)
            with session.lock:
                return HTTPStatus.CREATED, {"id": sid, "state": session.state()}
        match = _SESSION_ROUTE.match(path)
        if match is None:
            raise RequestError(f"no such page or API route: {path[:100]}", HTTPStatus.NOT_FOUND)
        sid, action = match.groups()
        if action is None:
            if method == "DELETE":
                store.delete(sid)
                return HTTPStatus.OK, {"id": sid, "deleted": True}
            _method(method, "GET")
            session = store.get(sid)
            with session.lock:
                return HTTPStatus.OK, {"id": sid, "state": session.state()}
        _method(method, "POST")
        session = store.get(sid)
        with session.lock:
            if action == "step":
                check_fields(body, {"steps"}, "step")
                session.step(check_int(body, "steps", 1, LIMITS["steps"], 1))
            elif action == "train":
                check_fields(body, {"epochs"}, "train")
                session.train(check_int(body, "epochs", 1, LIMITS["epochs"], 1))
            elif action == "reset":
                check_fields(body, set(), "reset")
                session.reset()
            else:
                return HTTPStatus.OK, _explain(session, body)
            return HTTPStatus.OK, {"id": sid, "state": session.state()}


def _method(method: str, allowed: str) -> None:
    if method != allowed and not (allowed == "GET" and method == "HEAD"):
        raise RequestError(f"method {method} is not allowed here; use {allowed}", HTTPStatus.METHOD_NOT_ALLOWED)


def _explain(session: Session, body) -> dict:
    check_fields(body, {"kind", "layer", "j", "i", "sample"}, "explain")
    kind = body.get("kind")
    if kind == "neuron":
        if "i" in body:
            raise RequestError("explain: a neuron has no 'i'; give layer and j")
        return explain_neuron(session, body.get("layer"), body.get("j"), body.get("sample"))
    if kind == "weight":
        return explain_weight(session, body.get("layer"), body.get("j"), body.get("i"), body.get("sample"))
    raise RequestError(f"explain: kind must be 'neuron' or 'weight'; got {kind!r:.40}")


def _options() -> dict:
    return {
        "datasets": list(DATASET_NAMES),
        "activations": list(HIDDEN_ACTIVATIONS),
        "costs": COSTS.names(),
        "defaults": Settings().to_dict(),
        "limits": LIMITS,
    }
