"""Where a page's first visit spends its time on the server, after the preload (issue 16).

    PYTHONPATH=$PWD .venv/bin/python benchmarks/profile_pages.py --data-dir /tmp/atlas-full graph connect \
        "program-committee (example)" paper

Runs `ui.serve`'s preload in this process (as the server does), then opens each named
page of `tests/browser/page_timings.targets` once with Streamlit's AppTest under cProfile
and prints its wall time and the calls that took longest. The browser's own time (Streamlit
round trips, drawing charts) is not in it: compare with benchmarks/bench_pages.py to see
how much of a first visit is the explorer's work. Not a test; no thresholds.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT))
FILES = {"": "home.py", "search": "search.py", "person": "person.py", "paper": "paper.py",
         "institution": "institution.py", "graph": "graph_explorer.py", "connect": "connect.py",
         "collaborators": "collaborators.py", "topics": "topics.py", "systems-ml": "overlap.py",
         "program-committee": "program_committee.py", "data": "data.py"}


def preloaded_pages(data_dir: Path) -> dict[str, str]:
    """Point the explorer at `data_dir` and preload it as `ui.serve` does; the page paths by name."""
    os.environ.update(ATLAS_DATA_DIR=str(data_dir), ATLAS_GRAPH="atlas", ATLAS_STORE="embedded")
    from page_timings import targets

    from ui import serve

    logging.disable(logging.WARNING)  # "No runtime found": expected outside a server
    serve.preload_and_freeze()
    return dict(targets(data_dir))


def fresh_session(path: str) -> tuple[Any, str]:
    """A new AppTest session on the home page with `path`'s query parameters; the page file to switch to.

    A fresh session per page: in a shared one the bound widgets keep the last page's values (the topic
    chosen, or none), which override the next page's URL parameters, so "a topic's leaders" drew no topic.
    """
    from streamlit.testing.v1 import AppTest

    page, _, query = path.partition("?")
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    app.run()
    app.query_params = dict(parse_qsl(query))
    return app, str(ROOT / "pages" / FILES[page])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="a built, warmed graph (ATLAS_DATA_DIR)")
    parser.add_argument("--top", type=int, default=25, help="calls to print per page")
    parser.add_argument("--restrict", default=r"(graph|ui|pages)/",
                        help="regex on file names the printed calls must match ('.' for all, e.g. Altair's)")
    parser.add_argument("--time-only", action="store_true",
                        help="no cProfile (it inflates Python-heavy code such as Altair's validation): wall times only")
    parser.add_argument("pages", nargs="+", help="page names as in page_timings.targets (e.g. graph, paper)")
    args = parser.parse_args()
    paths = preloaded_pages(args.data_dir)
    for name in args.pages:
        app, page_file = fresh_session(paths[name])
        profile = cProfile.Profile()

        def enable(*_: Any, profile: cProfile.Profile = profile) -> None:
            sys.setprofile(None)  # AppTest runs each script in a new thread: profile that thread
            profile.enable()

        if not args.time_only:
            threading.setprofile(enable)
        start = time.perf_counter()
        app.switch_page(page_file)
        app.run()
        threading.setprofile(None)  # type: ignore[arg-type]
        print(f"=== {name}: {time.perf_counter() - start:.3f} s; exceptions: {[e.value for e in app.exception]}")
        if args.time_only:
            continue
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.restrict, args.top)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
