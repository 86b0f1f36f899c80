"""The general rules of the third pass on tail organisations (issue 14), each with must and must-not cases.

A string that is not one organisation keeps its raw text and gets no node (a town, a department without
its organisation, a title, an abbreviation several organisations use); a lab named beside its
organisation is that organisation; a bare web domain is read by its labels; types come from the words
of the name. Invented names ("Glorbia") keep the rules honest: they cannot be in the table.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from graph.records import Paper
from ingest.institutions import InstitutionResolver
from ingest.institutions.link import link_institutions, loose_sibling_key
from ingest.institutions.resolver import _guess_type, ambiguous_strings


def _answer(resolver: InstitutionResolver, text: str) -> tuple[str, str | None]:
    result = resolver.resolve(text)
    return result.method, result.organisation.key if result.organisation is not None else None


@pytest.mark.parametrize("text", ["Uppsala", "Trondheim, Norway", "Athens", "lisbon", "Rio Grande do Sul",
                                  "Department of Computer Engineering, Murcia"])
def test_a_town_is_not_an_organisation(resolver: InstitutionResolver, text: str) -> None:
    assert _answer(resolver, text) == ("not_organisation", None)


@pytest.mark.parametrize(("text", "key"), [("Uppsala University", "uppsala"), ("Stanford", "stanford"),
                                           ("University of Rochester", "rochester"),
                                           ("University of Richmond", "richmond")])
def test_an_organisation_named_after_its_town_is_still_one(resolver: InstitutionResolver, text: str,
                                                           key: str) -> None:
    assert _answer(resolver, text)[1] == key


@pytest.mark.parametrize("text", ["School of Informatics, Computing, and Engineering",
                                  "Depts. of Electrical & Computer Engineering‡, Computer Science and Engineering$"])
def test_a_department_without_its_organisation_makes_no_node(resolver: InstitutionResolver, text: str) -> None:
    assert _answer(resolver, text) == ("not_organisation", None)


def test_a_department_with_its_organisation_is_the_organisation(resolver: InstitutionResolver) -> None:
    assert _answer(resolver, "School of Computing, National University of Singapore")[1] == "nus"
    org = resolver.resolve("Department of EECS, Glorbia University").organisation
    assert org is not None and org.name == "Glorbia University"


@pytest.mark.parametrize("text", ["IEEE Member", "ACM Fellow", "CIFAR Azrieli Global Scholar", "no", "Open Review",
                                  "(No affiliation provided in the text)", "Indepenent", "Independet researcher"])
def test_titles_notes_and_misspelt_independent_are_not_organisations(resolver: InstitutionResolver,
                                                                     text: str) -> None:
    assert _answer(resolver, text) == ("not_organisation", None)


@pytest.mark.parametrize("text", ["Nobel Foundation", "Independent University, Bangladesh", "Norway Robotics",
                                  "Research Fellow, Glorbia University"])
def test_look_alikes_of_titles_are_organisations(resolver: InstitutionResolver, text: str) -> None:
    assert resolver.resolve(text).organisation is not None


@pytest.mark.parametrize("text", ["PSU", "MSU", "IIT", "NTU", "Queen's University", "columbia",
                                  "Institute of Computer Science", "Central University"])
def test_a_string_several_organisations_print_makes_no_node(resolver: InstitutionResolver, text: str) -> None:
    result = resolver.resolve(text)
    assert result.organisation is None and result.method == "not_organisation" and "no one organisation" in (
        result.reason or "")


@pytest.mark.parametrize(("text", "key"), [("Penn State", "psu"), ("IIT Delhi", "iitd"),
                                           ("Columbia University", "columbia"), ("Central South University", "csu"),
                                           ("Nanyang Technological University", "ntu-sg")])
def test_the_full_names_behind_an_ambiguous_abbreviation_still_resolve(resolver: InstitutionResolver, text: str,
                                                                       key: str) -> None:
    assert _answer(resolver, text)[1] == key


def test_every_ambiguous_row_has_a_reason_and_names_no_table_alias(resolver: InstitutionResolver) -> None:
    rows = ambiguous_strings()
    assert len(rows) >= 20 and all(rows.values())
    assert not [key for key in rows if key in resolver.table.index]  # an alias would contradict the row


def test_the_organisation_is_named_rather_than_its_lab(resolver: InstitutionResolver) -> None:
    org = resolver.resolve("Quux Vision Group, University of Glorbia, Glorbia City").organisation
    assert org is not None and org.name == "University of Glorbia"
    lab = resolver.resolve("Quux Vision Group").organisation  # a lab alone is still named as printed
    assert lab is not None and lab.name == "Quux Vision Group"
    generic = resolver.resolve("Institute of Computer Science, The Czech Academy of Sciences").organisation
    assert generic is not None and generic.name == "The Czech Academy of Sciences" and generic.country == "CZ"


@pytest.mark.parametrize(("text", "key"), [("ece.ubc.ca", "ubc"), ("uwaterloo.ca", "waterloo"),
                                           ("inf.ethz.ch", "eth"), ("pku.edu.cn", "pku")])
def test_a_bare_domain_is_read_by_its_labels(resolver: InstitutionResolver, text: str, key: str) -> None:
    assert _answer(resolver, text) == ("alias", key)


@pytest.mark.parametrize("text", ["cs.glorbia.edu", "gmail.com"])
def test_a_domain_with_no_known_label_is_not_a_known_organisation(resolver: InstitutionResolver, text: str) -> None:
    org = resolver.resolve(text).organisation
    assert org is None or not org.curated


@pytest.mark.parametrize(("name", "org_type"), [
    ("Glorbia Univeristy", "education"), ("Unversity of Glorbia", "education"), ("Glorbia State U", "education"),
    ("U. of Glorbia", "education"), ("United States Naval Academy", "education"), ("Glorbia Academy", "education"),
    ("Harbin Institution of Technology", "education"), ("Glorbian Academy of Sciences", "government"),
    ("Helmholtz Zentrum München", "facility"), ("Glorbia Supercomputing Center", "facility"),
    ("Glorbia Cancer Institute", "healthcare"), ("Glorbia SpA", "company"), ("Glorbia B.V.", "company"),
    ("Glorbia ASA", "company"), ("glorbia.com", "company"), ("Glorbia Networks", "company"),
    ("Glorbia Wireless", "company"), ("Glorbia Analytics", "company"), ("Glorbia Pharmaceuticals", "company"),
])
def test_the_words_of_a_name_give_its_type(name: str, org_type: str) -> None:
    assert _guess_type(name) == (org_type, "name")


@pytest.mark.parametrize(("name", "not_type"), [
    ("Uncertainty Lab", "education"), ("Universal Music Group", "education"), ("Univrses", "education"),
    ("Glorbia Systems Research Group", "company"), ("Department of Computer Networks", "company"),
    ("Institute of Computing Systems", "company"), ("Glorbia Academy of Sciences", "education"),
])
def test_look_alike_words_do_not_give_that_type(name: str, not_type: str) -> None:
    assert _guess_type(name)[0] != not_type


@pytest.mark.parametrize(("text", "key"), [
    ("Toyota Technological Institute", "tti-nagoya"), ("Toyota Technological Institute at Chicago", "ttic"),
    ("Simons Institute", "simons-institute"), ("Simons Foundation", "simons"),
    ("University of Dublin, Trinity College", "tcd"), ("Lingnan University", "lingnan-hk"),
    ("Berkeley College", "berkeley-college"), ("University of California, Berkeley", "ucb"),
    ("Washington University in St. Louis", "washu"), ("University of Washington", "uw"),
])
def test_new_rows_keep_look_alikes_apart(resolver: InstitutionResolver, text: str, key: str) -> None:
    assert _answer(resolver, text)[1] == key


def test_a_longer_name_around_a_new_row_is_another_organisation(resolver: InstitutionResolver) -> None:
    assert _answer(resolver, "Lingnan Normal University")[1] != "lingnan-hk"
    assert _answer(resolver, "Kent State University")[1] == "kent-state"
    assert _answer(resolver, "Kent University")[1] != "kent-state"



def test_the_same_name_with_a_town_elsewhere_gives_the_country(affiliated_paper: Callable[..., Paper]) -> None:
    """Co-occurrence evidence: "Zorblax Vision Center" alone has no place, "Zorblax Vision Center Barcelona" has."""
    nodes, _ = link_institutions([
        affiliated_paper("p1", "Zorblax Vision Center", "Glorbtech University", "Quux University of London"),
        affiliated_paper("p2", "Zorblax Vision Center Barcelona", "Glorbtech", "Quux University of New York",
               "Frobo AI", "Frobo Inc, Paris, France", "Frobo University, Bonn, Germany"),
    ])
    by_name = {n.name: n for n in nodes}
    assert (by_name["Zorblax Vision Center"].country, by_name["Zorblax Vision Center"].country_source) == (
        "ES", "sibling")
    # "of London" is part of the name, not a town after it: no country from "of New York"
    assert by_name["Quux University of London"].country is None
    # siblings that disagree (FR, DE) give none
    assert by_name["Frobo AI"].country is None


@pytest.mark.parametrize(("name", "key"), [
    ("Goethe University Frankfurt", "goethe"), ("ShanghaiTech University", "shanghaitech"), ("Layer 6 AI", "layer"),
    ("City University of London", "city university of london"), ("University of New York", "university of new york"),
])
def test_the_loose_sibling_key_drops_only_a_trailing_town_or_head_word(name: str, key: str) -> None:
    assert loose_sibling_key(name) == key
