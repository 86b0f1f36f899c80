"""Identity resolution: one node per real paper and per real person.

- `merge_papers` (papers.py) folds records of one paper from several sources into one.
- `resolve_authors` (authors.py) cleans author lists and clusters mentions into people
  (names.py parses names, features.py scores pairs with the weights in model.json,
  strict.py can keep bare-name pairs of common names (name_prior.py) below it (off by default),
  cluster.py agglomerates under strong-id constraints, resolver.py runs the steps).
- After clustering (partition.py): namesakes.py takes namesakes' papers out of a person,
  duplicates.py joins duplicate OpenReview/S2/OpenAlex profiles on evidence, and
  curation.py applies curators' merges, splits and aliases (`mlsys-atlas people`,
  people_cli.py; profiles.py summarises a person for the CLI and the pages).
- review.py keeps the queue of uncertain merges and the decisions that survive rebuilds;
  cli.py adds `mlsys-atlas resolve` and `mlsys-atlas review`.
- evaluate.py and training.py score and fit the resolver on OpenReview / S2 ids.

Bump `RESOLVER_VERSION` whenever a change can move a mention to another person.
"""

from __future__ import annotations

from ingest.identity.authors import resolve_authors
from ingest.identity.papers import merge_groups, merge_papers
from ingest.identity.review import decide, review_queue

# 3: namesake guard, duplicate noisy-id joins and curators' decisions after clustering
# 4: one transliterating fold (graph.ids.fold, id scheme 2), nicknames, titles; people keep scheme-1 ids as aliases
RESOLVER_VERSION = 4  # strict.py is off by default: outputs unchanged

__all__ = ["RESOLVER_VERSION", "decide", "merge_groups", "merge_papers", "resolve_authors", "review_queue"]
