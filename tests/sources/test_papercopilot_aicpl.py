"""Paper Copilot and OpenReview-pull readers on real rows, status filtering and broken rows."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from graph.records import Paper, Quarantined
from ingest.sources import aicpl, papercopilot

SNAP = Path(__file__).resolve().parents[2] / "data" / "snapshot"


def _papers(items: list) -> list[Paper]:
    return [i for i in items if isinstance(i, Paper)]


def test_iclr2021_keeps_only_accepted_with_tilde_ids_and_affiliations() -> None:
    skipped: Counter = Counter()
    items = list(papercopilot.read(SNAP / "papercopilot/iclr/iclr2021.json.gz", "2025-06-12", {}, skipped))
    papers = _papers(items)
    assert len(papers) == 693 + 53 + 114  # Poster + Oral + Spotlight
    assert skipped["ICLR 2021 Reject"] == 1756 and skipped["ICLR 2021 Withdraw"] == 381
    paper = next(p for p in papers if p.openreview_id == "--gvHfE3Xf5")
    first = paper.authorships[0]
    assert (first.name, first.openreview_id, first.affiliation) == (
        "Sreejan Kumar", "~Sreejan_Kumar1", "Princeton University")
    assert paper.id == "paper:openreview:--gvHfE3Xf5"


@pytest.mark.parametrize(("name", "expected", "separator_example"), [
    ("icml/icml2020.json.gz", 1084, "Xianggen Liu"),  # ', ' separated, no OpenReview ids
    ("icml/icml2018.json.gz", 623, "Ondrej Bajgar"),  # '; ' separated
    ("nips/nips2022.json.gz", 2834, "Jonatha Anselmi"),  # 'authors' key, 'Highlighted' is accepted
])
def test_author_separators_and_accept_statuses(name: str, expected: int, separator_example: str) -> None:
    papers = _papers(list(papercopilot.read(SNAP / "papercopilot" / name, "2025-06-12")))
    assert len(papers) == expected
    names = {a.name for p in papers for a in p.authorships}
    assert separator_example in names
    assert not any("," in n or ";" in n or "&#" in n for n in names)


def test_html_entities_in_author_lists_do_not_split_names() -> None:
    papers = _papers(list(papercopilot.read(SNAP / "papercopilot/nips/nips2022.json.gz", "2025-06-12")))
    names = {a.name for p in papers for a in p.authorships}
    assert "Karel D'Oosterlinck" in names


def test_site_ids_are_not_mistaken_for_openreview_ids() -> None:
    papers = _papers(list(papercopilot.read(SNAP / "papercopilot/icml/icml2020.json.gz", "2025-06-12")))
    assert all(p.openreview_id is None and p.id.startswith("paper:t:") for p in papers)


def test_broken_papercopilot_rows(tmp_path: Path) -> None:
    path = tmp_path / "iclr2030.json.gz"
    with gzip.open(path, "wt") as handle:
        json.dump([
            "junk",
            {"id": "AAAAAAAAAA", "title": "", "status": "Poster"},
            {"id": "BBBBBBBBBB", "title": "No authors", "status": "Poster", "author": ""},
            {"id": "CCCCCCCCCC", "title": "Misaligned ids", "status": "Oral", "author": "A B;C D",
             "authorids": "~A_B1"},
            {"id": "DDDDDDDDDD", "title": "Rejected", "status": "Reject", "author": "E F"},
        ], handle)
    items = list(papercopilot.read(path, "2025-06-12"))
    reasons = [i.reason for i in items if isinstance(i, Quarantined)]
    assert reasons == ["record is not an object", "empty title", "no authors listed",
                       "1 author ids for 2 names; ids not used"]
    misaligned = next(p for p in _papers(items) if p.title == "Misaligned ids")
    assert [a.openreview_id for a in misaligned.authorships] == [None, None]
    assert "Rejected" not in {p.title for p in _papers(items)}


def test_aicpl_names_come_from_tilde_ids_and_email_authors_are_quarantined() -> None:
    items = list(aicpl.read(SNAP / "aicpl/openreview_profile_authorids/iclr2022.json.gz", "2026-06-18"))
    papers = _papers(items)
    assert len(papers) == 1094
    paper = next(p for p in papers if p.title == "8-bit Optimizers via Block-wise Quantization")
    assert [a.name for a in paper.authorships] == ["Tim Dettmers", "Mike Lewis", "Sam Shleifer", "Luke Zettlemoyer"]
    assert paper.id == "paper:openreview:shpkpVXzo3h"
    quarantined = [i for i in items if isinstance(i, Quarantined)]
    assert quarantined and all("e-mail only" in q.reason for q in quarantined)


def test_papercopilot_and_aicpl_give_the_same_id_for_the_same_iclr_paper() -> None:
    pc = {p.openreview_id: p.id for p in _papers(list(papercopilot.read(
        SNAP / "papercopilot/iclr/iclr2022.json.gz", "2025-06-12")))}
    oa = {p.openreview_id: p.id for p in _papers(list(aicpl.read(
        SNAP / "aicpl/openreview_profile_authorids/iclr2022.json.gz", "2026-06-18")))}
    shared = set(pc) & set(oa)
    assert len(shared) > 1000
    assert all(pc[k] == oa[k] for k in shared)


def test_name_from_tilde_id() -> None:
    from ingest.sources.common import name_from_tilde_id

    assert name_from_tilde_id("~James_J._DiCarlo1") == "James J. DiCarlo"
    assert name_from_tilde_id("someone@example.org") is None
    assert name_from_tilde_id("") is None
