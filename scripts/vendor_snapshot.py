"""Copy the redistributable part of the raw public data into data/snapshot/ (maintainer tool).

Run once by a maintainer with the raw-data folder as argument; the product and its tests
read only data/snapshot/. What is copied and why is recorded in data/PROVENANCE.md:
- MIT-licensed files are copied byte for byte;
- lists that carry no licence are reduced to bibliographic facts (titles, authors,
  affiliations, venue, year, ids, links): abstracts, TL;DRs, keywords and review
  scores are dropped;
- e-mail addresses used as author ids are dropped everywhere (personal data, no value
  as an identifier for others).

- sysconf_eitanf (CC BY-SA 4.0) keeps the tracked venues' papers with their abstracts and
  ships the licence beside them; micro2018 (GPL website) and mlsys_proceedings (no
  licence) are reduced to titles, authors, affiliations and ids; mlanthology's abstracts
  become derived terms (scripts/vendor_mlanthology.py), never text.

Usage: python scripts/vendor_snapshot.py RAW_DIR [DEST_DIR]
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import sys
import tarfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo's packages, run as a script

import vendor_mlanthology  # noqa: E402  (beside this script)

from ingest.sources import micro2018, sysconf_eitanf  # noqa: E402

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
    vendor_sysconf_eitanf(raw / "sysconf_eitanf", dest / "sysconf_eitanf")
    _write_json_gz(dest / "micro2018" / "micro2018.json.gz",
                   {"venue": "MICRO", "year": 2018,
                    "papers": micro2018.parse_program((raw / "micro2018" / "program_main.md").read_text("utf-8"))})
    (dest / "mlsys_proceedings").mkdir(parents=True, exist_ok=True)
    for src in sorted((raw / "mlsys_proceedings").glob("mlsys*_index_extract.tsv")):
        shutil.copyfile(src, dest / "mlsys_proceedings" / src.name)  # already facts only (hash, title, authors)
    stats = vendor_mlanthology.vendor(raw, dest)  # after papercopilot and aicpl: it joins to them
    print(json.dumps({"mlanthology_join": dict(stats.by_rule)}, sort_keys=True))


def vendor_sysconf_eitanf(src: Path, dest: Path) -> None:
    """Tracked venues' conference files, slimmed, each paper with its abstract; licence and citation beside."""
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(src / "abstract.tar.gz") as tar:
        abstracts = {Path(m.name).stem: tar.extractfile(m).read().decode("utf-8")  # type: ignore[union-attr]
                     for m in tar.getmembers() if m.isfile() and m.name.endswith(".txt")}
    with tarfile.open(src / "conf.tar.gz") as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            conf_name = Path(member.name).stem
            if not member.isfile() or not member.name.endswith(".json") or conf_name not in sysconf_eitanf.VENUES:
                continue
            conf = json.load(tar.extractfile(member))  # type: ignore[arg-type]
            papers = [{"key": p.get("key"), "title": p.get("title"), "authors": p.get("authors"),
                       "s2pid": p.get("s2pid"), "abstract": abstracts.get(str(p.get("key")), "").strip() or None}
                      for p in conf.get("papers") or []]
            _write_json_gz(dest / f"{conf_name}.json.gz", {"key": conf.get("key"), "conference": conf.get("conference"),
                                                           "postdate": conf.get("postdate"), "papers": papers})
    for name in ("LICENSE", "CITATION"):
        shutil.copyfile(src / name, dest / name)


if __name__ == "__main__":
    raw_dir = Path(sys.argv[1])
    dest_dir = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parent.parent / "data" / "snapshot"
    main(raw_dir, dest_dir)
