"""Name cleaning and parsing on strings that occur in the snapshot sources."""

from __future__ import annotations

import pytest

from ingest.identity.names import clean_name, display_key, given_relation, parse_name
from ingest.sources import papercopilot
from tests.identity.conftest import read


def printed_names(relative: str) -> set[str]:
    return {a.name for p in read(papercopilot, relative) for a in p.authorships}


@pytest.mark.parametrize(("raw", "source"), [
    ("Samuel L. Smith and Quoc V. Le", "papercopilot/iclr/iclr2018.json.gz"),
    ("Sahil Sharma*", "papercopilot/iclr/iclr2018.json.gz"),
    ("svetha.venkatesh}@deakin.edu.au", "papercopilot/iclr/iclr2022.json.gz"),
    ("Deakin University", "papercopilot/iclr/iclr2022.json.gz"),
    ("Facebook Rob Fergus", "papercopilot/icml/icml2020.json.gz"),
    ("JaesungHwang", "papercopilot/icml/icml2024.json.gz"),
    ("Huawei Shen", "papercopilot/nips/nips2021.json.gz"),
    ("Ahmet Alacaoglu", "papercopilot/nips/nips2021.json.gz"),
    ("Samuel L Smith", "papercopilot/icml/icml2024.json.gz"),
])
def test_examples_are_real(raw: str, source: str) -> None:
    assert raw in printed_names(source)


def test_two_people_joined_by_and_are_split() -> None:
    names = clean_name("Samuel L. Smith and Quoc V. Le")
    assert [n.name for n in names] == ["Samuel L. Smith", "Quoc V. Le"]
    assert all("split_from_joined_names" in n.flags for n in names)


@pytest.mark.parametrize(("raw", "reason"), [
    ("", "empty name"),
    ("   ", "empty name"),
    ("et al.", "'et al.' placeholder, not an author"),
    ("svetha.venkatesh}@deakin.edu.au", "e-mail address or fragment, not a name"),
    ("thai.le", "e-mail address or fragment, not a name"),
    ("Deakin University", "organisation name in the author list"),
    ("University Edinburgh", "organisation name in the author list"),
    ("UC Berkeley Department of EECS", "organisation name in the author list"),
])
def test_non_people_are_rejected_with_a_reason(raw: str, reason: str) -> None:
    assert clean_name(raw)[0].rejected == reason


def test_people_with_company_like_names_are_kept() -> None:
    for raw in ("Huawei Shen", "Mit Kotak", "Ahmet Alacaoglu"):
        assert clean_name(raw)[0].rejected is None, raw


def test_an_organisation_with_a_profile_id_is_kept_flagged() -> None:
    name = clean_name("International Brain Laboratory", has_strong_id=True)[0]
    assert name.rejected is None and "organisation_name" in name.flags


@pytest.mark.parametrize(("raw", "clean", "flag"), [
    ("Sahil Sharma*", "Sahil Sharma", "marker_stripped"),
    ("Facebook Rob Fergus", "Rob Fergus", "organisation_prefix_removed"),
    ("JaesungHwang", "Jaesung Hwang", "camelcase_split"),
    ("MÃ¼ller Thomas", "Müller Thomas", "mojibake_repaired"),
    ("David Gen\ufffds", "David Gen\ufffds", "mojibake_unrepairable"),
    ("M. Zaharia", "M. Zaharia", "initials_only"),
    ("baraniuk", "baraniuk", "single_token_name"),
])
def test_repairs_and_flags(raw: str, clean: str, flag: str) -> None:
    name = clean_name(raw)[0]
    assert (name.name, name.rejected) == (clean, None)
    assert flag in name.flags


def test_dblp_homonym_number_is_split_off() -> None:
    name = clean_name("Wei Wang 0001")[0]
    assert (name.name, name.dblp_number) == ("Wei Wang", "0001")


@pytest.mark.parametrize(("a", "b"), [
    ("M. Zaharia", "Matei Zaharia"),
    ("Matei A. Zaharia", "Matei Zaharia"),
    ("Hector Garcia-Molina", "Hector Garcia Molina"),
    ("ZHANG Wei", "Wei Zhang"),
    ("Zhang, Wei", "Wei Zhang"),
    ("Íñigo Goiri", "Inigo Goiri"),
    ("Łukasz Kaiser", "Lukasz Kaiser"),
    ("Yu-Xiong Wang", "Yuxiong Wang"),
    ("Guy L. Steele Jr.", "Guy Steele"),
])
def test_spellings_of_one_person_share_a_block(a: str, b: str) -> None:
    assert parse_name(a).block_key == parse_name(b).block_key
    assert given_relation(parse_name(a).given, parse_name(b).given) is not None


def test_a_hypocorism_relates_to_its_name_in_the_same_block() -> None:
    # 'tom' is not a prefix of 'thomas'; the nicknames table says it is his name (ingest/identity/hypocorisms.py)
    assert given_relation("tom", "thomas") == given_relation("thomas", "tom") == "hypocorism"
    assert given_relation("andrew", "andrea") is None  # two names of equal standing, not one person's
    # another initial: never related by the names alone; goes_by.py compares them where co-authors show one person
    assert given_relation("bill", "william") is None


def test_different_given_names_never_relate() -> None:
    assert given_relation(parse_name("Yu Wang").given, parse_name("Yi Wang").given) is None
    assert given_relation("m", "j") is None
    assert given_relation("matt", "matthew") == "prefix"


def test_the_display_name_is_the_most_used_full_form() -> None:
    uses = {"Matei Zaharia": 5, "Matei A Zaharia": 1, "M. Zaharia": 9}
    assert max(uses, key=lambda name: display_key(name, uses[name])) == "Matei Zaharia"
