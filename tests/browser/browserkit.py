"""Run the real explorer (`streamlit run app.py`) and drive it with Debian's Chromium.

Shared by the browser tests and `page_timings.py`. The server is a subprocess on a
free 127.0.0.1 port, pointed at a data directory through ATLAS_DATA_DIR, and is
warmed before use: the first load of a fresh Streamlit server runs the main script
before `st.navigation` has registered the pages, so a deep link can land on the
home page or render the old page list.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, Playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
START_TIMEOUT_S = 90.0  # a generous bound for a loaded CI machine, not a performance check
IDLE_SELECTOR = "[data-testid=stApp][data-test-script-state=notRunning]"


def chromium_path() -> str | None:
    return shutil.which("chromium")


def launch(playwright: Playwright) -> Browser:
    path = chromium_path()
    if path is None:
        raise RuntimeError("Debian's chromium is not installed (apt-get install -y chromium); "
                           "the browser tests never download a browser.")
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@contextlib.contextmanager
def streamlit_server(data_dir: Path, log_dir: Path, *, app: Path = ROOT / "app.py", serve: bool = False,
                     **extra_env: str) -> Iterator[Server]:
    """Start the explorer (or another Streamlit `app`) on a free port; stop exactly the process started here.

    `serve`: start it as `make run` does (`python -m ui.serve`), not with `streamlit run`."""
    port = free_port()
    env = {**os.environ, "ATLAS_DATA_DIR": str(data_dir), "ATLAS_GRAPH": "atlas", "ATLAS_STORE": "embedded",
           **extra_env}
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"streamlit-{port}.log"
    start = ["ui.serve"] if serve else ["streamlit", "run", str(app)]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter running our own app
            [sys.executable, "-m", *start, "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}/", process, log_path)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {process.returncode}:\n{server.log()[-3000:]}")
            try:
                with urllib.request.urlopen(server.url + "_stcore/health", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer within {START_TIMEOUT_S}s:\n{server.log()[-3000:]}")
            time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # its own session: the server and nothing else
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_idle(page: Page, timeout_ms: float = 60_000) -> None:
    """Wait until the script run triggered by the last navigation or action has finished."""
    page.wait_for_selector(IDLE_SELECTOR, timeout=timeout_ms)


def warm(browser: Browser, server: Server) -> None:
    """Load the home page once so navigation is registered and caches are warm."""
    page = browser.new_page()
    try:
        page.goto(server.url, timeout=START_TIMEOUT_S * 1000)
        wait_idle(page, START_TIMEOUT_S * 1000)
        page.get_by_test_id("stSidebarNav").get_by_text("Home", exact=True).wait_for(timeout=START_TIMEOUT_S * 1000)
    finally:
        page.close()


def open_idle(page: Page, url: str) -> None:
    """Open a URL and wait for its script run (a fresh page starts in the "initial" state, never idle)."""
    page.goto(url)
    wait_idle(page)


def screenshot(page: Page, name: str) -> Path:
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path
