"""Would sharing repeated strings make the incremental state faster to read? (issue 20; measured, not built)

Why: an ingest starts by unpickling the whole state (~1.1-1.3 s of its ~9 s on the full snapshot). Pickle writes a
string once per object, so equal strings that are distinct objects (each paper's venue id, each tag's evidence
phrase, repeated affiliations and countries) are written, read and allocated again. This reads a saved state
(`benchmarks/incr_micro.py make DIR` leaves one), makes two variants and times `pickle.loads` of each against the
file as saved, alternating, in one process:

- `some`: the strings a build could share where it makes them: topic labels and evidence, venue ids, affiliations
  and countries (`sys.intern`);
- `all`: every string of the state shared (a pass over the whole state; the ceiling).

    PYTHONPATH=$PWD .venv/bin/python benchmarks/state_strings.py /tmp/base/cache/incremental/state.pkl [--rounds 5]
"""

from __future__ import annotations

import argparse
import gc
import pickle
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest import state_codec  # noqa: E402

_TOPICS, _VENUE, _AUTHORSHIPS = (state_codec._PAPER.index(n) for n in ("topics", "venue_id", "authorships"))
_AFFILIATION, _COUNTRY = (state_codec._AUTHORSHIP.index(n) for n in ("affiliation", "country"))


def _tag(tag: tuple) -> tuple:
    return (sys.intern(tag[0]), tag[1], [sys.intern(e) for e in tag[2]])


def _authorship(values: tuple) -> tuple:
    if values[_AFFILIATION] is None and values[_COUNTRY] is None:
        return values
    out = list(values)
    for at in (_AFFILIATION, _COUNTRY):
        if out[at] is not None:
            out[at] = sys.intern(out[at])
    return tuple(out)


def share_some(state: dict[str, Any]) -> dict[str, Any]:
    papers = []
    for paper in state["merged"]:
        values = list(paper)
        values[_TOPICS] = [_tag(t) for t in paper[_TOPICS]]
        values[_VENUE] = sys.intern(paper[_VENUE])
        values[_AUTHORSHIPS] = [_authorship(a) for a in paper[_AUTHORSHIPS]]
        papers.append(tuple(values))
    tags = {key: [_tag(t) for t in value] for key, value in state["tags"].items()}
    return {**state, "merged": papers, "tags": tags}


def share_all(state: dict[str, Any]) -> dict[str, Any]:
    seen: dict[str, str] = {}

    def share(value: Any) -> Any:
        kind = type(value)
        if kind is str:
            return seen.setdefault(value, value)
        if kind is tuple:
            return tuple([share(v) for v in value])
        if kind is list:
            return [share(v) for v in value]
        if kind is dict:
            return {share(k): share(v) for k, v in value.items()}
        return value

    return {key: share(value) for key, value in state.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("state", type=Path, help="a saved state.pkl (the base file of an incremental state)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    gc.disable()  # as the ingest reads it (graph.gc_pause)
    saved = args.state.read_bytes()
    state = pickle.loads(saved)
    variants = {"as saved": saved}
    for name, make in (("some", share_some), ("all", share_all)):
        started = time.perf_counter()
        variants[name] = pickle.dumps(make(state), protocol=pickle.HIGHEST_PROTOCOL)
        print(f"{name}: made in {time.perf_counter() - started:.2f} s", flush=True)
    seconds: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, blob in variants.items():
            started = time.perf_counter()
            loaded = pickle.loads(blob)
            seconds[name].append(time.perf_counter() - started)
            del loaded
    base = statistics.median(seconds["as saved"])
    print("| variant | MB | pickle.loads, median s | × as saved |\n|---|---:|---:|---:|")
    for name, blob in variants.items():
        median = statistics.median(seconds[name])
        print(f"| {name} | {len(blob) / 1e6:.1f} | {median:.3f} | {median / base:.2f} |")


if __name__ == "__main__":
    main()
