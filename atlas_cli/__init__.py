"""The `mlsys-atlas` command line: the one package above both layers.

It orchestrates the ingest pipeline and the graph layer (`build`, `ingest`, analytics,
exports), so it may import both; `graph/`, `ui/`, `pages/` and `app.py` never import
`ingest/` (tests/test_layering.py). `atlas_cli.wiring` plugs the ingest pieces the graph
layer's analytics need into `graph.providers`.
"""
