"""The search pipeline over one open index: query text → ``query.parse`` → one analysed query
(``analysis.analyze_query``) → what matches (``matching``) and how it ranks (``ranking``) →
highlighted results (``highlight``, ``results``)."""

from __future__ import annotations

import functools
import gc
import heapq
import os
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from whoosh.reading import TermNotFound

from .. import query as qs
from .. import text
from ..analysis import (READING_SEPARATOR, AllNode, AnalysedQuery, AnyNode, Leaf, analyze, analyze_query, text_lines,
                        text_tokens)
from ..errors import QueryError
from ..store import open_index, reading
from ..interpret import IndexLexicon, rewrite
from ..restore import FEEDBACK_ARTICLES, MAX_SYLLABLES, read_by_feedback, restorable, restore_tokens, wants_feedback
from ..synonyms import ENV as SYNONYMS_ENV
from ..synonyms import Synonyms
from ..schema import ARTICLE, CONTENT_EXACT, CONTENT_WORDS, PARAGRAPH
from ..scoring import PostingsCache
from .highlight import Forms, highlight_forms, make_snippet
from .matching import ARTICLES, PARAGRAPHS, Filters, Matcher
from .ranking import DEFAULT_WEIGHTS, Plan, Weights
from .results import SORTS, Hit, Passage, SearchResults

# ``article_rank`` (by article) and ``context`` (unaccented pairs) are imported where they are
# used: a query of paragraphs typed with its marks loads neither.
if TYPE_CHECKING:
    from . import article_rank

CONTEXT = True  # read unaccented queries by the pairs the archive writes (``context``)
FEEDBACK = True  # read long unaccented queries as their top articles write them (``restore.read_by_feedback``)
W_SYNONYM = 0.5  # a paragraph found through a synonym scores this share of its score

# Python collects its youngest objects every 700 container allocations (net); a warm query
# makes about a thousand that outlive it a moment (tokens, postings, hits), so that about 1.2
# collections fell into every query, and every tenth of those into the middle generation: 8%
# of the 300 news-short queries' CPU. Every 10,000 instead: cycles are found as before, only
# later (``Searcher`` sets it on opening an index, when the application has left Python's
# default).
GC_YOUNG_THRESHOLD = 10_000
_PYTHONS_THRESHOLD = 700


def fewer_collections() -> None:
    """Raise the youngest generation's collection threshold to ``GC_YOUNG_THRESHOLD`` if it
    is Python's default: a process that searches is one that allocates (an application
    that chose its own threshold keeps it)."""
    young, *older = gc.get_threshold()
    if young == _PYTHONS_THRESHOLD:
        gc.set_threshold(GC_YOUNG_THRESHOLD, *older)


NOTHING_TO_FIND = (
    "the query has nothing to find{why}: type at least one word, e.g. "
    'vnsearch query "giá xăng -dầu" (operators: AND OR NOT -word +word "phrase" title: source: topic:)'
)


def _guarded(method):
    """Reads of the index through ``method`` name a damaged index (``store.reading``)
    instead of leaking Whoosh's or Python's own errors."""

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        with reading(self.index_dir):
            return method(self, *args, **kwargs)

    return guarded


def _passage(stored: dict, score: float, forms: Forms) -> Passage:
    snippet, snippet_plain, spans = make_snippet(stored["text"], *forms)
    return Passage(stored["para"], round(float(score), 4), snippet, spans, snippet_plain)


def _hit(stored: dict, record: dict, score: float, forms: Forms, partial: bool) -> Hit:
    snippet, snippet_plain, spans = make_snippet(stored["text"], *forms)
    return Hit(
        article_id=stored["article_id"],
        title=record.get("title", ""),
        paragraph=stored["para"],
        text=stored["text"],
        score=round(float(score), 4),
        snippet=snippet,
        date=record.get("date"),
        source=record.get("source"),
        url=record.get("url"),
        spans=spans,
        snippet_plain=snippet_plain,
        partial=partial,
    )


def _cased(reading: str, typed: str) -> str:
    """``reading`` in the case ``typed`` was written in ("Nguyen" → "Nguyễn", "UBND" stays)."""
    if len(typed) > 1 and typed.isupper():
        return reading.upper()
    return reading[:1].upper() + reading[1:] if typed[:1].isupper() else reading


class Searcher:
    """An open index that answers many queries (the CLI opens one per run, ``evaluate`` one
    per collection). Use as a context manager, or call ``close``. ``weights``: the ranking's
    parameters (``ranking.Weights``; None: ``DEFAULT_WEIGHTS``)."""

    def __init__(self, index_dir: str, weights: Weights | None = DEFAULT_WEIGHTS, synonyms: Synonyms | None = None):
        self.index_dir = index_dir
        self.weights = DEFAULT_WEIGHTS if weights is None else weights
        self._ix = open_index(index_dir)
        with reading(index_dir):
            # the reader alone: no Whoosh searcher (nor whoosh.query, whoosh.searching)
            self._reader = self._ix.reader()
            self._cache = PostingsCache(self._reader)
        self._readings: dict[str, list[tuple[str, int]]] = {}
        self._article_stats: article_rank.ArticleStats | None = None
        self._lead_stats: article_rank.ArticleStats | None = None
        self._records: np.ndarray | None = None  # article slot -> its record's docnum (``_record_of``)
        self._lexicon: IndexLexicon | None = None
        self._synonyms = synonyms
        fewer_collections()

    @property
    def lexicon(self) -> IndexLexicon:
        """What the index holds, for reading query words as meant (``interpret``)."""
        if self._lexicon is None:
            self._lexicon = IndexLexicon(self._cache, self._reader)
        return self._lexicon

    def close(self) -> None:
        self._reader.close()

    def __enter__(self) -> "Searcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ----------------------------------------------------------------- records

    @_guarded
    def article(self, article_id: str) -> dict:
        """The stored record of an article: title, date, source, url, topic, paragraphs."""
        ids = self._cache.postings("article_id", article_id)[0]  # the record and its paragraphs
        records = ids[self._cache.kind_mask(ARTICLE)[ids]]
        return self._reader.stored_fields(int(records[0])) if len(records) else {}

    def _record_docs(self) -> np.ndarray:
        """For every article slot, the docnum of its first record (-1: none)."""
        if self._records is None:
            slots, n_slots = self._cache.article_slots()
            records = np.flatnonzero(self._cache.kind_mask(ARTICLE))
            held, first = np.unique(slots[records], return_index=True)
            self._records = np.full(n_slots, -1, dtype=np.int64)
            self._records[held] = records[first]
        return self._records

    def _record_of(self, docnum: int, article_id: str) -> dict:
        """``article(article_id)`` for the paragraph ``docnum`` of that article, found through
        its article slot (the first record of the slot, by docnum) instead of the id's
        postings: a hit's record cost a postings lookup and a read, now the read."""
        record = int(self._record_docs()[self._cache.article_slots()[0][docnum]])
        if record >= 0:
            fields = self._cache.stored_fields(record)
            if fields.get("article_id") == article_id:  # (a slot is a 63-bit hash of the id)
                return fields
        return self.article(article_id)

    @_guarded
    def paragraphs(self, article_id: str) -> list[str]:
        """The article's paragraphs, in order (empty for an unknown id)."""
        ids = self._cache.postings("article_id", article_id)[0]
        stored = [self._reader.stored_fields(int(d)) for d in ids[self._cache.kind_mask(PARAGRAPH)[ids]]]
        return [f["text"] for f in sorted(stored, key=lambda f: f["para"]) if f["para"] > 0]

    def readings(self, folded_compound: str) -> list[tuple[str, int]]:
        """The accented readings of an unaccented compound in this index, with the number of
        paragraphs holding each, most frequent first ("ho_tich" → [("hộ_tịch", 12), ...])."""
        if folded_compound not in self._readings:
            prefix = folded_compound + READING_SEPARATOR
            counts: dict[str, int] = {}
            for seg, _ in self._cache.leaves:
                try:
                    terms = list(seg.expand_prefix(CONTENT_WORDS, prefix))
                except TermNotFound:
                    continue
                for term in terms:
                    reading = term.decode("utf-8")[len(prefix):]
                    counts[reading] = counts.get(reading, 0) + seg.doc_frequency(CONTENT_WORDS, term)
            self._readings[folded_compound] = sorted(counts.items(), key=lambda r: (-r[1], r[0]))
        return self._readings[folded_compound]

    # ----------------------------------------------------------------- the query

    def analyse(self, query: str, syntax: bool = True, restore_accents: bool = True,
                interpret: bool = True) -> AnalysedQuery:
        """The query parsed and analysed once: with ``interpret``, words the index lacks read
        as meant (Telex or VNI typing, typos: ``interpret``) and synonyms added; the restored
        reading when it is a short unaccented plain query the corpus reads one way.
        QueryError when it has nothing to find (empty, only operators, only exclusions)."""
        query = text.nfc(text.scrub(query))  # also what is shown back: no lone surrogates
        aq = analyze_query(qs.parse(query) if syntax else qs.plain(query), query)
        if not aq.findable:
            why = " (it only excludes)" if aq.leaves(positive=False) else ""
            raise QueryError(NOTHING_TO_FIND.format(why=why))
        if interpret:
            aq = rewrite(aq, self.lexicon)
        if restore_accents and aq.plain and restorable(list(aq.tree.tokens)):
            # pyvi's compounds first ("hộ tịch"), then the pairs the archive writes ("giá vàng")
            from ..context import restore_by_context

            tokens = restore_tokens(list(aq.tree.tokens), self.readings) or list(aq.tree.tokens)
            restored = restore_by_context(tokens, self.lexicon.pair_counts) if CONTEXT else None
            restored = restored or (tokens if tokens != list(aq.tree.tokens) else None)
            if restored:
                leaf = Leaf(" ".join(t.exact for t in restored), tuple(restored), restored=True)
                aq = replace(aq, restored=(leaf,))
        return self.with_synonyms(aq) if interpret else aq

    def _scores(self, aq: AnalysedQuery, plan: Plan) -> np.ndarray:
        """The plan's scores; where a synonym scores higher, W_SYNONYM × its score: a paragraph
        found through a synonym ranks below one with the words typed."""
        if not aq.synonyms:
            return plan.scores
        other = Plan(aq.synonym_leaves(), self._cache, self.weights).scores
        return np.maximum(plan.scores, W_SYNONYM * other)

    def with_synonyms(self, aq: AnalysedQuery) -> AnalysedQuery:
        """A short plain query with what its synonyms find as alternatives: "TP.HCM" also
        finds "Thành phố Hồ Chí Minh" and "Sài Gòn" (each a phrase, the rest of the query
        around it)."""
        leaf = aq.tree
        if not (aq.plain and len(leaf.tokens) <= MAX_SYLLABLES):
            return aq
        if self._synonyms is None:
            self._synonyms = Synonyms.load(os.environ.get(SYNONYMS_ENV, ""))
        tokens = list(leaf.tokens)
        keys, spans = [], []  # the synonyms' keys: a run that is one word is one key ("tphcm")
        i = 0
        while i < len(tokens):
            width = tokens[i].variant[1] if tokens[i].variant else 1
            keys.append(text.fold(tokens[i].variant[0]) if tokens[i].variant else tokens[i].folded)
            spans.append((i, i + width))
            i += width
        added = []
        for found in self._synonyms.expand(keys):
            start, end = spans[found.start][0], spans[found.end - 1][1]
            for phrase in found.alternatives:
                parts = [Leaf(" ".join(t.exact for t in run), tuple(run)) for run in (tokens[:start], tokens[end:]) if run]
                words = tuple(analyze(phrase))
                if words:
                    parts.append(Leaf(phrase, words, phrase=len(words) > 1))
                    added.append(parts[0] if len(parts) == 1 else AllNode(tuple(parts)))
        if not added:
            return aq
        return replace(aq, tree=AnyNode((leaf, *added)), synonyms=tuple(added))

    def _matches(self, aq: AnalysedQuery, unit: str, filters: Filters | None, relaxed: bool = False):
        """(mask over ``unit``, the same as a mask over paragraphs) of the query's matches
        within ``filters``."""
        matcher = Matcher(self._cache, self._reader)
        mask = matcher.match(aq.tree, unit, relaxed)
        if filters is not None and filters.active:
            allowed = matcher.filter_mask(filters)
            mask = mask & (allowed if unit == PARAGRAPHS else matcher.to_articles(np.flatnonzero(allowed & matcher.paragraphs())))
        paragraphs = mask if unit == PARAGRAPHS else matcher.to_paragraphs(mask)
        return mask, paragraphs

    @_guarded
    def count(self, query: str, one_per_article: bool = False, filters: Filters | None = None,
              syntax: bool = True, interpret: bool = True) -> int:
        """How many paragraphs (or articles) match: every word, phrase and filter held."""
        aq = self.analyse(query, syntax, restore_accents=False, interpret=interpret)
        mask, _ = self._matches(aq, ARTICLES if one_per_article else PARAGRAPHS, filters)
        return int(mask.sum())

    @_guarded
    def article_ids(self, query: str, filters: Filters | None = None, sort: str = "relevance",
                    syntax: bool = True) -> list[str]:
        """The ids of every matching article (title and paragraphs together hold the query),
        best (or newest) first."""
        self._check_sort(sort)
        aq = self.analyse(query, syntax)
        _, paragraphs = self._matches(aq, ARTICLES, filters)
        scores = self._scores(aq, Plan(aq.ranked_leaves(), self._cache, self.weights))
        docs = np.flatnonzero(paragraphs)
        if sort == "date":
            order = np.lexsort((-scores[docs], -self._cache.field_codes("date")[1][docs]))
        else:
            order = np.lexsort((docs, -scores[docs]))
        ids: dict[str, None] = {}
        for d in docs[order].tolist():
            ids.setdefault(self._reader.stored_fields(d)["article_id"], None)
        return list(ids)

    def _best_of_each_article(self, docs: np.ndarray, scores: np.ndarray, keep: int) -> np.ndarray:
        """The ``keep`` best-scored of ``docs`` in each article: a matching article's other
        paragraphs (which may not score at all) never crowd other articles out of the depth."""
        if len(docs) <= keep:
            return docs
        from . import article_rank

        slots = self._cache.article_slots()[0][docs]
        order = np.lexsort((docs, -scores[docs], slots))
        docs, slots = docs[order], slots[order]
        rank = article_rank.ranks_within(slots)
        return docs[rank < keep]

    def _rank_articles(self, best: list, tiers: list[np.ndarray], scores: np.ndarray, aq: AnalysedQuery,
                       limit: int, partial_of) -> list:
        """Articles in relevance order: within each tier, by their best paragraph's score (over
        the query's best) plus whole-article evidence (``article_rank``): a headline's or a
        lead's words are spread over an article's paragraphs. ``best``: each article's best
        reranked paragraph, as (tier, score, docnum, stored, partial); returns the same, the
        combined score in place of the paragraph's."""
        from . import article_rank

        if self._article_stats is None:
            self._article_stats = article_rank.ArticleStats(self._cache, self.weights.article_title)
        stats = self._article_stats
        slots = stats.slots
        added = set(aq.synonym_leaves())  # what synonyms find ranks by its own plan (``_scores``)
        tokens = [t for leaf in (aq.restored if aq.whole_reading else aq.leaves())
                  if leaf.is_text and leaf.field is None and leaf not in added for t in leaf.tokens]
        w = self.weights
        lanes = w.article_question if aq.is_question else w.article_statement
        lead = None
        if lanes.lead or lanes.plain_lead:
            if self._lead_stats is None:
                self._lead_stats = article_rank.ArticleStats(self._cache, w.article_title, lead=True)
            lead = self._lead_stats
        evidence = article_rank.article_evidence(stats, tokens, self.readings, lanes, w.article_length_ref, lead)
        passage = np.zeros(stats.n)
        reranked = {}
        for item in best:
            passage[slots[item[2]]] = item[1]
            reranked[int(slots[item[2]])] = item
        final = article_rank.combine(passage, evidence, lanes.passage)
        if w.pairs and len(tokens) >= w.pairs_min_syllables and len(tiers) == 1:
            # exact pairs for a query typed with diacritics; folded ones for a query typed
            # without, even read whole in an accented form (``_read_by_feedback``)
            exact = any(leaf.exact for leaf in aq.leaves() if leaf.is_text)
            self._add_pairs(final, np.unique(slots[tiers[0]]), tokens, exact, stats)
        out, seen = [], set()
        for tier, docs in enumerate(tiers):
            in_tier = np.unique(slots[docs])
            in_tier = in_tier[~np.isin(in_tier, list(seen))] if seen else in_tier
            order = in_tier[np.lexsort((in_tier, -final[in_tier]))][:limit]
            for s in order.tolist():
                if s in reranked:
                    item = reranked[s]
                else:  # not among the reranked paragraphs: its best-scored one in this tier
                    mine = docs[slots[docs] == s]
                    docnum = int(mine[np.argmax(scores[mine])])
                    item = (tier, 0.0, docnum, self._reader.stored_fields(docnum), partial_of(tier, docnum))
                out.append((item[0], float(final[s]), item[2], item[3], item[4]))
                seen.add(s)
            if len(out) >= limit:
                break
        return out

    def _add_pairs(self, final: np.ndarray, candidates: np.ndarray, tokens: list, exact: bool, stats) -> None:
        """Rerank the first ``Weights.pairs_top`` of ``candidates`` (article slots) by the
        query's adjacent pairs in their title and text (``article_rank.pair_evidence``; exact
        forms when the query was typed with diacritics); they stay above the others."""
        from . import article_rank

        w = self.weights
        top = candidates[np.lexsort((candidates, -final[candidates]))][:w.pairs_top]
        best = float(final[top[0]]) if len(top) else 0.0
        pairs = article_rank.query_pairs(tokens, exact)
        if best <= 0 or not pairs:
            return
        lines = [text_lines(self._article_text(int(s)))[0 if exact else 1] for s in top]
        lengths, avg = stats.lengths(CONTENT_EXACT)
        evidence = article_rank.pair_evidence(pairs, lines, lengths[top], avg)
        if evidence.max() > 0:
            final[top] += best * w.pairs * evidence / evidence.max()

    def _article_text(self, slot: int) -> str:
        """An article's title and paragraphs, one a line, from the index (by its slot)."""
        record = int(self._record_docs()[slot])
        if record < 0:
            return ""
        fields = self._cache.stored_fields(record)
        return "\n".join([fields.get("title") or ""] + self.paragraphs(fields["article_id"]))

    @staticmethod
    def _check_sort(sort: str) -> None:
        if sort not in SORTS:
            raise QueryError(f"unknown sort order {sort!r}: use one of {', '.join(SORTS)}")

    @_guarded
    def search(
        self,
        query: str,
        limit: int = 10,
        one_per_article: bool = False,
        restore_accents: bool = True,
        syntax: bool = True,
        filters: Filters | None = None,
        sort: str = "relevance",
        passages: int = 1,
        interpret: bool = True,
    ) -> SearchResults:
        """Ranked paragraphs for ``query``; with ``one_per_article``, each article's best
        paragraph only, and up to ``passages`` - 1 of its next best in ``Hit.also``.

        What matches (``total``, ``sort`` "date", ``filters``) holds every word and phrase of
        the query (see ``matching``). In relevance order the best partial matches follow the
        full ones (``Hit.partial``), and stand alone, with ``SearchResults.partial``, when
        nothing matches fully. A plain query typed without diacritics is also read in its
        most likely accented form when the corpus makes one clear (``interpreted_as``), which
        ranks first. With ``interpret`` (issue 13), words the index lacks are read as meant:
        Telex/VNI typing (``interpreted_as``), typos (``suggestion``, "did you mean"); and
        what the query's synonyms find follows the words typed. With ``syntax`` False the text
        is plain words, as for natural-language questions. QueryError for an unknown ``sort``
        or a query with nothing to find."""
        self._check_sort(sort)
        aq = self.analyse(query, syntax, restore_accents, interpret)
        if (FEEDBACK and restore_accents and aq.plain and not aq.restored and isinstance(aq.tree, Leaf)
                and wants_feedback(list(aq.tree.tokens))):
            aq = self._read_by_feedback(aq, filters)
        limit = max(1, limit)
        interpreted_as = aq.restored[0].text if aq.restored else aq.read_as
        rescored, groups, total, unit, leaves = self._rank(aq, limit, one_per_article, filters, sort, passages)
        forms = highlight_forms(leaves + aq.synonym_leaves())
        hits = []
        for _, score, docnum, stored, partial in rescored[:limit]:
            hit = _hit(stored, self._record_of(docnum, stored["article_id"]), score, forms, partial)
            others = [o for o in groups.get(hit.article_id, [])[1:] if o[1] > 0][:max(1, passages) - 1]
            hit.also = [_passage(other, other_score, forms) for _, other_score, _, other, _ in others]
            hits.append(hit)
        return SearchResults(query=aq.text, total=total, hits=hits, interpreted_as=interpreted_as,
                             total_unit=unit, partial=bool(hits) and total == 0, suggestion=aq.suggestion)

    def _read_by_feedback(self, aq: AnalysedQuery, filters: Filters | None) -> AnalysedQuery:
        """A long query typed without diacritics, read as the articles it finds first write it
        (``restore.read_by_feedback``): that reading ranks, paragraphs and whole articles, as if
        typed; the typed words still decide what matches. Unchanged when the reading is."""
        ranked = self._rank(aq, FEEDBACK_ARTICLES, True, filters, "relevance", 1)[0]
        texts = [text_tokens(p) for item in ranked[:FEEDBACK_ARTICLES] for p in self.paragraphs(item[3]["article_id"])]
        typed = text.nfc(aq.tree.text)
        words = text_tokens(typed)
        reading = read_by_feedback([w.folded for w in words], texts, self.lexicon.exact_df)
        if all(r == w.folded for r, w in zip(reading, words)):
            return aq
        pieces, end = [], 0
        for w, r in zip(words, reading):
            pieces += [typed[end:w.start], _cased(r, typed[w.start:w.end]) if r != w.folded else typed[w.start:w.end]]
            end = w.end
        restored_text = "".join(pieces) + typed[end:]
        tokens = tuple(analyze(restored_text))
        if not tokens:
            return aq
        return replace(aq, restored=(Leaf(restored_text, tokens, restored=True),), whole_reading=True)

    def _rank(self, aq: AnalysedQuery, limit: int, one_per_article: bool, filters: Filters | None,
              sort: str, passages: int):
        """(ranked (tier, score, docnum, stored fields, partial) best first, each article's
        reranked paragraphs when ``one_per_article``, how many match, the unit counted, the
        leaves that ranked)."""
        unit = ARTICLES if one_per_article else PARAGRAPHS
        leaves = aq.ranked_leaves()
        plan = Plan(leaves, self._cache, self.weights)
        scores = self._scores(aq, plan)
        full, full_paragraphs = self._matches(aq, unit, filters)
        total = int(full.sum())
        # Full matches first, then the best partial ones; for long queries (questions, headlines)
        # one order by score, as they seldom match fully (see ``Weights.full_first_max_words``).
        n_words = sum(len(leaf.tokens) for leaf in leaves)
        full_first = sort == "date" or n_words <= self.weights.full_first_max_words
        tiers = [np.flatnonzero(full_paragraphs)]
        n_full = 1
        if aq.synonyms and sort == "relevance" and full_first:
            # the words typed first, then what only a synonym found
            _, typed = self._matches(replace(aq, tree=aq.tree.nodes[0], synonyms=()), unit, filters)
            tiers = [np.flatnonzero(full_paragraphs & typed), np.flatnonzero(full_paragraphs & ~typed)]
            n_full = 2
        if sort == "relevance" and leaves and (total < limit or not full_first):
            _, relaxed = self._matches(aq, unit, filters, relaxed=True)
            tiers.append(np.flatnonzero(relaxed & ~full_paragraphs & (scores > 0)))
        if not full_first:
            tiers = [np.concatenate(tiers)]
            is_full = full_paragraphs
        # (by article, not by passages: the articles ranked are the same whatever is shown of them)
        depth = max(self.weights.rerank, limit * (4 if one_per_article else 1))
        days = self._cache.field_codes("date")[1] if sort == "date" else None
        # Paragraphs in relevance order show only the first ``limit`` of (tier, -score, docnum):
        # candidates are taken best first, and once one's score with every proximity bonus
        # (``proximity_bound``) is below the ``limit``-th so far, no later one of its tier can
        # enter, and is not read (reading and tokenizing ~100 candidates a tier was half of a
        # query's time). By article, every candidate counts (the articles' evidence).
        bound = plan.proximity_bound() if days is None and not one_per_article else None
        worst: list = []  # the best ``limit`` so far, as a heap whose top is the worst: (-tier, score, -docnum)
        rescored = []
        for tier, candidates in enumerate(tiers):
            if one_per_article and days is not None:  # by date, a long article's paragraphs would fill the depth
                candidates = self._best_of_each_article(candidates, scores, max(1, passages) + 2)
            if len(candidates) > depth:
                if days is None:
                    top = np.argpartition(-scores[candidates], depth - 1)[:depth]
                else:  # the newest, best first within a day
                    top = np.lexsort((-scores[candidates], -days[candidates]))[:depth]
                candidates = candidates[top]
            if bound is not None:
                candidates = candidates[np.lexsort((candidates, -scores[candidates]))]
                # and one that cannot enter with every bonus its words allow is passed over
                own = plan.proximity_bounds(candidates).tolist()
            for i, docnum in enumerate(candidates.tolist()):
                base = float(scores[docnum])
                if bound is not None and len(worst) == limit:
                    if tier > -worst[0][0] or tier == -worst[0][0] and base + bound < worst[0][1]:
                        break  # (scores only fall from here on in this tier)
                    if tier == -worst[0][0] and base + own[i] < worst[0][1]:
                        continue
                stored = self._cache.stored_fields(docnum)
                partial = tier >= n_full if full_first else not is_full[docnum]
                score = base + plan.proximity(stored["text"])
                rescored.append((tier, score, docnum, stored, partial))
                if bound is not None:
                    heapq.heappush(worst, (-tier, score, -docnum))
                    if len(worst) > limit:
                        heapq.heappop(worst)
        if days is None:
            rescored.sort(key=lambda item: (item[0], -item[1], item[2]))
        else:
            rescored.sort(key=lambda item: (-days[item[2]], -item[1], item[2]))
        groups: dict[str, list] = {}
        if one_per_article:
            for item in rescored:  # best first: each article's first is its best
                groups.setdefault(item[3]["article_id"], []).append(item)
            rescored = [group[0] for group in groups.values()]
            if days is None:
                partial_of = (lambda tier, d: tier >= n_full) if full_first else (lambda tier, d: not is_full[d])
                rescored = self._rank_articles(rescored, tiers, scores, aq, limit, partial_of)
        return rescored, groups, total, unit, leaves
