"""Programme-committee audit on the tiny graph: matching, split, coverage, conflicts and CSV export."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph.analytics.pc_audit import (
    NameField,
    affiliation_fits,
    audit_program_committee,
    default_tagger,
    parse_name_field,
    read_members_csv,
    read_submissions_csv,
    split_authors,
)
from graph.analytics.projections import Projection
from graph.errors import AtlasError
from tests.analytics.conftest import aid

MEMBERS = """name,affiliation,openreview_id
Dana Bridge,University of Examples,
Ana Lopez,,
Alex Kim,Massachusetts Institute of Technology,
Alex Kim,,
Nobody Known,,
Emil Novakk,,
F. Haddad,,~fatima1
G. Lin,,
"""
SUBMISSIONS = """id,title,authors
S1,A compiler for serving on an accelerator,Emil Novak; Qi Quan; Someone Else
S2,Privacy and fairness of federated learning,Ana Lopez and Ben Okafor
"""


def keyword_tagger(titles: list[str]) -> list[list[str]]:
    """A fixed stand-in for the project's tagger (which evolves) so coverage has a known answer."""
    words = {"accelerator": "hardware", "compiler": "software", "privacy": "metrics"}
    return [sorted({label for word, label in words.items() if word in title.lower()}) for title in titles]


@pytest.fixture()
def audit(tiny: Projection):  # type: ignore[no-untyped-def]
    return audit_program_committee(tiny, read_members_csv(MEMBERS), read_submissions_csv(SUBMISSIONS),
                                   tagger=keyword_tagger)


def test_matching_reports_unmatched_and_ambiguous(audit) -> None:  # type: ignore[no-untyped-def]
    by_row = {m.row: m for m in audit.members}
    assert (by_row[2].author, by_row[2].method) == (aid("dana"), "exact")
    assert (by_row[4].author, by_row[4].method) == (aid("kim2"), "exact+affiliation")  # MIT breaks the tie
    assert by_row[5].status == "ambiguous" and by_row[5].author is None
    assert (by_row[7].author, by_row[7].method) == (aid("emil"), "fuzzy")
    assert (by_row[8].author, by_row[8].method) == (aid("fatima"), "id")
    assert (by_row[9].author, by_row[9].method) == (aid("gao"), "initials")
    assert {(u["kind"], u["name"]) for u in audit.unmatched} == {("pc_member", "Nobody Known"),
                                                                 ("submission_author", "Someone Else")}
    (ambiguous,) = audit.ambiguous
    assert {c["id"] for c in ambiguous["candidates"]} == {aid("kim1"), aid("kim2")}


def test_background_split_and_concentration(audit) -> None:  # type: ignore[no-untyped-def]
    split = {r["background"]: r["members"] for r in audit.split}
    assert split == {"systems": 1, "ml": 4, "both": 1, "mlsys_only": 0, "neither": 0, "unmatched": 2}
    # Dana states the university; Gao's latest affiliation in the graph is the same one.
    assert audit.concentration["top_institution_share"] == round(2 / 8, 4)


def test_conflicts_have_evidence(audit) -> None:  # type: ignore[no-untyped-def]
    found = {(c.member, c.submission, c.author, c.kind) for c in audit.conflicts if c.certainty == "definite"}
    assert found == {
        (aid("dana"), "S1", aid("emil"), "coauthor"), (aid("dana"), "S1", aid("qi"), "same_institution"),
        (aid("dana"), "S2", aid("ana"), "coauthor"), (aid("dana"), "S2", aid("ben"), "coauthor"),
        (aid("ana"), "S2", aid("ana"), "author"), (aid("ana"), "S2", aid("ben"), "coauthor"),
        (aid("emil"), "S1", aid("emil"), "author"), (aid("fatima"), "S1", aid("emil"), "coauthor"),
        # Gao: ICML 2019 with Emil; at the university in 2019 while Qi was there in 2020 (same institution).
        (aid("gao"), "S1", aid("emil"), "coauthor"), (aid("gao"), "S1", aid("qi"), "same_institution"),
    }
    # the ambiguous "Alex Kim" is checked as each of the two people; Kim1 wrote with Ben (ATC 2020)
    possible = [c for c in audit.conflicts if c.certainty == "possible"]
    assert [(c.member, c.member_name, c.submission, c.author, c.kind) for c in possible] == [
        (aid("kim1"), "Alex Kim", "S2", aid("ben"), "coauthor")]
    assert "fits 2 people" in possible[0].note and aid("kim1") in possible[0].note
    assert all(c.evidence for c in audit.conflicts)
    assert all(c.papers for c in audit.conflicts if c.kind == "coauthor")
    dana_emil = next(c for c in audit.conflicts if (c.member, c.author) == (aid("dana"), aid("emil")))
    assert dana_emil.evidence == "2 joint papers in 2020, 2021"
    qi = next(c for c in audit.conflicts if c.kind == "same_institution" and c.member == aid("dana"))
    assert qi.evidence == "both at University of Examples: member [2020], author [2020]"


def test_coi_window_is_configurable(tiny: Projection) -> None:
    audit = audit_program_committee(tiny, read_members_csv(MEMBERS), read_submissions_csv(SUBMISSIONS),
                                    coi_years=1, tagger=keyword_tagger)
    kinds = {(c.member, c.author, c.kind) for c in audit.conflicts}
    assert (aid("ana"), aid("ben"), "coauthor") not in kinds  # their only paper is from 2018
    assert (aid("fatima"), aid("emil"), "coauthor") not in kinds  # 2019
    assert (aid("dana"), aid("emil"), "coauthor") in kinds


def test_topic_coverage_against_submissions(audit) -> None:  # type: ignore[no-untyped-def]
    coverage = {r["label"]: r for r in audit.topic_coverage}
    assert {s["id"]: s["topics"] for s in audit.submissions} == {"S1": "hardware; software", "S2": "metrics"}
    assert (coverage["hardware"]["submissions"], coverage["hardware"]["pc_experts"]) == (1, 1)  # Dana
    assert coverage["metrics"]["pc_experts"] == 4  # Dana, Emil, Fatima, Gao
    assert coverage["ml_for_systems"]["status"] == "no submissions"


def test_stated_topics_and_no_tagger(tiny: Projection) -> None:
    subs = read_submissions_csv("title,authors,topics\nAnything,Gao Lin,ml_for_systems\nOther,Chen Wei,\n")
    audit = audit_program_committee(tiny, read_members_csv("name\nAna Lopez\n"), subs, tagger=None)
    coverage = {r["label"]: r for r in audit.topic_coverage}
    assert coverage["ml_for_systems"]["status"] == "uncovered"
    assert audit.submissions[1]["topic_source"] == "authors"  # Chen's own papers: software


def test_default_tagger_uses_the_project_taxonomy() -> None:
    from ingest.topics import taxonomy

    labels = default_tagger(["A compiler for serving on an accelerator", "xyzzy"])
    assert len(labels) == 2 and labels[0] and labels[1] == []
    assert set(labels[0]) <= {t.label for t in taxonomy()[0]}


def test_csv_export(audit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = audit.write_csv(tmp_path)
    names = {p.name for p in paths}
    assert {"pc_members.csv", "pc_conflicts.csv", "pc_unmatched.csv", "pc_ambiguous.csv", "pc_split.csv",
            "pc_topic_coverage.csv", "pc_institutions.csv", "pc_countries.csv", "pc_summary.csv"} <= names
    with open(tmp_path / "pc_conflicts.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(audit.conflicts) and all(r["evidence"] for r in rows)
    with open(tmp_path / "pc_ambiguous.csv", encoding="utf-8") as handle:
        assert "author:kim1" in handle.read()


def test_bad_csv_is_a_clear_error() -> None:
    with pytest.raises(AtlasError, match="no `name` column"):
        read_members_csv("person,affiliation\nX,Y\n")
    with pytest.raises(AtlasError, match="`title` and `authors`"):
        read_submissions_csv("title\nX\n")


def test_split_authors() -> None:
    assert split_authors("A B; C D") == ["A B", "C D"]
    assert split_authors("A B, C D and E F") == ["A B", "C D", "E F"]


# ---------------------------------------------------------------- names with affiliations and ids, nothing dropped
@pytest.mark.parametrize(("cell", "name", "affiliation", "ids"), [
    ("Ion Stoica, UC Berkeley", "Ion Stoica", "UC Berkeley", ()),
    ("Ion Stoica (University of California, Berkeley)", "Ion Stoica", "University of California, Berkeley", ()),
    ("Stoica, Ion", "Ion Stoica", "", ()),
    ("Stoica, Ion, UC Berkeley", "Ion Stoica", "UC Berkeley", ()),
    ("Martin Luther King, Jr.", "Martin Luther King Jr.", "", ()),
    ("Hao Zhang [dblp:z/HaoZhang2]", "Hao Zhang", "", ("dblp:z/HaoZhang2", "z/HaoZhang2")),
    ("~Hao_Zhang2", "", "", ("~Hao_Zhang2",)),
    ("Jane Roe 0000-0002-1825-0097", "Jane Roe", "", ("0000-0002-1825-0097",)),
    ("author:kim1", "", "", ("author:kim1",)),
])
def test_parse_name_field(cell: str, name: str, affiliation: str, ids: tuple[str, ...]) -> None:
    assert parse_name_field(cell) == NameField(name, affiliation, ids)


def test_affiliation_abbreviations() -> None:
    assert affiliation_fits("UC Berkeley", "University of California, Berkeley")
    assert affiliation_fits("Berkeley", "University of California, Berkeley")
    assert not affiliation_fits("UC Berkeley", "University of California, San Diego")
    assert affiliation_fits("MIT", "Massachusetts Institute of Technology")
    assert affiliation_fits("CMU", "Carnegie Mellon University")
    assert not affiliation_fits("CMU", "University of Examples")


def test_split_authors_keeps_bracketed_commas() -> None:
    assert split_authors("Ion Stoica (University of California, Berkeley), Ana Lopez") == [
        "Ion Stoica (University of California, Berkeley)", "Ana Lopez"]


@pytest.mark.parametrize("members", [
    "name\nAlex Kim, MIT\n",  # unquoted: the affiliation spills into a column without a header
    'name\n"Alex Kim, MIT"\n',
    "name\nAlex Kim (Massachusetts Institute of Technology)\n",
    "name;affiliation\nAlex Kim;MIT\n",  # a spreadsheet saved with semicolons
])
def test_an_affiliation_in_the_name_disambiguates(tiny: Projection, members: str) -> None:
    audit = audit_program_committee(tiny, read_members_csv(members), tagger=None)
    (member,) = audit.members
    assert (member.status, member.author, member.method) == ("matched", aid("kim2"), "exact+affiliation")
    assert audit.ambiguous == [] and audit.warnings() == []


def test_submission_authors_given_by_id(tiny: Projection) -> None:
    """An id settles a shared name, so the conflict is definite; without it, it is reported as possible."""
    members = read_members_csv("name\nBen Okafor\n")
    for authors, extra in (("Alex Kim [~kim11]; Zoe Solo", ""), ("author:kim1; Zoe Solo", ""),
                           ("Alex Kim; Zoe Solo", ",author_ids\n")):
        header = "id,title,authors" + (",author_ids" if extra else "")
        row = f"S1,Sharing,{authors}" + (",~kim11;" if extra else "")
        audit = audit_program_committee(tiny, members, read_submissions_csv(f"{header}\n{row}\n"), tagger=None)
        assert [(c.member, c.author, c.kind, c.certainty) for c in audit.conflicts] == [
            (aid("ben"), aid("kim1"), "coauthor", "definite")], authors
    # the same name without an id: both Alex Kims are checked; Kim1's tie to Ben is listed as possible
    audit = audit_program_committee(tiny, members, read_submissions_csv("title,authors\nSharing,Alex Kim; Zoe Solo\n"),
                                    tagger=None)
    assert [(c.author, c.certainty) for c in audit.conflicts] == [(aid("kim1"), "possible")]
    assert any("submission author name fit several people" in w for w in audit.warnings())


def test_coauthors_on_the_submission_settle_a_shared_name(tiny: Projection) -> None:
    audit = audit_program_committee(tiny, read_members_csv("name\nChen Wei\n"),
                                    read_submissions_csv("title,authors\nX,Alex Kim; Ben Okafor\n"), tagger=None)
    assert audit.ambiguous == []  # Ben wrote with Kim1, never with Kim2
    assert {(c.author, c.kind, c.certainty) for c in audit.conflicts} == {(aid("ben"), "coauthor", "definite")}


def test_an_ambiguous_member_is_checked_as_every_candidate_and_can_be_picked(tiny: Projection) -> None:
    members = read_members_csv("name\nAlex Kim\n")
    subs = read_submissions_csv("title,authors\nX,Ben Okafor\nY,Paul Park\n")
    audit = audit_program_committee(tiny, members, subs, tagger=None)
    assert {(c.member, c.author, c.certainty) for c in audit.conflicts} == {
        (aid("kim1"), aid("ben"), "possible"), (aid("kim2"), aid("paul"), "possible")}
    assert audit.members[0].candidates == [aid("kim1"), aid("kim2")]
    (warning,) = audit.warnings()
    assert warning.startswith("1 PC member name fit several people")
    summary = {r["metric"]: r["value"] for r in audit.tables()["summary"]}
    assert (summary["possible_conflicts"], summary["definite_conflicts"]) == (2, 0)
    picked = audit_program_committee(tiny, members, subs, tagger=None, resolutions={"Alex Kim": aid("kim2")})
    assert (picked.members[0].status, picked.members[0].method) == ("matched", "picked")
    assert [(c.member, c.author, c.certainty) for c in picked.conflicts] == [(aid("kim2"), aid("paul"), "definite")]


def test_unmatched_names_are_counted_in_the_warnings(audit) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(audit.warnings())
    assert "1 PC member name not found" in text and "1 submission author name not found" in text
    assert "1 PC member name fit several people" in text


@pytest.mark.parametrize(("text", "message"), [
    ("", "is empty"), ("\n \n", "is empty"), ("name,affiliation\n", "no PC member rows"),
    ("name,affiliation\n,\n", "no PC member rows"), ("person,affiliation\nX,Y\n", "no `name` column"),
])
def test_empty_or_malformed_members_csv(text: str, message: str) -> None:
    with pytest.raises(AtlasError, match=message):
        read_members_csv(text)


@pytest.mark.parametrize(("text", "message"), [
    ("", "is empty"), ("title,authors\n", "no submission rows"), ("name\nX\n", "`title` and `authors`"),
])
def test_empty_or_malformed_submissions_csv(text: str, message: str) -> None:
    with pytest.raises(AtlasError, match=message):
        read_submissions_csv(text)
