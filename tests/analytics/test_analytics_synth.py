"""The synthetic generator: exact size, deterministic per seed, the snapshot's shape, loadable."""

from __future__ import annotations

import sys
from pathlib import Path

from graph import config
from graph.analytics import projection
from graph.falkor_store import FalkorStore
from graph.loader import load

sys.path.insert(0, str(config.PROJECT_ROOT / "benchmarks"))

from synth import SNAPSHOT_STATS, VENUE_YEAR_PAPERS, SynthGenerator, describe, synth_batch  # noqa: E402


def test_schedule_is_exact_and_follows_the_snapshot() -> None:
    schedule = SynthGenerator(12_345).schedule()
    assert sum(n for _, _, n in schedule) == 12_345
    assert {venue for _, venue, _ in schedule} <= set(VENUE_YEAR_PAPERS)
    by_venue: dict[str, int] = {}
    for _, venue, n in schedule:
        by_venue[venue] = by_venue.get(venue, 0) + n
    assert by_venue["NeurIPS"] > by_venue["ICML"] > by_venue["ASPLOS"] > by_venue["MLSys"]


def test_same_seed_same_graph_and_valid_references() -> None:
    first, again, other = synth_batch(1500, seed=3), synth_batch(1500, seed=3), synth_batch(1500, seed=4)
    assert [(p.id, p.title, [a.author_id for a in p.authorships]) for p in first.papers] == \
           [(p.id, p.title, [a.author_id for a in p.authorships]) for p in again.papers]
    assert [p.title for p in first.papers] != [p.title for p in other.papers]
    assert len(first.papers) == 1500 and all(p.authorships for p in first.papers)
    author_ids = {a.id for a in first.authors}
    assert {a.author_id for p in first.papers for a in p.authorships} == author_ids
    institution_ids = {i.id for i in first.institutions}
    assert {a.institution_id for p in first.papers for a in p.authorships if a.institution_id} == institution_ids
    assert {v.community for v in first.venues} >= {"systems", "ml", "mlsys"}
    assert any(p.topics for p in first.papers)


def test_shape_is_close_to_the_snapshot() -> None:
    stats = describe([a.author_id for a in p.authorships] for p in SynthGenerator(20_000, seed=1).papers())
    assert abs(stats["authorships_per_paper"] - SNAPSHOT_STATS["authorships_per_paper"]) < 0.3
    assert abs(stats["authors_per_paper"] - SNAPSHOT_STATS["authors_per_paper"]) < 0.3
    assert abs(stats["one_paper_author_share"] - SNAPSHOT_STATS["one_paper_author_share"]) < 0.1
    assert stats["repeat_link_share"] > 0.05  # teams recur


def test_loads_into_the_store_and_answers(tmp_path: Path) -> None:
    store = FalkorStore(tmp_path, "synth")
    try:
        batch = synth_batch(600, seed=5)
        with store.building() as target:
            load(target, batch)
        proj = projection(store)
        assert len(proj.papers) == 600
        assert proj.graph.number_of_nodes() == len(batch.authors)
    finally:
        store.close()
