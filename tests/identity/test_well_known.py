"""Regression list of well-known people: each lands on one person, namesakes stay apart.

Resolved as a build resolves (strong ids kept) on real snapshot rows: the MLSys S2 export,
NSDI and OSDI (the identity tests' systems subset), ICLR 2022 with both OpenReview pulls
(the tests' ICLR subset), plus ICML 2019 (the University of Connecticut Song Han), ICML
2023-24 (FlexGen under '~Ion_Stoica2', MGit under '~Deepak_Narayanan2', the UT Austin
'~Tianqi_Chen2') and NeurIPS 2023 (Beta Diffusion, the Winograd paper). Every expectation
says what evidence makes it true; the names come from the issue that reported them split
or merged (issue 13).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from graph.records import Paper
from ingest.identity.mentions import Mention, mentions_from_papers
from ingest.identity.names import parse_name
from ingest.identity.papers import merge_papers
from ingest.identity.resolver import Resolution, resolve
from ingest.sources import aicpl, papercopilot, s2_seed, sysconf
from tests.identity.conftest import read

FILES = ((s2_seed, "mlsys_seed_s2/ML_Seed_Papers.csv"), (sysconf, "sysconf/nsdi_base_data.json.gz"),
         (sysconf, "sysconf/osdi_base_data.json.gz"), (papercopilot, "papercopilot/iclr/iclr2022.json.gz"),
         (aicpl, "aicpl/openreview_profile_authorids/iclr2022.json.gz"),
         (aicpl, "aicpl/openreview_profiles/iclr2022.json.gz"), (papercopilot, "papercopilot/icml/icml2019.json.gz"),
         (papercopilot, "papercopilot/icml/icml2023.json.gz"), (papercopilot, "papercopilot/icml/icml2024.json.gz"),
         (papercopilot, "papercopilot/nips/nips2023.json.gz"))


@pytest.fixture(scope="module")
def resolved() -> tuple[list[Mention], Resolution]:
    papers: list[Paper] = []
    for reader, path in FILES:
        papers += read(reader, path)
    mentions = list(mentions_from_papers(merge_papers(papers)))
    return mentions, resolve(mentions)


def named(mentions: list[Mention], surname: str, given: str, keep: Callable[[Mention], bool] = lambda m: True,
          ) -> list[int]:
    """Mentions printing this surname and this given name or its initial."""
    found = []
    for i, mention in enumerate(mentions):
        parsed = parse_name(mention.name)
        if parsed.surname == surname and parsed.given in (given, given[0]) and keep(mention):
            found.append(i)
    return found


def titled(mentions: list[Mention], indices: list[int], start: str) -> int:
    return next(i for i in indices if mentions[i].title.startswith(start))


def person_of(resolution: Resolution, index: int):
    pid = resolution.person_ids[index]
    return next(p for p in resolution.people if p.person_id == pid)


@pytest.mark.parametrize(("surname", "given", "ids", "evidence"), [
    ("stoica", "ion", {"~Ion_Stoica1", "~Ion_Stoica2"},
     "a second OpenReview profile (FlexGen, ICML 2023) shares co-authors Lianmin Zheng, Ying Sheng, Zhuohan Li"),
    ("zaharia", "matei", {"143834867", "2288067224"},
     "S2 gave the ModelDB demo its own id; a rare name the pair model links above its threshold"),
    ("gonzalez", "joseph", {"49988044", "144307989", "2119114305"},
     "two orphan S2 ids, sharing Lisa Dunlap, Richard Liaw, ... and Vikram Sreekanti, Chenggang Wu"),
    ("jia", "zhihao", {"~Zhihao_Jia1", "~Zhihao_Jia2"},
     "GradSign (ICLR 2022, '~Zhihao_Jia1') is written with Zhihao Zhang, his co-author under '~Zhihao_Jia2'"),
    ("narayanan", "deepak", {"~Deepak_Narayanan2", "22252150"},
     "MGit (ICML 2024, '~Deepak_Narayanan2') is written with Amar Phanishayee, his long-time co-author"),
])
def test_every_mention_lands_on_one_person(resolved, surname: str, given: str, ids: set[str],
                                           evidence: str) -> None:
    mentions, resolution = resolved
    found = named(mentions, surname, given)
    if surname == "jia":  # 'Z. Jia' of the Winograd papers is Zhen Jia (with Zlateski, Kai Li, Durand): below
        found = [i for i in found if mentions[i].name != "Z. Jia"]
    people = {resolution.person_ids[i] for i in found}
    assert len(found) >= 5 and len(people) == 1, (evidence, people)
    person = person_of(resolution, found[0])
    held = set(person.strong_ids.values()) | {v for values in person.duplicate_ids.values() for v in values}
    assert ids <= held, (evidence, held)


def test_a_person_printing_an_initial_before_the_name_he_goes_by_is_one_person(resolved) -> None:
    # 'J Zico Kolter' (ICML 2023), 'J. Zico Kolter' (NeurIPS 2023) and 'Zico Kolter' (ICML 2019, ICLR 2022) are
    # one person in two name blocks (kolter|j, kolter|z); the name he goes by joins them, and his students'
    # co-authorships decide (before, the blocks were never compared: two profiles of 93 and 21 papers)
    mentions, resolution = resolved
    kolter = [i for i, m in enumerate(mentions)
              if parse_name(m.name).surname == "kolter" and "zico" in parse_name(m.name).given_names()]
    printed = {mentions[i].name for i in kolter}
    assert {"J Zico Kolter", "J. Zico Kolter", "Zico Kolter"} <= printed
    assert len({resolution.person_ids[i] for i in kolter}) == 1


@pytest.mark.parametrize(("surname", "short", "full"), [("griffiths", "tom", "thomas"),
                                                         ("rainforth", "tom", "thomas")])
def test_a_person_signing_a_hypocorism_is_one_person(resolved, surname: str, short: str, full: str) -> None:
    # 'Tom Griffiths' (NeurIPS 2023) and 'Thomas L. Griffiths' (ICML 2019, 2023, 2024); 'Thomas Rainforth' (NeurIPS
    # 2023) and 'Tom Rainforth' (ICML, ICLR): one person each, sharing co-authors. 'tom' is no prefix of 'thomas',
    # so the two forms were never compared (ingest/identity/hypocorisms.py)
    mentions, resolution = resolved
    forms = {i: parse_name(m.name).given for i, m in enumerate(mentions) if parse_name(m.name).surname == surname}
    found = [i for i, given in forms.items() if given in (short, full)]
    assert {forms[i] for i in found} == {short, full}
    assert len({resolution.person_ids[i] for i in found}) == 1


@pytest.mark.parametrize(("surname", "given", "middle"), [("wu", "zhiwei", "steven"), ("xu", "guoqing", "harry"),
                                                       ("godfrey", "philip", "brighten")])
def test_a_person_going_by_a_middle_name_is_one_person(resolved, surname: str, given: str, middle: str) -> None:
    # 'Zhiwei Steven Wu' (ICML 2023-24) and 'Steven Wu' (ICLR 2022, ICML, NeurIPS); 'Guoqing Harry Xu' (OSDI, NSDI)
    # and 'Harry Xu'; 'Philip Brighten Godfrey' and 'Brighten Godfrey' (NSDI): one person each in two name blocks,
    # sharing co-authors; before, the blocks were never compared (ingest/identity/goes_by.py)
    mentions, resolution = resolved
    full = [i for i, m in enumerate(mentions)
            if (parse_name(m.name).surname, parse_name(m.name).given, parse_name(m.name).middles[:1]) ==
            (surname, given, (middle,))]
    gone_by = [i for i, m in enumerate(mentions) if (parse_name(m.name).surname, parse_name(m.name).given) ==
               (surname, middle)]
    assert full and gone_by
    assert len({resolution.person_ids[i] for i in full + gone_by}) == 1


def test_duplicate_joins_say_why(resolved) -> None:
    mentions, resolution = resolved
    stoica = person_of(resolution, named(mentions, "stoica", "ion")[0])
    assert any(reason.startswith("duplicate openreview profiles joined") and "co-authors in common" in reason
               for reason in stoica.reasons)
    assert stoica.duplicate_ids == {"openreview": ["~Ion_Stoica2"]}


def test_zhen_jia_is_not_zhihao_jia(resolved) -> None:
    # 'Z. Jia' on two 2018 Winograd/FFT papers with Aleksandar Zlateski, Kai Li and Fredo Durand (Princeton,
    # MIT) is Zhen Jia: no co-author in common with Zhihao Jia, whose initial he shares.
    mentions, resolution = resolved
    zhen = [i for i in named(mentions, "jia", "zhihao") if mentions[i].name == "Z. Jia"]
    zhihao = [i for i in named(mentions, "jia", "zhihao") if mentions[i].name == "Zhihao Jia"]
    assert zhen and {resolution.person_ids[i] for i in zhen}.isdisjoint({resolution.person_ids[i] for i in zhihao})


def test_the_uconn_song_han_stays_apart(resolved) -> None:
    # ICML 2019 'Improved Dynamic Graph Learning through Fault-Tolerant Sparsification' is by the Song Han of the
    # University of Connecticut (with Jinbo Bi): no co-author ever wrote with MIT's Song Han or his co-authors,
    # and MIT is his affiliation in 2018 (namesake guard, rule 2, in the whole snapshot; in this subset the
    # pair model already keeps it apart).
    mentions, resolution = resolved
    songs = named(mentions, "han", "song", lambda m: m.name == "Song Han")
    uconn = titled(mentions, songs, "Improved Dynamic Graph Learning")
    mit = [i for i in songs if i != uconn and mentions[i].title.startswith(("SmoothQuant", "AWQ", "TorchSparse",
                                                                            "Network Augmentation", "QUEST"))]
    assert len(mit) == 5 and len({resolution.person_ids[i] for i in mit}) == 1
    assert resolution.person_ids[uconn] != resolution.person_ids[mit[0]]
    mit_person = person_of(resolution, mit[0])
    affiliations = {mentions[i].affiliation for i in mit_person.members if mentions[i].affiliation}
    assert not any("Connecticut" in a for a in affiliations)  # his latest affiliation cannot be UConn


def test_the_tianqi_chens_stay_apart(resolved) -> None:
    # The TVM / CMU Tianqi Chen ('~Tianqi_Chen1', S2 1913774) and the UT Austin Tianqi Chen ('~Tianqi_Chen2',
    # who writes with Mingyuan Zhou) are two people; 'Beta Diffusion' (NeurIPS 2023, with Mingyuan Zhou) is the
    # second one's.
    mentions, resolution = resolved
    chens = named(mentions, "chen", "tianqi", lambda m: m.name == "Tianqi Chen")
    tvm = [i for i in chens if mentions[i].title.startswith(("TVM", "Cortex", "DietCode", "ED-Batch", "ACRoBat",
                                                             "The CoRa"))]
    austin = [i for i in chens if mentions[i].strong_ids.get("openreview") == "~Tianqi_Chen2"]
    beta = titled(mentions, chens, "Beta Diffusion")
    assert len(tvm) >= 6 and len({resolution.person_ids[i] for i in tvm}) == 1
    assert len(austin) == 2 and {resolution.person_ids[i] for i in austin} == {resolution.person_ids[beta]}
    assert resolution.person_ids[beta] != resolution.person_ids[tvm[0]]


@pytest.mark.xfail(strict=True, reason="known gap: no affiliation, and the one rule that would catch it (no co-author "
                                       "link and no topic in common, namesakes.py rule 3) takes out more true papers "
                                       "than namesakes' on the training and DBLP dev sets; a curator splits it")
def test_the_winograd_tianqi_chen_stays_apart(resolved) -> None:
    # 'Towards Efficient and Accurate Winograd Convolution via Full Quantization' (NeurIPS 2023) is by a Tianqi
    # Chen of Jian Cheng's group (CASIA): none of its co-authors is linked to the TVM Tianqi Chen's.
    mentions, resolution = resolved
    chens = named(mentions, "chen", "tianqi", lambda m: m.name == "Tianqi Chen")
    winograd = titled(mentions, chens, "Towards Efficient and Accurate Winograd")
    tvm = titled(mentions, chens, "TVM")
    assert resolution.person_ids[winograd] != resolution.person_ids[tvm]


def test_review_queue_surfaces_same_name_profiles_with_shared_coauthors(resolved) -> None:
    _, resolution = resolved
    splits = [item for item in resolution.review_items if item["action"] == "possible_split"]
    assert splits and all("co-author(s) in common" in item["reasons"][0] for item in splits)
    assert all(item["left"]["mentions"] >= 5 for item in splits)  # a prolific person on one side
