"""Live ingestors: DBLP, OpenAlex, arXiv, Semantic Scholar and OpenReview into canonical records.

One polite HTTP layer (`http`), one resumable page loop (`runner`), and per source only
what differs: which requests to make and how to parse the answers (`sources/`). Parsed
papers are kept as JSON-lines record files that `mlsys-atlas build` loads with the
bundled snapshot (`ingest.recordio`).
"""
