"""`mlsys-atlas people show|merge|split|alias|undo|decisions|export|import`: curation of people.

`show` reads the built graph; the other commands turn a curator's choice into a
decision of `curation.py` naming mentions (`paper_id#position`), so it survives every
rebuild and ingest. Decisions take effect on the next build and can be undone.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from graph import queries as q
from graph.errors import InputError
from graph.words import plural
from ingest.identity import curation, profiles


def _who(args: argparse.Namespace) -> str:
    if args.who:
        return args.who
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _store(args: argparse.Namespace):
    from graph.open import open_store

    return open_store(getattr(args, "store", None))


def find_people(store, text: str, limit: int = 20) -> list[dict]:
    """Person ids for a person id, an external id (ORCID, DBLP, OpenReview, S2) or a name."""
    if text.startswith("author:"):
        current = store.current_id(text)  # an id of an earlier id scheme finds the person it now names
        return [{"id": current}] if current else []
    by_id = store.read(q.AUTHOR_BY_EXTERNAL_ID, {"id": text})
    return by_id or store.search_authors(text, limit=limit)


def register(subparsers: argparse._SubParsersAction) -> None:
    people = subparsers.add_parser("people", help="show people and curate them (merge, split, alias, undo)")
    actions = people.add_subparsers(dest="people_action", required=True)

    show = actions.add_parser("show", help="profiles matching a name, person id, ORCID or DBLP id")
    show.add_argument("query")
    show.add_argument("--papers", action="store_true", help="also list each profile's mentions (paper#position)")
    show.add_argument("--json", action="store_true", help="the profiles as one JSON list")
    show.set_defaults(func=show_command)

    def decision(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text)
        sub.add_argument("--why", required=True, help="the evidence, in words (kept with the decision)")
        sub.add_argument("--who", help="curator name (default: the login name)")
        return sub

    merge = decision("merge", "one person: join two profiles (may join two ids of one kind)")
    merge.add_argument("person", nargs=2, metavar="PERSON_ID")
    merge.set_defaults(func=merge_command)
    split = decision("split", "two people: carve papers out of a profile into a person of their own")
    split.add_argument("person", metavar="PERSON_ID")
    split.add_argument("--papers", nargs="+", required=True, metavar="PAPER_ID")
    split.set_defaults(func=split_command)
    alias = decision("alias", "add a name the person is also known by")
    alias.add_argument("person", metavar="PERSON_ID")
    alias.add_argument("alias")
    alias.set_defaults(func=alias_command)
    undo = actions.add_parser("undo", help="undo a curation decision (takes effect on the next build)")
    undo.add_argument("decision_id")
    undo.add_argument("--why", default="")
    undo.add_argument("--who")
    undo.set_defaults(func=undo_command)
    listing = actions.add_parser("decisions", help="list curation decisions")
    listing.add_argument("--all", action="store_true", help="include undone decisions")
    listing.set_defaults(func=decisions_command)
    proposals = actions.add_parser("proposals", help="merges and splits proposed from the explorer's profile pages")
    proposals.set_defaults(func=proposals_command)
    export = actions.add_parser("export", help="write every curation decision to a file")
    export.add_argument("path", type=Path)
    export.set_defaults(func=export_command)
    importer = actions.add_parser("import", help="add the decisions of an exported file")
    importer.add_argument("path", type=Path)
    importer.set_defaults(func=import_command)


def show_command(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        found = find_people(store, args.query)
        if not found:
            print(f"no person matches {args.query!r}", file=sys.stderr if args.json else sys.stdout)
            if args.json:
                print("[]")
            return 1
        summaries = [s for s in (profiles.profile(store, row["id"]) for row in found) if s is not None]
        if args.json:
            print(json.dumps([s if args.papers else {k: v for k, v in s.items() if k != "mentions"}
                              for s in summaries], ensure_ascii=False, indent=1, default=str))
            return 0
        for summary in summaries:
            print(f"{summary['id']}  {summary['name']}  ({plural(summary['papers'], 'paper')})  "
                  f"{profiles.one_line(summary)}")
            if summary["aliases"]:
                print(f"    also: {', '.join(summary['aliases'])}")
            for label, value in summary["ids"].items():
                print(f"    {label}: {value}")
            for reason in summary["reasons"][:6]:
                print(f"    why: {reason}")
            if args.papers:
                for mention in summary["mentions"]:
                    print(f"    mention {mention}")
    finally:
        store.close()
    return 0


def _mentions_of(store, person_id: str) -> tuple[list[str], str]:
    summary = profiles.profile(store, person_id)
    if summary is None:
        raise KeyError(f"no person {person_id!r} in the built graph")
    return summary["mentions"], summary["name"]


def _people(args: argparse.Namespace, *person_ids: str) -> list[tuple[list[str], str]]:
    """Mentions and name of each person in the built graph; an unknown id is an input error."""
    store = _store(args)
    try:
        return [_mentions_of(store, pid) for pid in person_ids]
    except KeyError as exc:
        raise InputError(exc.args[0]) from None
    finally:
        store.close()


def merge_command(args: argparse.Namespace) -> int:
    (left, left_name), (right, right_name) = _people(args, *args.person)
    row = curation.record("merge", _who(args), args.why, left, right, names=[left_name, right_name])
    print(f"{row['id']}: merge of {left_name} ({len(left)}) and {right_name} ({len(right)}) recorded; "
          "applied on the next build")
    return 0


def split_command(args: argparse.Namespace) -> int:
    [(mentions, name)] = _people(args, args.person)
    papers = set(args.papers)
    carved = [m for m in mentions if m.rsplit("#", 1)[0] in papers]
    if not carved or len(carved) == len(mentions):
        print("people split: name some, not all, of the person's papers", file=sys.stderr)
        return 1
    rest = [m for m in mentions if m not in carved]
    row = curation.record("split", _who(args), args.why, carved, rest, names=[name])
    print(f"{row['id']}: split of {len(carved)} of {name}'s {plural(len(mentions), 'paper')} recorded; applied on the "
          "next build")
    return 0


def alias_command(args: argparse.Namespace) -> int:
    [(mentions, name)] = _people(args, args.person)
    row = curation.record("alias", _who(args), args.why, mentions[:3], alias=args.alias, names=[name])
    print(f"{row['id']}: alias {args.alias!r} for {name} recorded; applied on the next build")
    return 0


def undo_command(args: argparse.Namespace) -> int:
    try:
        row = curation.undo(args.decision_id, _who(args), args.why)
    except KeyError as exc:
        print(f"people undo: {exc.args[0]}", file=sys.stderr)
        return 1
    print(f"{row['undoes']} undone ({row['id']}); applied on the next build")
    return 0


def decisions_command(args: argparse.Namespace) -> int:
    rows = curation.all_decisions() if args.all else curation.active_decisions()
    if not rows:
        print("no curation decisions")
    for row in rows:
        state = " [undone]" if row.get("undone") else ""
        target = f" -> {row['alias']!r}" if row.get("alias") else ""
        print(f"{row['id']}  {row['at']}  {row['who']:10} {row['action']:5} {' / '.join(row.get('names', []))}"
              f"{target} ({len(row['mentions'])}+{len(row.get('other_mentions', []))} mentions){state}  "
              f"why: {row.get('why', '')}")
    return 0


def proposals_command(args: argparse.Namespace) -> int:
    rows = curation.proposals()
    if not rows:
        print("no proposals")
    for row in rows:
        print(f"{row['id']}  {row['at']}  {row['action']:5} {' / '.join(row.get('names', []))} "
              f"({len(row['mentions'])}+{len(row.get('other_mentions', []))} mentions)  why: {row['why']}")
    return 0


def export_command(args: argparse.Namespace) -> int:
    count = curation.export(args.path)
    print(f"{count} decision rows written to {args.path}")
    return 0


def import_command(args: argparse.Namespace) -> int:
    try:
        added, rejected = curation.import_file(args.path)
    except (OSError, ValueError) as exc:
        print(f"people import: {exc}", file=sys.stderr)
        return 2
    quarantined = f"; {rejected} malformed rows quarantined" if rejected else ""
    print(f"{added} decisions added from {args.path}{quarantined}")
    return 0
