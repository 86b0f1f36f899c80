"""A tiny hand-made graph whose every answer can be worked out by hand.

Five papers, five authors, three venues: small enough that each expected answer in the
contract suite is written down literally, yet it has the awkward cases every store must
get right - accents and aliases, quotes, a newline, markup and `;` in titles, a paper
without a year, a citation, an author with several institutions over the years.
"""

from __future__ import annotations

from graph.loader import GraphBatch
from graph.records import Author, Authorship, Institution, Paper, Provenance, Topic, TopicTag, Venue

WHEN = "2024-05-01T00:00:00Z"
LATER = "2024-06-01T00:00:00Z"

QUOTED_TITLE = 'Serving "Large" Models, Fast'
SCRIPT_TITLE = "<script>alert(1)</script> Accelerators for Training"
# Ids an earlier id scheme gave three nodes (graph/ids.py ID_SCHEME): look-ups by them must find the node.
OLD_AUTHOR_ID = "author:5e1c0ld"
OLD_PAPER_ID = "paper:t:01dn0te"
OLD_INSTITUTION_ID = "inst:tsinghua-old"


def _prov(*sources: str, at: str = WHEN) -> Provenance:
    return Provenance(sorted(sources), at)


def _by(paper_id: str, *people: tuple[str, str, str | None]) -> list[Authorship]:
    return [
        Authorship(paper_id=paper_id, position=i, name=name, author_id=author_id, institution_id=inst,
                   affiliation={"inst:mit": "MIT CSAIL", "inst:eth": "ETH Zurich", "inst:tsinghua": "Tsinghua"}.get(
                       inst or "", None))
        for i, (author_id, name, inst) in enumerate(people)
    ]


def tiny_batch() -> GraphBatch:
    venues = [
        Venue("venue:osdi", "OSDI", "Operating Systems Design and Implementation", "systems", _prov("dblp")),
        Venue("venue:icml", "ICML", "International Conference on Machine Learning", "ml", _prov("dblp")),
        Venue("venue:mlsys", "MLSys", "Conference on Machine Learning and Systems", "mlsys", _prov("dblp")),
    ]
    institutions = [
        Institution("inst:mit", "MIT", "US", None, _prov("openalex")),
        Institution("inst:eth", "ETH Zürich", "CH", "https://ror.org/05a28rw58", _prov("openalex")),
        Institution("inst:tsinghua", "Tsinghua University", "CN", None, _prov("openalex"),
                    id_aliases=[OLD_INSTITUTION_ID]),
    ]
    topics = [
        Topic("topic:software", "software", "Software systems for ML", "pillar", []),
        Topic("topic:hardware", "hardware", "Hardware systems for ML", "pillar", []),
        Topic("topic:inference_serving", "inference_serving", "Inference and serving", "topic", ["software"]),
        Topic("topic:accelerators", "accelerators", "Accelerators", "topic", ["hardware"]),
    ]
    authors = [
        Author("author:ana", "Ana García", aliases=["A. García", "Ana Garcia"], orcid="0000-0001", provenance=_prov(
            "dblp", "openalex")),
        Author("author:bo", "Bo Li", provenance=_prov("dblp")),
        Author("author:jose", "José Müller", aliases=["J. Muller"], provenance=_prov("dblp")),
        Author("author:chen", "Chen Wei", provenance=_prov("openalex"), id_aliases=[OLD_AUTHOR_ID]),
        Author("author:dana", "Dana O'Neil", merge_confidence=0.75, provenance=_prov("dblp")),
    ]
    papers = [
        Paper("paper:doi:10.1/p1", QUOTED_TITLE, 2021, "venue:osdi", "OSDI",
              abstract="We serve models.\nFast, with batching.", doi="10.1/p1",
              authorships=_by("paper:doi:10.1/p1", ("author:ana", "Ana García", "inst:mit"),
                              ("author:bo", "Bo Li", "inst:mit")),
              topics=[TopicTag("inference_serving", 0.9, ["serve"]), TopicTag("software", 0.8, ["serve"])],
              provenance=_prov("dblp", "openalex")),
        Paper("paper:doi:10.1/p2", SCRIPT_TITLE, 2022, "venue:mlsys", "MLSys",
              abstract="Systolic arrays; tensor cores.", doi="10.1/p2",
              authorships=_by("paper:doi:10.1/p2", ("author:ana", "A. García", "inst:eth"),
                              ("author:jose", "José Müller", "inst:eth")),
              references=["doi:10.1/p1"],
              topics=[TopicTag("accelerators", 0.95, ["systolic", "tensor cores"]), TopicTag("hardware", 0.7, [])],
              provenance=_prov("dblp", at=LATER)),
        Paper("paper:doi:10.1/p3", "Learning to Schedule; a Study", 2023, "venue:icml", "ICML",
              doi="10.1/p3",
              authorships=_by("paper:doi:10.1/p3", ("author:bo", "Bo Li", None),
                              ("author:chen", "Chen Wei", "inst:tsinghua"), ("author:ana", "Ana Garcia", "inst:mit")),
              references=["doi:10.1/p1", "doi:10.1/p2", "doi:10.9/not-in-graph"],
              provenance=_prov("openalex")),
        Paper("paper:doi:10.1/p4", "Kernel Fusion, Revisited", 2023, "venue:osdi", "OSDI", doi="10.1/p4",
              authorships=_by("paper:doi:10.1/p4", ("author:jose", "J. Muller", "inst:eth"),
                              ("author:dana", "Dana O'Neil", None)),
              topics=[TopicTag("accelerators", 0.6, ["kernel"])],
              provenance=_prov("dblp")),
        Paper("paper:t:note", "Untitled Workshop Note", None, "venue:icml", "ICML",
              authorships=_by("paper:t:note", ("author:dana", "Dana O'Neil", None)),
              provenance=_prov("dblp"), id_aliases=[OLD_PAPER_ID]),
    ]
    return GraphBatch(papers=papers, authors=authors, venues=venues, institutions=institutions, topics=topics,
                      topic_parents=[("topic:inference_serving", "topic:software"),
                                     ("topic:accelerators", "topic:hardware")])
