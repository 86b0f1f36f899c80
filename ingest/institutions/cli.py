"""`mlsys-atlas institutions resolve|show|merge|split|alias`: the institution resolver from the command line.

`resolve` runs on any JSON-lines file of affiliation mentions so the resolver can be
scored on data from elsewhere; bad lines are quarantined (with the reason) beside the
output instead of stopping the run. `show` explains where a string or an organisation
lands; `merge`, `split` and `alias` record decisions that every later build applies
(ingest/institutions/decisions.py). Registered by atlas_cli/main.py through `register`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graph import ids
from ingest.institutions import decisions
from ingest.institutions.decisions import CorrectedResolver
from ingest.institutions.table import ID_PREFIX, TYPES, Organisation


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("institutions", help="resolve affiliation strings to organisations; correct it",
                                   description="Resolve printed affiliations to organisations and record corrections "
                                               "that every later build applies.")
    actions = parser.add_subparsers(dest="institutions_action", required=True)

    p = actions.add_parser("resolve", help="resolve affiliation mentions (JSON lines)",
                           description='Read {"mention_id", "affiliation", "country"?} lines and write '
                                       '{"mention_id", "institution_id", "name", "country", "type", "parent_id", '
                                       '"organisation_id", "confidence"}; institution_id is null when the string '
                                       "names no organisation or several. Bad lines go to OUTPUT.quarantine.jsonl.")
    p.add_argument("--input", type=Path, required=True, help="AFFS.jsonl")
    p.add_argument("--output", type=Path, required=True, help="OUT.jsonl")
    p.set_defaults(func=resolve_command)

    p = actions.add_parser("show", help="where an affiliation string or an organisation (key or id) lands")
    p.add_argument("query", help='an affiliation ("UC Berkeley"), a table key ("ucb") or an id ("inst:org:ucb")')
    p.add_argument("--country", default=None, help="ISO country the source gives, if any")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=show_command)

    p = actions.add_parser("alias", help="this affiliation string names that organisation (next build on)")
    p.add_argument("affiliation")
    p.add_argument("target", help="organisation key, id, or a string that already resolves to it")
    p.set_defaults(func=alias_command)

    p = actions.add_parser("merge", help="every string of organisation SOURCE resolves to TARGET (next build on)")
    p.add_argument("source", help="organisation key or id (e.g. inst:monash-university)")
    p.add_argument("target", help="organisation key, id, or a string that resolves to it")
    p.set_defaults(func=merge_command)

    p = actions.add_parser("split", help="take an affiliation string off the organisation it resolves to")
    p.add_argument("affiliation")
    p.add_argument("--name", help="name of the organisation it becomes (default: the string itself)")
    p.add_argument("--country", help="ISO 3166 alpha-2 country of that organisation")
    p.add_argument("--type", choices=TYPES, default=None, help="organisation type")
    p.add_argument("--not-organisation", action="store_true", help="the string names no organisation")
    p.set_defaults(func=split_command)

    p = actions.add_parser("audit", help="list organisation nodes of the snapshot without a country or a type",
                           description="Link every affiliation of a snapshot with the shipped table (no graph build) "
                                       "and list the organisation nodes with no country or typed 'other', each with "
                                       "the printed strings behind it. Exit 1 when there is any.")
    p.add_argument("--snapshot", type=Path, default=None,
                   help="snapshot directory (default: ATLAS_SNAPSHOT_DIR or the bundled one)")
    p.add_argument("--json", action="store_true", help="one JSON object per node")
    p.set_defaults(func=audit_command)


# ------------------------------------------------------------------------------------ resolve
def read_affiliations(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None, str]]:
    """(line number, mention or None, reason when quarantined, raw line) for every non-empty line."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                yield number, None, f"not JSON: {exc}", line.rstrip("\n")
                continue
            if not isinstance(row, dict):
                yield number, None, "not a JSON object", line.rstrip("\n")
                continue
            mention_id, affiliation, country = row.get("mention_id"), row.get("affiliation"), row.get("country")
            if not isinstance(mention_id, (str, int)) or isinstance(mention_id, bool) or str(mention_id) == "":
                reason = "missing mention_id (a string or integer)"
            elif not isinstance(affiliation, str) or not affiliation.strip():
                reason = "missing affiliation (a non-empty string)"
            elif country is not None and not isinstance(country, str):
                reason = "country must be a string (ISO code or name) when given"
            else:
                yield number, {"mention_id": mention_id, "affiliation": affiliation, "country": country}, None, ""
                continue
            yield number, None, reason, line.rstrip("\n")


def output_row(mention_id: Any, resolver: CorrectedResolver, affiliation: str, country: str | None) -> dict:
    result = resolver.resolve(affiliation, country)
    org = result.organisation
    row: dict[str, Any] = {"mention_id": mention_id, "institution_id": None, "name": None, "country": None,
                           "type": None, "parent_id": None, "organisation_id": None,
                           "confidence": round(result.confidence, 3), "method": result.method}
    if org is None:
        row["reason"] = result.reason
        if result.named:
            row["names"] = list(result.named)
        return row
    parent_id = resolver.table.orgs[org.parent].id if org.curated and org.parent in resolver.table.orgs else None
    row.update({"institution_id": org.id, "name": org.name, "country": org.country, "type": org.type,
                "parent_id": parent_id, "organisation_id": resolver.table.orgs[resolver.table.top(org.key)].id
                if org.curated and org.key in resolver.table.orgs else org.id})
    return row


def resolve_command(args: argparse.Namespace) -> int:
    if not args.input.is_file():
        print(f"institutions resolve: no such input file: {args.input}", file=sys.stderr)
        return 2
    try:
        resolver = CorrectedResolver.load()
    except ValueError as exc:
        print(f"institutions resolve: {exc}", file=sys.stderr)
        return 2
    quarantine_path = args.output.with_name(args.output.stem + ".quarantine.jsonl")
    counts = {"mentions": 0, "organisations": 0, "not_organisation": 0, "quarantined": 0}
    try:
        with open(args.output, "w", encoding="utf-8") as out, open(quarantine_path, "w", encoding="utf-8") as bad:
            for number, mention, reason, raw in read_affiliations(args.input):
                if mention is None:
                    counts["quarantined"] += 1
                    bad.write(json.dumps({"line": number, "reason": reason, "raw": raw}, ensure_ascii=False) + "\n")
                    continue
                row = output_row(mention["mention_id"], resolver, mention["affiliation"], mention["country"])
                counts["mentions"] += 1
                counts["organisations" if row["institution_id"] else "not_organisation"] += 1
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"institutions resolve: {exc}", file=sys.stderr)
        return 2
    print(f"{counts['mentions']} mentions -> {counts['organisations']} with an organisation, "
          f"{counts['not_organisation']} without; {counts['quarantined']} bad lines in {quarantine_path}; "
          f"written to {args.output}")
    return 0


# ------------------------------------------------------------------------------------ corrections
def find_organisation(query: str, resolver: CorrectedResolver) -> Organisation | None:
    """A table key, a table id, an id from the last build, or a string that resolves to one organisation."""
    table = resolver.table
    if query in table.orgs:
        return table.orgs[query]
    if query.startswith(ID_PREFIX) and query[len(ID_PREFIX):] in table.orgs:
        return table.orgs[query[len(ID_PREFIX):]]
    if query.startswith("inst:"):
        decided = [o for o in [*resolver.by_string.values(), *resolver.redirect.values()] if o is not None]
        for org in decided:
            if org.id == query:
                return org
        for row in decisions.read_mapping():
            if row.get("institution_id") == query:
                return Organisation(key=query.split(":", 1)[1], name=row.get("name") or query, country=None,
                                    type="other", node_id=query, curated=False)
        return None
    return resolver.resolve(query).organisation


def _describe(org: Organisation, resolver: CorrectedResolver) -> dict[str, Any]:
    table = resolver.table
    parent = table.orgs[org.parent] if org.curated and org.parent in table.orgs else None
    strings = [(r["affiliation"], r["authorships"]) for r in decisions.read_mapping()
               if r.get("institution_id") == org.id]
    return {"id": org.id, "name": org.name, "country": org.country, "type": org.type,
            "parent": {"id": parent.id, "name": parent.name} if parent else None,
            "in_table": org.curated and org.node_id is None, "aliases": org.aliases,
            "units": [{"id": u.id, "name": u.name} for u in table.orgs.values() if u.parent == org.key],
            "strings_in_last_build": [{"affiliation": s, "authorships": n} for s, n in strings]}


def show_command(args: argparse.Namespace) -> int:
    resolver = CorrectedResolver.load()
    table = resolver.table
    org = None
    resolution = None
    if args.query in table.orgs or args.query.startswith("inst:"):
        org = find_organisation(args.query, resolver)
    else:
        resolution = resolver.resolve(args.query, args.country)
        org = resolution.organisation
    if org is None:
        answer: dict[str, Any] = {"query": args.query, "organisation": None,
                                  "reason": resolution.reason if resolution else "no such organisation",
                                  "names": list(resolution.named) if resolution else []}
    else:
        answer = {"query": args.query, "organisation": _describe(org, resolver)}
        if resolution is not None:
            answer.update({"method": resolution.method, "confidence": resolution.confidence})
    if args.json:
        print(json.dumps(answer, indent=2, ensure_ascii=False))
        return 0 if org is not None else 1
    if org is None:
        names = f" ({'; '.join(answer['names'])})" if answer.get("names") else ""
        print(f"{args.query!r}: no organisation - {answer['reason']}{names}")
        return 1
    info = answer["organisation"]
    print(f"{info['name']}  [{info['id']}]  {info['country'] or '??'}  {info['type']}"
          + ("" if info["in_table"] else "  (not in the table: named from the string)"))
    if resolution is not None:
        print(f"  matched by {resolution.method}, confidence {resolution.confidence:.2f}")
    if info["parent"]:
        print(f"  part of {info['parent']['name']} [{info['parent']['id']}]")
    if info["units"]:
        print("  units: " + ", ".join(u["name"] for u in info["units"]))
    if info["aliases"]:
        print("  aliases: " + " | ".join(info["aliases"]))
    for row in info["strings_in_last_build"][:25]:
        print(f"  {row['authorships']:>6,}  {row['affiliation']}")
    return 0


def _target(query: str, resolver: CorrectedResolver) -> dict[str, Any] | None:
    org = find_organisation(query, resolver)
    return decisions.target_record(org) if org is not None else None


def alias_command(args: argparse.Namespace) -> int:
    resolver = CorrectedResolver.load()
    target = _target(args.target, resolver)
    if target is None:
        print(f"institutions alias: no organisation {args.target!r}", file=sys.stderr)
        return 1
    decisions.record({"action": "alias", "affiliation": args.affiliation, "target": target})
    print(f"{args.affiliation!r} -> {target['name']} [{target['id']}]; applied on the next build")
    return 0


def merge_command(args: argparse.Namespace) -> int:
    resolver = CorrectedResolver.load()
    source = find_organisation(args.source, resolver)
    target = _target(args.target, resolver)
    if source is None or target is None:
        missing = args.source if source is None else args.target
        print(f"institutions merge: no organisation {missing!r}", file=sys.stderr)
        return 1
    if source.id == target["id"]:
        print("institutions merge: source and target are the same organisation", file=sys.stderr)
        return 1
    decisions.record({"action": "merge", "source": source.id, "target": target})
    print(f"{source.name} [{source.id}] -> {target['name']} [{target['id']}]; applied on the next build")
    return 0


def split_command(args: argparse.Namespace) -> int:
    if args.not_organisation:
        decisions.record({"action": "split", "affiliation": args.affiliation, "target": None})
        print(f"{args.affiliation!r} -> not an organisation; applied on the next build")
        return 0
    country = (args.country or "").strip().upper() or None
    if country is not None and (len(country) != 2 or not country.isalpha()):
        print(f"institutions split: --country takes an ISO 3166 alpha-2 code, not {args.country!r}", file=sys.stderr)
        return 2
    name = (args.name or args.affiliation).strip()
    target = {"id": ids.institution_id(name), "name": name, "country": country, "type": args.type or "other",
              "parent_id": None}
    decisions.record({"action": "split", "affiliation": args.affiliation, "target": target})
    print(f"{args.affiliation!r} -> its own organisation {name} [{target['id']}]; applied on the next build")
    return 0


# ------------------------------------------------------------------------------------ audit
def audit_command(args: argparse.Namespace) -> int:
    from graph import config
    from ingest.institutions.audit import audit_snapshot

    snapshot_dir = args.snapshot or config.snapshot_dir()
    if not snapshot_dir.is_dir():
        print(f"institutions audit: no such snapshot directory: {snapshot_dir}", file=sys.stderr)
        return 2
    found, total = audit_snapshot(snapshot_dir)
    for node in found:
        if args.json:
            print(json.dumps({"id": node.id, "name": node.name, "country": node.country, "type": node.type,
                              "missing": node.missing, "authorships": node.authorships,
                              "strings": [{"affiliation": s, "authorships": n} for s, n in node.strings]},
                             ensure_ascii=False))
            continue
        print(f"{node.authorships:>5}  {node.missing:<12}  {node.name}  [{node.id}]  "
              f"{node.country or '??'}  {node.type}")
        for string, count in node.strings[:5]:
            print(f"         {count:>4}  {string}")
    no_country = sum(1 for n in found if not n.country)
    no_type = sum(1 for n in found if n.type == "other")
    print(f"{len(found)} of {total} organisation nodes incomplete: {no_country} without a country, "
          f"{no_type} typed 'other'", file=sys.stderr)
    return 1 if found else 0
