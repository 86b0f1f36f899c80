"""Requests per 1,000 papers and parse throughput of the live ingestors, against the replay server.

Each source is ingested cold (empty raw store) through the real CLI code, then again
warm (every page stored). Reported per source: papers, requests cold, requests per
1,000 papers, requests warm (must be 0), the warm re-run's wall time, and parse
throughput: the records/s of the source's parser over the bodies of the warm run (best
of three, no network, no store). Baselines measured in the same run: the requests a
naive client would need (OpenAlex paged at the default 25 per page, measured against
the same server; S2 details one GET per paper), and the decode-only rate of the same
bodies (`json.loads` / `lxml.etree.fromstring`), so the
parser's ratio to it says what turning answers into canonical records costs.

    .venv/bin/python benchmarks/bench_ingest.py [--papers 5000]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import requests  # noqa: E402
from ingest_live.conftest import FAST_ENV, tiny_snapshot  # noqa: E402
from ingest_live.replay import (  # noqa: E402
    ReplayData,
    ReplayServer,
    arxiv_entries,
    dblp_hits,
    openalex_works,
    openreview_notes,
    s2_papers,
)
from lxml import etree  # noqa: E402

from atlas_cli.main import main as cli_main  # noqa: E402
from ingest.live.base import LiveSource  # noqa: E402
from ingest.live.cli import SOURCE_CLASSES  # noqa: E402

MLSYS_SOURCE = "S4393918830"


def capture_pages() -> list[tuple[Any, LiveSource, bytes, Any]]:
    """Wrap every source's `parse` to keep (parser, source, body, context) of each page it sees."""
    seen: list[tuple[Any, LiveSource, bytes, Any]] = []
    for cls in SOURCE_CLASSES.values():
        original = cls.parse

        def parse(self: LiveSource, body: bytes, context: Any, _original: Any = original) -> Any:
            seen.append((_original, self, body, context))
            return _original(self, body, context)

        cls.parse = parse  # type: ignore[method-assign]
    return seen


def best_of(repeats: int, work: Any) -> float:
    """Fastest of a few timings: on a shared machine the minimum is the least disturbed one."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def run_cli(*args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = cli_main(["ingest", *args, "--quiet", "--no-load"])
    if code != 0:
        raise SystemExit(f"ingest {' '.join(args)} failed:\n{out.getvalue()}")
    return out.getvalue()


def rates(pages: list[tuple[Any, LiveSource, bytes, Any]], records: int, xml: bool) -> tuple[float, float]:
    """(parse records/s, decode-only records/s) over the same bodies, best of three each."""
    def parse_all() -> None:
        for original, source, body, context in pages:
            original(source, body, context)

    def decode_all() -> None:
        for _, _, body, _ in pages:
            etree.fromstring(body) if xml else json.loads(body)

    return records / best_of(3, parse_all), records / best_of(3, decode_all)


def naive_openalex_requests(server: ReplayServer) -> int:
    """Page the same venue at OpenAlex's default 25 per page (what a client that sets nothing does)."""
    before, cursor, page_size = server.count(), "*", 25
    while cursor:
        data = requests.get(f"{server.url}/works", timeout=30, params={
            "filter": f"locations.source.id:{MLSYS_SOURCE},publication_year:2018-2025", "per-page": page_size,
            "cursor": cursor}).json()
        cursor = data["meta"]["next_cursor"] if data["results"] else None
    return server.count() - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=5000, help="papers per source on the replay server")
    args = parser.parse_args()
    n = args.papers
    pages = capture_pages()
    s2 = s2_papers(n)
    arxiv = arxiv_entries(n)
    data = ReplayData(
        openalex_works={MLSYS_SOURCE: openalex_works(n)},
        s2_venues={"MLSys": s2},
        arxiv=arxiv,
        openreview={"MLSys/2025/Conference": openreview_notes(n, "MLSys/2025/Conference")},
        dblp={"stream:conf/mlsys: year:2024:": dblp_hits(min(n, 10_000))},
    )
    plans = {
        "openalex": ["openalex", "--venue", "mlsys", "--years", "2018-2025"],
        "semantic-scholar (venue)": ["semantic-scholar", "--venue", "mlsys", "--years", "2018-2025"],
        "semantic-scholar (enrich ids)": ["semantic-scholar", "--ids", ",".join(p["paperId"] for p in s2)],
        "arxiv": ["arxiv", "--ids", ",".join(arxiv)],
        "openreview": ["openreview", "--venue", "mlsys", "--years", "2025"],
        "dblp": ["dblp", "--venue", "mlsys", "--years", "2024"],
    }
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        # No politeness waits against the local server, but production timeouts: a slow local answer
        # must not turn into a retry that inflates the request count.
        os.environ.update({**FAST_ENV, "ATLAS_HTTP_READ_TIMEOUT": "60", "ATLAS_HTTP_CONNECT_TIMEOUT": "10",
                           "ATLAS_SNAPSHOT_DIR": str(tiny_snapshot(Path(tmp) / "snapshot"))})
        for label, cli_args in plans.items():
            with ReplayServer(data) as server:
                for cli in ("DBLP", "OPENALEX", "SEMANTIC_SCHOLAR", "ARXIV", "OPENREVIEW"):
                    os.environ[f"ATLAS_{cli}_BASE_URL"] = server.url
                os.environ["ATLAS_DATA_DIR"] = str(Path(tmp) / label.replace(" ", "_"))
                run_cli(*cli_args)
                cold = server.count()
                pages.clear()
                start = time.perf_counter()
                warm_out = run_cli(*cli_args)
                warm_seconds = time.perf_counter() - start
                warm = server.count() - cold
                papers = int(warm_out.split("records ")[1].split(" new")[0].replace(",", "")) + \
                    int(warm_out.split("updated / ")[1].split(" unchanged")[0].replace(",", ""))
                parse_rate, decode = rates(list(pages), papers, xml=cli_args[0] == "arxiv")
                naive = naive_openalex_requests(server) if label == "openalex" else None
                rows.append((label, papers, cold, 1000 * cold / max(papers, 1), warm, parse_rate, decode,
                             warm_seconds, naive))
    print(f"replay server on 127.0.0.1, {n:,} papers per source\n")
    print("| source | papers | requests (cold) | requests / 1,000 papers | requests (warm re-run) | "
          "parse records/s | decode-only records/s | parse / decode | warm re-run s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, papers, cold, per_k, warm, rate, decode, warm_s, _ in rows:
        print(f"| {label} | {papers:,} | {cold:,} | {per_k:.2f} | {warm} | {rate:,.0f} | {decode:,.0f} | "
              f"{rate / decode:.2f} | {warm_s:.1f} |")
    for label, papers, cold, _per_k, *_rest, naive in rows:
        if naive:
            print(f"\nbaseline, OpenAlex at the default 25 per page: {naive:,} requests "
                  f"({1000 * naive / papers:.1f} / 1,000); ratio ingest/baseline = {cold / naive:.3f}")
        if label == "semantic-scholar (enrich ids)":
            print(f"baseline, S2 details one GET per paper: {papers:,} requests (1,000 / 1,000); "
                  f"ratio batch/baseline = {cold / papers:.4f}")


if __name__ == "__main__":
    main()
