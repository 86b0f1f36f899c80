"""Start the explorer and load its slow in-memory state while the first visitor arrives.

    python -m ui.serve [streamlit options, e.g. --server.port 8501]   (what `make run` does)

Why: Streamlit has no start-up hook; it runs `app.py` only when a browser connects, so on a
fresh server the first visitor paid for reading the analytics projection (unpickling the
build cache and rebuilding the co-author graph: ~10 s on the full snapshot under load),
the name indexes, the search index and the related-papers index (graph/related_index.py).
Streamlit runs every script in this same process, so loading those into the module-level
and `st.cache_resource` caches here means page visits read them from memory.

The preload runs in a background thread started just before Streamlit opens its port
(the server answers at once; holding the port until the preload finished made a start
take 34 s on the full snapshot under load). A page that needs something still loading
waits for it behind Streamlit's spinner: `st.cache_resource`/`st.cache_data` compute a
key once, under a per-key lock, so the page and the preload never compute it twice. The
steps run in the order first visits need them (counts, names, then the projection and
search). The cyclic garbage collector is paused during the preload (millions of small
acyclic objects; its full scans were half the unpickling time) and what was loaded is
then frozen out of later collections, which would rescan it on every request.
"MLSys Atlas: preloaded in …" on stdout says when it is done (the page benchmark waits
for it). With ATLAS_PRELOAD=0 nothing is preloaded: the first visits do the work.

The analytics' slow views come from the build cache that `mlsys-atlas warm` writes
(graph/analytics/build_cache.py); without it the preload still reads the projection and
the views are computed on first use.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
import time
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app.py"
log = logging.getLogger("mlsys_atlas.serve")


def enabled() -> bool:
    from graph import config

    return config.settings().preload


def page_answers(key: object) -> None:
    """What the slowest remaining first visits computed (profiled on the full snapshot): the Home, Graph and
    PC-example people lists (a whole-graph store scan each, ~4 s for the ML venues), the PC audit's name
    index (2.7 s), the topic tagger that tags submission titles (spaCy's model, 2.2 s) and the PC example's
    audit and tables (0.9 s)."""
    from atlas_cli import wiring
    from graph.analytics import pc_audit, people
    from ui import analytics, data

    for community, limit in (("mlsys", 8), ("mlsys", 6), ("ml", 3)):  # home, graph explorer, PC example
        data.top_authors(key, community, limit)  # type: ignore[arg-type]
    people.name_index(analytics._projection(key))  # type: ignore[arg-type]
    wiring.install()  # as app.py does: the tagger lives in ingest
    pc_audit.default_tagger(["Serving large language models on GPU clusters"])
    # The PC page's example, audited and flattened as the page asks for it (0.9 s in-process otherwise: the
    # example's paper scan, the audit with the institution table's first load, and the tables).
    members, submissions = analytics.pc_example_csvs(key)  # type: ignore[arg-type]
    analytics.pc_audit_tables(key, members, submissions, analytics.PC_COI_YEARS, ())  # type: ignore[arg-type]


class _ThreadFilter(logging.Filter):
    """Drops one thread's records below ERROR (the preload's expected "outside a script run" warnings)."""

    def __init__(self, thread_name: str) -> None:
        super().__init__()
        self.thread_name = thread_name

    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName != self.thread_name or record.levelno >= logging.ERROR


def preload() -> dict[str, float]:
    """Fill this process's caches with what first visits need; seconds per step. Never raises."""
    import warnings

    timings: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "No runtime found": the caches are the same ones the server uses
        # "No runtime found", "missing ScriptRunContext": expected outside a script run. A filter on this thread's
        # records, not a level: Streamlit resets its loggers' levels when it starts, which now happens meanwhile.
        quiet = [logging.getLogger(f"streamlit.runtime.{name}") for name in
                 ("caching.cache_data_api", "scriptrunner_utils.script_run_context")]
        this_thread = threading.current_thread().name
        hush = _ThreadFilter(this_thread)
        for logger in quiet:
            logger.addFilter(hush)
        try:
            from graph import related_index
            from ui import analytics, data

            key = data.store_key()

            def step(name: str, run: object) -> None:
                start = time.perf_counter()
                run()  # type: ignore[operator]
                timings[name] = round(time.perf_counter() - start, 2)

            step("counts", lambda: (data.counts(key), data.build_report(key), data.coverage(key),
                                    data.venues(key),  # venues: the Search page's filter (a scan of every paper)
                                    data.affiliation_coverage(key)))  # the Institution page's (every authorship)
            step("name indexes", lambda: (data.author_index(key), data.institution_index(key)))
            if analytics.available("graph.analytics"):
                step("projection", lambda: analytics._projection(key))
                # the co-author graph and per-author tallies that profiles, topics and the PC audit read first
                # (unpickled from the build cache's views file when `warm` saved it, else computed)
                from graph.analytics.projections import SAVED_VIEWS

                step("projection views",
                     lambda: [getattr(analytics._projection(key), name, None) for name in SAVED_VIEWS])
                step("search index", lambda: analytics.paper_search(key))
                step("related papers index", lambda: related_index.load(data.store_for(key)))
                step("page answers", lambda: page_answers(key))
        except Exception:  # noqa: BLE001 - no graph yet, store down: the pages explain it on the first visit
            log.warning("preload skipped", exc_info=True)
        finally:
            for logger in quiet:
                logger.removeFilter(hush)
    return timings


READY = "MLSys Atlas: preloaded in"  # the line that says the preload is done (benchmarks/bench_pages.py waits for it)


def preload_and_freeze() -> None:
    """The background thread's job: preload with the collector paused, then freeze what was loaded."""
    from graph import gc_pause

    start = time.perf_counter()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        timings = preload()
    finally:
        gc.collect()  # what pages left behind meanwhile, so freezing keeps only what is alive
        gc_pause.freeze()  # long-lived caches: later collections need not rescan them
        if was_enabled:
            gc.enable()
    print(f"{READY} {time.perf_counter() - start:.1f} s {timings}", flush=True)


def start_preload() -> threading.Thread:
    thread = threading.Thread(target=preload_and_freeze, name="atlas-preload", daemon=True)
    thread.start()
    return thread


def navigation_from_app_py() -> None:
    """Every visit runs app.py and its `st.navigation`, the first one too.

    Why: with a `pages/` folder beside app.py, Streamlit starts in its older multipage mode and leaves it only
    when some visit's run of app.py calls `st.navigation`. A first visitor who opened a deep link (`/topics`)
    before anyone opened `/` got `pages/topics.py` run on its own: Streamlit's list of file names (app,
    collaborators, …) in place of the sidebar, and no error boundary. `st.navigation` clears the same flag on
    its first call; this clears it before the first visit."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if enabled():
        start_preload()  # the port opens meanwhile; pages wait for what they need (see the module doc)
    navigation_from_app_py()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *args]
    cli.main()


if __name__ == "__main__":
    main()
