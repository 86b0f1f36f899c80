"""The README's screenshots (docs/screenshots/*.png), taken from a built graph in Debian's Chromium.

    PYTHONPATH=$PWD .venv/bin/python tests/browser/readme_screenshots.py --data-dir /tmp/atlas-full \
        --out docs/screenshots

Why a script: the pictures should show what the explorer draws on the full snapshot, and
retaking them by hand drifts (other people, other window sizes). It serves the explorer on
`--data-dir`, visits the same views as the page benchmarks (`page_timings.targets`, so the
ids come from that graph), waits for each script run to finish and for the charts to paint,
and saves a 1400x1000 viewport shot under the README's file names. `person-network-dark`
is Matei Zaharia's Network tab seen by a browser that prefers a dark colour scheme (the
explorer leaves the theme to the viewer, .streamlit/config.toml).
Not a test; kept beside the browser tests because it drives the same machinery.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

from playwright.sync_api import Browser, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browserkit import ARTIFACTS, launch, streamlit_server, wait_idle, warm  # noqa: E402
from page_timings import targets  # noqa: E402

# README file name -> the view of page_timings.targets it shows.
SHOTS = {"home": "home", "search": "search", "person": "person", "connect": "connect",
         "systems-ml": "systems-ml: backgrounds", "topics": "topics",
         "program-committee": "program-committee (example)", "graph": "graph", "collaborators": "collaborators"}
PAINT_MS = 1500  # charts draw after the script run has finished


def shoot(browser: Browser, url: str, path: Path, *, height: int = 1000, dark: bool = False) -> None:
    """One view in a fresh context, saved once its run has finished and its charts painted."""
    context = browser.new_context(viewport={"width": 1400, "height": height},
                                  color_scheme="dark" if dark else "light")
    try:
        page = context.new_page()
        page.goto(url, timeout=300_000)
        page.wait_for_selector("[data-testid=stMain] h1", timeout=300_000)
        wait_idle(page, 300_000)
        page.wait_for_timeout(PAINT_MS)
        page.screenshot(path=str(path))
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="a built graph (ATLAS_DATA_DIR)")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()

    paths = dict(targets(args.data_dir))
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        with streamlit_server(args.data_dir, ARTIFACTS / "logs") as server:
            warm(browser, server)
            for file_name, view in SHOTS.items():
                shoot(browser, server.url + paths[view], args.out / f"{file_name}.png")
                print(f"{file_name}.png  <- {paths[view] or '/'}", file=sys.stderr, flush=True)
            matei = parse_qs(urlparse(paths["connect"]).query)["to"][0]  # the Matei Zaharia with most papers
            shoot(browser, server.url + f"person?author={quote(matei)}&tab=Network",
                  args.out / "person-network-dark.png", height=900, dark=True)
            print("person-network-dark.png", file=sys.stderr, flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
