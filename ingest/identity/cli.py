"""`mlsys-atlas resolve` and `mlsys-atlas review`: the author resolver from the command line.

`resolve` runs on any JSON-lines list of mentions so the resolver can be scored on
data from elsewhere; `review` shows and decides the uncertain merges of the last
build; `people` (people_cli.py) shows and curates people. Registered by `atlas_cli/main.py` through
`register(subparsers)`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from graph.errors import InputError
from graph.fileio import atomic_write_text, atomic_writer, check_output_path, refuse_same_file
from ingest.identity import review
from ingest.identity.mentions import Mention, mention_from_json
from ingest.identity.resolver import resolve


def register(subparsers: argparse._SubParsersAction) -> None:
    from ingest.identity import people_cli

    people_cli.register(subparsers)
    resolve_parser = subparsers.add_parser(
        "resolve", help="cluster author mentions (JSON lines) into people",
        description="Read mentions {mention_id, name, paper_id, [title, coauthors, affiliation, venue, year, "
                    "orcid, openreview, dblp, s2, openalex]} and write {mention_id, person_id, confidence}.")
    resolve_parser.add_argument("--input", type=Path, required=True, help="MENTIONS.jsonl")
    resolve_parser.add_argument("--output", type=Path, required=True, help="CLUSTERS.jsonl")
    resolve_parser.set_defaults(func=resolve_command)

    review_parser = subparsers.add_parser("review", help="list, accept or reject uncertain author merges")
    review_parser.add_argument("--all", action="store_true", help="also list items already decided")
    review_parser.add_argument("--json", action="store_true", help="the queue as one JSON list")
    actions = review_parser.add_subparsers(dest="review_action")
    for action in ("accept", "reject"):
        sub = actions.add_parser(action, help=f"{action} one review item (takes effect on the next build)")
        sub.add_argument("item_id")
        sub.set_defaults(func=review_command, review_action=action)
    review_parser.set_defaults(func=review_command)


def _read_mentions_quarantining(path: Path) -> tuple[list[Mention], list[dict]]:
    """Every readable mention; a line that is not one is kept with its reason, never fatal."""
    mentions: list[Mention] = []
    rejected: list[dict] = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise ValueError(f"expected a JSON object, got {type(row).__name__}")
                mentions.append(mention_from_json(row))
            except (ValueError, TypeError) as exc:
                rejected.append({"line": line_no, "reason": str(exc), "raw": line.rstrip("\n")[:10_000]})
    return mentions, rejected


def resolve_command(args: argparse.Namespace) -> int:
    if not args.input.is_file():
        raise InputError(f"{args.input}: no such file; give a JSON-lines file of mentions.")
    refuse_same_file(args.input, args.output)
    check_output_path(args.output)
    mentions, bad_lines = _read_mentions_quarantining(args.input)
    for bad in bad_lines[:20]:
        print(f"resolve: {args.input}:{bad['line']}: {bad['reason']}; quarantined", file=sys.stderr)
    q_path = args.output.with_name(f"{args.output.stem}.quarantine{args.output.suffix or '.jsonl'}")
    if bad_lines:
        atomic_write_text(q_path, "".join(json.dumps(b, ensure_ascii=False) + "\n" for b in bad_lines))
    if not mentions:
        print(f"resolve: {args.input}: no readable mentions ({len(bad_lines)} line(s) quarantined to {q_path})",
              file=sys.stderr)
        return 2
    resolution = resolve(mentions)
    rejected = dict(resolution.rejected)
    with atomic_writer(args.output) as handle:  # a failed run keeps the previous output
        for index, mention in enumerate(resolution.mentions):
            row: dict = {"mention_id": mention.mention_id, "person_id": resolution.person_ids[index] or None,
                         "confidence": resolution.confidences[index]}
            if index in rejected:
                row["rejected"] = rejected[index]
            handle.write(json.dumps(row) + "\n")
    print(f"{len(mentions)} mentions -> {len(resolution.people)} people ({len(rejected)} not people) "
          f"written to {args.output}")
    if bad_lines:
        print(f"Quarantined {len(bad_lines)} unreadable line(s) -> {q_path}")
    return 0


def review_command(args: argparse.Namespace) -> int:
    action = getattr(args, "review_action", None)
    if action in ("accept", "reject"):
        try:
            review.decide(args.item_id, accept=action == "accept")
        except KeyError as exc:
            print(f"review: {exc.args[0]}", file=sys.stderr)
            return 1
        print(f"{args.item_id}: {action}ed; applied on the next build")
        return 0
    items = review.review_queue(include_decided=args.all)
    if getattr(args, "json", False):
        print(json.dumps(items, ensure_ascii=False, indent=1, default=str))
        return 0
    if not items:
        print("review queue is empty")
        return 0
    for item in items:
        left, right = item["left"], item["right"]
        status = f" [{item['decision']}]" if item.get("decision") else ""
        print(f"{item['item_id']}  {item['action']:10} conf {item['confidence']:.2f}{status}  "
              f"{' / '.join(left['names'])} ({left['mentions']}) <-> {' / '.join(right['names'])} "
              f"({right['mentions']})  reasons: {'; '.join(item['reasons'])}")
    return 0
