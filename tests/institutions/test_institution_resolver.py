"""The resolver on strings whose answer is known: look-alikes, units, typos, non-organisations."""

from __future__ import annotations

import pytest

from ingest.institutions import InstitutionResolver


def key_of(resolver: InstitutionResolver, text: str, country: str | None = None) -> str | None:
    org = resolver.resolve(text, country).organisation
    return org.key if org is not None else None


@pytest.mark.parametrize(("text", "key"), [
    ("University of California, Berkeley", "ucb"), ("UC Berkeley", "ucb"), ("Berkeley College", "berkeley-college"),
    ("Lawrence Berkeley National Laboratory", "lbnl"), ("Berkeley Lab", "lbnl"),
    ("Washington University in St. Louis", "washu"), ("Washington University, Saint Louis", "washu"),
    ("University of Washington", "uw"), ("Washington State University", "wsu"),
    ("George Washington University", "gwu"), ("University of Illinois Chicago", "uic"),
    ("University of Chicago", "uchicago"), ("Toyota Technological Institute at Chicago", "ttic"),
    ("University of California, Santa Cruz", "ucsc"), ("UC Santa Barbara", "ucsb"), ("UC San Diego", "ucsd"),
    ("University of California, San Francisco", "ucsf"), ("UC Davis", "ucdavis"), ("UC Irvine", "uci"),
    ("University of California, Riverside", "ucr"), ("University of California at Merced", "ucmerced"),
    ("UCLA", "ucla"), ("UCLA Health", "ucla-health"), ("Zhejiang University", "zju"),
    ("Hong Kong University of Science and Technology (Guangzhou)", "hkust-gz"),
])
def test_look_alikes_stay_apart(resolver: InstitutionResolver, text: str, key: str) -> None:
    assert key_of(resolver, text) == key


@pytest.mark.parametrize("text", [
    "Zhejiang University of Technology", "Northwest University", "University of Munich",
    "Tianjin University of Technology", "Southern California University for Professional Studies",
])
def test_a_longer_or_different_name_is_not_a_known_organisation(resolver: InstitutionResolver, text: str) -> None:
    org = resolver.resolve(text).organisation
    assert org is not None and not org.curated and org.name == text


@pytest.mark.parametrize(("text", "unit", "parent"), [
    ("MIT CSAIL", "mit-csail", "mit"), ("CSAIL, MIT", "mit-csail", "mit"), ("DeepMind, London, UK", "google-deepmind",
                                                                            "google"),
    ("Microsoft Research Asia (China)", "microsoft-research-asia", "microsoft"),
    ("Institute of Computing Technology, Chinese Academy of Sciences", "ict-cas", "cas"),
    ("Berkeley Artificial Intelligence Research, University of California, Berkeley, USA", "ucb-bair", "ucb"),
])
def test_well_known_units_keep_their_parent(resolver: InstitutionResolver, text: str, unit: str, parent: str) -> None:
    org = resolver.resolve(text).organisation
    assert org is not None and org.key == unit and org.parent == parent


@pytest.mark.parametrize(("text", "key"), [
    ("Princeton Univeristy", "princeton"), ("Standford University", "stanford"),
    ("Department of Computer Science, Whiting School of Engineering", "jhu"),
    ("Key Laboratory of Machine Perception, MOE, School of EECS, Peking University", "pku"),
    ("Google (United States)", "google"), ("Meta Platforms, Inc.", "meta"), ("The Ohio State University", "osu"),
    ("Mila, University of Montreal", "mila"), ("Lawrence Livermore National Labs", "llnl"),
    ("1University of Cambridge", "cambridge"), ("Korea Advanced Institute of Science & Technology", "kaist"),
])
def test_variants_reach_the_organisation(resolver: InstitutionResolver, text: str, key: str) -> None:
    assert key_of(resolver, text) == key


@pytest.mark.parametrize("text", ["Independent Researcher", "Independant researcher", "N/A", "None", "unaffiliated",
                                  "jdoe@cs.stanford.edu", "outlook.com", "Seattle, WA, USA", "South China",
                                  "Department of Computer Science"])
def test_not_an_organisation(resolver: InstitutionResolver, text: str) -> None:
    result = resolver.resolve(text)
    assert result.organisation is None and result.method == "not_organisation" and result.reason


@pytest.mark.parametrize("text", ["Google Brain + UC Berkeley", "UC Berkeley / Databricks",
                                  "ETH Zurich and Carnegie Mellon University", "Idiap Research Institute + EPFL"])
def test_two_organisations_are_not_forced_onto_one(resolver: InstitutionResolver, text: str) -> None:
    result = resolver.resolve(text)
    assert result.organisation is None and result.method == "several" and len(result.named) >= 2


def test_two_departments_of_one_organisation_are_that_organisation(resolver: InstitutionResolver) -> None:
    text = ("Department of Statistics, University of California, Berkeley + Department of Electrical Engineering "
            "and Computer Sciences, University of California, Berkeley")
    assert key_of(resolver, text) == "ucb"


def test_country_tells_homonyms_apart(resolver: InstitutionResolver) -> None:
    assert key_of(resolver, "Northeastern University", "US") == "northeastern"
    assert key_of(resolver, "Northeastern University", "CN") == "northeastern-cn"
    assert key_of(resolver, "Vrije Universiteit", "BE") == "vub"


def test_an_openalex_mislink_yields_to_the_real_organisation(resolver: InstitutionResolver) -> None:
    assert key_of(resolver, "Berkeley College, University of California, Berkeley") == "ucb"


def test_unknown_organisations_get_a_stable_node_named_from_the_string(resolver: InstitutionResolver) -> None:
    first = resolver.resolve("Department of Physics, Monash University, Clayton, Australia").organisation
    second = InstitutionResolver().resolve("Monash University").organisation
    assert first is not None and second is not None
    assert first.id == second.id == "inst:monash-university" and first.type == "education"
    assert first.country == "AU"  # from the trailing country
