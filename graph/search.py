"""Typo-, order- and accent-tolerant matching of people, institutions and title words.

The store answers exact substring questions (`CONTAINS` on folded keys); people type
"zaharia matei", "Matie Zaharia" or "Jose" for "José" and expect an answer or a
"did you mean". These in-memory indexes (built once from one store read, then cached
by the explorer) add word-order freedom and rapidfuzz similarity on top, so the pages
never have to guess and the store never sees fuzzy queries it cannot index.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from graph.ids import fold

Row = dict[str, Any]

# Scores are rapidfuzz's 0-100. A phrase match outranks an any-order word match,
# which outranks a fuzzy one; fuzzy matches below the cut-off are noise.
EXACT_SCORE = 100.0
WORD_PHRASE_SCORE = 99.0  # the query as whole words: "jose" in "jose blanchet", not in "joseph"
PHRASE_SCORE = 97.0
WORDS_SCORE = 96.0
FUZZY_CUTOFF = 80.0
SUGGEST_CUTOFF = 75.0
KEY_SEPARATOR = " | "  # Author.search_key joins the folded name and aliases with this


@dataclass(frozen=True)
class Match:
    """One entity matched by a query, with how it matched (so pages can say "did you mean")."""

    id: str
    name: str
    score: float
    weight: int  # papers (people) or authors (institutions): the tie-breaker people expect
    how: str  # "phrase", "words" or "fuzzy"
    extra: tuple[tuple[str, Any], ...] = ()

    @property
    def exact(self) -> bool:
        return self.how != "fuzzy"

    def get(self, field: str, default: Any = None) -> Any:
        return dict(self.extra).get(field, default)


class NameIndex:
    """Folded names (and aliases) of one kind of entity, searchable without the store."""

    def __init__(self, rows: Iterable[Row], *, weight_field: str, extra_fields: Sequence[str] = ()) -> None:
        self._ids: list[str] = []
        self._names: list[str] = []
        self._weights: list[int] = []
        self._extras: list[tuple[tuple[str, Any], ...]] = []
        self._keys: list[str] = []  # one per name variant
        self._owner: list[int] = []  # variant -> entity position
        self._position: dict[str, int] = {}
        for row in rows:
            name = row.get("name") or ""
            if not row.get("id") or not name:
                continue
            position = len(self._ids)
            self._position[row["id"]] = position
            self._ids.append(row["id"])
            self._names.append(name)
            self._weights.append(int(row.get(weight_field) or 0))
            self._extras.append(tuple((f, row.get(f)) for f in extra_fields))
            variants = {v for v in (row.get("key") or "").split(KEY_SEPARATOR) if v} | {fold(name)}
            for variant in sorted(variants):
                if variant:
                    self._keys.append(variant)
                    self._owner.append(position)

    def __len__(self) -> int:
        return len(self._ids)

    def name_of(self, entity_id: str) -> str | None:
        position = self._position.get(entity_id)
        return None if position is None else self._names[position]

    def _match(self, position: int, score: float, how: str) -> Match:
        return Match(self._ids[position], self._names[position], score, self._weights[position], how,
                     self._extras[position])

    def search(self, text: str, limit: int = 20, *, fuzzy: bool = True) -> list[Match]:
        """Phrase and any-order word matches first, then fuzzy ones; heavier entities first within a tier."""
        query = fold(text)
        if not query:
            return []
        tokens = query.split()
        best: dict[int, tuple[float, str]] = {}
        padded = f" {query} "
        for key, owner in zip(self._keys, self._owner, strict=True):
            if query in key:
                if key == query:
                    score = EXACT_SCORE
                elif padded in f" {key} ":
                    score = WORD_PHRASE_SCORE
                else:
                    score = PHRASE_SCORE
                how = "phrase"
            elif all(token in key for token in tokens):
                score, how = WORDS_SCORE, "words"
            else:
                continue
            if owner not in best or best[owner][0] < score:
                best[owner] = (score, how)
        if fuzzy and len(best) < limit:
            for _, score, variant in process.extract(query, self._keys, scorer=fuzz.token_sort_ratio, processor=None,
                                                     limit=limit * 3, score_cutoff=FUZZY_CUTOFF):
                owner = self._owner[variant]
                if owner not in best:
                    best[owner] = (min(float(score), WORDS_SCORE - 1), "fuzzy")
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], -self._weights[kv[0]], self._names[kv[0]]))
        return [self._match(pos, score, how) for pos, (score, how) in ranked[:limit]]

    def suggest(self, text: str, limit: int = 5, *, exclude: Iterable[str] = ()) -> list[Match]:
        """Close spellings for a "did you mean" line, best first, skipping ids already shown."""
        query = fold(text)
        if not query:
            return []
        skip = set(exclude)
        seen: set[int] = set()
        out: list[Match] = []
        candidates = process.extract(query, self._keys, scorer=fuzz.token_sort_ratio, processor=None, limit=limit * 6,
                                     score_cutoff=SUGGEST_CUTOFF)
        ranked = sorted(candidates, key=lambda c: (-round(c[1]), -self._weights[self._owner[c[2]]]))
        for _, score, variant in ranked:
            owner = self._owner[variant]
            if owner in seen or self._ids[owner] in skip:
                continue
            seen.add(owner)
            out.append(self._match(owner, float(score), "fuzzy"))
            if len(out) >= limit:
                break
        return out

    def exact_name(self, text: str) -> list[Match]:
        """Entities whose folded name or alias equals the text: how a name in a URL resolves to a person."""
        query = fold(text)
        hits = {owner for key, owner in zip(self._keys, self._owner, strict=True) if key == query}
        ranked = sorted(hits, key=lambda pos: (-self._weights[pos], self._names[pos]))
        return [self._match(pos, EXACT_SCORE, "phrase") for pos in ranked]


class TitleVocabulary:
    """Words of all paper titles, to correct typos in a title query word by word."""

    def __init__(self, title_keys: Iterable[str | None]) -> None:
        counts: Counter[str] = Counter()
        for key in title_keys:
            if key:
                counts.update(key.split())
        self._counts = counts
        self._words = [w for w, n in counts.items() if len(w) > 2]

    def __len__(self) -> int:
        return len(self._counts)

    def correct(self, text: str) -> str | None:
        """The query with unknown words replaced by the closest frequent title word, or None if nothing changed."""
        tokens = fold(text).split()
        changed = False
        corrected: list[str] = []
        for token in tokens:
            if token in self._counts or len(token) <= 2 or token.isdigit():
                corrected.append(token)
                continue
            options = process.extract(token, self._words, scorer=fuzz.ratio, processor=None, limit=5,
                                      score_cutoff=FUZZY_CUTOFF)
            if not options:
                corrected.append(token)
                continue
            word = max(options, key=lambda o: (round(o[1]), self._counts[o[0]]))[0]
            corrected.append(word)
            changed = True
        return " ".join(corrected) if changed else None
