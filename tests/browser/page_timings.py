"""Explorer page timings in a real browser, on a built graph (the numbers in BENCHMARKS.md).

    .venv/bin/python tests/browser/page_timings.py --data-dir /tmp/atlas-ui --runs 5 \
        --screenshots docs/screenshots

Starts the explorer (`streamlit run app.py`) on the data directory and, in the same
run, a one-line Streamlit page as the baseline, so the report can say how much of a
page's time is Streamlit's own. For every page it measures, over `--runs` visits with a
fresh browser context (empty browser cache, new session) on a warm server:

- first paint: navigation start until the page's first heading is rendered;
- complete: until the script run has finished (every chart and table sent);
- warm: the same page visited again in the same context (browser and server caches warm),
  first paint and complete.

Medians are reported, with the ratio to the baseline page. Not a test (no thresholds):
a benchmark script kept beside the browser tests because it drives the same machinery.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browserkit import ARTIFACTS, IDLE_SELECTOR, ROOT, Server, launch, streamlit_server, warm  # noqa: E402

sys.path.insert(0, str(ROOT))
BASELINE_APP = 'import streamlit as st\n\nst.title("Baseline")\nst.write("A one-line Streamlit page.")\n'


def targets(data_dir: Path) -> list[tuple[str, str]]:
    """(name, path) for every page and tab, with real ids from the graph in the data directory.

    Shared with benchmarks/bench_pages.py (first visits), so both measure the same views.
    """
    os.environ["ATLAS_DATA_DIR"] = str(data_dir)
    from graph.open import open_store

    store = open_store("embedded")
    try:
        def person(name: str) -> str:
            return max(store.search_authors(name), key=lambda r: r["papers"])["id"]

        tianqi, matei = person("Tianqi Chen"), person("Matei Zaharia")
        paper = store.read("MATCH (p:Paper)-[:HAS_TOPIC]->(:Topic) WHERE p.venue = 'MLSys' AND p.year = 2023 "
                           "RETURN p.id AS id ORDER BY p.id LIMIT 1")[0]["id"]
        berkeley = store.search_institutions("University of California, Berkeley")[0]["id"]
    finally:
        store.close()
    return [
        ("home", ""),
        ("search", "search?q=tianqi%20chen"),
        ("search-papers", "search?q=llm%20serving&tab=Papers"),
        ("person", f"person?author={tianqi}"),
        ("person-network", f"person?author={tianqi}&tab=Network"),
        ("paper", f"paper?paper={paper}"),
        ("institution", f"institution?institution={berkeley}"),
        ("graph", f"graph?node={tianqi}"),
        ("connect", f"connect?from={tianqi}&to={matei}"),
        ("collaborators", f"collaborators?author={tianqi}"),
        ("topics", "topics"),
        ("topics: a pillar's leaders", "topics?topic=Software%20systems%20for%20ML"),
        ("topics: a topic's leaders", "topics?kind=Topics&topic=Inference%20and%20serving"),
        ("systems-ml: backgrounds", "systems-ml"),
        ("systems-ml: bridges", "systems-ml?tab=Bridges"),
        ("systems-ml: institutions", "systems-ml?tab=Institutions"),
        ("systems-ml: communities", "systems-ml?tab=Communities"),
        ("program-committee (example)", "program-committee?example=true"),
        ("data", "data"),
        ("data-provenance", f"data?node={tianqi}"),
    ]


def visit(page: Page, url: str) -> tuple[float, float]:
    """(first paint, complete) in seconds for one navigation."""
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector("[data-testid=stMain] h1", timeout=180_000)
    painted = time.perf_counter() - start
    page.wait_for_selector(IDLE_SELECTOR, timeout=180_000)
    return painted, time.perf_counter() - start


def measure(browser: Browser, url: str, runs: int, shot: Path | None = None) -> dict[str, float]:
    firsts, completes, warm_paints, warm_completes = [], [], [], []
    for i in range(runs):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        first, complete = visit(page, url)
        firsts.append(first)
        completes.append(complete)
        warm_paint, warm_complete = visit(page, url)
        warm_paints.append(warm_paint)
        warm_completes.append(warm_complete)
        if shot is not None and i == 0:
            page.wait_for_timeout(800)  # let charts paint
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot))
        context.close()
    return {"first_paint": statistics.median(firsts), "complete": statistics.median(completes),
            "warm_paint": statistics.median(warm_paints), "warm_complete": statistics.median(warm_completes)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="a built graph (ATLAS_DATA_DIR)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--screenshots", type=Path, default=None, help="save one screenshot per page here")
    args = parser.parse_args()

    pages = targets(args.data_dir)
    logs = ARTIFACTS / "logs"
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = launch(playwright)
        baseline_app = Path(tmp) / "baseline.py"
        baseline_app.write_text(BASELINE_APP)
        results: dict[str, dict[str, float]] = {}
        with streamlit_server(args.data_dir, logs) as server:
            warm(browser, server)
            prime(browser, server, pages)  # caches and the analytics projection, as after a first visitor
            for name, path in pages:
                shot = args.screenshots / f"{slug(name)}.png" if args.screenshots else None
                results[name] = measure(browser, server.url + path, args.runs, shot)
                print(f"{name:<20} {results[name]}", file=sys.stderr)
        with streamlit_server(args.data_dir, logs, app=baseline_app) as base:
            first = browser.new_page()
            visit(first, base.url)  # warm it like the explorer
            first.close()
            baseline = measure(browser, base.url, args.runs)
        browser.close()
    print(report(results, baseline, args.runs))
    return 0


def slug(name: str) -> str:
    """A file name for a view: "systems-ml: bridges" -> "systems-ml-bridges"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def prime(browser: Browser, server: Server, targets: list[tuple[str, str]]) -> None:
    page = browser.new_page()
    for _, path in targets:
        visit(page, server.url + path)
    page.close()


def report(results: dict[str, dict[str, float]], baseline: dict[str, float], runs: int) -> str:
    def row(name: str, r: dict[str, float]) -> str:
        return (f"| {name} | {r['first_paint']:.2f} | {r['complete']:.2f} | {r['warm_paint']:.2f} | "
                f"{r['warm_complete']:.2f} | {r['first_paint'] / baseline['first_paint']:.1f} | "
                f"{r['warm_paint'] / baseline['warm_paint']:.1f} |")

    lines = [
        "| page | first paint (s) | complete (s) | warm: first paint (s) | warm: complete (s) | "
        "first paint ÷ baseline | warm first paint ÷ baseline |",
        "|---|---:|---:|---:|---:|---:|---:|",
        row("*baseline: one-line Streamlit page*", baseline),
        *(row(name, r) for name, r in results.items()),
    ]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines.append(f"\nMedians of {runs} visits, each in a fresh browser context, on a warm server; "
                 f"{os.cpu_count()} CPUs, load average at the end {load}.")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
