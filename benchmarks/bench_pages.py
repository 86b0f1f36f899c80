"""First visit of every page and tab after a fresh server start, in a real browser (issue 16).

    .venv/bin/python benchmarks/bench_pages.py --data-dir /tmp/atlas-full [--before REV] [--runs 1]

For each variant it starts a fresh `streamlit run app.py` on the built graph in
`--data-dir`, loads the home page once (what registers the pages; a visitor's first
request does the same), then opens every page and tab once, each in a fresh browser
context, in the order below, and records the time from navigation until the page's
script run has finished (every table and chart sent): the first visit's time to main
content. Variants, measured in the same run:

- `baseline`: a one-line Streamlit page on its own server (Streamlit's own cost);
- `before` (with `--before REV`): the explorer of git revision REV, exported with
  `git archive` into a temporary directory (no worktree, nothing checked out);
- `no cache`: this tree with ATLAS_BUILD_CACHE=0 (no build cache on disk, no background
  precompute: the projection and every view computed on the first request that needs it);
- `after`: this tree, after `mlsys-atlas warm` saved the build cache, served by `streamlit run`
  (the projection and search index still load on the first visit, in a background thread);
- `after + preload`: the same, served by `python -m ui.serve` (what `make run` does): the
  projection and search indexes are loaded in a background thread while the port opens;
  the pages are measured once it says it is done (its "preloaded" line on stdout).

The time from process start until the server answers its health check is reported per
variant too, and for a preloading server the time until the preload finished: the preload
moves work there, and a fair report shows it. `--before-preload` serves `before` through
its own `python -m ui.serve` (for a revision that has one).

Reports every page's time per variant, the ratio to the baseline page, and the p95.
Not a test (no thresholds). Debian's chromium through Playwright (never `playwright install`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT))
from browserkit import IDLE_SELECTOR, free_port, launch  # noqa: E402
from page_timings import targets  # noqa: E402 - the same pages and tabs as the warm-server timings

BASELINE_APP = 'import streamlit as st\n\nst.title("Baseline")\nst.write("A one-line Streamlit page.")\n'
TIMEOUT_MS = 300_000


STARTS: dict[str, float] = {}  # variant -> seconds from process start to a healthy server
READY: dict[str, float] = {}  # variant -> seconds from process start to "preloaded" (a preloading server)
PRELOADED = "MLSys Atlas: preloaded in"  # ui/serve.py's line (before 2026-12-01 printed before the port opened)


@contextlib.contextmanager
def server(tree: Path, data_dir: Path, app: Path, *, preload: bool = False, label: str = "",
           **env: str) -> Iterator[str]:
    """A fresh `streamlit run` of `app` (or `python -m ui.serve`) with `tree` first on the path; stops exactly
    that process."""
    port = free_port()
    environ = {**os.environ, "ATLAS_DATA_DIR": str(data_dir), "ATLAS_GRAPH": "atlas", "ATLAS_STORE": "embedded",
               "PYTHONPATH": str(tree), **env}
    log_path = Path(tempfile.mktemp(prefix="bench-pages-", suffix=".log"))
    log = open(log_path, "wb")  # noqa: SIM115
    command = [sys.executable, "-m", "ui.serve"] if preload else [sys.executable, "-m", "streamlit", "run", str(app)]
    start = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter running our own app
        [*command, "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=tree, env=environ, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 900  # a preloading server opens its port late on a loaded machine
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(url + "_stcore/health", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            time.sleep(0.2)
        if label:
            STARTS[label] = time.monotonic() - start
        if preload:  # the preload runs in the background after the port opens: measure pages once it is done
            while time.monotonic() < deadline and PRELOADED not in log_path.read_text(errors="replace"):
                time.sleep(0.2)
            if label:
                READY[label] = time.monotonic() - start
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def first_visit(browser: Browser, url: str) -> float:
    """Seconds until the script run of a fresh browser context's first navigation has finished."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    page.wait_for_selector("[data-testid=stMain] h1", timeout=TIMEOUT_MS)
    page.wait_for_selector(IDLE_SELECTOR, timeout=TIMEOUT_MS)
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def run_variant(browser: Browser, tree: Path, data_dir: Path, pages: list[tuple[str, str]], label: str,
                preload: bool = False, **env: str) -> dict[str, float]:
    with server(tree, data_dir, tree / "app.py", preload=preload, label=label, **env) as url:
        home = first_visit(browser, url)  # the server's first request: registers the pages (what a first visitor does)
        print(f"  {'(first request: home)':<30} {home:7.2f} s", file=sys.stderr, flush=True)
        times = {}
        for name, path in pages:
            times[name] = first_visit(browser, url + path)
            print(f"  {name:<30} {times[name]:7.2f} s", file=sys.stderr, flush=True)
    return times


def export_revision(rev: str, into: Path) -> Path:
    archive = into / "tree.tar"
    with open(archive, "wb") as handle:
        subprocess.run(["git", "-C", str(ROOT), "archive", rev], stdout=handle, check=True)  # noqa: S603,S607
    tree = into / "tree"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="a built graph (ATLAS_DATA_DIR)")
    parser.add_argument("--before", default=None, help="git revision to measure as 'before'")
    parser.add_argument("--skip-no-cache", action="store_true", help="do not measure the no-cache variant")
    parser.add_argument("--skip-plain", action="store_true", help="do not measure `after` without the preload")
    parser.add_argument("--before-preload", action="store_true",
                        help="serve `before` through its `python -m ui.serve` (a revision that has it)")
    args = parser.parse_args()

    pages = targets(args.data_dir)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = launch(playwright)
        base_app = Path(tmp) / "baseline.py"
        base_app.write_text(BASELINE_APP)
        with server(ROOT, args.data_dir, base_app) as url:
            first_visit(browser, url)
            baseline = statistics.median(first_visit(browser, url) for _ in range(5))
        if args.before:
            print(f"before ({args.before})", file=sys.stderr)
            results["before"] = run_variant(browser, export_revision(args.before, Path(tmp)), args.data_dir, pages,
                                            "before", preload=args.before_preload)
        if not args.skip_no_cache:
            print("no cache", file=sys.stderr)
            results["no cache"] = run_variant(browser, ROOT, args.data_dir, pages, "no cache", ATLAS_BUILD_CACHE="0")
        print("warm (mlsys-atlas warm)", file=sys.stderr)
        start = time.perf_counter()
        subprocess.run([str(Path(sys.executable).parent / "mlsys-atlas"), "warm"], cwd=ROOT, check=True,  # noqa: S603
                       env={**os.environ, "ATLAS_DATA_DIR": str(args.data_dir), "PYTHONPATH": str(ROOT)})
        warm_s = time.perf_counter() - start
        if not args.skip_plain:
            print("after (streamlit run)", file=sys.stderr)
            results["after"] = run_variant(browser, ROOT, args.data_dir, pages, "after")
        print("after + preload (python -m ui.serve)", file=sys.stderr)
        results["after + preload"] = run_variant(browser, ROOT, args.data_dir, pages, "after + preload", preload=True)
        browser.close()

    variants = list(results)
    last = variants[-1]
    print("| page | " + " | ".join(f"{v} (s)" for v in variants) + f" | {last} ÷ baseline |")
    print("|---|" + "---:|" * (len(variants) + 1))
    print("| *baseline: one-line Streamlit page* | " + " | ".join(f"{baseline:.2f}" for _ in variants) + " | 1.0 |")
    for name, _ in pages:
        cells = " | ".join(f"{results[v][name]:.2f}" for v in variants)
        print(f"| {name} | {cells} | {results[last][name] / baseline:.1f} |")
    cells = " | ".join(f"**{p95(list(results[v].values())):.2f}**" for v in variants)
    print(f"| **p95 over pages and tabs** | {cells} | |")
    cells = " | ".join(f"{STARTS.get(v, float('nan')):.1f}" for v in variants)
    print(f"| *server start until healthy* | {cells} | |")
    if READY:
        cells = " | ".join(f"{READY[v]:.1f}" if v in READY else "—" for v in variants)
        print(f"| *server start until preloaded* | {cells} | |")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n`mlsys-atlas warm` (already warm files are kept): {warm_s:.1f} s. {os.cpu_count()} CPUs, "
          f"load average at the end {load}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
