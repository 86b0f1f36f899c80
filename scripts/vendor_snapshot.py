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


if __name__ == "__main__":
    raw_dir = Path(sys.argv[1])
    dest_dir = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parent.parent / "data" / "snapshot"
    main(raw_dir, dest_dir)
