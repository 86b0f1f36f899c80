"""Copy the redistributable part of the raw public data into data/snapshot/ (maintainer tool).

Run once by a maintainer with the raw-data folder as argument; the product and its tests
read only data/snapshot/. What is copied and why is recorded in data/PROVENANCE.md:
- MIT-licensed files are copied byte for byte;
- lists that carry no licence are reduced to bibliographic facts (titles, authors,
  affiliations, venue, year, ids, links): abstracts, TL;DRs, keywords and review
  scores are dropped;
- e-mail addresses used as author ids are dropped everywhere (personal data, no value
  as an identifier for others).

Usage: python scripts/vendor_snapshot.py RAW_DIR [DEST_DIR]
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import sys
from pathlib import Path

SYSTEMS = ("osdi", "asplos", "atc", "eurosys", "nsdi")
PAPERCOPILOT_KEEP = ("id", "title", "track", "status", "author", "authors", "authorids", "aff", "site", "or",
                     "proceeding")


def _strip_emails(ids: str | list[str]) -> str | list[str]:
    if isinstance(ids, list):
        return [i if "@" not in i else "" for i in ids]
    return ";".join(i if "@" not in i else "" for i in ids.split(";"))


def _write_json_gz(path: Path, payload: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the archive byte-identical across runs
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8"))


# DBLP (CC0): the venues of the CrossTeX rendering and the HPCA search-API answer, cut to the
# years the other systems lists span (2012-2024) plus 2025. The macro file is kept whole.
DBLP_CROSSTEX = ("sosp", "socc", "pvldb", "vldb", "sigmod", "cidr", "fast", "middleware", "hotos", "asplos", "atc",
                 "eurosys", "nsdi", "osdi")
DBLP_YEARS = (2012, 2025)
_XTX_ENTRY = re.compile(r"^@", re.MULTILINE)
_XTX_YEAR = re.compile(r"^\s*year\s*=\s*\{?(\d{4})", re.MULTILINE)
_XML_HIT = re.compile(r"<hit [^>]*>.*?</hit>\n?", re.DOTALL)
_XML_YEAR = re.compile(r"<year>(\d{4})</year>")


def _write_bytes_gz(path: Path, payload: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(payload)


def _in_years(year: re.Match[str] | None) -> bool:
    return year is None or DBLP_YEARS[0] <= int(year.group(1)) <= DBLP_YEARS[1]


def vendor_dblp(raw: Path, dest: Path) -> None:
    """Entries (CrossTeX) and hits (XML) outside DBLP_YEARS are cut; every kept byte is unchanged."""
    for venue in DBLP_CROSSTEX:
        text = gzip.open(raw / "dblp_crosstex" / f"{venue}.xtx.gz", "rt", encoding="utf-8").read()
        starts = [m.start() for m in _XTX_ENTRY.finditer(text)] + [len(text)]
        chunks = [text[:starts[0]]] + [text[a:b] for a, b in zip(starts, starts[1:], strict=False)]
        kept = [c for c in chunks if c.startswith("@include") or _in_years(_XTX_YEAR.search(c))]
        _write_bytes_gz(dest / "dblp" / "crosstex" / f"{venue}.xtx.gz", "".join(kept).encode("utf-8"))
    macros = "conferences-cs.xtx.gz"
    shutil.copyfile(raw / "dblp_crosstex" / macros, dest / "dblp" / "crosstex" / macros)
    xml = gzip.open(raw / "dblp_hpca" / "dblp_hpca.xml.gz").read().decode("utf-8")
    xml = _XML_HIT.sub(lambda m: m.group(0) if _in_years(_XML_YEAR.search(m.group(0))) else "", xml)
    _write_bytes_gz(dest / "dblp" / "search_api" / "conf_hpca.xml.gz", xml.encode("utf-8"))


def main(raw: Path, dest: Path) -> None:
    (dest / "mlsys_seed_s2").mkdir(parents=True, exist_ok=True)
    for name in ("ML_Seed_Papers.csv", "Negative_Papers_ml_not_sys.csv"):
        shutil.copyfile(raw / "mlsys_seed_s2" / name, dest / "mlsys_seed_s2" / name)
    (dest / "sysconf").mkdir(parents=True, exist_ok=True)
    for venue in SYSTEMS:
        shutil.copyfile(raw / "sysconf_marina" / f"{venue}_base_data.json.gz",
                        dest / "sysconf" / f"{venue}_base_data.json.gz")
    for src in sorted((raw / "papercopilot").glob("*/*.json.gz")):
        records = json.load(gzip.open(src))
        slim = []
        for record in records:
            kept = {k: record[k] for k in PAPERCOPILOT_KEEP if k in record}
            if "authorids" in kept:
                kept["authorids"] = _strip_emails(kept["authorids"])
            slim.append(kept)
        _write_json_gz(dest / "papercopilot" / src.parent.name / src.name, slim)
    for src in sorted((raw / "aicpl").glob("*/*.json.gz")):
        wrapper = json.load(gzip.open(src))
        for record in wrapper["records"]:
            record["authorids"] = _strip_emails(record.get("authorids") or [])
        _write_json_gz(dest / "aicpl" / src.parent.name / src.name, wrapper)
    vendor_dblp(raw, dest)


if __name__ == "__main__":
    raw_dir = Path(sys.argv[1])
    dest_dir = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parent.parent / "data" / "snapshot"
    main(raw_dir, dest_dir)
