"""Article-level evidence for ``--by-article`` ranking (issue 12): BM25 over whole articles,
computed from the paragraph postings, no new index fields.

A headline's or a lead's words are spread over an article's paragraphs; ranking an article by
its best paragraph alone misses that. For every lane, a term's frequency in an article is the
sum of its frequencies in the article's paragraphs (``np.bincount`` over the ``akey`` slots the
postings cache already has), an article's length is the sum of its paragraphs' lengths, and
document frequencies count articles. Lanes:

  "folded"   folded syllables of the query
  "words"    pyvi words of the query: compounds in the words lane ("ho_tich|hộ_tịch"), the
             syllables pyvi left alone in the exact lane (only when typed with diacritics)
  "fwords"   the same without diacritics: the query's folded syllables read greedily as the
             longest folded compounds the index knows ("ho_tich|" + every reading, tf summed),
             the rest as folded syllables (any query)
  "words_long", "fwords_long"  the same two under strong length normalization (statements)
  "lead", "flead"  "words" and "fwords" over the article's opening only: its title and first
             ``OPENING`` paragraphs (``ArticleStats(lead=True)``). News write the essentials first: an
             article about the headline or the lead names its words there, one that mentions
             them in passing does not.

Every lane reads the article's title too (``TITLE_OF``). Which lanes count, and how
much, depends on the kind of query (``ranking.ArticleLanes``: questions and statements).
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from ..analysis import READING_SEPARATOR, QueryToken, compounds
from ..schema import ARTICLE, CONTENT_EXACT, CONTENT_FOLDED, CONTENT_WORDS, PARAGRAPH, TITLE_EXACT, TITLE_FOLDED
from ..text import fold

K1 = 1.2
B = 0.75
LONGEST = 4  # syllables in the longest folded compound looked up
# An article's opening: its first paragraphs. 3 against 1 (the lead paragraph alone), each with
# its lane weights fitted on the even ids of dantri-titles, dantri-lead and the vntc proxies
# (bench/vntc_collection.py): even sums 2.9308 and 2.9324, odd halves +0.035 and +0.024 over
# the profile before; 3 kept, a lead alone is too short to hold a headline's words.
OPENING = 3


# A syllable lane's article text includes the article's title (its record's title lane): a
# headline's words are in the title as much as in the paragraphs.
# The words lane has no title field of its own: a compound ("ho_tich|hộ_tịch") is in the title
# as many times as the least frequent of its syllables is in the title's exact lane (titles are
# short: syllables together there are the compound), and the title's length is its syllables'.
TITLE_OF = {CONTENT_FOLDED: TITLE_FOLDED, CONTENT_EXACT: TITLE_EXACT, CONTENT_WORDS: TITLE_EXACT}


def ranks_within(groups: np.ndarray) -> np.ndarray:
    """For items sorted by group (``groups``, e.g. article slots), each one's place in its
    group: 0 for the first."""
    n = len(groups)
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    return np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))


class ArticleStats:
    """Article slots and per-article field lengths of one open reader (computed once).
    ``title``: what one title occurrence counts for against a paragraph's (BM25F-style, in
    term frequencies and lengths alike). ``lead``: each article is its opening only, its title
    and its first ``OPENING`` paragraphs (an article's paragraphs are indexed in order, after
    its record: its first are its lowest document numbers)."""

    def __init__(self, cache, title: float = 1.0, lead: bool = False):
        self.cache = cache
        self.title = title
        self.slots, self.n = cache.article_slots()
        para = cache.kind_mask(PARAGRAPH)
        self.para_docs = np.flatnonzero(para)
        self.records = np.flatnonzero(cache.kind_mask(ARTICLE))
        self._lengths: dict[str, tuple[np.ndarray, float]] = {}
        self._norms: dict[tuple[str, float, float], np.ndarray] = {}
        docs = self.para_docs
        self.n_articles = max(1, int(len(np.unique(self.slots[docs]))))
        self.keep = None  # the documents counted, when not all of them
        if lead:
            slots = self.slots[docs]
            order = np.lexsort((docs, slots))
            docs, slots = docs[order], slots[order]
            self.para_docs = np.sort(docs[ranks_within(slots) < OPENING])
            self.keep = np.zeros(cache.doc_count, dtype=bool)
            self.keep[self.para_docs] = True
            self.keep[self.records] = True

    def lengths(self, fieldname: str) -> tuple[np.ndarray, float]:
        if fieldname not in self._lengths:
            plen, _ = self.cache.lengths(fieldname)
            docs = self.para_docs
            alen = np.bincount(self.slots[docs], weights=plen[docs], minlength=self.n)
            if fieldname in TITLE_OF and self.title:
                tlen, _ = self.cache.lengths(TITLE_OF[fieldname])
                records = self.records
                alen += self.title * np.bincount(self.slots[records], weights=tlen[records], minlength=self.n)
            present = alen > 0
            self._lengths[fieldname] = (alen, float(alen[present].mean()) if present.any() else 1.0)
        return self._lengths[fieldname]

    def tf(self, fieldname: str, terms: list[str]) -> np.ndarray:
        """Frequency in each article of any of ``terms`` (summed)."""
        out = np.zeros(self.n, dtype=np.float64)
        for term in terms:
            ids, tfs = self.cache.postings(fieldname, term)
            if self.keep is not None and len(ids):
                kept = self.keep[ids]
                ids, tfs = ids[kept], tfs[kept]
            if not len(ids):
                continue
            out += np.bincount(self.slots[ids], weights=tfs.astype(np.float64), minlength=self.n)
        if fieldname == CONTENT_WORDS and self.title:
            for term in terms:
                syllables = term.split(READING_SEPARATOR, 1)[-1].split("_")
                title = self.tf(TITLE_EXACT, [syllables[0]])
                for syllable in syllables[1:]:
                    title = np.minimum(title, self.tf(TITLE_EXACT, [syllable]))
                out += self.title * title
        elif fieldname in TITLE_OF and self.title:
            out += self.title * self.tf(TITLE_OF[fieldname], terms)
        return out

    def bm25(self, fieldname: str, groups: list[tuple[list[str], int]], k1: float = K1, b: float = B,
             k3: float = 0.0, seen: dict | None = None) -> np.ndarray:
        """Sum over term groups (a group's terms count as one term; each with its frequency in
        the query, saturated by ``k3``, 0 = once) of article BM25. ``seen``: the groups' article
        frequencies already computed for this query (lanes share groups), filled as it goes."""
        key = (fieldname, k1, b)
        if key not in self._norms:
            alen, avg = self.lengths(fieldname)
            # never 0 (an article slot with no text left, with b 1): tf / (tf + norm) stays 0
            self._norms[key] = np.maximum(k1 * (1 - b + b * alen / avg), 1e-9)
        norm = self._norms[key]
        out = np.zeros(self.n, dtype=np.float64)
        seen = {} if seen is None else seen
        for group, qtf in groups:
            tf = seen.get((fieldname, tuple(group)))
            if tf is None:
                tf = seen[fieldname, tuple(group)] = self.tf(fieldname, group)
            df = int(np.count_nonzero(tf))
            if df:  # whole arrays: cheaper than indexing the articles hit
                q = (k3 + 1) * qtf / (k3 + qtf) if k3 else 1.0
                out += q * math.log(1.0 + (self.n_articles - df + 0.5) / (df + 0.5)) * (k1 + 1) * tf / (tf + norm)
        return out


def _counted(keys: list[str], groups: dict[str, list[str]] | None = None) -> list[tuple[list[str], int]]:
    """Each distinct key once, in order, with how often the query has it (its group of terms:
    ``groups[key]``, else the key alone)."""
    return [((groups or {}).get(k, [k]), n) for k, n in Counter(keys).items()]


def query_terms(tokens: list[QueryToken], readings) -> dict[str, list[tuple[list[str], int]]]:
    """The query's term groups per lane (see the module docstring), each with its frequency in
    the query. ``readings`` maps a folded compound ("ho_tich") to its readings in the index
    ([("hộ_tịch", df), ...])."""
    lanes: dict[str, list[tuple[list[str], int]]] = {}
    lanes["folded"] = _counted([t.folded for t in tokens])
    typed_exact = any(t.exact != t.folded for t in tokens)
    if typed_exact:
        words = compounds(tokens)
        in_compound = set()  # positions inside compounds, from pyvi's joined flags (as group_words)
        run = []
        for t in tokens:
            if t.joined and run and t.pos == run[-1].pos + 1:
                run.append(t)
            else:
                if len(run) > 1:
                    in_compound.update(x.pos for x in run)
                run = [t]
        if len(run) > 1:
            in_compound.update(x.pos for x in run)
        lanes["words"] = _counted([fold(w) + READING_SEPARATOR + w for w in words])
        lanes["words_singles"] = _counted([t.exact for t in tokens if t.pos not in in_compound])
        lanes["exact"] = _counted([t.exact for t in tokens])
    # folded compounds, greedily longest first, never across punctuation
    fkeys, fgroups, fsingles = [], {}, []
    i = 0
    while i < len(tokens):
        for n in range(min(LONGEST, len(tokens) - i), 1, -1):
            run = tokens[i:i + n]
            if any(b.gap or b.pos != a.pos + 1 for a, b in zip(run, run[1:])):
                continue
            key = "_".join(t.folded for t in run)
            found = readings(key)
            if found:
                fkeys.append(key)
                fgroups[key] = [key + READING_SEPARATOR + r for r, _ in found]
                i += n
                break
        else:
            fsingles.append(tokens[i].folded)
            i += 1
    lanes["fwords"] = _counted(fkeys, fgroups)
    lanes["fwords_singles"] = _counted(fsingles)
    return lanes


def lane_scores(stats: ArticleStats, tokens: list[QueryToken], readings, lanes,
                lead: ArticleStats | None = None) -> dict[str, np.ndarray]:
    """Every lane ``lanes`` (``ranking.ArticleLanes``) weighs above 0, one value per article
    slot; the opening's lanes from ``lead`` (``ArticleStats(lead=True)``)."""
    terms = query_terms(tokens, readings)
    k3 = lanes.k3
    seen: dict = {}  # a group's article frequencies, computed once for all lanes

    def compounds_and_singles(name, singles_field, k1=K1, b=B, over=stats, seen=seen):
        return (over.bm25(CONTENT_WORDS, terms[name], k1, b, k3, seen)
                + over.bm25(singles_field, terms[name + "_singles"], k1, b, k3, seen))

    out = {"folded": stats.bm25(CONTENT_FOLDED, terms["folded"], k3=k3, seen=seen)}
    if "words" in terms:
        out["exact"] = stats.bm25(CONTENT_EXACT, terms["exact"], k3=k3, seen=seen)
        out["words"] = compounds_and_singles("words", CONTENT_EXACT)
        if lanes.words_long:
            out["words_long"] = compounds_and_singles("words", CONTENT_EXACT, lanes.long_k1, lanes.long_b)
        if lanes.lead and lead is not None:
            out["lead"] = compounds_and_singles("words", CONTENT_EXACT, over=lead, seen={})
    else:
        out["fwords"] = compounds_and_singles("fwords", CONTENT_FOLDED)
        if lanes.plain_fwords_long:
            out["fwords_long"] = compounds_and_singles("fwords", CONTENT_FOLDED, lanes.long_k1, lanes.long_b)
        if lanes.plain_lead and lead is not None:
            out["flead"] = compounds_and_singles("fwords", CONTENT_FOLDED, over=lead, seen={})
    return out


def article_evidence(stats: ArticleStats, tokens: list[QueryToken], readings, lanes,
                     length_ref: float, lead: ArticleStats | None = None) -> np.ndarray:
    """(n / length_ref) ** power × Σ w_lane × lane / max(lane), one value per article slot
    (``lanes``: ``ranking.ArticleLanes``, the profile of the query's kind; ``lead``: the
    articles' openings, for its lead lanes)."""
    if not tokens:
        return np.zeros(stats.n)
    scores = lane_scores(stats, tokens, readings, lanes, lead)
    if "exact" in scores:
        lane_weights = {"folded": lanes.folded, "exact": lanes.exact, "words": lanes.words,
                        "words_long": lanes.words_long, "lead": lanes.lead}
    else:
        lane_weights = {"folded": lanes.plain_folded, "fwords": lanes.plain_fwords,
                        "fwords_long": lanes.plain_fwords_long, "flead": lanes.plain_lead}
    total = np.zeros(stats.n)
    for lane, w in lane_weights.items():
        values = scores.get(lane)
        top = values.max() if values is not None and len(values) else 0.0
        if top > 0 and w:
            total += w * values / top
    return total * (len(tokens) / length_ref) ** lanes.length_power


def combine(best_passage: np.ndarray, evidence: np.ndarray, weight: float = 1.0) -> np.ndarray:
    """Per article slot: ``weight`` × best paragraph score / the query's best, plus the
    article evidence."""
    top = best_passage.max() if len(best_passage) else 0.0
    return weight * (best_passage / top if top > 0 else best_passage) + evidence


def query_pairs(tokens: list, exact: bool) -> list[str]:
    """The query's adjacent syllable pairs as they stand in ``analysis.text_lines``'s lines
    (" hộ tịch "), none across punctuation; exact forms for a query typed with diacritics,
    folded ones for one typed without. A pair the query repeats is listed each time."""
    form = (lambda t: t.exact) if exact else (lambda t: t.folded)
    return [f" {form(a)} {form(b)} " for a, b in zip(tokens, tokens[1:]) if not b.gap]


def pair_evidence(pairs: list[str], lines: list[str], lengths: np.ndarray, avg_length: float,
                  k1: float = 2.0, b: float = 1.0, df_from: int = 20) -> np.ndarray:
    """Proximity over whole articles (issue 12, SDM-style): for each candidate article's line
    (its title and text, ``analysis.text_lines``), the query's adjacent pairs it holds, each
    BM25-saturated over the article's length and weighted by an idf counted among the first
    ``df_from`` candidates (a pair every candidate holds tells them apart no more than a word
    does; counted over the whole corpus it gave a third of the gain, ``bench/sdm_offline.py``)."""
    if not pairs or not lines:
        return np.zeros(len(lines))
    tf = np.array([[line.count(p) for p in pairs] for line in lines], dtype=np.float64)
    n_cand = min(df_from, len(lines))
    held = (tf[:n_cand] > 0).sum(axis=0)
    idf = np.log(1 + (n_cand - held + 0.5) / (held + 0.5))
    norm = k1 * (1 - b + b * np.asarray(lengths, dtype=np.float64) / avg_length)
    return ((idf * tf * (k1 + 1)) / (tf + norm[:, None])).sum(axis=1)
