"""The playground end to end in headless Chromium: train on moons, pause, step, read a
weight's equation, reload from the shared URL. Skipped where Chromium is not installed
(`.ci/run` installs Debian's chromium and chromium-driver)."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request

import numpy as np
import pytest

from backprop import NOTE, Network
from backprop.playground import make_server

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1000",
]

pytestmark = pytest.mark.skipif(
    not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)),
    reason="needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)",
)


@pytest.fixture(scope="module")
def server():
    srv = make_server("127.0.0.1", 0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def wait(driver, condition, timeout=30):
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: condition(d))


def idle(driver):
    body = driver.find_element(By.TAG_NAME, "body")
    return body.get_attribute("data-ready") == "1" and body.get_attribute("data-busy") == "0"


def load(driver, url):
    driver.get("about:blank")
    driver.get(url)
    wait(driver, idle)


def shown_weights(driver) -> list[np.ndarray]:
    """The weights as the page shows them in its tables (full precision in data-value)."""
    cells = driver.execute_script(
        "return [...document.querySelectorAll('td.weight')].map("
        "c => [+c.dataset.l, +c.dataset.j, +c.dataset.i, c.dataset.value])"
    )
    L = max(c[0] for c in cells)
    mats = []
    for l in range(1, L + 1):
        mine = [c for c in cells if c[0] == l]
        W = np.zeros((max(c[1] for c in mine) + 1, max(c[2] for c in mine) + 1))
        for _, j, i, v in mine:
            W[j, i] = float(v)
        mats.append(W)
    edges = driver.execute_script(
        "return [...document.querySelectorAll('g.edge')].map(e => [+e.dataset.l, +e.dataset.j, +e.dataset.i, e.dataset.value])"
    )
    for l, j, i, v in edges:  # the drawn network carries the same numbers
        assert float(v) == mats[l - 1][j, i]
    return mats


def session_state(server, driver) -> dict:
    sid = driver.execute_script("return window.playground.id")
    host, port = server.server_address[:2]
    with urllib.request.urlopen(f"http://{host}:{port}/api/sessions/{sid}", timeout=10) as r:
        return json.loads(r.read())["state"]


def status(driver) -> tuple[int, float]:
    s = driver.find_element(By.ID, "status")
    return int(s.get_attribute("data-steps")), float(s.get_attribute("data-train"))


def regions(driver) -> str:
    return driver.execute_script("return document.getElementById('regions').toDataURL()")


def click_step(driver):
    before = status(driver)[0]
    driver.find_element(By.ID, "step").click()
    wait(driver, lambda d: status(d)[0] == before + 1 and idle(d))


def test_train_on_moons_pause_step_explain_and_share(server, browser):
    host, port = server.server_address[:2]
    load(browser, f"http://{host}:{port}/#dataset=moons&hidden=4,4&learning_rate=0.5&batch_size=1&seed=1")
    assert browser.find_element(By.ID, "error").get_attribute("hidden")
    steps0, cost0 = status(browser)
    picture0 = regions(browser)
    assert steps0 == 0

    # play until a few epochs have passed, then pause
    browser.find_element(By.ID, "play").click()
    per_epoch = session_state(server, browser)["steps_per_epoch"]
    wait(browser, lambda d: status(d)[0] >= 5 * per_epoch)
    browser.find_element(By.ID, "play").click()
    wait(browser, idle)
    assert browser.find_element(By.TAG_NAME, "body").get_attribute("data-playing") == "0"
    steps1, cost1 = status(browser)
    assert cost1 < cost0
    assert regions(browser) != picture0
    for key in ("train", "validation"):  # both cost curves, one point per recorded epoch at least
        points = browser.find_element(By.ID, f"curve-{key}").get_attribute("points").split()
        assert len(points) >= 5
    time.sleep(0.3)
    steps_again = status(browser)[0]
    assert steps_again == steps1  # paused means paused

    # one step: the shown weights are the core's Network.step from the shown weights
    before = shown_weights(browser)
    state = session_state(server, browser)
    idx = state["next_batch"]
    X, T = np.array(state["data"]["X"]), np.array(state["data"]["T"])
    click_step(browser)
    net = Network.from_weights(before)
    net.step(X[idx], T[idx], learning_rate=0.5)
    after = shown_weights(browser)
    for W_page, W_core in zip(after, net.weights):
        np.testing.assert_array_equal(W_page, W_core)

    # click a weight: its equation from the note, with the numbers
    browser.find_element(By.CSS_SELECTOR, 'td.weight[data-l="2"][data-j="0"][data-i="1"]').click()
    box = browser.find_element(By.ID, "explanation")
    wait(browser, lambda d: box.get_attribute("data-symbol") == "w_01^(2)" and idle(d))
    text = box.text
    assert "dC/dw_01^(2) = δ_0^(2) a_1^(1)" in text
    assert "w_01^(2) ← w_01^(2) − γ dC/dw_01^(2)" in text
    sample = int(box.get_attribute("data-sample"))
    p = net.backpropagate(X[sample], T[sample])
    shown = [float(v.get_attribute("data-value")) for v in box.find_elements(By.CSS_SELECTOR, ".value")]
    assert shown[0] == net.weights[1][0, 1]
    assert shown[1] == p.change_matrices[1][0, 1]
    # an edge in the drawing opens its weight too
    browser.execute_script(
        "document.querySelector('g.edge[data-l=\"1\"][data-j=\"2\"][data-i=\"0\"]')"
        ".dispatchEvent(new MouseEvent('click', {bubbles: true}))"
    )
    wait(browser, lambda d: box.get_attribute("data-symbol") == "w_20^(1)" and idle(d))
    # and a neuron opens z, a and δ
    browser.execute_script(
        "document.querySelector('g.neuron[data-l=\"1\"][data-j=\"0\"]').dispatchEvent(new MouseEvent('click', {bubbles: true}))"
    )
    wait(browser, lambda d: box.get_attribute("data-symbol") == "a_0^(1)" and idle(d))
    assert "z_0^(1) = Σ_i w_0i^(1) a_i^(0) + w_02^(1)" in box.text and "δ_0^(1)" in box.text

    # the URL holds the state: reloading it rebuilds the same weights, cost and settings
    shared = browser.current_url
    assert f"steps={steps1 + 1}" in shared and "dataset=moons" in shared
    shown_cost = status(browser)[1]
    load(browser, shared)
    assert status(browser) == (steps1 + 1, shown_cost)
    assert browser.find_element(By.ID, "dataset").get_attribute("value") == "moons"
    assert browser.find_element(By.ID, "seed").get_attribute("value") == "1"
    for W_page, W_core in zip(shown_weights(browser), net.weights):
        np.testing.assert_array_equal(W_page, W_core)

    # everything the page loaded came from this server: nothing from a CDN or elsewhere
    origin = f"http://{host}:{port}/"
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(r => r.name)")
    assert loaded and all(name.startswith(origin) for name in loaded), loaded


def test_the_notes_example_in_the_page(server, browser):
    host, port = server.server_address[:2]
    load(browser, f"http://{host}:{port}/#dataset=note&hidden=2")
    for W_page, W in zip(shown_weights(browser), NOTE.weights):
        np.testing.assert_array_equal(W_page, np.array(W))
    click_step(browser)
    net = NOTE.network()
    net.step(NOTE.x, NOTE.t)
    for W_page, W_core in zip(shown_weights(browser), net.weights):
        np.testing.assert_array_equal(W_page, W_core)
    # reset: the note's weights again, step 0
    browser.find_element(By.ID, "reset").click()
    wait(browser, lambda d: status(d)[0] == 0 and idle(d))
    for W_page, W in zip(shown_weights(browser), NOTE.weights):
        np.testing.assert_array_equal(W_page, np.array(W))


def test_a_bad_shared_url_is_reported_and_the_page_still_works(server, browser):
    host, port = server.server_address[:2]
    load(browser, f"http://{host}:{port}/#dataset=moons&hidden=4000")
    error = browser.find_element(By.ID, "error")
    assert "from 1 to 16" in error.text
    assert status(browser)[0] == 0 and shown_weights(browser)
