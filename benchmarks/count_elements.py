"""Elements and layout blocks each page and tab sends, counted with Streamlit's AppTest (issue 16).

    PYTHONPATH=$PWD .venv/bin/python benchmarks/count_elements.py --data-dir /tmp/atlas-full [page ...]

A load-independent measure of what a first visit makes the browser draw (every element costs browser time,
`st.dataframe`'s data grid most: BENCHMARKS.md, issue 16): runs `ui.serve`'s preload, then opens each page of
`tests/browser/page_timings.targets` in a fresh AppTest session (a shared session would carry one page's
bound widget values into the next) and prints the number of elements and blocks of its main area, by type.
The sidebar is left out (the same on every page). Not a test; no thresholds.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT))
from profile_pages import fresh_session, preloaded_pages  # noqa: E402 - benchmarks/, the script's own folder


def count(node: object, counts: collections.Counter[str]) -> None:
    """Add `node` and everything under it to `counts` ("block:<type>" for containers)."""
    children = getattr(node, "children", None)
    kind = str(getattr(node, "type", type(node).__name__))
    if isinstance(children, dict):
        counts["block:" + kind] += 1
        for child in children.values():
            count(child, counts)
    else:
        counts[kind] += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="a built, warmed graph (ATLAS_DATA_DIR)")
    parser.add_argument("pages", nargs="*", help="page names as in page_timings.targets (default: all)")
    args = parser.parse_args()
    paths = preloaded_pages(args.data_dir)
    for name in args.pages or list(paths):
        app, page_file = fresh_session(paths[name])
        app.switch_page(page_file)
        app.run()
        counts: collections.Counter[str] = collections.Counter()
        count(app.main, counts)
        elements = sum(n for kind, n in counts.items() if not kind.startswith("block:"))
        print(f"{name}: {elements} elements, {counts.total() - elements} blocks, "
              f"{counts['dataframe']} data grids, {counts['table']} plain tables; exceptions: "
              f"{[e.value for e in app.exception]}")
        print("    " + ", ".join(f"{kind} {n}" for kind, n in counts.most_common()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
