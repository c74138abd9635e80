"""Regenerate the playground screenshots in this folder (needs chromium, chromium-driver
and selenium): ``python docs/images/playground_screenshots.py``."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from backprop.playground import make_server

HERE = Path(__file__).parent
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1000",
         "--hide-scrollbars"]


def idle(d):
    body = d.find_element(By.TAG_NAME, "body")
    return body.get_attribute("data-ready") == "1" and body.get_attribute("data-busy") == "0"


def shoot(driver, url, path, click, train_seconds=0.0):
    driver.get("about:blank")
    driver.get(url)
    WebDriverWait(driver, 60).until(idle)
    if train_seconds:
        driver.find_element(By.ID, "play").click()
        time.sleep(train_seconds)
        driver.find_element(By.ID, "play").click()
        WebDriverWait(driver, 60).until(idle)
    driver.execute_script(
        "document.querySelector(arguments[0]).dispatchEvent(new MouseEvent('click', {bubbles: true}))", click
    )
    WebDriverWait(driver, 60).until(lambda d: d.find_element(By.ID, "explanation").get_attribute("data-symbol") and idle(d))
    time.sleep(0.3)
    driver.save_screenshot(str(path))
    print("wrote", path)


def main():
    server = make_server("127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        shoot(driver, server.url + "#dataset=note&hidden=2&learning_rate=0.5&steps=30",
              HERE / "playground-note.png", 'td.weight[data-l="2"][data-j="0"][data-i="1"]')
        shoot(driver, server.url + "#dataset=moons&hidden=8&activation=tanh&learning_rate=0.3"
              "&batch_size=1&noise=0.15&seed=2&steps=16000",
              HERE / "playground-moons.png", 'g.neuron[data-l="1"][data-j="3"]')
    finally:
        driver.quit()
        server.shutdown()


if __name__ == "__main__":
    main()
