"""Synthetic MLSys Atlas graphs of any size with the bundled snapshot's real distributions.

`synth_batch(n_papers, seed)` returns a `graph.loader.GraphBatch` (the analytics and the
Neo4j benchmarks both load it); `SynthGenerator(n, seed).papers()` streams the same
papers one by one for sizes where a whole batch would not fit in memory.

What is real: papers per venue and year (scaled to `n_papers`), authors per paper per
venue community, title length and title vocabulary, pillar-tag rates per community,
institution countries - all measured on the snapshot build (`--refit` re-measures them
from the configured store and prints the tables).
What is modelled: *who* writes together. A paper's first author is a newcomer with
probability P_NEW_LEAD, otherwise drawn by preferential attachment (proportional to
papers so far) from the venue community's pool; each further author repeats a
co-author of someone already on the team with P_REPEAT (teams recur: ~15% of real
co-author links have 2+ joint papers), is a newcomer with P_NEW, or is drawn by
preferential attachment, from the other community with P_CROSS (people who publish at
both systems and ML venues). New authors join an institution by preferential attachment
(P_NEW_INSTITUTION opens a new one) and move with P_MOVE per paper. The constants are
calibrated so 100k papers reproduce the snapshot's authors per paper (1.62 vs 1.63),
share of one-paper authors (0.55 vs 0.56), mean co-author degree (14.2 vs 13.1) and
repeat-link share (0.14 vs 0.15); hubs grow larger than the snapshot's (pure preferential
attachment): `python benchmarks/synth.py --papers 100000 --compare` prints both.
P_NEW_INSTITUTION is set so the largest institution-years match the snapshot's (~250
people; the snapshot has fewer one-person institutions than the generator).

Memory: the generator itself keeps ~60 bytes per author plus 4 bytes per authorship
(preferential-attachment pools) - about 150 MB at 1M papers. A full `synth_batch` holds
every Paper/Authorship dataclass: ~2.5 KB per paper, so ~2.5 GB at 1M papers; stream
`SynthGenerator.papers()` instead at that size. Speed: ~20-30 s per 1M papers on one core.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import sys
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.ids import topic_id, venue_id  # noqa: E402
from graph.loader import GraphBatch  # noqa: E402
from graph.records import Author, Authorship, Institution, Paper, Provenance, Topic, TopicTag, Venue  # noqa: E402
from graph.venues import community_of, side_of, venue_record  # noqa: E402

P_NEW_LEAD = 0.10
P_NEW = 0.25
P_REPEAT = 0.50
P_CROSS = 0.03
P_NEW_INSTITUTION = 0.3
P_MOVE = 0.01
AFFILIATION_COVERAGE = {"systems": 0.95, "ml": 0.35, "mlsys": 0.15, "other": 0.15}
RECENT_COAUTHORS = 12  # remembered per author for repeat collaborations
PROVENANCE = Provenance(["synth"], "2025-01-01T00:00:00Z")
PILLAR_NAMES = {"hardware": "Hardware systems for ML", "software": "Software systems for ML",
                "metrics": "ML beyond accuracy", "ml_for_systems": "ML for systems"}
FIRST_NAMES = ("Wei Ana Li Ravi Maria Jun Sara Omar Yuki Chen Elena Tom Priya Ivan Mei Lucas Aisha Hao Nina Diego "
               "Kai Lena Amir Sofia Jin Paul Fatima Min Olga Rui Zoe Arjun Ling Marco Eva Tariq Hana Leo Mira "
               "Yang").split()
LAST_NAMES = ("Zhang Wang Smith Kumar Garcia Chen Liu Müller Rossi Kim Nguyen Patel Silva Ivanova Tanaka Cohen "
              "Brown Li Park Haddad Novak Yilmaz Lopez Sato Schmidt Singh Costa Dubois Ahmed Jensen Wu Zhao "
              "Fischer Martin Okafor Romano Lee Huang Moreau Sun").split()

# venue -> {year: papers} in the bundled snapshot (untracked venues folded into Other)
VENUE_YEAR_PAPERS: dict[str, dict[int, int]] = {
    "ASPLOS": {2012: 37, 2013: 44, 2014: 50, 2015: 48, 2016: 55, 2017: 56, 2018: 56, 2019: 74, 2020: 86, 2021: 75,
    2022: 80, 2023: 151, 2024: 198},
    "ATC": {2012: 32, 2013: 33, 2014: 44, 2015: 47, 2016: 47, 2017: 60, 2018: 77, 2019: 79, 2020: 65, 2021: 65,
    2022: 64, 2023: 65, 2024: 77},
    "EuroSys": {2012: 27, 2013: 28, 2014: 27, 2015: 32, 2016: 38, 2017: 41, 2018: 44, 2019: 45, 2020: 44, 2021: 50,
    2022: 45, 2023: 54, 2024: 71},
    "ICLR": {2018: 337, 2019: 502, 2020: 687, 2021: 860, 2022: 1095, 2023: 1574, 2024: 2260, 2025: 3703},
    "ICML": {2017: 1, 2018: 625, 2019: 774, 2020: 1084, 2021: 1183, 2022: 1233, 2023: 1865, 2024: 2610, 2025: 3340},
    "ISCA": {2019: 1},
    "KDD": {2017: 2},
    "MLSys": {2016: 2, 2017: 15, 2018: 111, 2019: 32, 2020: 36, 2021: 58, 2022: 47, 2023: 32, 2024: 5},
    "NSDI": {2012: 30, 2013: 38, 2014: 38, 2015: 42, 2016: 45, 2017: 46, 2018: 40, 2019: 51, 2020: 65, 2021: 60,
    2022: 79, 2023: 96, 2024: 112},
    "NeurIPS": {2018: 1010, 2019: 1427, 2020: 1899, 2021: 2508, 2022: 2834, 2023: 3538, 2024: 4552},
    "OSDI": {2012: 25, 2014: 42, 2016: 47, 2018: 49, 2020: 80, 2021: 31, 2022: 49, 2023: 55, 2024: 53},
    "Other": {2016: 2, 2017: 1, 2018: 9, 2019: 11, 2021: 4},
    "SOSP": {2019: 4, 2023: 1},
    "SoCC": {2015: 1, 2021: 3},
    "VLDB": {2017: 1, 2018: 1, 2020: 2},
    "arXiv": {2017: 1, 2018: 3, 2019: 3, 2020: 2},
}
# community -> [(authors on the paper, papers)], capped at 40
AUTHORS_PER_PAPER: dict[str, list[tuple[int, int]]] = {
    "systems": [(1, 26), (2, 236), (3, 534), (4, 630), (5, 607), (6, 474), (7, 331), (8, 222), (9, 123), (10, 89),
    (11, 64), (12, 50), (13, 21), (14, 13), (15, 22), (16, 8), (17, 4), (18, 7), (19, 3), (20, 7), (21, 4), (22, 7),
    (23, 1), (24, 3), (25, 3), (26, 1), (29, 1), (32, 2), (33, 1), (40, 4)],
    "ml": [(1, 587), (2, 4778), (3, 8618), (4, 8686), (5, 6649), (6, 4642), (7, 2964), (8, 1779), (9, 1020), (10,
    629), (11, 352), (12, 224), (13, 157), (14, 90), (15, 58), (16, 65), (17, 26), (18, 30), (19, 13), (20, 17),
    (21, 9), (22, 20), (23, 10), (24, 11), (25, 11), (26, 7), (27, 5), (28, 6), (29, 3), (30, 2), (31, 4), (32, 1),
    (33, 1), (34, 5), (35, 1), (38, 2), (39, 1), (40, 20)],
    "mlsys": [(1, 17), (2, 25), (3, 62), (4, 44), (5, 58), (6, 37), (7, 27), (8, 13), (9, 13), (10, 11), (11, 6),
    (12, 6), (13, 2), (14, 4), (15, 2), (16, 2), (17, 1), (18, 1), (19, 1), (20, 1), (21, 1), (24, 1), (25, 2), (27,
    1), (34, 1)],
    "other": [(1, 1), (2, 1), (3, 5), (4, 7), (5, 5), (6, 7), (7, 2), (8, 1), (9, 3), (10, 2), (12, 1), (25, 1)],
}
# words per title -> papers
TITLE_LENGTHS: list[tuple[int, int]] = [
    (1, 2), (2, 98), (3, 716), (4, 1297), (5, 2157), (6, 3640), (7, 4887), (8, 6066), (9, 6472), (10, 5983), (11,
    4876), (12, 3515), (13, 2311), (14, 1484), (15, 830), (16, 481), (17, 272), (18, 134), (19, 86), (20, 69),
]
# the most frequent title words with their counts (folded)
TITLE_WORDS: list[tuple[str, int]] = [
    ("for", 15840), ("learning", 10918), ("of", 8419), ("with", 8231), ("and", 7973), ("in", 7082), ("a", 5901),
    ("the", 5088), ("models", 4334), ("neural", 3993), ("to", 3659), ("via", 3400), ("on", 3019), ("networks",
    3017), ("language", 2660), ("data", 2431), ("based", 2331), ("model", 2325), ("efficient", 2208), ("multi",
    2133), ("deep", 2112), ("reinforcement", 2075), ("optimization", 2019), ("graph", 1913), ("training", 1861),
    ("from", 1805), ("large", 1773), ("diffusion", 1531), ("image", 1293), ("time", 1278), ("robust", 1177),
    ("using", 1172), ("adversarial", 1165), ("network", 1151), ("generation", 1126), ("gradient", 1126), ("an",
    1109), ("optimal", 1075), ("inference", 1047), ("by", 1040), ("representation", 981), ("linear", 969),
    ("generative", 966), ("towards", 938), ("self", 930), ("adaptive", 918), ("stochastic", 913), ("policy", 910),
    ("aware", 895), ("generalization", 876), ("through", 844), ("estimation", 836), ("detection", 820), ("analysis",
    814), ("framework", 814), ("3d", 800), ("online", 800), ("supervised", 761), ("prediction", 758), ("scale",
    756), ("bayesian", 756), ("representations", 753), ("non", 736), ("visual", 729), ("memory", 727), ("fast",
    718), ("vision", 712), ("sparse", 708), ("high", 703), ("shot", 696), ("text", 686), ("understanding", 675),
    ("federated", 656), ("transformers", 648), ("modeling", 648), ("dynamic", 647), ("causal", 645), ("information",
    635), ("under", 631), ("free", 629), ("distribution", 626), ("approach", 622), ("sampling", 620), ("video",
    616), ("domain", 613), ("is", 610), ("classification", 604), ("attention", 604), ("knowledge", 603), ("latent",
    601), ("algorithms", 598), ("object", 591), ("transformer", 590), ("robustness", 582), ("space", 578), ("low",
    576), ("variational", 572), ("task", 568), ("systems", 565), ("control", 560), ("reasoning", 560), ("context",
    559), ("agent", 548), ("scalable", 545), ("dataset", 545), ("adaptation", 544), ("improving", 543),
    ("contrastive", 540), ("benchmark", 531), ("gaussian", 531), ("tuning", 530), ("dynamics", 528), ("machine",
    525), ("search", 521), ("feature", 521), ("distributed", 517), ("as", 515), ("bandits", 514), ("fine", 511),
    ("regression", 505), ("human", 502), ("offline", 490), ("meta", 487), ("unsupervised", 476), ("convergence",
    473), ("label", 467), ("design", 465), ("temporal", 465), ("kernel", 461), ("llm", 457), ("bounds", 455),
    ("graphs", 453), ("private", 449), ("alignment", 447), ("multimodal", 444), ("series", 440), ("descent", 438),
    ("methods", 437), ("long", 435), ("decision", 434), ("beyond", 433), ("guided", 431), ("sample", 431),
    ("algorithm", 429), ("zero", 428), ("performance", 427), ("llms", 423), ("evaluation", 422), ("can", 422),
    ("hierarchical", 422), ("are", 420), ("continuous", 419), ("clustering", 418), ("implicit", 415), ("convex",
    413), ("without", 412), ("local", 412), ("pre", 411), ("processes", 410), ("point", 410), ("one", 406),
    ("state", 401), ("approximation", 401), ("selection", 401), ("level", 399), ("matching", 398), ("structure",
    394), ("random", 393), ("exploration", 388), ("distillation", 388), ("structured", 385), ("scaling", 385),
    ("perspective", 384), ("flow", 383), ("how", 379), ("unified", 378), ("attacks", 369), ("transfer", 367),
    ("noise", 366), ("regularization", 366), ("rank", 366), ("uncertainty", 363), ("reward", 361), ("order", 360),
    ("semantic", 360), ("segmentation", 360), ("bias", 360), ("few", 359), ("end", 358), ("function", 358), ("at",
    357), ("world", 352), ("over", 351), ("constrained", 351), ("functions", 351), ("out", 349), ("games", 349),
    ("system", 346), ("cross", 341), ("problems", 339), ("method", 338), ("regret", 337), ("complexity", 332),
    ("communication", 331), ("synthesis", 331), ("general", 330), ("compression", 330), ("loss", 330),
    ("conditional", 329), ("features", 329), ("continual", 329), ("value", 326), ("improved", 326),
    ("probabilistic", 325), ("privacy", 325), ("single", 323), ("feedback", 323), ("active", 316), ("view", 314),
    ("discovery", 309), ("heterogeneous", 308), ("matrix", 304), ("multiple", 303), ("mixture", 302),
    ("architecture", 298), ("open", 296), ("generalized", 296), ("semi", 294), ("driven", 291), ("cloud", 289),
    ("differentiable", 289), ("agents", 289), ("tasks", 288), ("applications", 287), ("theory", 284),
    ("dimensional", 283), ("retrieval", 283), ("differential", 282), ("global", 282), ("convolutional", 282),
]
# community -> pillar -> share of papers the tagger labels with it
PILLAR_RATES: dict[str, dict[str, float]] = {
    "systems": {"hardware": 0.048, "software": 0.0678, "metrics": 0.0549, "ml_for_systems": 0.0006},
    "ml": {"hardware": 0.0011, "software": 0.0197, "metrics": 0.044, "ml_for_systems": 0.0},
    "mlsys": {"hardware": 0.0472, "software": 0.0914, "metrics": 0.056, "ml_for_systems": 0.0029},
    "other": {"hardware": 0.25, "software": 0.5556, "metrics": 0.4167, "ml_for_systems": 0.0},
}
# institution country -> institutions (None: no country recorded)
INSTITUTION_COUNTRIES: list[tuple[str | None, int]] = [
    (None, 4217), ('US', 454), ('CN', 184), ('DE', 53), ('FR', 50), ('GB', 49), ('KR', 42), ('CH', 23), ('IN', 20),
    ('CA', 18), ('JP', 17), ('AU', 14), ('PT', 14), ('IT', 13), ('ES', 13), ('SG', 13), ('IL', 13), ('HK', 12),
    ('GR', 11), ('SE', 10),
]


class SynthGenerator:
    """Streams synthetic papers year by year; author, institution and venue tables fill as it goes."""

    def __init__(self, n_papers: int, seed: int = 0) -> None:
        self.n_papers = n_papers
        self.seed = seed
        self.rng = random.Random(seed)
        self.author_home = array("b")  # community code of each author's first paper
        self.author_papers = array("i")
        self.author_institution = array("i")  # -1: none yet
        self.recent: dict[int, list[int]] = {}
        self.pools: dict[int, array[int]] = {c: array("i") for c in range(len(COMMUNITY_CODES))}
        self.institution_pool = array("i")
        self.institution_country: list[str | None] = []
        self.venues_seen: set[str] = set()
        self._sizes = {c: ([k for k, _ in rows], list(itertools.accumulate(n for _, n in rows)))
                       for c, rows in AUTHORS_PER_PAPER.items()}
        self._lengths = ([k for k, _ in TITLE_LENGTHS], list(itertools.accumulate(n for _, n in TITLE_LENGTHS)))
        self._words = ([w for w, _ in TITLE_WORDS], list(itertools.accumulate(n for _, n in TITLE_WORDS)))
        self._countries = ([c for c, _ in INSTITUTION_COUNTRIES],
                           list(itertools.accumulate(n for _, n in INSTITUTION_COUNTRIES)))

    # ------------------------------------------------------------ schedule
    def schedule(self) -> list[tuple[int, str, int]]:
        """(year, venue, papers) scaled to n_papers, rounding fixed up so the total is exact."""
        total = sum(n for years in VENUE_YEAR_PAPERS.values() for n in years.values())
        rows = [(year, venue, n * self.n_papers / total) for venue, years in VENUE_YEAR_PAPERS.items()
                for year, n in years.items()]
        counts = [(year, venue, int(x)) for year, venue, x in rows]
        short = self.n_papers - sum(n for _, _, n in counts)
        by_remainder = sorted(range(len(rows)), key=lambda i: -(rows[i][2] - int(rows[i][2])))
        for i in by_remainder[:short]:
            year, venue, n = counts[i]
            counts[i] = (year, venue, n + 1)
        return sorted((c for c in counts if c[2] > 0), key=lambda c: (c[0], c[1]))

    # ------------------------------------------------------------ people
    def _new_author(self, community: int) -> int:
        author = len(self.author_home)
        self.author_home.append(community)
        self.author_papers.append(0)
        self.author_institution.append(self._pick_institution())
        return author

    def _pick_institution(self) -> int:
        if not self.institution_pool or self.rng.random() < P_NEW_INSTITUTION:
            self.institution_country.append(self._choice(self._countries))
            institution = len(self.institution_country) - 1
        else:
            institution = self.institution_pool[self.rng.randrange(len(self.institution_pool))]
        self.institution_pool.append(institution)
        return institution

    def _from_pool(self, community: int) -> int | None:
        if self.rng.random() < P_CROSS:
            community = CROSS[community]
        pool = self.pools[community]
        return pool[self.rng.randrange(len(pool))] if pool else None

    def _choice(self, table: tuple[list, list[int]]):  # type: ignore[no-untyped-def,type-arg]
        values, cumulative = table
        return values[bisect.bisect_right(cumulative, self.rng.random() * cumulative[-1])]

    def _team(self, community: int, size: int) -> list[int]:
        rng = self.rng
        lead = None if rng.random() < P_NEW_LEAD else self._from_pool(community)
        team = [lead if lead is not None else self._new_author(community)]
        chosen = set(team)
        while len(team) < size:
            r = rng.random()
            candidate: int | None = None
            if r < P_REPEAT:
                recent = self.recent.get(team[rng.randrange(len(team))])
                candidate = recent[rng.randrange(len(recent))] if recent else None
            elif r < P_REPEAT + P_NEW:
                candidate = None
            else:
                candidate = self._from_pool(community)
            if candidate is None or candidate in chosen:
                candidate = self._new_author(community)
            team.append(candidate)
            chosen.add(candidate)
        return team

    def _remember(self, team: list[int], community: int) -> None:
        pool = self.pools[community]
        for author in team:
            self.author_papers[author] += 1
            pool.append(author)
            recent = self.recent.setdefault(author, [])
            for other in team:
                if other != author and other not in recent:
                    recent.append(other)
            if len(recent) > RECENT_COAUTHORS:
                del recent[:len(recent) - RECENT_COAUTHORS]
            if self.rng.random() < P_MOVE:
                self.author_institution[author] = self._pick_institution()

    # ------------------------------------------------------------ papers
    def _title(self) -> str:
        n = self._choice(self._lengths)
        words = [self._choice(self._words) for _ in range(n)]
        return " ".join(words).capitalize()

    def papers(self) -> Iterator[Paper]:
        """Every synthetic paper, in year order (the order the preferential attachment grows in)."""
        rng = self.rng
        number = 0
        for year, rows in itertools.groupby(self.schedule(), key=lambda c: c[0]):
            slots = [venue for _, venue, n in rows for _ in range(n)]
            rng.shuffle(slots)
            for venue in slots:
                community_name = side_of(community_of(venue))  # synth models the two sides
                community = COMMUNITY_CODES.index(community_name)
                size = self._choice(self._sizes[community_name])
                team = self._team(community, size)
                self._remember(team, community)
                self.venues_seen.add(venue)
                coverage = AFFILIATION_COVERAGE[community_name]
                pid = f"paper:synth:{self.seed}:{number:07d}"
                authorships = []
                for position, author in enumerate(team):
                    institution = self.author_institution[author] if rng.random() < coverage else -1
                    authorships.append(Authorship(
                        paper_id=pid, position=position, name=self.author_name(author),
                        author_id=f"author:synth:{author:07d}",
                        institution_id=f"inst:synth:{institution:06d}" if institution >= 0 else None,
                        country=self.institution_country[institution] if institution >= 0 else None))
                tags = [TopicTag(label, 0.75, ["synthetic"]) for label, rate in PILLAR_RATES[community_name].items()
                        if rng.random() < rate]
                number += 1
                yield Paper(id=pid, title=self._title(), year=year, venue_id=venue_id(venue), venue_name=venue,
                            authorships=authorships, topics=tags, provenance=PROVENANCE)

    # ------------------------------------------------------------ tables
    def author_name(self, author: int) -> str:
        return f"{FIRST_NAMES[author % len(FIRST_NAMES)]} {LAST_NAMES[(author // 7) % len(LAST_NAMES)]}"

    def authors(self) -> list[Author]:
        return [Author(f"author:synth:{a:07d}", self.author_name(a), provenance=PROVENANCE)
                for a in range(len(self.author_home))]

    def institutions(self) -> list[Institution]:
        return [Institution(f"inst:synth:{i:06d}", f"Synthetic {'Labs' if i % 4 == 0 else 'University'} {i}",
                            country, provenance=PROVENANCE) for i, country in enumerate(self.institution_country)]

    def venues(self) -> list[Venue]:
        return [venue_record(v, PROVENANCE) for v in sorted(self.venues_seen)]

    @staticmethod
    def topics() -> list[Topic]:
        return [Topic(topic_id(label), label, name, "pillar", [label]) for label, name in PILLAR_NAMES.items()]


COMMUNITY_CODES: tuple[str, ...] = ("systems", "ml", "mlsys", "other")
CROSS = {0: 1, 1: 0, 2: 1, 3: 1}  # systems <-> ml; MLSys and other borrow from ML, the bigger pool


def synth_batch(n_papers: int, seed: int = 0) -> GraphBatch:
    """A loadable batch of `n_papers` synthetic papers with their authors, venues, institutions and topics."""
    generator = SynthGenerator(n_papers, seed)
    papers = list(generator.papers())
    used = {a.institution_id for p in papers for a in p.authorships if a.institution_id}
    return GraphBatch(papers=papers, authors=generator.authors(), venues=generator.venues(),
                      institutions=[i for i in generator.institutions() if i.id in used],
                      topics=generator.topics())


# ---------------------------------------------------------------- calibration report
def describe(author_lists: Iterable[Sequence[str]]) -> dict[str, float]:
    """The statistics the generator is calibrated on, for the author lists of any set of papers."""
    per_author: Counter[str] = Counter()
    links: Counter[tuple[str, str]] = Counter()
    n_papers = authorships = 0
    for authors in author_lists:
        n_papers += 1
        ids = sorted(set(authors))
        authorships += len(ids)
        per_author.update(ids)
        if len(ids) <= 100:
            links.update(itertools.combinations(ids, 2))
    n_authors = len(per_author) or 1
    return {"papers": n_papers, "authors": len(per_author),
            "authors_per_paper": round(len(per_author) / max(1, n_papers), 3),
            "authorships_per_paper": round(authorships / max(1, n_papers), 3),
            "one_paper_author_share": round(sum(1 for n in per_author.values() if n == 1) / n_authors, 3),
            "max_papers_per_author": max(per_author.values(), default=0),
            "mean_coauthor_degree": round(2 * len(links) / n_authors, 2),
            "repeat_link_share": round(sum(1 for n in links.values() if n > 1) / max(1, len(links)), 3)}


def _author_lists(generator: SynthGenerator) -> Iterator[list[str]]:
    return ([a.author_id for a in p.authorships] for p in generator.papers())


# describe() of the full snapshot build (45,376 papers), the calibration target.
SNAPSHOT_STATS = {"papers": 45376, "authors": 73898, "authors_per_paper": 1.629, "authorships_per_paper": 4.879,
                  "one_paper_author_share": 0.558, "max_papers_per_author": 226, "mean_coauthor_degree": 13.14,
                  "repeat_link_share": 0.149}


def refit() -> str:
    """Python source of the measured tables, from the configured store (paste over the ones above)."""
    import textwrap

    from graph.analytics.projections import read_graph_data
    from graph.ids import fold
    from graph.open import open_store
    from graph.venues import KNOWN_VENUES

    store = open_store()
    try:
        data = read_graph_data(store)
    finally:
        store.close()
    venue_years: dict[str, Counter[int]] = {}
    sizes: dict[str, Counter[int]] = {c: Counter() for c in COMMUNITY_CODES}
    lengths: Counter[int] = Counter()
    words: Counter[str] = Counter()
    tagged: Counter[tuple[str, str]] = Counter()
    for p in data.papers:
        if p.year:
            venue_years.setdefault(p.venue if p.venue in KNOWN_VENUES else "Other", Counter())[p.year] += 1
        sizes[p.community][min(len(p.authors), 40)] += 1
        lengths[min(len(fold(p.title).split()), 20)] += 1
        words.update(fold(p.title).split())
        tagged.update((p.community, t.label) for t in data.paper_topics.get(p.id, ()))
    countries = Counter({a.institution: a.country for a in data.affiliations}.values())
    per_community = Counter(p.community for p in data.papers)
    tables = {
        "VENUE_YEAR_PAPERS": {v: dict(sorted(c.items())) for v, c in sorted(venue_years.items())},
        "AUTHORS_PER_PAPER": {c: sorted(n.items()) for c, n in sizes.items()},
        "TITLE_LENGTHS": sorted(lengths.items()),
        "TITLE_WORDS": [(w, n) for w, n in words.most_common(400) if len(w) > 1 or w == "a"][:240],
        "PILLAR_RATES": {c: {label: round(tagged[(c, label)] / max(1, per_community[c]), 4) for label in PILLAR_NAMES}
                         for c in COMMUNITY_CODES},
        "INSTITUTION_COUNTRIES": countries.most_common(20),
    }
    return "\n".join(textwrap.fill(f"{name} = {value!r}", 116, subsequent_indent="    ")
                     for name, value in tables.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--compare", action="store_true", help="print calibration statistics next to the snapshot's")
    parser.add_argument("--refit", action="store_true", help="print the distribution tables measured on the store")
    args = parser.parse_args(argv)
    if args.refit:
        print(refit())
        return 0
    stats = describe(_author_lists(SynthGenerator(args.papers, args.seed)))
    for key, value in stats.items():
        real = SNAPSHOT_STATS.get(key, "") if args.compare else ""
        print(f"{key:<24} {value:>12} {real:>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
