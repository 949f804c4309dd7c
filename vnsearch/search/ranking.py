"""Ranking: how well a paragraph answers the query's words. Decides order, never what
matches (``matching`` does).

Every positive run of words is scored in several lanes over the same paragraph, whose BM25
scores add up (``scoring``):
    folded syllables (every hit, whatever diacritics were typed or written),
    accent-exact syllables, only when the query carries diacritics (exact matches first),
    pyvi's compound words of the query ("hộ_tịch"),
    the same in the article's title, weighted lower;
then a coverage factor (the share of the query's words, by idf, that the paragraph's article
holds), and, for the best candidates, a proximity bonus for the query's words adjacent and in
order. All weights are one frozen ``Weights`` passed in, never module globals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..analysis import READING_SEPARATOR, Leaf, line_needle, text_lines
from ..schema import CONTENT_EXACT, CONTENT_FOLDED, CONTENT_WORDS, TITLE_EXACT, TITLE_FOLDED
from ..scoring import B, K1, PostingsCache, add_bm25, held_by, idf
from .. import text


@dataclass(frozen=True)
class ArticleLanes:
    """The weights of the whole-article lanes (``article_rank``) for one kind of query. Typed
    with diacritics: folded syllables, exact syllables, pyvi words, and pyvi words under
    strong length normalization (k1 ``long_k1``, b ``long_b``: a long article's many mentions
    count for less); typed without: folded syllables, folded compounds (every reading), and
    folded compounds under the strong normalization. ``lead``, ``plain_lead``: pyvi words
    (typed with diacritics) or folded compounds (without) over each article's opening, its
    title and first paragraph. ``passage``: the weight of the best paragraph's score beside
    them. ``k3``: BM25's query-term frequency saturation (0: a word repeated in the query
    counts once)."""

    folded: float = 0.0
    exact: float = 0.0
    words: float = 0.0
    words_long: float = 0.0
    lead: float = 0.0
    plain_folded: float = 0.0
    plain_fwords: float = 0.0
    plain_fwords_long: float = 0.0
    plain_lead: float = 0.0
    passage: float = 1.0
    length_power: float = 0.5  # long queries (headlines, leads) trust whole articles more
    k3: float = 0.0
    long_k1: float = 2.0
    long_b: float = 1.0


@dataclass(frozen=True)
class Weights:
    """The ranking's parameters, relative to the folded-syllable lane (1.0). Each has a test
    in ``tests/test_ranking.py`` that flips an order when it is 0 (or off)."""

    exact: float = 1.0  # accent-exact syllables, when the query has diacritics
    words: float = 1.0  # pyvi compound words of the query
    title: float = 0.6  # the title lanes, relative to the paragraph lanes
    coverage_power: float = 0.5  # score × (share of the query's idf the article holds) ** this
    all_words: float = 0.5  # extra share for a paragraph that holds every word of the query
    article_coverage: bool = True  # coverage over the paragraph's whole article (else the paragraph)
    adjacent: float = 1.0  # per adjacent query word pair found adjacent, × the pair's mean idf
    adjacent_exact: float = 0.5  # the same, in the exact spelling, when typed with diacritics
    trigram: float = 1.0  # per three adjacent query words found adjacent, × their mean idf
    question: float = 0.2  # weight of question words in long queries (see QUESTION_EXACT)
    question_min_syllables: int = 6  # queries at least this long are questions
    k1: float = K1  # BM25 term-frequency saturation
    b: float = B  # BM25 length normalization
    rerank: int = 100  # how many of the best candidates get the proximity bonus
    # Relevance order puts full matches (every word held) before partial ones for queries of
    # up to this many syllables, as news keyword queries are (253 of the 300 of news-short.txt);
    # longer ones (questions, headlines, leads) seldom match fully and are ordered by score, as
    # Elasticsearch's minimum_should_match relaxes long queries. Chosen on alqac2022's even
    # queries: 5 lowered MRR@10 there (0.9199 → 0.9180 with diacritics, 0.9158 → 0.9139
    # without), as on the odd ones; every word required, 0.9175 and 0.9100.
    full_first_max_words: int = 4
    # Proximity over whole articles for long queries (``article_rank.pair_evidence``): the first
    # ``pairs_top`` articles reranked by score / best + ``pairs`` × pair evidence / best, for
    # queries of at least ``pairs_min_syllables`` syllables. Fitted offline on the even ids of
    # vntc-lead, dantri-lead, dantri-titles and alqac2022 (``bench/sdm_offline.py``).
    pairs: float = 0.3
    pairs_top: int = 20
    pairs_min_syllables: int = 6
    # By article (``article_rank``): an article's score is its best paragraph's over the
    # query's best, plus (syllables / article_length_ref) ** length_power × the sum of its
    # whole-article BM25 lanes, each over the query's best in that lane, weighted by one of two
    # profiles (``ArticleLanes``): a question (ending in "?") asks for the passage that answers
    # it; a statement (a headline, a lead, keywords) for the article about it.
    article_question: ArticleLanes = ArticleLanes(
        folded=0.35, exact=0.875, words=1.0, plain_folded=0.75, plain_fwords=1.5, length_power=0.5)
    # The statement profile was fitted (issue 12, archive scale) on the even ids of four news
    # collections at once, with and without diacritics: dantri-titles and dantri-lead (2,653
    # articles) and their proxies at 22,000 articles from vntc (bench/vntc_collection.py); every
    # odd half gained (README, "Where we stand"). The opening lanes and the passage's weight
    # are what moved the archive-scale ones.
    article_statement: ArticleLanes = ArticleLanes(
        folded=0.5, exact=0.75, words=0.05, words_long=2.0, lead=0.35, plain_folded=1.5, plain_fwords=0.05,
        plain_fwords_long=0.75, plain_lead=0.75, length_power=1.0, k3=8.0, passage=0.75)
    article_length_ref: float = 15.0
    # The syllable lanes of an article include its title (BM25F-style: a title occurrence counts
    # this much against a paragraph's, in frequencies and lengths). 2.0 was within a query of 1.0
    # on the even ids of alqac2022 and viquad (the collections with titles); 1.0 kept.
    article_title: float = 1.0


DEFAULT_WEIGHTS = Weights()

# Question words: in a question they ask, they are not what the answer is about; in a law or
# an encyclopedia they are rare, so BM25 gives them a high idf. In queries at least
# ``question_min_syllables`` long they weigh ``Weights.question`` instead of 1. Short (news
# keyword) queries keep them: "làm thế nào" may be what someone searches for. Exact forms
# are matched when typed with diacritics; without, only forms that cannot be other words
# ("dau" is đâu, đầu, dầu...).
QUESTION_EXACT = (
    "bao nhiêu", "bao lâu", "như thế nào", "thế nào", "ra sao", "là gì", "gì", "nào",
    "tại sao", "vì sao", "ai", "đâu", "hay không", "không", "có phải",
)
QUESTION_FOLDED = ("bao nhieu", "bao lau", "nhu the nao", "the nao", "tai sao", "vi sao", "hay khong", "la gi")


def question_tokens(leaf: Leaf, min_syllables: int) -> set[int]:
    """Indexes of the leaf's tokens that are question words (see QUESTION_EXACT)."""
    toks = leaf.tokens
    if len(toks) < min_syllables:
        return set()
    phrases = QUESTION_EXACT if leaf.exact else QUESTION_FOLDED
    forms = [t.exact for t in toks] if phrases is QUESTION_EXACT else [t.folded for t in toks]
    marked: set[int] = set()
    for phrase in sorted(phrases, key=lambda p: -len(p.split())):
        words = phrase.split()
        n = len(words)
        for i in range(len(forms) - n + 1):
            if forms[i:i + n] == words and not marked & set(range(i, i + n)):
                marked.update(range(i, i + n))
    return marked


def _pairs(leaf: Leaf, exact: bool) -> list[tuple[str, str]]:
    toks = leaf.tokens
    return [((a.exact, b.exact) if exact else (a.folded, b.folded)) for a, b in zip(toks, toks[1:]) if b.pos == a.pos + 1]


_NONE = np.zeros(0, dtype=np.int64)


def _only_joined(scores, cache, field, first, joined, n_docs, bm25, weight=1.0, at=None) -> np.ndarray:
    """Add the BM25 of a run's joined word ("covid19") to ``scores`` in the documents that do
    not hold the run's first word ("covid"): they wrote it joined, and get nothing from its
    words. Returns those documents. ``at``: the place in ``scores`` of each document (its
    article slot, for title scores kept by article)."""
    extra = np.zeros(cache.doc_count, dtype=np.float32)
    hit = bm25(extra, field, joined, weight, n_docs)
    docs = np.setdiff1d(hit, cache.postings(field, first)[0], assume_unique=True)
    scores[docs if at is None else at[docs]] += extra[docs]
    return docs


def scale(scores: np.ndarray, factor: np.ndarray, every: np.ndarray, all_words: float) -> None:
    """``scores *= factor + all_words × every`` (``every`` a mask), to the bit, without its
    three passes in float64 over every document: the product of two float32 is exact in
    float64, so the float32 product (rounded once) is the float64 one cast back; only the
    documents of ``every`` go through float64, as there."""
    if not (scores.dtype == factor.dtype == np.float32 and math.isfinite(all_words)):
        scores *= factor + all_words * every
        return
    boosted = np.flatnonzero(every)
    kept = scores[boosted].astype(np.float64)
    scores *= factor
    scores[boosted] = kept * (factor[boosted].astype(np.float64) + all_words)


class Plan:
    """The scores of the query's ranked leaves over every document, and what proximity
    needs later."""

    def __init__(self, leaves: list[Leaf], cache: PostingsCache, weights: Weights = DEFAULT_WEIGHTS):
        self.leaves = leaves
        self.cache = cache
        self.w = w = weights
        n = cache.doc_count
        self.scores = np.zeros(n, dtype=np.float32)
        coverage = np.zeros(n, dtype=np.float32)
        total_idf = 0.0
        self.idf: dict[str, float] = {}
        n_para = max(1, cache.live_count(CONTENT_FOLDED))
        n_title = max(1, cache.live_count(TITLE_FOLDED))
        slots, n_slots = cache.article_slots()
        title_scores = np.zeros(n_slots + 1, dtype=np.float32)  # an article's, spread below (+ one 0)
        article_coverage = np.zeros(n_slots, dtype=np.float32)
        title_coverage = np.zeros(n_slots, dtype=np.float32)

        def bm25(scores, field, term, weight, n_docs):
            return add_bm25(scores, cache, field, term, weight, n_docs, w.k1, w.b)

        def title_bm25(field, term, weight):  # (the article slots hit)
            return add_bm25(title_scores, cache, field, term, weight, n_title, w.k1, w.b, by_article=True)

        for leaf in leaves:
            content = leaf.field is None
            question = question_tokens(leaf, w.question_min_syllables)
            # a syllable's weight: w.question if every occurrence of it in the leaf is a question word
            folded_weight: dict[str, float] = {}
            exact_weight: dict[str, float] = {}
            for i, t in enumerate(leaf.tokens):
                q = w.question if i in question else 1.0
                folded_weight[t.folded] = max(folded_weight.get(t.folded, 0.0), q)
                exact_weight[t.exact] = max(exact_weight.get(t.exact, 0.0), q)
            for f, q in folded_weight.items():
                in_text = bm25(self.scores, CONTENT_FOLDED, f, q, n_para) if content else _NONE
                title_slots = title_bm25(TITLE_FOLDED, f, q * (w.title if content else 1.0))
                df = len(cache.postings(CONTENT_FOLDED if content else TITLE_FOLDED, f)[0])
                weight = q * idf(n_para if content else n_title, df)
                self.idf[f] = weight
                total_idf += weight
                # Coverage: a paragraph holds the word in its text or its article's title (counted
                # once). Kept per paragraph for the text and per article for the title, so that
                # a word costs work in proportion to its postings, not to the index.
                # (``ufunc.at`` adds as ``coverage[in_text] += weight`` does, float32 plus float32,
                # without the gather and the scatter; the articles as their slots, once each)
                weight32 = np.float32(weight)
                np.add.at(coverage, in_text, weight32)
                in_title, in_article = cache.articles(CONTENT_FOLDED if content else None, TITLE_FOLDED, f)
                if len(title_slots):
                    np.add.at(title_coverage, in_title, weight32)
                    if content:
                        np.subtract.at(coverage, cache.titled(CONTENT_FOLDED, TITLE_FOLDED, f), weight32)
                if w.article_coverage:
                    np.add.at(article_coverage, in_article, weight32)
            if leaf.accented:
                for e in leaf.exact_forms():
                    q = w.exact * exact_weight.get(e, 1.0)
                    if content:
                        bm25(self.scores, CONTENT_EXACT, e, q, n_para)
                    title_bm25(TITLE_EXACT, e, q * (w.title if content else 1.0))
                if content:
                    for word in leaf.compounds():
                        bm25(self.scores, CONTENT_WORDS, text.fold(word) + READING_SEPARATOR + word, w.words, n_para)
            for i, t in enumerate(leaf.tokens):
                if not t.variant:
                    continue
                # "covid19" where it is written joined (COVID19), not where its words score; there
                # it also holds its words for coverage
                joined = text.fold(t.variant[0])
                held = sum(self.idf.get(p.folded, 0.0) for p in leaf.tokens[i:i + t.variant[1]])
                if content:
                    docs = _only_joined(self.scores, cache, CONTENT_FOLDED, t.folded, joined, n_para, bm25)
                    coverage[docs] += held
                    article_coverage[slots[docs]] += held
                docs = _only_joined(title_scores, cache, TITLE_FOLDED, t.folded, joined, n_title, bm25,
                                    w.title if content else 1.0, at=slots)
                title_coverage[slots[docs]] += held
        # (``np.take``: what indexing with the slots gives, in two thirds of the time on vntc)
        if title_scores.any():  # each paragraph its article's (``paragraph_slots``: the others the last 0)
            self.scores += np.take(title_scores, cache.paragraph_slots())
        if total_idf > 0 and sum(len(leaf.tokens) for leaf in leaves) > 1:
            # Coverage is counted over the paragraph's article (its title, its other paragraphs:
            # a law article's clauses, a news story's lead), which holds the paragraph's own
            # words too; the bonus for every word stays with the paragraph itself.
            coverage += np.take(title_coverage, slots)
            every = coverage >= 0.999 * total_idf
            if w.article_coverage:  # the power on one value per article, then to the paragraphs
                article_coverage = np.minimum(article_coverage, total_idf)  # a word written joined may count twice
                factor = np.take((article_coverage / total_idf) ** w.coverage_power, slots)
            else:
                coverage = np.minimum(coverage, total_idf)
                factor = (coverage / total_idf) ** w.coverage_power
            scale(self.scores, factor, every, w.all_words)
        self._proximity_terms()

    def _proximity_terms(self) -> None:
        """The query's adjacent pairs and triples with the bonus each earns, once per query."""
        w, idf_of = self.w, self.idf.get
        self.folded_pairs, self.exact_pairs, self.triples = [], [], []
        folded_of: dict[tuple[str, str], tuple[str, str]] = {}
        for leaf in self.leaves:
            for a, b in _pairs(leaf, exact=False):
                self.folded_pairs.append(((a, b), w.adjacent * (idf_of(a, 0.0) + idf_of(b, 0.0)) / 2))
            toks = leaf.tokens
            for x, y, z in zip(toks, toks[1:], toks[2:]):
                if z.pos == y.pos + 1 == x.pos + 2:
                    bonus = w.trigram * sum(idf_of(t.folded, 0.0) for t in (x, y, z)) / 3
                    self.triples.append(((x.folded, y.folded, z.folded), bonus))
            if leaf.accented:
                for pair, (fa, fb) in zip(_pairs(leaf, True), _pairs(leaf, False)):
                    self.exact_pairs.append((pair, w.adjacent_exact * (idf_of(fa, 0.0) + idf_of(fb, 0.0)) / 2))
                    folded_of[pair] = (fa, fb)
        self.folded_pairs = [p for p in self.folded_pairs if p[1]]
        self.exact_pairs = [p for p in self.exact_pairs if p[1]]
        self.triples = [p for p in self.triples if p[1]]
        # each as it stands in a ``text_lines`` line (``line_needle``); one that can never be
        # found there is left out
        kept = [[(words, needle, v) for words, v in terms if (needle := line_needle(words)) is not None]
                for terms in (self.folded_pairs, self.triples, self.exact_pairs)]
        self._needles = [[(needle, v) for _, needle, v in terms] for terms in kept]
        # the folded words a paragraph must hold for each to be found there (an exact pair's
        # words folded: where " hộ tịch " is in the exact line, " ho tich " is in the folded)
        self._needs = [[words for words, _, _ in kept[0]], [words for words, _, _ in kept[1]],
                       [folded_of[words] for words, _, _ in kept[2]]]

    def proximity_bound(self) -> float:
        """The most ``proximity`` can give: every pair and triple found, summed as it sums
        them (adding more non-negative terms never lowers a float sum); infinite when a
        weight makes a bonus negative."""
        pairs, triples, exact_pairs = self._needles
        if any(v < 0 for terms in self._needles for _, v in terms):
            return math.inf
        bonus = 0.0
        if self.folded_pairs:
            bonus += sum(v for _, v in pairs)
        if self.triples:
            bonus += sum(v for _, v in triples)
        if self.exact_pairs:
            bonus += sum(v for _, v in exact_pairs)
        return bonus

    def proximity_bounds(self, docs: np.ndarray) -> np.ndarray:
        """For each of ``docs`` (paragraph docnums), the most ``proximity`` can give it: the
        bonuses of the pairs and triples whose every word the paragraph holds (its postings in
        the folded lane, which hold every word of its ``text_lines``), summed as ``proximity``
        sums the ones it finds, in the same order (over more non-negative terms, never less);
        infinite where ``proximity_bound`` is. Asked for a tier's candidates, it lets those
        that cannot enter the results go unread."""
        bound = self.proximity_bound()
        out = np.zeros(len(docs), dtype=np.float64)
        if not bound or math.isinf(bound):
            out += bound
            return out
        held: dict[str, np.ndarray] = {}

        def holds(word: str) -> np.ndarray:
            if word not in held:
                held[word] = held_by(self.cache.postings(CONTENT_FOLDED, word)[0], docs)
            return held[word]

        for needles, needs in zip(self._needles, self._needs):
            if not needles:
                continue
            group = np.zeros(len(docs), dtype=np.float64)
            for (_, v), words in zip(needles, needs):
                mask = holds(words[0])
                for word in words[1:]:
                    mask = mask & holds(word)
                group[mask] += v
            out += group
        return out

    def proximity(self, paragraph: str) -> float:
        """Bonus for the query's adjacent word pairs (and triples) found adjacent in the
        paragraph, punctuation between them ignored as in phrases."""
        if not (self.folded_pairs or self.exact_pairs or self.triples):
            return 0.0
        exact, folded = text_lines(paragraph)
        pairs, triples, exact_pairs = self._needles
        bonus = 0.0
        if self.folded_pairs:
            bonus += sum(v for needle, v in pairs if needle in folded)
        if self.triples:
            bonus += sum(v for needle, v in triples if needle in folded)
        if self.exact_pairs:
            bonus += sum(v for needle, v in exact_pairs if needle in exact)
        return bonus
