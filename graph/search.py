"""Typo-, order- and accent-tolerant matching of people, institutions and title words.

The store answers exact substring questions (`CONTAINS` on folded keys); people type
"zaharia matei", "Matie Zaharia" or "Jose" for "José" and expect an answer or a
"did you mean". These in-memory indexes (built once from one store read, then cached
by the explorer) add word-order freedom and rapidfuzz similarity on top, so the pages
never have to guess and the store never sees fuzzy queries it cannot index.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
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


def _key_score(query: str, tokens: Sequence[str], key: str) -> tuple[float, str] | None:
    """How one folded name variant matches a folded query: (score, "phrase" | "words"), or None
    (the tiers of `NameIndex.search`, which inlines this in its loop over every name)."""
    if query in key:
        if key == query:
            return EXACT_SCORE, "phrase"
        if f" {query} " in f" {key} ":
            return WORD_PHRASE_SCORE, "phrase"
        return PHRASE_SCORE, "phrase"
    if all(token in key for token in tokens):
        return WORDS_SCORE, "words"
    return None


def _sorted_words(text: str) -> str:
    """The words of a folded text in sorted order (what rapidfuzz's token_sort_ratio compares)."""
    return " ".join(sorted(text.split()))


def rank_named(rows: Iterable[Row], text: str) -> list[Match]:
    """The store's name matches (`GraphStore.search_people`: every word a word prefix, most papers
    first) as `Match`es, ranked as `NameIndex.search` ranks its exact tier: the name as typed first,
    then the typed words in any order; most papers first within a tier. A row matched only through
    a word the store ignores (a stop word) ranks last among the word matches."""
    query = fold(text)
    tokens = query.split()
    scored = []
    for row in rows:
        variants = {fold(row.get("name") or "")} | {fold(a) for a in row.get("aliases") or ()}
        found = [hit for hit in (_key_score(query, tokens, v) for v in variants if v) if hit]
        score, how = max(found) if found else (WORDS_SCORE - 0.5, "words")
        scored.append(Match(row["id"], row.get("name") or row["id"], score, int(row.get("papers") or 0), how))
    return sorted(scored, key=lambda m: (-m.score, -m.weight, m.name))


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
        # All keys in one string, and where each starts: `_holding` finds the keys holding a word with
        # str.find (C) instead of a Python test per key (0.23 s per search over the full snapshot's 200k names).
        self._joined = "".join(f"{key.replace(chr(10), ' ')}\n" for key in self._keys)
        self._starts = [0, *accumulate(len(key) + 1 for key in self._keys)]  # ends with len(self._joined)
        # Each key's words sorted: rapidfuzz's token_sort_ratio is `ratio` of the sorted words, so sorting once
        # here gives the same scores 7x faster per search (86 -> 12 ms over the full snapshot's names).
        self._sorted_keys = [_sorted_words(key) for key in self._keys]

    def _fuzzy(self, query: str, limit: int, cutoff: float) -> list[tuple[str, float, int]]:
        """As `process.extract(query, keys, scorer=fuzz.token_sort_ratio)`: (sorted key, score, position), best
        first (tests/app/test_app_helpers.py holds the two to the same scores and positions)."""
        return process.extract(_sorted_words(query), self._sorted_keys, scorer=fuzz.ratio, processor=None,
                               limit=limit, score_cutoff=cutoff)

    def _holding(self, word: str) -> list[int]:
        """Positions (ascending) of the keys that contain `word` (no whitespace, so it never spans two keys)."""
        joined, starts, out = self._joined, self._starts, []
        at = joined.find(word)
        while at != -1:
            key = bisect_right(starts, at) - 1
            out.append(key)
            at = joined.find(word, starts[key + 1])  # one hit per key is enough: go on from the next key
        return out

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
        # Every key that matches holds every word of the query: test only those holding the longest word.
        keys, owners = self._keys, self._owner
        held = self._holding(max(tokens, key=len))
        for key, owner in zip([keys[i] for i in held], [owners[i] for i in held], strict=True):  # _key_score inlined
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
            for _, score, variant in self._fuzzy(query, limit * 3, FUZZY_CUTOFF):
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
        candidates = self._fuzzy(query, limit * 6, SUGGEST_CUTOFF)
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


# ------------------------------------------------------------------ papers and the people behind them
# Titles and topics as whole words: "serving" must not match "Preserving", "matei" must not
# match "mate". Words are folded and lightly stemmed (plurals), so "LLMs" finds "LLM".
_TITLE_PHRASE, _TITLE_WORDS, _WITH_TOPICS = 3.0, 2.0, 1.0
_EXPANSIONS = {"llm": ("large", "language", "model"), "gnn": ("graph", "neural", "network"),
               "dnn": ("deep", "neural", "network")}


def stem(word: str) -> str:
    """Plural -> singular, enough for title search ("models" = "model", "policies" = "policy")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    return [stem(w) for w in fold(text).split()]


@dataclass(frozen=True)
class PaperHit:
    id: str
    title: str
    year: int | None
    venue: str
    score: float  # 3 = the phrase in the title, 2 = every word in the title, 1 = with the paper's topics
    matched: str  # "title phrase" | "title words" | "title and topics"
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonHit:
    id: str
    name: str
    papers: int  # their papers matching the query
    score: float  # sum of those papers' scores: title matches weigh more than topic-only ones
    total_papers: int


@dataclass(frozen=True)
class PaperEntry:
    id: str
    title: str
    year: int | None
    venue: str
    authors: tuple[str, ...]
    topics: tuple[str, ...] = ()  # topic labels


class PaperSearch:
    """Ranked whole-word search over paper titles and topic names, and the people who publish on a query.

    Built once per build from the analytics projection (titles, authors, topic tags in memory), so
    a query never scans the store and counts agree between the paper list and the people list.
    """

    def __init__(self, papers: Iterable[PaperEntry], author_names: dict[str, str],
                 topic_names: dict[str, str]) -> None:
        self.papers = list(papers)
        self.author_names = author_names
        self.topic_names = topic_names
        self._title: list[list[str]] = []
        self._topic_words: list[set[str]] = []
        self._index: dict[str, set[int]] = {}
        self._author_totals: Counter[str] = Counter()
        self._by_id = {p.id: p for p in self.papers}
        label_words: dict[str, set[str]] = {}  # a few dozen labels on 58k papers: fold each label once
        for i, paper in enumerate(self.papers):
            title = words(paper.title)
            topic_words: set[str] = set()
            for label in paper.topics:
                found = label_words.get(label)
                if found is None:
                    found = label_words[label] = set(words(f"{label.replace('_', ' ')} {topic_names.get(label, '')}"))
                topic_words |= found
            self._title.append(title)
            self._topic_words.append(topic_words)
            for w in set(title) | topic_words:
                self._index.setdefault(w, set()).add(i)
            self._author_totals.update(paper.authors)

    def __len__(self) -> int:
        return len(self.papers)

    def _score(self, i: int, tokens: list[str]) -> tuple[float, str]:
        title = self._title[i]
        n = len(tokens)
        if any(title[j:j + n] == tokens for j in range(len(title) - n + 1)):
            return _TITLE_PHRASE, "title phrase"
        present = set(title)
        if all(t in present or all(w in present for w in _EXPANSIONS.get(t, ("\0",))) for t in tokens):
            return _TITLE_WORDS, "title words"
        return _WITH_TOPICS, "title and topics"

    def _alternatives(self, token: str) -> list[list[str]]:
        """A query word, or the words it abbreviates ("llm" also matches "large language model")."""
        return [[token], list(_EXPANSIONS[token])] if token in _EXPANSIONS else [[token]]

    def _candidates(self, tokens: list[str]) -> set[int]:
        found: set[int] | None = None
        for token in tokens:
            hits: set[int] = set()
            for alternative in self._alternatives(token):
                sets = [self._index.get(w, set()) for w in alternative]
                hits |= set.intersection(*sets) if sets else set()
            found = hits if found is None else found & hits
            if not found:
                return set()
        return found or set()

    def search(self, text: str, *, year_from: int | None = None, year_to: int | None = None,
               venues: Sequence[str] | None = None, topic: str | None = None) -> list[PaperHit]:
        """Every paper matching all words of `text` (in its title or topic names), best first:
        the phrase in the title, then all words in the title, then with help from the topics; newest first."""
        tokens = words(text)
        if not tokens:
            return []
        wanted = set(venues or ())
        hits = []
        for i in self._candidates(tokens):
            paper = self.papers[i]
            if (year_from and (paper.year or 0) < year_from) or (year_to and (paper.year or 9999) > year_to):
                continue
            if (wanted and paper.venue not in wanted) or (topic and topic not in paper.topics):
                continue
            score, matched = self._score(i, tokens)
            hits.append(PaperHit(paper.id, paper.title, paper.year, paper.venue, score, matched, paper.topics))
        return sorted(hits, key=lambda h: (-h.score, -(h.year or 0), h.title))

    def people(self, text: str, limit: int = 50, **filters: Any) -> list[PersonHit]:
        """People ranked by their papers on the query (title matches weigh more than topic-only ones)."""
        score: Counter[str] = Counter()
        count: Counter[str] = Counter()
        for hit in self.search(text, **filters):
            for author in self._by_id[hit.id].authors:
                score[author] += hit.score
                count[author] += 1
        ranked = sorted(score, key=lambda a: (-score[a], -count[a], self.author_names.get(a, a)))[:limit]
        return [PersonHit(a, self.author_names.get(a, a), count[a], round(score[a], 1), self._author_totals[a])
                for a in ranked]


def paper_search(proj: Any, topic_names: dict[str, str]) -> PaperSearch:
    """A PaperSearch over an analytics projection's papers (titles, authors and topic tags)."""
    entries = (PaperEntry(p.id, p.title, p.year, p.venue, p.authors,
                          tuple(t.label for t in proj.data.paper_topics.get(p.id, ())))
               for p in proj.data.papers)
    return PaperSearch(entries, {a: r.name for a, r in proj.data.authors.items()}, topic_names)
