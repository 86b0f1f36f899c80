"""`mlsys-atlas tag`: tag anyone's list of papers with the Atlas pillars and topics.

Input is JSON lines `{"id", "title", "abstract"?, "derived_terms"?, "venue"?}`; output is one
line per paper `{"id", "pillars", "topics", "scores", "evidence", "input"}`, where `input`
says what was read besides the title ("abstract", "derived_terms" or "title_only"). A line
that cannot be read is reported with its number on stderr and written, with the reason, to
`<output stem>.quarantine.jsonl` beside the output: nothing is dropped silently.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from graph.fileio import atomic_writer, check_output_path, refuse_same_file
from graph.venues import canonical_venue, community_of
from ingest.topics.tagger import PaperText, pillars_and_topics

MAX_TEXT_CHARS = 900_000  # spaCy refuses texts over nlp.max_length (1,000,000) with E088: quarantine the line


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str
    raw: str


def quarantine_path(output: Path) -> Path:
    """`out.jsonl` -> `out.quarantine.jsonl`, in the same directory."""
    return output.with_name(f"{output.stem}.quarantine{output.suffix or '.jsonl'}")


def parse_line(raw: str) -> tuple[str, PaperText] | str:
    """The paper on one input line, or the reason it cannot be tagged."""
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as exc:
        return f"not valid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(record, dict):
        return f"expected a JSON object, got {type(record).__name__}"
    paper_id = record.get("id")
    if isinstance(paper_id, bool) or not isinstance(paper_id, str | int) or not str(paper_id).strip():
        return "missing or empty 'id' (a string or an integer)"
    title = record.get("title")
    if not isinstance(title, str) or not title.strip():
        return "missing or empty 'title'"
    abstract = record.get("abstract")
    if abstract is not None and not isinstance(abstract, str):
        return "'abstract' must be a string or null"
    terms = record.get("derived_terms")
    if terms is not None and (not isinstance(terms, list) or not all(isinstance(t, str) for t in terms)):
        return "'derived_terms' must be a list of strings or null"
    venue = record.get("venue")
    if venue is not None and not isinstance(venue, str):
        return "'venue' must be a string or null"
    if len(title) + len(abstract or "") > MAX_TEXT_CHARS:
        return f"title and abstract are {len(title) + len(abstract or ''):,} characters; at most {MAX_TEXT_CHARS:,}"
    short = canonical_venue(venue or "")
    return str(paper_id), PaperText(title, abstract or None, community_of(short) if short else None,
                                    tuple(terms or ()))


def read_papers(handle: TextIO, rejected: list[Rejected]) -> Iterator[tuple[str, PaperText]]:
    """Yield good papers in order; bad lines go to `rejected` as they are met."""
    for number, raw in enumerate(handle, start=1):
        if not raw.strip():
            continue  # a blank line holds no record
        parsed = parse_line(raw)
        if isinstance(parsed, str):
            rejected.append(Rejected(number, parsed, raw.rstrip("\n")))
            print(f"line {number}: {parsed}; quarantined", file=sys.stderr)
        else:
            yield parsed


def output_record(paper_id: str, tags: list[Any], input_kind: str) -> dict[str, Any]:
    pillars, topics = pillars_and_topics(tags)
    return {"id": paper_id, "pillars": pillars, "topics": topics,
            "scores": {t.topic: t.score for t in tags}, "evidence": {t.topic: t.evidence for t in tags},
            "input": input_kind}


def tag_file(input_path: Path, output_path: Path, batch_size: int = 512) -> tuple[int, list[Rejected]]:
    """Tag every readable line of `input_path` into `output_path`; return (tagged, rejected)."""
    from ingest.topics import product_tagger

    refuse_same_file(input_path, output_path)
    check_output_path(output_path)
    tagger = product_tagger()
    rejected: list[Rejected] = []
    tagged = 0
    with open(input_path, encoding="utf-8", errors="replace", newline=None) as src, \
            atomic_writer(output_path) as out:  # a failed run keeps the previous output
        papers = read_papers(src, rejected)
        ids: list[tuple[str, str]] = []

        def texts() -> Iterator[PaperText]:
            for paper_id, text in papers:
                ids.append((paper_id, text.input_kind))
                yield text

        for index, tags in enumerate(tagger.tag(texts(), batch_size=batch_size)):
            out.write(json.dumps(output_record(ids[index][0], tags, ids[index][1]), ensure_ascii=False) + "\n")
            tagged += 1
    q_path = quarantine_path(output_path)
    if rejected:
        with atomic_writer(q_path) as handle:
            for r in rejected:
                handle.write(json.dumps({"line": r.line, "reason": r.reason, "raw": r.raw}, ensure_ascii=False) + "\n")
    elif q_path.exists():
        q_path.unlink()  # a quarantine file from an earlier run would describe another input
    return tagged, rejected


def _run(args: argparse.Namespace) -> int:
    if not args.input.is_file():
        print(f"error: input file not found: {args.input}", file=sys.stderr)
        return 2
    tagged, rejected = tag_file(args.input, args.output, args.batch_size)
    print(f"Tagged {tagged} papers -> {args.output}")
    if rejected:
        print(f"Quarantined {len(rejected)} malformed line(s) -> {quarantine_path(args.output)}")
    return 0


def register(subparsers: Any) -> None:
    """Add `tag` to the `mlsys-atlas` command line."""
    parser = subparsers.add_parser(
        "tag", help="tag papers (JSON lines) with MLSys pillars and topics",
        description="Tag papers given as JSON lines {\"id\", \"title\", \"abstract\"?, \"derived_terms\"?, "
                    "\"venue\"?} with the MLSys pillars and call-for-papers topics; each tag comes with a "
                    "score and evidence.")
    parser.add_argument("--input", required=True, type=Path, help="JSON lines file to tag")
    parser.add_argument("--output", required=True, type=Path, help="where to write the tagged JSON lines")
    parser.add_argument("--batch-size", type=int, default=512, help="papers per spaCy batch (default 512)")
    parser.set_defaults(func=_run)
