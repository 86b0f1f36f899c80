"""Vendor the DBLP person-id evaluation set of the identity benchmark (run once, by hand).

    python scripts/vendor_identity_eval.py /path/to/shared/data/raw

Reads the verbatim DBLP search-API answers kept in the shared raw data (HPCA, `dblp_hpca/`;
SOSP 2017 and FAST 2017, `api_samples/dblp/search_api_json/`) and writes
`benchmarks/data/identity/dblp_pid_mentions.jsonl`: one row per author mention in the
`mlsys-atlas resolve` input format, with DBLP's disambiguation suffix stripped from every
name ('Nitin Agrawal 0001' -> 'Nitin Agrawal') and the DBLP person id kept aside as
`truth_dblp` (never as `dblp`, which the resolver would read as a strong id).

Each row also carries its frozen split: `held_out` is true for name blocks (surname +
first initial) whose hash falls in the first 5 of 16 buckets. The held-out part is never
used to choose anything; the split is fixed here, before any system output was looked at.
DBLP data is CC0 1.0.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.identity.names import parse_name  # noqa: E402

OUT = ROOT / "benchmarks" / "data" / "identity" / "dblp_pid_mentions.jsonl.gz"
SUFFIX = re.compile(r"\s+\d{4}$")
FAMILY = {"HPCA": "architecture", "SOSP": "systems", "FAST": "systems"}


def strip(name: str) -> str:
    return SUFFIX.sub("", html.unescape(name).strip())


def held_out(name: str) -> bool:
    block = parse_name(name).block_key
    return int(hashlib.sha256(block.encode()).hexdigest()[0], 16) < 5


def hits_xml(path: Path) -> list[dict]:
    root = ET.fromstring(gzip.decompress(path.read_bytes()))
    papers = []
    for info in root.iter("info"):
        authors = [(a.get("pid"), a.text or "") for a in info.iter("author")]
        papers.append({"key": info.findtext("key"), "title": info.findtext("title") or "",
                       "venue": info.findtext("venue") or "", "year": info.findtext("year"), "authors": authors})
    return papers


def hits_json(path: Path) -> list[dict]:
    papers = []
    for hit in json.loads(path.read_text())["result"]["hits"]["hit"]:
        info = hit["info"]
        authors = (info.get("authors") or {}).get("author") or []
        if isinstance(authors, dict):  # the API's single-author shape
            authors = [authors]
        papers.append({"key": info["key"], "title": info.get("title", ""), "venue": info.get("venue", ""),
                       "year": info.get("year"), "authors": [(a["@pid"], a["text"]) for a in authors]})
    return papers


def main(raw: Path) -> int:
    papers = hits_xml(raw / "dblp_hpca" / "dblp_hpca.xml.gz")
    for name in ("toc_conf_sosp_sosp2017.json", "toc_conf_fast_fast2017.json"):
        papers += hits_json(raw / "api_samples" / "dblp" / "search_api_json" / name)
    rows = []
    for paper in papers:
        venue = paper["venue"].split()[0] if paper["venue"] else ""
        if venue not in FAMILY or len(paper["authors"]) < 1 or not paper["title"]:
            continue  # proceedings front matter and other venues
        names = [strip(text) for _, text in paper["authors"]]
        for position, ((pid, _), name) in enumerate(zip(paper["authors"], names, strict=True)):
            rows.append({"mention_id": f"dblp:{paper['key']}#{position}", "name": name,
                         "paper_id": f"dblp:{paper['key']}", "title": html.unescape(paper["title"]).rstrip("."),
                         "coauthors": names[:position] + names[position + 1:], "venue": f"venue:{venue.lower()}",
                         "year": int(paper["year"]) if paper["year"] else None, "truth_dblp": pid,
                         "family": FAMILY[venue], "held_out": held_out(name)})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    OUT.write_bytes(gzip.compress(text.encode(), mtime=0))
    print(f"{len(rows)} mentions of {len({r['paper_id'] for r in rows})} papers -> {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
