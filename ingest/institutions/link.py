"""Apply institution resolution to a build: authorships -> organisation ids, and the Institution records.

Runs once per build over the distinct (string, country) pairs, so it costs a fraction of
a second per thousand strings (benchmarks/bench_institutions.py). Strings that name no
organisation, or several, keep their raw text on the authorship (`affiliation`) and get
no institution. Units (MIT CSAIL) are linked as printed; their parent organisation
becomes a node too so `PART_OF` has both ends. OpenAlex/ROR ids the source gave travel
to the resolved node.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from graph import ids
from graph.records import Institution, Paper, Provenance
from ingest.institutions.decisions import MAPPING_FILE, CorrectedResolver, institutions_dir
from ingest.institutions.places import country_evidence, is_place
from ingest.institutions.resolver import InstitutionResolver, Resolution
from ingest.institutions.table import Organisation, OrgTable, match_key

TABLE_SOURCE = "institutions-table"
MAX_ALIASES = 40  # raw strings kept on a node for search, most frequent first
_LEGAL_FORMS = frozenset({"inc", "ltd", "llc", "llp", "corp", "corporation", "co", "gmbh", "ag", "sa", "plc", "limited",
                          "bv", "nv", "ab", "oy", "pty"})


@dataclass
class LinkReport:
    strings: int = 0
    authorships: int = 0
    linked: int = 0
    several: int = 0
    not_organisation: int = 0
    new_organisations: int = 0
    institutions: int = 0
    seconds: float = 0.0
    methods: dict[str, int] = field(default_factory=dict)


@dataclass
class _Node:
    org: Organisation
    strings: Counter = field(default_factory=Counter)
    countries: Counter = field(default_factory=Counter)
    rors: Counter = field(default_factory=Counter)
    openalex_ids: Counter = field(default_factory=Counter)
    sources: set[str] = field(default_factory=set)
    retrieved_at: str = ""


@lru_cache(maxsize=1)
def shipped_resolver() -> InstitutionResolver:
    """One resolver over the shipped table, shared by readers that need it (sysconf's mis-link check)."""
    return InstitutionResolver()


def primary_affiliation(listed: list[tuple[str, str | None]]) -> int:
    """Which of an author's listed institutions to print: the first that is not an OpenAlex look-alike
    mis-link ("Berkeley College" listed beside "University of California, Berkeley"), else the first."""
    resolver = shipped_resolver()
    for index, (name, country) in enumerate(listed):
        org = resolver.resolve(name, country).organisation
        if org is None or not org.mislink:
            return index
    return 0


def link_institutions(papers: Iterable[Paper], source_institutions: dict[str, Institution] | None = None,
                      data_dir: Path | None = None,
                      resolver: CorrectedResolver | None = None) -> tuple[list[Institution], LinkReport]:
    """Set every authorship's `institution_id` from its printed affiliation; return the Institution nodes."""
    started = time.perf_counter()
    resolver = resolver or (CorrectedResolver.load(data_dir) if data_dir is not None
                            else CorrectedResolver(InstitutionResolver(), {}, {}))
    sources = source_institutions or {}
    report = LinkReport()
    nodes: dict[str, _Node] = {}
    mapping: dict[str, dict] = {}
    methods: Counter = Counter()
    answers: dict[tuple[str, str | None], tuple[Resolution, str | None]] = {}
    for paper in papers:
        paper_sources, paper_retrieved = paper.provenance.sources, paper.provenance.retrieved_at
        for authorship in paper.authorships:
            affiliation = authorship.affiliation
            if not affiliation:
                authorship.institution_id = None
                continue
            source = sources.get(authorship.institution_id or "") if sources else None
            country = authorship.country or (source.country if source else None)
            answer = answers.get((affiliation, country))
            if answer is None:  # resolve each distinct (string, country) once
                result = resolver.resolve(affiliation, country)
                answer = answers[(affiliation, country)] = (result, result.organisation.id
                                                            if result.organisation is not None else None)
            result, org_id = answer
            row = mapping.get(affiliation)
            if row is None:
                row = mapping[affiliation] = {
                    "affiliation": affiliation, "institution_id": org_id,
                    "name": result.organisation.name if result.organisation is not None else None,
                    "method": result.method, "confidence": result.confidence, "reason": result.reason,
                    "authorships": 0}
            row["authorships"] += 1
            methods[result.method] += 1
            authorship.institution_id = org_id
            if org_id is None:
                continue
            node = nodes.get(org_id)
            if node is None:
                node = nodes[org_id] = _Node(result.organisation)
            node.strings[affiliation] += 1
            if country:
                node.countries[country.upper()] += 1
            if source is not None and source.ror:
                node.rors[source.ror] += 1
            if source is not None and source.openalex_id:
                node.openalex_ids[source.openalex_id] += 1
            node.sources.update(paper_sources)
            if paper_retrieved > node.retrieved_at:
                node.retrieved_at = paper_retrieved
    report.authorships = sum(methods.values())
    report.several = methods.get("several", 0)
    report.linked = sum(sum(node.strings.values()) for node in nodes.values())
    report.not_organisation = report.authorships - report.linked - report.several
    table = resolver.table
    for node in list(nodes.values()):  # parents of linked units are nodes too
        parent_key = node.org.parent if node.org.curated else None
        while parent_key and table.orgs[parent_key].id not in nodes:
            parent = table.orgs[parent_key]
            nodes[parent.id] = _Node(parent, sources={TABLE_SOURCE})
            parent_key = parent.parent
    records = [_record(node, table) for _, node in sorted(nodes.items())]
    _countries_from_siblings(records)
    report.strings = len(mapping)
    report.new_organisations = sum(1 for n in nodes.values() if not n.org.curated)
    report.institutions = len(records)
    report.methods = dict(methods.most_common())
    if data_dir is not None:
        _write_mapping(data_dir, mapping.values())
    report.seconds = round(time.perf_counter() - started, 3)
    return records, report


def correct_mislinks(papers: Iterable[Paper], institutions: list[Institution],
                     table: OrgTable | None = None) -> tuple[list[Institution], int]:
    """Co-occurrence evidence, per person: OpenAlex puts some Berkeley people at "Berkeley College" on
    a few papers. An authorship at an organisation flagged `mislink:<key>` moves to <key> (or the unit
    of it the person uses most) when the same person is at <key> on other papers. Needs author ids, so
    it runs after identity resolution. Returns the institutions still used (and their parents)."""
    table = table or shipped_resolver().table
    by_id = {i.id: i for i in institutions}
    mistaken_for = {org.id: table.orgs[org.flags["mislink"][0]].id for org in table.orgs.values()
                    if org.flags.get("mislink") and org.flags["mislink"][0] in table.orgs}
    papers = list(papers)
    elsewhere: dict[str, Counter] = defaultdict(Counter)  # author -> real organisation id -> uses
    for paper in papers:
        for a in paper.authorships:
            if a.institution_id and a.author_id and a.institution_id not in mistaken_for:
                node = by_id.get(a.institution_id)
                elsewhere[a.author_id][a.institution_id] += 1
                if node is not None and node.parent_id:
                    elsewhere[a.author_id][node.parent_id] += 0  # the organisation counts as present
    moved = 0
    for paper in papers:
        for a in paper.authorships:
            target = mistaken_for.get(a.institution_id or "")
            if target is None or not a.author_id or target not in elsewhere[a.author_id]:
                continue
            units = [(n, i) for i, n in elsewhere[a.author_id].items() if by_id.get(i) and by_id[i].parent_id == target]
            a.institution_id = max(units)[1] if units and max(units)[0] > elsewhere[a.author_id][target] else target
            moved += 1
    used = {a.institution_id for p in papers for a in p.authorships if a.institution_id}
    keep = set(used)
    for inst_id in used:
        parent = by_id[inst_id].parent_id if inst_id in by_id else None
        while parent and parent not in keep:
            keep.add(parent)
            parent = by_id[parent].parent_id if parent in by_id else None
    return [i for i in institutions if i.id in keep], moved


def _record(node: _Node, table: OrgTable) -> Institution:
    org = node.org
    parent_id = table.orgs[org.parent].id if org.curated and org.parent and org.parent in table.orgs else None
    country, country_source = _country(node)
    seen = [s for s, _ in sorted(node.strings.items(), key=lambda kv: (-kv[1], kv[0]))]
    aliases = list(dict.fromkeys(a for a in [*org.aliases, *seen] if a != org.name))[:MAX_ALIASES]
    ror = org.ror or (node.rors.most_common(1)[0][0] if node.rors else None)
    openalex_id = org.openalex or (node.openalex_ids.most_common(1)[0][0] if node.openalex_ids else None)
    provenance = Provenance(sorted(node.sources), node.retrieved_at)
    legacy = ids.legacy_institution_id(org.name) if org.node_id else org.id  # table keys never depended on a fold
    return Institution(id=org.id, name=org.name, country=country, ror=ror, provenance=provenance,
                       type=org.type, parent_id=parent_id, aliases=aliases,
                       openalex_id=openalex_id,
                       curated=org.curated, country_source=country_source if country else "none",
                       type_source=org.type_source,
                       id_aliases=[legacy] if legacy != org.id and not ids.is_empty_id(legacy) else [])


def _country(node: _Node) -> tuple[str | None, str]:
    """The node's country and where it came from: the table; else the country a source gave on its
    authorships (OpenAlex via sysconf); else what its printed strings say, when every string that names
    a place names the same country. Nothing else: a node with no evidence keeps no country."""
    org = node.org
    if org.curated:
        return org.country, "table"
    if node.countries:
        return node.countries.most_common(1)[0][0], "source-field"
    said = {country_evidence(s).country for s in node.strings} - {None}
    if len(said) == 1:
        return said.pop(), "string"
    return None, "none"


def sibling_key(name: str) -> str:
    """Name with legal-form words dropped: "Siemens AG", "Siemens" and "The Siemens" are one organisation."""
    return " ".join(w for w in match_key(name).split() if w not in _LEGAL_FORMS)


_LOOSE_TAIL = frozenset({"ai", "university", "universitat", "universitaet", "universite", "universidad"})
_NAME_LINKS = frozenset({"of", "in", "at", "de", "di", "du", "der", "des", "do", "da", "for"})


def loose_sibling_key(name: str) -> str:
    """The sibling key without a trailing town or head word: "Goethe University Frankfurt", "Goethe University"
    and "Goethe" share one; "ShanghaiTech University" and "ShanghaiTech" too. Only used as evidence of a
    country, never to merge nodes."""
    words = sibling_key(name).split()
    while len(words) > 1:
        # the longest trailing place ("new york", "new south wales"), unless "of"/"in"/"at" makes it part of the
        # name (City University of London / of New York are two organisations)
        start = next((k for k in range(1, len(words)) if is_place(" ".join(words[k:]))), None)
        if start is not None and words[start - 1] not in _NAME_LINKS:
            words = words[:start]
        elif words[-1] in _LOOSE_TAIL and words[-2] not in _NAME_LINKS:
            words.pop()
        else:
            break
    return " ".join(words)


def _countries_from_siblings(records: list[Institution]) -> None:
    """A node without a country takes the country of nodes with the same name up to a legal form
    ("Cerebras Systems Inc" / "Cerebras Systems"), when all of them agree; failing that, of nodes with the
    same name up to a trailing town or head word ("Computer Vision Center Barcelona" / "Computer Vision
    Center"), when all of those agree: the same string given with a country elsewhere (co-occurrence
    evidence, issue 14). country_source "sibling" either way."""
    known: dict[str, set[str]] = defaultdict(set)
    loose: dict[str, set[str]] = defaultdict(set)
    for record in records:
        if record.country and record.country_source != "sibling":
            known[sibling_key(record.name)].add(record.country)
            loose[loose_sibling_key(record.name)].add(record.country)
    for record in records:
        if record.country is None:
            countries = known.get(sibling_key(record.name)) or loose.get(loose_sibling_key(record.name), set())
            if len(countries) == 1:
                record.country, record.country_source = next(iter(countries)), "sibling"


def _write_mapping(data_dir: Path, rows: Iterable[dict]) -> Path:
    path = institutions_dir(data_dir) / MAPPING_FILE
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        for row in sorted(rows, key=lambda r: (-r["authorships"], r["affiliation"])):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path
