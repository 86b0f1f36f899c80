"""The DBLP CrossTeX reader on real SOSP/ATC rows and on broken entries."""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

from graph.records import Paper, Quarantined
from ingest.sources import dblp_crosstex

SNAP = Path(__file__).resolve().parents[2] / "data" / "snapshot" / "dblp" / "crosstex"


def _read(name: str, skipped: Counter | None = None) -> list[Paper | Quarantined]:
    return list(dblp_crosstex.read(SNAP / name, "2024-12-28", skipped))


def test_sosp_2017_keeps_the_39_papers_of_its_57_entries() -> None:
    skipped: Counter = Counter()
    papers = [p for p in _read("sosp.xtx.gz", skipped) if isinstance(p, Paper) and p.year == 2017]
    assert len(papers) == 39
    assert sum(n for k, n in skipped.items() if k.startswith("SOSP 2017 ")) == 57 - 39
    deepxplore = next(p for p in papers if p.title.startswith("DeepXplore"))
    assert deepxplore.dblp_key == "conf/sosp/PeiCYJ17" and deepxplore.id == "paper:dblp:conf/sosp/PeiCYJ17"
    assert [a.name for a in deepxplore.authorships] == ["Kexin Pei", "Yinzhi Cao", "Junfeng Yang", "Suman Jana"]
    assert deepxplore.venue_name == "SOSP" and deepxplore.venue_id == "venue:sosp"
    assert deepxplore.provenance.sources == ["dblp"] and deepxplore.url == "https://dblp.org/rec/conf/sosp/PeiCYJ17"
    lite = next(p for p in papers if p.dblp_key == "conf/sosp/TsaiZ17")
    assert lite.title == "LITE Kernel RDMA Support for Datacenter Applications"  # BibTeX braces removed
    # the SysTEX ("2-1": article numbers) and PLOS ("8-14": 7 pages) workshop papers are not kept
    assert not any(p.dblp_key in ("conf/sosp/VranckenPS17", "conf/sosp/HumbelACR17") for p in papers)
    # a project URL DBLP keeps in the title is not the title (it kept VUsion from merging with the 2017 survey)
    assert "Secure Page Fusion with VUsion" in {p.title for p in papers}


def test_years_outside_the_span_are_not_read_and_not_quarantined() -> None:
    items = _read("osdi.xtx.gz")
    assert not [i for i in items if isinstance(i, Quarantined)]
    years = {p.year for p in items if isinstance(p, Paper)}
    assert min(years) == 2012 and max(years) == 2024


def test_tex_escapes_are_undone() -> None:
    assert dblp_crosstex.plain(r"Cloud \& Edge {Systems}") == "Cloud & Edge Systems"


def test_parse_entry_reads_braced_quoted_and_bare_values() -> None:
    kind, key, fields = dblp_crosstex.parse_entry(
        '@article{DBLP:journals/pvldb/X24,\n  title = {A {B} c},\n  journal = pvldb,\n  year = 2024,\n'
        '  note = "q",\n}')
    assert (kind, key) == ("article", "DBLP:journals/pvldb/X24")
    assert fields == {"title": "A {B} c", "journal": "pvldb", "year": "2024", "note": "q"}


BROKEN = r"""@include conferences-cs

@inproceedings{DBLP:conf/osdi/Unbalanced20,
  author    = {A Person},
  title     = {Unbalanced {braces},
  booktitle = osdi,
  year      = 2020,
  pages     = {1-14},
}

@inproceedings no header here

@inproceedings{DBLP:conf/osdi/Macro20,
  author    = {A Person},
  title     = {Unknown macro},
  booktitle = osdi2,
  year      = 2020,
  pages     = {1-14},
}

@inproceedings{DBLP:conf/osdi/Year20,
  author    = {A Person},
  title     = {Year is not a number},
  booktitle = osdi,
  year      = {20x0},
  pages     = {1-14},
}

@inproceedings{DBLP:conf/osdi/Empty20,
  author    = {A Person},
  title     = {},
  booktitle = osdi,
  year      = 2020,
  pages     = {1-14},
}

@inproceedings{DBLP:conf/osdi/NoAuthor20,
  author    = {A Person and },
  title     = {An empty author},
  booktitle = osdi,
  year      = 2020,
  pages     = {1-14},
}

@inproceedings{DBLP:conf/osdi/Old1999,
  author    = {A Person},
  title     = {Outside the span},
  booktitle = osdi,
  year      = 1999,
  pages     = {1-14},
}

@inproceedings{DBLP:conf/osdi/Good20,
  author    = {Ada Lovelace and
               Charles Babbage},
  title     = {A good paper after broken ones},
  booktitle = osdi,
  year      = 2020,
  pages     = {15-30},
}

@inproceedings{DBLP:conf/osdi/Short20,
  author    = {Ada Lovelace},
  title     = {A short paper},
  booktitle = osdi,
  year      = 2020,
  pages     = {31-34},
}
"""


def test_broken_entries_are_quarantined_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "osdi.xtx.gz"
    path.write_bytes(gzip.compress(BROKEN.encode()))
    skipped: Counter = Counter()
    items = list(dblp_crosstex.read(path, "2024-12-28", skipped))
    reasons = [i.reason for i in items if isinstance(i, Quarantined)]
    assert reasons == [
        "malformed CrossTeX entry: unbalanced braces (entry not closed)",
        "malformed CrossTeX entry: no '@type{key,' header",
        "unknown venue macro 'osdi2'",
        "year is not a number: '20x0'",
        "empty title",
        "author list is empty or has an empty name",
    ]
    locators = [i.locator for i in items if isinstance(i, Quarantined)]
    assert locators[0] == "osdi.xtx.gz[1]" and locators[2] == "osdi.xtx.gz#DBLP:conf/osdi/Macro20"
    assert all(isinstance(i.raw, str) and i.raw.startswith("@") for i in items if isinstance(i, Quarantined))
    papers = [i for i in items if isinstance(i, Paper)]
    assert [p.title for p in papers] == ["A good paper after broken ones"]
    assert [a.name for a in papers[0].authorships] == ["Ada Lovelace", "Charles Babbage"]
    assert skipped == Counter({"OSDI 2020 dblp: short (<10 pages)": 1})


def test_unreadable_file_is_quarantined_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "sosp.xtx.gz"
    path.write_bytes(b"not gzip")
    items = list(dblp_crosstex.read(path, "2024-12-28"))
    assert len(items) == 1 and isinstance(items[0], Quarantined)
    assert "not readable" in items[0].reason


def test_every_conference_macro_used_is_defined_in_the_macro_file() -> None:
    defined = dblp_crosstex.macro_names(SNAP / "conferences-cs.xtx.gz")
    assert defined["sosp"] == "SOSP" and defined["socc"] == "SoCC"
    # pvldb is defined in journals-cs.xtx and hotos in conferences-cs-todo.xtx, which the source does not hold
    assert set(dblp_crosstex.VENUES) - set(defined) == {"pvldb", "hotos"}
