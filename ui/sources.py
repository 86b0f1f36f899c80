"""The Data page's table of sources: one row per snapshot entry of MANIFEST.json, then the live-ingested sources.

Why a module of its own: the snapshot's entries and the source names papers carry are not one to one. Both DBLP
files' records are tagged "dblp", so matching by name left their paper counts empty and listed "dblp" a second
time, as a live ingest it never was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def source_rows(manifest: Mapping[str, Mapping[str, Any]], freshness: Mapping[str, Mapping[str, Any]]
                ) -> list[dict[str, Any]]:
    """Rows for the table: `manifest` as read from MANIFEST.json, `freshness` the store's papers and latest
    retrieval per source tag. An entry's records carry its name, or the manifest's `source` when it says one."""
    tags = {name: info.get("source") or name for name, info in manifest.items()}
    sharing = {tag: [name for name in manifest if tags[name] == tag] for tag in tags.values()}

    def papers(name: str) -> str:
        count = (freshness.get(tags[name]) or {}).get("papers")
        if count is None:
            return ""
        others = [other for other in sharing[tags[name]] if other != name]
        return f"{count:,}" + (f" (with {', '.join(others)}: “{tags[name]}”)" if others else "")

    rows = [{"Source": name, "Papers": papers(name), "Licence": info.get("licence"), "Origin": info.get("origin"),
             "Retrieved": info.get("retrieved_at"), "Note": info.get("retrieved_at_note")}
            for name, info in manifest.items()]
    rows += [{"Source": tag, "Papers": f"{row['papers']:,}" if row.get("papers") is not None else "",
              "Licence": "see data/PROVENANCE.md", "Origin": "live ingest", "Retrieved": row.get("retrieved_at"),
              "Note": None}
             for tag, row in freshness.items() if tag not in sharing]
    return rows
