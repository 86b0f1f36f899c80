from graph.falkor_store import FalkorStore


def test_small_build_has_every_label(small_store: FalkorStore) -> None:
    counts = small_store.counts()
    assert counts["nodes"]["Paper"] > 4000
    assert counts["nodes"]["Author"] > 10000
    assert counts["relationships"]["AUTHORED"] > counts["nodes"]["Paper"]
    venues = {row["venue"] for row in counts["papers_per_venue_year"]}
    assert {"MLSys", "OSDI", "NSDI", "ICML", "ICLR"} <= venues
