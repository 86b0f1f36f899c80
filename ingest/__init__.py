"""MLSys Atlas ingest layer: turns outside data into canonical records (`graph.records`)."""
