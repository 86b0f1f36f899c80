"""The tag cache's key and the tagging-input counts need no spaCy (ingest/topics/text.py).

An ingest and a build compute `paper_text` in the parent process while a worker tags; the
parent importing spaCy for it cost ~0.25 s of every ingest (BENCHMARKS.md, incremental ingest).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_paper_text_and_the_tag_key_do_not_import_spacy() -> None:
    probe = (
        "import sys\n"
        "from graph.records import Paper\n"
        "from ingest import incremental\n"
        "from ingest.topics import paper_text\n"
        "paper = Paper(id='p', title='Serving LLMs', venue_id='venue:osdi', year=2024)\n"
        "text = paper_text(paper)\n"
        "assert text.community == 'systems' and text.input_kind == 'title_only', text\n"
        "incremental.tag_key(paper)\n"
        "print(sorted(m for m in sys.modules if m == 'spacy' or m.startswith('ingest.topics.tagger')))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_the_tagger_still_exports_its_input_types() -> None:
    from ingest.topics import tagger, text

    assert tagger.PaperText is text.PaperText and tagger.TITLE_ONLY == text.TITLE_ONLY
    assert tagger.community_of_venue_id("venue:osdi") == "systems"
