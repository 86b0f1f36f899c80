"""The fourth pass on organisation nodes without a country or a type (issue 14): each rule with must and
must-not cases.

Footnote digits: a digit glued to a name the table knows is part of the name ("4Paradigm", "Layer6"); beside
a known all-capitals name it is a footnote mark ("2MPI", "KAIST1"); an unknown code keeps its digit ("MSI3",
"3M"). Accents a PDF extractor printed apart go back onto their letters. A street address or a department
in French, Spanish or Italian names no organisation. Invented names ("Glorbia") keep the rules honest: they
cannot be in the table.
"""

from __future__ import annotations

import pytest

from ingest.institutions import InstitutionResolver
from ingest.institutions.normalise import clean
from ingest.institutions.resolver import _guess_type


def _key(resolver: InstitutionResolver, text: str) -> str | None:
    org = resolver.resolve(text).organisation
    return org.key if org is not None else None


# -- footnote digits -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "key"), [("4Paradigm Inc.", "4paradigm"), ("4Paradigm", "4paradigm"),
                                           ("Layer6", "layer6"), ("Layer6 AI", "layer6")])
def test_a_digit_glued_to_a_known_name_is_kept(resolver: InstitutionResolver, text: str, key: str) -> None:
    assert _key(resolver, text) == key


@pytest.mark.parametrize(("text", "key"), [("1University of Cambridge", "cambridge"),
                                           ("University of Oxford1", "oxford"),
                                           ("2MPI for Intelligent Systems", "mpi-is"), ("KAIST1", "kaist"),
                                           ("3NTT Communication Science Laboratories, Kyoto, Japan", "ntt")])
def test_a_footnote_digit_beside_a_name_is_stripped(resolver: InstitutionResolver, text: str, key: str) -> None:
    assert _key(resolver, text) == key


def test_the_digit_rule_reads_the_known_names_it_is_given() -> None:
    known = frozenset({"4paradigm", "mpi"})
    assert clean("4Paradigm Inc.", known).text == "4Paradigm Inc"
    assert clean("4Paradigm Inc.").text == "Paradigm Inc"  # without the table the old rule applies
    assert clean("2MPI for Intelligent Systems", known).text == "MPI for Intelligent Systems"
    assert clean("7Glorbix Labs", known).text == "Glorbix Labs"  # a capitalised word: a footnote mark


@pytest.mark.parametrize("text", ["MSI3", "3M", "A100 Lab", "2nd Floor", "7GLORB Systems", "GLORB7"])
def test_unknown_codes_keep_their_digits(resolver: InstitutionResolver, text: str) -> None:
    assert clean(text, resolver._known_words).text == text


# -- accents printed apart ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("printed", "text"), [
    ("Universit ´e du Qu ´ebec `a Montr ´eal", "Université du Québec à Montréal"),
    ("Montanuniversit ¨at Leoben, Austria", "Montanuniversität Leoben, Austria"),
    ("´Ecole Polytechnique F´ed´erale de Lausanne", "École Polytechnique Fédérale de Lausanne"),
    ("Universitat Aut `onoma de Barcelona", "Universitat Autònoma de Barcelona"),
    ("ETH Z¨urich", "ETH Zürich"),
])
def test_an_accent_printed_apart_rejoins_its_letter(printed: str, text: str) -> None:
    assert clean(printed).text == text


@pytest.mark.parametrize("text", ["Università della Svizzera italiana", "O'Reilly Media", "Glorbia University"])
def test_text_without_loose_accents_is_unchanged(text: str) -> None:
    assert clean(text).text == text


def test_a_name_with_loose_accents_resolves_like_its_clean_twin(resolver: InstitutionResolver) -> None:
    assert _key(resolver, "Universit ´e du Qu ´ebec `a Montr ´eal") == "uqam"
    assert _key(resolver, "Department of Mathematics, Universit ´e de Montr ´eal") == \
        _key(resolver, "Department of Mathematics, Université de Montréal")


# -- strings that name no organisation -------------------------------------------------------------------

@pytest.mark.parametrize("text", ["Linshan Road Shanghai", "Glorbia Street, Boston", "Département d'Informatique",
                                  "Departamento de Informática", "Dipartimento di Informatica"])
def test_an_address_or_a_foreign_department_alone_is_not_an_organisation(resolver: InstitutionResolver,
                                                                         text: str) -> None:
    result = resolver.resolve(text)
    assert result.organisation is None and result.method == "not_organisation"


@pytest.mark.parametrize(("text", "name"), [("Road Safety Research Institute", "Road Safety Research Institute"),
                                            ("Departamento de Informática, Glorbia University", "Glorbia University"),
                                            ("Glorbia Labs, 12 Main Street, Boston", "Glorbia Labs")])
def test_an_organisation_beside_an_address_or_department_is_kept(resolver: InstitutionResolver, text: str,
                                                                 name: str) -> None:
    org = resolver.resolve(text).organisation
    assert org is not None and org.name == name


def test_a_university_is_named_over_a_code_printed_before_it(resolver: InstitutionResolver) -> None:
    org = resolver.resolve("XQZ B, Universidad de Glorbia, Spain").organisation
    assert org is not None and org.name == "Universidad de Glorbia" and org.type == "education"


# -- types from the words of a name ----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "org_type"), [("Glorbia Consultancy Services Limited", "company"),
                                                ("Shenzhen Key Lab for Glorbia Computing", "facility"),
                                                ("State Key Laboratory of Glorbia", "facility"),
                                                ("SUNY State U. of Glorbia", "education"),
                                                ("Fundação Glorbia", "nonprofit")])
def test_the_words_of_a_name_give_its_type(name: str, org_type: str) -> None:
    assert _guess_type(name) == (org_type, "name")


@pytest.mark.parametrize("name", ["Key West Glorbia", "Glorbia Unlimited", "Glorbia Ou"])
def test_look_alike_words_give_no_type(name: str) -> None:
    assert _guess_type(name) == ("other", "none")


# -- new rows: look-alikes apart, units with their host ----------------------------------------------------

@pytest.mark.parametrize(("text", "key"), [
    ("Institute for Advanced Study, Princeton", "ias"),
    ("Korea Institute for Advanced Study", "kias"),
    ("University of Electronic Science and Technology of China, Shenzhen Institute for Advanced Study, UESTC",
     "uestc-sias"),
    ("Information Technology University, Lahore", "itu-lahore"),
    ("Mines ParisTech", "mines-paris"), ("Colorado School of Mines", "mines"),
    ("NTU, Singapore", "ntu-sg"), ("Computer Vision Center, Universitat Autònoma de Barcelona", "cvc"),
    ("CAS Key Laboratory of Glorbia, University of Science and Technology of China", "ustc"),
    ("LTCI, Télécom ParisTech, Université Paris-Saclay", "telecom-paris"),
    ("Rolls-Royce@NTU Corporate Lab, Nanyang Technological University", "rr-ntu"),
    ("IIT, Gandhinagar, India", "iitgn"),
])
def test_new_rows_resolve_and_keep_look_alikes_apart(resolver: InstitutionResolver, text: str, key: str) -> None:
    assert _key(resolver, text) == key


@pytest.mark.parametrize("text", ["ITU", "NTU", "IIT", "NTU, Taiwan", "Chinese Academy of Sciences, Peking University",
                                  "INSAIT, ETH Zurich"])
def test_abbreviations_and_pairs_are_still_not_forced_onto_one_row(resolver: InstitutionResolver, text: str) -> None:
    assert _key(resolver, text) not in ("itu-lahore", "ntu-sg", "iitgn", "ustc", "cas", "insait", "eth")


# -- two organisations glued with "and" ------------------------------------------------------------------

def test_a_known_name_and_another_organisation_are_two(resolver: InstitutionResolver) -> None:
    result = resolver.resolve("Columbia Unversity and MADO AI Research")
    assert result.method == "several" and result.organisation is None
    assert resolver.resolve("Glorbia University and Zorbex Labs").method == "new"  # neither known: one name


@pytest.mark.parametrize(("text", "key"), [("Department of Electrical and Computer Engineering, Cornell", "cornell"),
                                           ("Texas A and M University", "tamu"),
                                           ("University of Science and Technology of China", "ustc")])
def test_and_inside_one_name_does_not_split_it(resolver: InstitutionResolver, text: str, key: str) -> None:
    assert _key(resolver, text) == key
