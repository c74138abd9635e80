"""The playground's server: the API computes with the core, and refuses bad requests
with a clear 4xx JSON message while it keeps serving."""

from __future__ import annotations

import http.client
import json
import re
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from backprop import NOTE, Network
from backprop.playground import make_server
from backprop.playground.server import MAX_BODY

from conftest import backprop_command


def _start(**options):
    server = make_server("127.0.0.1", 0, **options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture(scope="module")
def server():
    srv = _start()
    yield srv
    srv.shutdown()
    srv.server_close()


def call(server, method, path, body=None, *, raw=None, headers=None):
    """(status, decoded JSON) of one request."""
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=30)
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    conn.request(method, path, body=data, headers=headers or {})
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    kind = response.getheader("Content-Type", "")
    return response.status, (json.loads(payload) if "json" in kind else payload.decode())


def create(server, **settings):
    status, payload = call(server, "POST", "/api/sessions", settings)
    assert status == 201, payload
    return payload["id"], payload["state"]


def assert_up(server):
    status, payload = call(server, "GET", "/api/options")
    assert status == 200 and "moons" in payload["datasets"]


def network_of(state):
    act = state["activations"]
    return Network.from_weights(
        [np.array(W) for W in state["weights"]],
        activation=act[0], output_activation=act[-1], cost=state["cost_name"],
    )


# -- the numbers are the core's ---------------------------------------------------------


@pytest.mark.parametrize("batch_size", [1, 7])
def test_one_step_equals_network_step(server, batch_size):
    sid, before = create(server, dataset="moons", hidden=[3, 2], batch_size=batch_size, learning_rate=0.7, seed=4)
    status, after = call(server, "POST", f"/api/sessions/{sid}/step", {"steps": 1})
    assert status == 200
    after = after["state"]
    idx = before["next_batch"]
    assert after["last_batch"] == idx and len(idx) == batch_size
    X, T = np.array(before["data"]["X"]), np.array(before["data"]["T"])
    net = network_of(before)
    net.step(X[idx], T[idx], learning_rate=0.7)
    for W_page, W_core in zip(after["weights"], net.weights):
        np.testing.assert_array_equal(np.array(W_page), W_core)
    assert after["steps"] == 1


def test_the_notes_example_and_its_explanations(server):
    sid, state = create(server, dataset="note", hidden=[2])
    assert state["sizes"] == [2, 2, 2]
    np.testing.assert_array_equal(np.array(state["weights"][0]), np.array(NOTE.weights[0]))
    assert state["cost"]["train"] == pytest.approx(0.189842, abs=1e-6)
    status, ex = call(server, "POST", f"/api/sessions/{sid}/explain", {"kind": "neuron", "layer": 2, "j": 0})
    assert status == 200, ex
    values = {line["formula"].split(" =")[0]: line["value"] for line in ex["lines"]}
    assert values["a_0^(2)"] == pytest.approx(0.873557, abs=1e-6)
    assert values["δ_0^(2)"] == pytest.approx(0.063352, abs=1e-6)
    status, ex = call(server, "POST", f"/api/sessions/{sid}/explain", {"kind": "neuron", "layer": 1, "j": 1})
    delta = next(line for line in ex["lines"] if line["formula"].startswith("δ_1^(1)"))
    assert delta["value"] == pytest.approx(0.011531, abs=1e-6)
    # f'(z_1^(1)) = a_1^(1)(1 − a_1^(1)) with a_1^(1) = 0.748382, then w_k1^(2) δ_k^(2)
    assert delta["numbers"] == "0.188307 × (0.800000×0.063352 + 0.200000×0.052770)"
    # dC/dw_01^(2) = δ_0^(2) a_1^(1), and the update it predicts is the step's
    status, ex = call(server, "POST", f"/api/sessions/{sid}/explain", {"kind": "weight", "layer": 2, "j": 0, "i": 1})
    assert ex["symbol"] == "w_01^(2)"
    grad = next(line for line in ex["lines"] if line["formula"].startswith("dC/dw_01^(2) = δ_0^(2) a_1^(1)"))
    assert grad["value"] == pytest.approx(0.063352 * 0.748382, abs=1e-6)
    assert "0.063352 × 0.748382" in grad["numbers"]
    predicted = ex["lines"][-1]["value"]
    net = NOTE.network()
    net.step(NOTE.x, NOTE.t)
    _, after = call(server, "POST", f"/api/sessions/{sid}/step", {})
    assert after["state"]["weights"][1][0][1] == predicted == net.weights[1][0, 1]
    # the bias: dC/dw_02^(2) = δ_0^(2) · 1
    _, ex = call(server, "POST", f"/api/sessions/{sid}/explain", {"kind": "weight", "layer": 2, "j": 0, "i": 2})
    assert "bias" in ex["lines"][0]["note"] and "· 1" in ex["lines"][1]["formula"]


def test_explaining_a_weight_with_batches_shows_the_next_steps_numbers(server):
    sid, before = create(server, dataset="moons", hidden=[3], batch_size=7, learning_rate=0.7, seed=4)
    status, ex = call(server, "POST", f"/api/sessions/{sid}/explain", {"kind": "weight", "layer": 1, "j": 2, "i": 0})
    assert status == 200, ex
    idx = before["next_batch"]
    X, T = np.array(before["data"]["X"]), np.array(before["data"]["T"])
    net = network_of(before)
    mean = next(line for line in ex["lines"] if "mean over the next batch of 7 samples" in line["formula"])
    assert mean["value"] == net.gradients(X[idx], T[idx])[0][2, 0]
    predicted = ex["lines"][-1]
    assert predicted["formula"] == "w_20^(1) after the next step"
    _, after = call(server, "POST", f"/api/sessions/{sid}/step", {})
    net.step(X[idx], T[idx], learning_rate=0.7)
    assert after["state"]["weights"][0][2][0] == predicted["value"] == net.weights[0][2, 0]


def test_train_reset_and_replay(server):
    sid, start = create(server, dataset="moons", hidden=[4], learning_rate=2.0, batch_size=8, samples=60, seed=3)
    status, trained = call(server, "POST", f"/api/sessions/{sid}/train", {"epochs": 20})
    trained = trained["state"]
    assert trained["epoch"] == 20 and trained["position"] == 0
    assert trained["steps"] == 20 * trained["steps_per_epoch"]
    assert trained["cost"]["train"] < start["cost"]["train"]
    assert trained["cost"]["validation"] is not None
    assert trained["grid"]["values"] != start["grid"]["values"]
    assert len(trained["grid"]["values"]) == 40 * 40
    # the same settings and step count rebuild the same state (what a shared URL holds)
    _, replay = create(server, **trained["settings"], steps=trained["steps"])
    assert replay["weights"] == trained["weights"] and replay["steps"] == trained["steps"]
    _, reset = call(server, "POST", f"/api/sessions/{sid}/reset", {})
    assert reset["state"]["weights"] == start["weights"] and reset["state"]["steps"] == 0


def test_xor_and_the_note_train_on_all_their_points(server):
    _, state = create(server, dataset="xor", hidden=[3], batch_size=4)
    assert len(state["data"]["X"]) == 4 and state["data"]["X_val"] == []
    assert state["batch_size"] == 4 and state["cost"]["validation"] is None
    _, state = create(server, dataset="note", hidden=[3, 2])
    assert state["sizes"] == [2, 3, 2, 2] and state["data"]["y"] is None


def test_every_setting_combination_family(server):
    for settings in (
        dict(dataset="blobs", hidden=[5], cost="cross_entropy", activation="tanh"),
        dict(dataset="circles", hidden=[], cost="binary_cross_entropy", activation="relu"),
        dict(dataset="spirals", hidden=[16, 16, 16, 16], activation="leaky_relu", grid=100, samples=1000),
    ):
        sid, state = create(server, **settings)
        status, out = call(server, "POST", f"/api/sessions/{sid}/step", {"steps": 5})
        assert status == 200, out
    _, state = create(server, dataset="blobs", hidden=[5], cost="cross_entropy")
    assert state["sizes"][-1] == 3 and state["activations"][-1] == "softmax"
    assert state["grid"]["classes"] is not None


def test_a_diverging_network_still_answers_json(server):
    sid, _ = create(server, dataset="moons", hidden=[16, 16], activation="identity", learning_rate=10.0, batch_size=1)
    status, out = call(server, "POST", f"/api/sessions/{sid}/train", {"epochs": 3})
    assert status == 200
    assert out["state"]["cost"]["train"] is None or np.isfinite(out["state"]["cost"]["train"])
    status, ex = call(server, "POST", f"/api/sessions/{sid}/explain", {"kind": "weight", "layer": 1, "j": 0, "i": 0})
    assert status == 200


# -- bad requests: a clear 4xx JSON message, and the server stays up ----------------------


@pytest.mark.parametrize(
    "body, words",
    [
        ({"dataset": "mnist"}, "dataset must be one of"),
        ({"dataset": "m" * 10_000}, "dataset must be one of"),
        ({"dataset": 3}, "dataset must be one of"),
        ({"activation": "softmax"}, "activation must be one of"),
        ({"cost": "hinge"}, "cost must be one of"),
        ({"hidden": [0]}, "from 1 to 16"),
        ({"hidden": [10**9]}, "from 1 to 16"),
        ({"hidden": [4] * 100}, "at most 4"),
        ({"hidden": "4,4"}, "list"),
        ({"hidden": [2.5]}, "integer"),
        ({"learning_rate": 0}, "greater than 0"),
        ({"learning_rate": -1}, "greater than 0"),
        ({"learning_rate": 1e300}, "at most 10"),
        ({"learning_rate": "0.5"}, "must be a number"),
        ({"learning_rate": True}, "must be a number"),
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": 201}, "batch_size"),
        ({"samples": 10**12}, "samples"),
        ({"grid": 100_000}, "grid"),
        ({"noise": -0.1}, "noise"),
        ({"seed": -1}, "seed"),
        ({"steps": 10**9}, "steps"),
        ({"dataset": "note", "cost": "cross_entropy"}, "class labels"),
        ({"hiden": [4]}, "unknown field 'hiden'"),
        ([1, 2], "JSON object"),
        ("moons", "JSON object"),
    ],
)
def test_bad_settings_are_refused_clearly(server, body, words):
    status, payload = call(server, "POST", "/api/sessions", body)
    assert status == 400
    assert words in payload["error"]
    assert_up(server)


@pytest.mark.parametrize(
    "action, body, words",
    [
        ("step", {"steps": 0}, "steps must be an integer from 1"),
        ("step", {"steps": 10**9}, "steps must be an integer from 1"),
        ("step", {"steps": 1, "extra": 1}, "unknown field 'extra'"),
        ("train", {"epochs": 10**6}, "epochs must be an integer from 1"),
        ("train", {"epoch": 1}, "unknown field 'epoch'"),
        ("reset", {"now": True}, "unknown field"),
        ("explain", {"kind": "weight", "layer": 9, "j": 0, "i": 0}, "layer must be"),
        ("explain", {"kind": "weight", "layer": 1, "j": -1, "i": 0}, "j must be"),
        ("explain", {"kind": "weight", "layer": 1, "j": 0, "i": 99}, "i must be"),
        ("explain", {"kind": "neuron", "layer": 1, "j": 0, "i": 0}, "no 'i'"),
        ("explain", {"kind": "bias"}, "kind must be"),
        ("explain", {"kind": "neuron", "layer": 1, "j": 0, "sample": 10**6}, "sample must be"),
    ],
)
def test_bad_actions_are_refused_clearly(server, action, body, words):
    sid, _ = create(server, dataset="moons", hidden=[2])
    status, payload = call(server, "POST", f"/api/sessions/{sid}/{action}", body)
    assert status == 400, payload
    assert words in payload["error"]
    assert_up(server)


def test_work_per_request_is_bounded(server):
    sid, _ = create(server, dataset="moons", samples=1000, batch_size=800)
    status, payload = call(server, "POST", f"/api/sessions/{sid}/step", {"steps": 5000})
    assert status == 400 and "at most 100000 samples" in payload["error"]


@pytest.mark.parametrize(
    "raw, words",
    [
        (b'{"dataset": "moons"', "not valid JSON"),
        (b"{'dataset': 'moons'}", "not valid JSON"),
        (b'{"learning_rate": NaN}', "NaN"),
        (b'{"learning_rate": Infinity}', "Infinity"),
        (b"\xff\xfe\x00", "UTF-8"),
        (b"[" * 100_00, "JSON"),
        (b'{"seed": ' + b"9" * 5000 + b"}", "JSON"),
    ],
)
def test_malformed_json(server, raw, words):
    status, payload = call(server, "POST", "/api/sessions", raw=raw)
    assert status in (400, 413)
    assert words in payload["error"]
    assert_up(server)


def test_body_size_is_limited(server):
    status, payload = call(server, "POST", "/api/sessions", raw=b" " * (MAX_BODY + 1))
    assert status == 413 and "at most" in payload["error"]
    # a lying Content-Length: refused before anything is read
    with socket.create_connection(server.server_address[:2], timeout=10) as sock:
        sock.sendall(b"POST /api/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 999999999999\r\n\r\n{}")
        answer = sock.recv(4096).decode()
    assert answer.startswith("HTTP/1.1 413")
    status, payload = call(server, "POST", "/api/sessions", raw=b"{}", headers={"Content-Length": "ten"})
    assert status == 400
    assert_up(server)


def test_unknown_routes_methods_and_sessions(server):
    for method, path, code in [
        ("GET", "/nope", 404),
        ("GET", "/api/sessions/../../etc/passwd", 404),
        ("GET", "/static/../server.py", 404),
        ("POST", "/api/sessions/0123456789abcdef/step", 404),
        ("GET", "/api/sessions/not-an-id", 404),
        ("PUT", "/api/sessions", 405),
        ("GET", "/api/sessions", 405),
        ("DELETE", "/api/options", 405),
    ]:
        status, payload = call(server, method, path, {} if method in ("POST", "PUT") else None)
        assert status == code, (method, path, payload)
        assert payload["error"]
    sid, _ = create(server)
    status, payload = call(server, "GET", f"/api/sessions/{sid}/step")
    assert status == 405 and "use POST" in payload["error"]
    assert call(server, "DELETE", f"/api/sessions/{sid}")[0] == 200
    status, payload = call(server, "GET", f"/api/sessions/{sid}")
    assert status == 404 and "create a new one" in payload["error"]
    assert_up(server)


def test_foreign_host_header_is_refused(server):
    status, payload = call(server, "GET", "/api/options", headers={"Host": "evil.example:80"})
    assert status == 403 and "not this server" in payload["error"]


def test_page_and_assets_are_local(server):
    status, page = call(server, "GET", "/")
    assert status == 200 and "/static/app.js" in page
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
    conn.request("GET", "/")
    response = conn.getresponse()
    response.read()
    assert "default-src 'none'" in response.getheader("Content-Security-Policy")
    for path in ("/", "/static/app.js", "/static/style.css"):
        status, text = call(server, "GET", path)
        assert status == 200
        urls = set(re.findall(r"https?://[^\s\"'`)]+", text))
        assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xhtml"}, urls


def test_many_concurrent_sessions_are_bounded():
    srv = _start(max_sessions=4)
    try:
        with ThreadPoolExecutor(12) as pool:
            results = list(pool.map(lambda k: call(srv, "POST", "/api/sessions", {"hidden": [2], "seed": k, "samples": 50}), range(24)))
        assert all(status == 201 for status, _ in results), [p for s, p in results if s != 201][:2]
        assert len(srv.store) == 4
        ids = [payload["id"] for _, payload in results]
        found = [call(srv, "GET", f"/api/sessions/{sid}")[0] for sid in ids]
        assert found.count(200) == 4 and found.count(404) == 20
        # concurrent steps on one session are serialised by its lock: no step is lost
        sid = next(s for s, code in zip(ids, found) if code == 200)
        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(lambda _: call(srv, "POST", f"/api/sessions/{sid}/step", {"steps": 3})[0], range(16)))
        assert codes == [200] * 16
        assert call(srv, "GET", f"/api/sessions/{sid}")[1]["state"]["steps"] == 48
        assert_up(srv)
    finally:
        srv.shutdown()
        srv.server_close()


# -- the command ---------------------------------------------------------------------------


def _launch(*args):
    proc = subprocess.Popen(
        backprop_command() + ["playground", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line) or re.search(r"http://[^:]+:(\d+)/", line)
    assert match, line + proc.stderr.read()
    proc.first_line = line
    return proc, int(match.group(1))


def test_cli_serves_and_stops_cleanly_on_ctrl_c():
    proc, port = _launch("--port", "0")
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/api/options")
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "stopped" in out
    assert proc.first_line.startswith(f"backprop playground: serving on http://127.0.0.1:{port}/")  # loopback by default
    assert "warning" not in err and "Traceback" not in err


def test_cli_warns_when_bound_beyond_this_machine():
    proc, port = _launch("--port", "0", "--host", "0.0.0.0")
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert "warning" in err and "0.0.0.0" in err
    assert proc.returncode == 0


def test_cli_rejects_a_bad_port(cli):
    result = cli("playground", "--port", "70000")
    assert result.returncode == 1 and "port" in result.stderr


def test_replay_work_is_bounded(server):
    status, payload = call(server, "POST", "/api/sessions", {"samples": 1000, "batch_size": 800, "steps": 50_000})
    assert status == 400 and "replaying 50000 steps of 800 samples" in payload["error"]


def test_connections_are_bounded():
    from backprop.playground import server as module

    srv = _start()
    srv.connections = threading.BoundedSemaphore(2)
    idle = [socket.create_connection(srv.server_address[:2], timeout=10) for _ in range(2)]
    try:
        time.sleep(0.2)
        with socket.create_connection(srv.server_address[:2], timeout=10) as sock:
            sock.sendall(b"GET /api/options HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            answer = sock.recv(4096).decode()
        head, _, body = answer.partition("\r\n\r\n")
        assert head.startswith("HTTP/1.1 503") and f"Content-Length: {len(body)}" in head
        assert json.loads(body)["error"] == "too many connections; try again later"
    finally:
        for sock in idle:
            sock.close()
    time.sleep(0.3)
    assert_up(srv)
    srv.shutdown()
    srv.server_close()
    assert module.MAX_CONNECTIONS >= 16


def test_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError as error:
        pytest.skip(f"no IPv6 loopback on this machine: {error}")
    server = make_server("::1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert server.url.startswith("http://[::1]:")
        conn = http.client.HTTPConnection("::1", server.server_address[1], timeout=10)
        conn.request("GET", "/api/options")
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        server.shutdown()
        server.server_close()


def test_a_connection_error_goes_to_the_log_not_to_stderr(monkeypatch, capsys):
    from backprop.playground.server import PlaygroundHandler

    def fail(self):
        raise RuntimeError("broken handler")

    monkeypatch.setattr(PlaygroundHandler, "handle", fail)
    lines: list[str] = []
    srv = _start(log=lines.append)
    try:
        with socket.create_connection(srv.server_address[:2], timeout=5) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            s.recv(16)  # the server closes the connection
        deadline = time.monotonic() + 5
        while not lines and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        srv.shutdown()
        srv.server_close()
    assert any("broken handler" in line for line in lines), lines
    assert capsys.readouterr().err == ""
