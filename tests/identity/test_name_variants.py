"""Nicknames, titles, suffixes and other scripts: how printed names are parsed and which ones meet.

The names are from the snapshot ('Harry (Huazhe) Xu' signs 43 papers as 'Huazhe Xu'; 'Dr.
Enkelejda Kasneci'; 'Hal Daumé III') or are the issue's examples of names in other scripts.
"""

from __future__ import annotations

import dataclasses

import pytest

from ingest.identity.goes_by import join_blocks, middle_gone_by, names_gone_by
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
    ("Dr.Saman Amarasinghe", "Saman Amarasinghe", "saman", "amarasinghe"),  # glued by its full stop (ICML 2019)
    ("Dr.Mohammad Alizadeh", "Mohammad Alizadeh", "mohammad", "alizadeh"),
])
def test_titles_are_dropped(printed: str, cleaned: str, given: str, surname: str) -> None:
    name = clean_name(printed)[0]
    assert name.name == cleaned and "title_stripped" in name.flags
    assert (parse_name(name.name).given, parse_name(name.name).surname) == (given, surname)


def test_a_conjunction_left_on_the_last_author_is_dropped() -> None:
    # ICLR 2019 prints 'Yuhai Tu;and Gerald Tesauro': he was a person of his own, "and Gerald Tesauro"
    name = clean_name("and Gerald Tesauro")[0]
    assert name.name == "Gerald Tesauro" and "conjunction_stripped" in name.flags
    assert clean_name("& Alan Turing")[0].name == "Alan Turing"


@pytest.mark.parametrize("printed", ["Andrew Ng", "And Smith"])  # a name, or nothing left but a surname
def test_names_that_start_like_a_conjunction_keep_it(printed: str) -> None:
    assert clean_name(printed)[0].name == printed


@pytest.mark.parametrize("printed", ["Drew Bagnell", "Mrinmaya Sachan", "Profir Popov", "Ms Dhoni", "Dr.", "Mr.X Li"])
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
    ("Hugh Brendan McMahan", "Brendan McMahan"),  # the middle name he goes by, shown by the co-authors
    ("Zhiwei Steven Wu", "Steven Wu"),  # another block (wu|z vs wu|s)
    ("Phitchaya Mangpo Phothilimthana", "Mangpo Phothilimthana"),
    ("Bill Dally", "William J. Dally"),  # a hypocorism of another initial (dally|b vs dally|w)
    ("Becca Roelofs", "Rebecca Roelofs"),
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
    ("Hugh Brendan McMahan", "Bernard McMahan"),  # neither the given name nor the middle one agrees
    ("Bill Dally", "Walter Dally"),  # 'bill' shortens 'william', not any name of its initial
])
def test_must_not_meet(first: str, second: str) -> None:
    ids = resolve(_mentions(first, second)).person_ids
    assert ids[0] != ids[1]


def test_a_middle_name_is_gone_by_only_where_a_co_author_shows_it() -> None:
    # 'Jian Wei Zhang' would otherwise meet every 'Wei Zhang' (and 'wei' is half of a given name written apart)
    def mention(key: str, name: str, coauthors: list[str]) -> Mention:
        return Mention(key, name, key.split("#")[0], "graph learning", coauthors, None, "venue:icml", 2022)

    mentions = [mention("p1#0", "Jian Wei Zhang", ["Ann Lee", "Bo Chen"]),
                mention("p2#0", "Wei Zhang", ["Carl Diaz", "Dan Ng"]),
                mention("p3#0", "Hugh Brendan McMahan", ["Peter Kairouz"]),
                mention("p4#0", "Brendan McMahan", ["Peter Kairouz", "Dan Ng"]),
                mention("p5#0", "Ian Reid", ["Ann Lee"]),  # the table relates 'ian' to 'john': no co-author here
                mention("p6#0", "John Reid", ["Eve Park"]),
                mention("p7#0", "Bill Dally", ["Song Han"]),
                mention("p8#0", "William J. Dally", ["Song Han"])]
    printed = [parse_name(m.name) for m in mentions]
    chosen = names_gone_by(mentions, printed)
    assert [chosen.get(p, p).alt_givens for p in printed] == [(), (), ("brendan",), (), (), (), ("william",), ()]


def test_blocks_are_joined_for_a_middle_name_only_while_all_their_pairs_can_be_compared() -> None:
    # joins for middle names chain through common surnames; past the limit a block is split by given name, which
    # would take the joined names apart again
    names = [parse_name(n) for n in ("Zhiwei Steven Wu", "Steven Wu", "Steven Wu", "Sam Wu", "S. Wu")]
    printed = names[0]
    names[0] = dataclasses.replace(printed, alt_givens=("steven",))
    blocks = {"wu|z": [0], "wu|s": [1, 2, 3, 4]}
    assert join_blocks(blocks, names, {names[0]: printed}, max_pairs=100) == {"wu|s": [0, 1, 2, 3, 4]}
    # S. Wu alone meets all four others (4 pairs), the two Steven Wus each other (1): 5 candidate pairs
    assert join_blocks(blocks, names, {names[0]: printed}, max_pairs=4) == blocks


def test_two_names_printed_on_one_paper_are_two_people_whatever_the_co_authors() -> None:
    shared = ["Pieter Abbeel", "Yang Gao"]
    mentions = [Mention("p1#0", "Zhiwei Steven Wu", "p1", "privacy", [*shared, "Steven Wu"], None, "venue:icml", 2022),
                Mention("p1#1", "Steven Wu", "p1", "privacy", [*shared, "Zhiwei Steven Wu"], None, "venue:icml", 2022),
                Mention("p2#0", "Steven Wu", "p2", "privacy", shared, None, "venue:icml", 2023)]
    ids = resolve(mentions).person_ids
    assert ids[0] != ids[1] and ids[0] != ids[2]


@pytest.mark.parametrize(("printed", "middle"), [
    ("Hugh Brendan McMahan", "brendan"),
    ("Guoqing Harry Xu", "harry"),
    ("Matei A Zaharia", None),  # an initial
    ("Jason Jay Smith", None),  # one initial, one name block: compared already
    ("J. Zico Kolter", None),  # an initial first: already an alternative ('zico')
    ("Yu Xiang Wang", None),  # a two-letter given name: read as 'yuxiang' instead
])
def test_the_middle_name_a_printed_name_may_go_by(printed: str, middle: str | None) -> None:
    assert middle_gone_by(parse_name(printed)) == middle
