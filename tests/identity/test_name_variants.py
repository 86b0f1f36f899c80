"""Nicknames, titles, suffixes and other scripts: how printed names are parsed and which ones meet.

The names are from the snapshot ('Harry (Huazhe) Xu' signs 43 papers as 'Huazhe Xu'; 'Dr.
Enkelejda Kasneci'; 'Hal Daumé III') or are the issue's examples of names in other scripts.
"""

from __future__ import annotations

import pytest

from ingest.identity.mentions import Mention
from ingest.identity.names import clean_name, parse_name
from ingest.identity.resolver import resolve


@pytest.mark.parametrize(("printed", "given", "alternatives", "surname"), [
    ("Harry (Huazhe) Xu", "harry", ("huazhe",), "xu"),
    ("Alexander (Sasha) Sandler", "alexander", ("sasha",), "sandler"),
    ("Sicong(Sheldon) Huang", "sicong", ("sheldon",), "huang"),
    ("Johnson (Tsun-Hsuan) Wang", "johnson", ("tsunhsuan",), "wang"),
    ("Giorgos ('Yorgos') Mamakoukas", "giorgos", ("yorgos",), "mamakoukas"),
    ('Yu ("Tony") Zhang', "yu", ("tony",), "zhang"),
])
def test_a_parenthesised_nickname_is_an_alternative_given_name_not_a_middle_name(
        printed: str, given: str, alternatives: tuple[str, ...], surname: str) -> None:
    parsed = parse_name(clean_name(printed)[0].name)
    assert (parsed.given, parsed.alt_givens, parsed.surname, parsed.middles) == (given, alternatives, surname, ())


@pytest.mark.parametrize(("printed", "given", "middles", "alternatives"), [
    ("J. Zico Kolter", "j", ("zico",), ("zico",)),
    ("M. Frans Kaashoek", "m", ("frans",), ("frans",)),
    ("H. T. Kung", "h", ("t",), ()),  # initials only: no name to go by
    ("Il Chul Moon", "il", ("chul",), ("ilchul",)),  # a given name written apart: also read as one
    ("Yu Guang Wang", "yu", ("guang",), ("yuguang",)),
    ("Matei A Zaharia", "matei", ("a",), ()),
])
def test_an_initial_before_a_full_name_makes_that_name_an_alternative(
        printed: str, given: str, middles: tuple[str, ...], alternatives: tuple[str, ...]) -> None:
    parsed = parse_name(printed)
    assert (parsed.given, parsed.middles, parsed.alt_givens) == (given, middles, alternatives)


@pytest.mark.parametrize(("printed", "cleaned", "given", "surname"), [
    ("Dr. Jane Doe", "Jane Doe", "jane", "doe"),
    ("dr. Jordy Van Landeghem", "Jordy Van Landeghem", "jordy", "landeghem"),
    ("Prof. Dr. Enkelejda Kasneci", "Enkelejda Kasneci", "enkelejda", "kasneci"),
    ("Mr. Prabhat", "Prabhat", "", "prabhat"),
])
def test_titles_are_dropped(printed: str, cleaned: str, given: str, surname: str) -> None:
    name = clean_name(printed)[0]
    assert name.name == cleaned and "title_stripped" in name.flags
    assert (parse_name(name.name).given, parse_name(name.name).surname) == (given, surname)


@pytest.mark.parametrize("printed", ["Drew Bagnell", "Mrinmaya Sachan", "Profir Popov", "Ms Dhoni"])
def test_names_that_start_like_a_title_keep_it(printed: str) -> None:
    name = clean_name(printed)[0]
    assert name.name == printed and "title_stripped" not in name.flags


@pytest.mark.parametrize(("printed", "surname", "middles"), [
    ("Hal Daumé III", "daume", ()),
    ("Gerald Q. Maguire Jr.", "maguire", ("q",)),
    ("Marcelo H Ang Jr", "ang", ("h",)),
    ("John Smith PhD", "smith", ()),
])
def test_suffixes_are_not_surnames(printed: str, surname: str, middles: tuple[str, ...]) -> None:
    parsed = parse_name(printed)
    assert (parsed.surname, parsed.middles) == (surname, middles)


@pytest.mark.parametrize(("printed", "given", "surname"), [
    ("Дмитрий Ветров", "dmitriy", "vetrov"),
    ("Πάνος Λουρίδας", "panos", "loyridas"),
    ("Али Саиди", "ali", "saidi"),
    ("Þórður Jónsson", "thordur", "jonsson"),
])
def test_names_in_other_scripts_are_transliterated(printed: str, given: str, surname: str) -> None:
    name = clean_name(printed)[0]
    assert name.rejected is None
    assert (parse_name(name.name).given, parse_name(name.name).surname) == (given, surname)


def test_a_name_in_cjk_characters_is_kept() -> None:
    name = clean_name("王伟")[0]
    assert name.rejected is None and parse_name(name.name).surname == "wangwei"


def _mentions(first: str, second: str) -> list[Mention]:
    """Two mentions on two papers sharing three co-authors: strong evidence of one person, if names allow."""
    shared = ["Pieter Abbeel", "Yang Gao", "Trevor Darrell"]
    return [Mention("p1#0", first, "p1", "visual reinforcement learning", shared, None, "venue:icml", 2022),
            Mention("p2#0", second, "p2", "visual reinforcement learning", shared, None, "venue:icml", 2023)]


@pytest.mark.parametrize(("first", "second"), [
    ("Harry (Huazhe) Xu", "Huazhe Xu"),  # the nickname is the name he signs with
    ("Harry (Huazhe) Xu", "Harry Xu"),
    ("Alexander (Sasha) Sandler", "Sasha Sandler"),  # another block (sandler|a vs sandler|s)
    ("Hongqiang (Harry) Liu", "Hongqiang Liu"),
    ("Dr. Jane Doe", "Jane Doe"),
    ("Gerald Q. Maguire Jr.", "Gerald Q. Maguire"),
    ("J. Zico Kolter", "Zico Kolter"),  # another block (kolter|j vs kolter|z): he signs both ways
    ("M. Frans Kaashoek", "Frans Kaashoek"),
    ("Il Chul Moon", "Il-chul Moon"),
    ("Yu Guang Wang", "Yuguang Wang"),
    ("Tom Griffiths", "Thomas L. Griffiths"),  # a hypocorism, not a prefix: never compared before
    ("Josh Tenenbaum", "Joshua B. Tenenbaum"),  # a prefix the model read as two people's names
])
def test_must_meet(first: str, second: str) -> None:
    ids = resolve(_mentions(first, second)).person_ids
    assert ids[0] and ids[0] == ids[1]


@pytest.mark.parametrize(("first", "second"), [
    ("Harry (Huazhe) Xu", "Hao Xu"),  # one block (xu|h), neither name nor nickname agrees
    ("Alexander (Sasha) Sandler", "Sergei Sandler"),
    ("Huazhe Xu", "Harry Xu"),  # without the nickname, two different given names
    ("M. Frans Kaashoek", "Frank Kaashoek"),  # neither the initial nor the name he goes by agrees
    ("Yu Guang Wang", "Yuchen Wang"),  # 'yu' is too short to be read as a short form of 'yuchen'
    ("Andrew Pavlo", "Andrea Pavlo"),  # the nicknames table relates them both ways: two names, not a short form
])
def test_must_not_meet(first: str, second: str) -> None:
    ids = resolve(_mentions(first, second)).person_ids
    assert ids[0] != ids[1]
