"""The review queue held on disk as its file's lines (issue 20, bounded memory): the same items, the same file.

Why: a resolution's review items are kept until the build writes `review_queue.jsonl`; as dicts they
were the 1M-paper build's memory peak. Holding each as its queue line in a temporary file must change
nothing anyone reads: the dicts, their order, the file's bytes, the queue a reviewer sees.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from graph.records import Paper
from ingest.identity import review
from ingest.identity.mentions import mentions_from_papers
from ingest.identity.resolver import resolve
from ingest.identity.review_items import ReviewItems

HOSTILE = {
    "item_id": "review:1", "action": "kept_apart", "confidence": 0.4321, "reasons": ["same name"],
    "left_mention": "m:1", "right_mention": "m:2",
    "left": {"names": ["Zoë <script>alert(1)</script>"], "person_id": "author:1", "mentions": 1,
             "papers": [{"paper_id": "p:1", "title": "Ünïcode \"quotes\" \\ and\nnewlines", "year": None,
                         "affiliation": None}]},
    "right": {"names": ["李 明"], "person_id": "author:2", "mentions": 2, "papers": []},
}


def test_items_read_back_equal_and_the_file_is_byte_for_byte_the_dicts_file(tmp_path: Path) -> None:
    items = [HOSTILE, {**HOSTILE, "item_id": "review:2", "confidence": 0.5}]
    held = ReviewItems(items)
    assert list(held) == items and held[1] == items[1] and held[-1:] == items[-1:] and len(held) == 2
    assert held == items and held == ReviewItems(items) and held != ReviewItems(items[:1])
    assert held != [HOSTILE, {**HOSTILE, "item_id": "review:3"}]
    assert pickle.loads(pickle.dumps(held)) == held  # the forked child sends them back pickled
    assert held[-1]["item_id"] == "review:2" and held[5:] == []
    with pytest.raises(IndexError):
        held[2]
    as_dicts = review.write_queue(items, tmp_path / "dicts").read_bytes()
    as_lines = review.write_queue(held, tmp_path / "lines").read_bytes()
    assert as_lines == as_dicts
    assert [json.loads(line) for line in as_lines.decode().splitlines()] == items
    assert "<script>" in as_lines.decode()  # stored as given: escaping is the explorer's job, on output


def test_reorder_keeps_the_named_items_in_that_order() -> None:
    held = ReviewItems()
    positions = [held.add({**HOSTILE, "item_id": f"review:{k}"}) for k in range(4)]
    assert positions == [0, 1, 2, 3] and held[2]["item_id"] == "review:2"  # readable while still being written
    held.add({**HOSTILE, "item_id": "review:9"})
    held.reorder([3, 0, 4])
    assert [item["item_id"] for item in held] == ["review:3", "review:0", "review:9"] and len(held) == 3
    assert ReviewItems.from_lines(held.lines()) == held
    unicode = ReviewItems.from_lines(['{"item_id": "Zoë 李"}'])  # not only what `encode` writes
    assert unicode[0] == {"item_id": "Zoë 李"} and list(unicode.lines()) == ['{"item_id": "Zoë 李"}']


def test_a_resolution_queue_is_ordered_and_a_reviewer_sees_the_same_items(_iclr2022_papers: list[Paper],
                                                                         tmp_path: Path) -> None:
    resolution = resolve(list(mentions_from_papers(_iclr2022_papers)))
    items = resolution.review_items
    assert isinstance(items, ReviewItems) and len(items) > 10
    keys = [(item["action"] != "possible_split", item["confidence"], item["item_id"]) for item in items]
    assert keys == sorted(keys) and len({key[2] for key in keys}) == len(keys)
    assert {item["action"] for item in items} >= {"merged", "kept_apart"}
    review.write_queue(items, tmp_path)
    seen = review.review_queue(tmp_path)
    assert [{k: v for k, v in item.items() if k != "decision"} for item in seen] == list(items)
