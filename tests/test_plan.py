"""ranking.Plan's scores are those of the plan as it was written before issue 15's warm vntc
work, over every document with numpy's fancy indexing (kept here as the reference): how they
are computed may change (``ufunc.at``, arrays kept between queries, the title lanes kept by
article), never a bit of what they are."""

import gzip
import json
from dataclasses import replace

import numpy as np
import pytest

import vnsearch
from vnsearch import Weights
from vnsearch.analysis import READING_SEPARATOR
from vnsearch.schema import CONTENT_EXACT, CONTENT_FOLDED, CONTENT_WORDS, TITLE_EXACT, TITLE_FOLDED
from vnsearch.scoring import idf
from vnsearch.search.ranking import Plan, _only_joined, question_tokens, scale
from vnsearch import text

from .conftest import shared_data, write_articles


def _reference_bm25(scores, cache, field, term, weight, n_docs, k1, b):
    ids, tfs = cache.postings(field, term)
    if not len(ids) or weight == 0:
        return ids
    lengths, avg = cache.lengths(field)
    denominator = tfs + k1 * (1 - b + b * lengths[ids] / avg)
    scores[ids] += (weight * idf(n_docs, len(ids))) * tfs * (k1 + 1) / denominator
    return ids


def _reference_scores(leaves, cache, w: Weights) -> np.ndarray:
    """The plan's scores as ``Plan`` computed them before issue 15's warm vntc work: every
    lane and the coverage over every document, title scores on the article records spread to
    the paragraphs afterwards."""
    n = cache.doc_count
    scores = np.zeros(n, dtype=np.float32)
    coverage = np.zeros(n, dtype=np.float32)
    total_idf, idfs = 0.0, {}
    n_para = max(1, cache.live_count(CONTENT_FOLDED))
    n_title = max(1, cache.live_count(TITLE_FOLDED))
    title_scores = np.zeros(n, dtype=np.float32)
    slots, n_slots = cache.article_slots()
    article_coverage = np.zeros(n_slots, dtype=np.float32)
    title_coverage = np.zeros(n_slots, dtype=np.float32)

    def bm25(into, field, term, weight, n_docs):
        return _reference_bm25(into, cache, field, term, weight, n_docs, w.k1, w.b)

    for leaf in leaves:
        content = leaf.field is None
        question = question_tokens(leaf, w.question_min_syllables)
        folded_weight, exact_weight = {}, {}
        for i, t in enumerate(leaf.tokens):
            q = w.question if i in question else 1.0
            folded_weight[t.folded] = max(folded_weight.get(t.folded, 0.0), q)
            exact_weight[t.exact] = max(exact_weight.get(t.exact, 0.0), q)
        title_weight = w.title if content else 1.0
        for f, q in folded_weight.items():
            in_text = bm25(scores, CONTENT_FOLDED, f, q, n_para) if content else np.zeros(0, dtype=np.int64)
            in_title = bm25(title_scores, TITLE_FOLDED, f, q * title_weight, n_title)
            df = len(cache.postings(CONTENT_FOLDED if content else TITLE_FOLDED, f)[0])
            weight = idfs[f] = q * idf(n_para if content else n_title, df)
            total_idf += weight
            coverage[in_text] += weight
            in_article = np.zeros(n_slots, dtype=bool)
            if len(in_title):
                in_article[slots[in_title]] = True
                title_coverage[in_article] += weight
                coverage[in_text[in_article[slots[in_text]]]] -= weight
            if w.article_coverage:
                if content:
                    in_article[slots[cache.postings(CONTENT_FOLDED, f)[0]]] = True
                article_coverage[in_article] += weight
        if leaf.accented:
            for e in leaf.exact_forms():
                q = w.exact * exact_weight.get(e, 1.0)
                if content:
                    bm25(scores, CONTENT_EXACT, e, q, n_para)
                bm25(title_scores, TITLE_EXACT, e, q * title_weight, n_title)
            if content:
                for word in leaf.compounds():
                    bm25(scores, CONTENT_WORDS, text.fold(word) + READING_SEPARATOR + word, w.words, n_para)
        for i, t in enumerate(leaf.tokens):
            if t.variant:
                joined = text.fold(t.variant[0])
                held = sum(idfs.get(p.folded, 0.0) for p in leaf.tokens[i:i + t.variant[1]])
                if content:
                    docs = _only_joined(scores, cache, CONTENT_FOLDED, t.folded, joined, n_para, bm25)
                    coverage[docs] += held
                    article_coverage[slots[docs]] += held
                docs = _only_joined(title_scores, cache, TITLE_FOLDED, t.folded, joined, n_title, bm25, title_weight)
                title_coverage[slots[docs]] += held
    if title_scores.any():
        records = np.flatnonzero(title_scores)
        by_slot = np.zeros(n_slots, dtype=np.float32)
        by_slot[slots[records]] = title_scores[records]
        scores += by_slot[slots] * cache.kind_mask("p")
    if total_idf > 0 and sum(len(leaf.tokens) for leaf in leaves) > 1:
        coverage += title_coverage[slots]
        every = coverage >= 0.999 * total_idf
        coverage = np.minimum(coverage, total_idf)
        article_coverage = np.minimum(article_coverage, total_idf)
        if w.article_coverage:
            factor = ((article_coverage / total_idf) ** w.coverage_power)[slots]
        else:
            factor = (coverage / total_idf) ** w.coverage_power
        scale(scores, factor, every, w.all_words)
    return scores


QUERIES = [
    "giá vàng", "gia vang hom nay", "tai nạn giao thông", "Hà Nội", "covid19", "covid 19 Hà Nội",
    "bóng đá Việt Nam", "thời tiết", "học sinh thi tốt nghiệp", "người dân", "kinh tế",
    "làm thế nào để giảm cân nhanh nhất trong bao lâu", "ai là người đầu tiên", "xyzzy Hà Nội",
    "\"Hà Nội\" mưa", "title:Hà Nội", "giá xăng -dầu", "TP.HCM", "tphcm giá nhà",
]
WEIGHTS = [
    Weights(),
    Weights(article_coverage=False),
    Weights(all_words=0.0, coverage_power=0.0),
    Weights(question=0.7, question_min_syllables=3, k1=2.0, b=0.3),
    Weights(title=0.0, exact=0.0, words=0.0),
    Weights(title=1.7, all_words=1.0 / 3, coverage_power=1.5),
]


@pytest.fixture(scope="module")
def news_index(tmp_path_factory) -> str:
    """60 dantri articles, then 5 of them changed: two segments, the old versions deleted."""
    articles = {}
    with gzip.open(shared_data("news", "dantri.jsonl.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            article = json.loads(line)
            articles[f"d{len(articles):03d}"] = article["title"] + "\n" + article["body"]
            if len(articles) == 60:
                break
    corpus = write_articles(tmp_path_factory.mktemp("plan-corpus"), articles)
    index_dir = str(tmp_path_factory.mktemp("plan-index"))
    vnsearch.update_index(str(corpus), index_dir)
    for stem in list(articles)[::12]:
        (corpus / f"{stem}.txt").write_text(articles[stem] + "\nGiá vàng hôm nay tại Hà Nội tăng, covid19.\n",
                                            encoding="utf-8")
    vnsearch.update_index(str(corpus), index_dir)
    return index_dir


def test_plan_scores_are_the_dense_plans_to_the_bit(news_index):
    with vnsearch.Searcher(news_index) as s:
        reader, cache = s._reader, s._cache
        assert len(list(reader.leaf_readers())) == 2 and reader.has_deletions()
        scored = 0
        for w in WEIGHTS:
            for q in QUERIES * 2:  # (the second time, from what the cache kept)
                aq = s.analyse(q)
                for leaves in (aq.ranked_leaves(), aq.synonym_leaves()):
                    got = Plan(leaves, cache, w).scores
                    expected = _reference_scores(leaves, cache, w)
                    assert got.tobytes() == expected.tobytes(), (q, w)
                    scored += bool(expected.any())
        assert scored > len(WEIGHTS) * len(QUERIES)


def test_plan_scores_with_a_small_cache_are_the_same(news_index):
    # what the cache drops is asked again, never mistaken for another term's
    with vnsearch.Searcher(news_index) as s:
        small = type(s._cache)(s._reader, max_postings=50)
        for q in QUERIES:
            leaves = s.analyse(q).ranked_leaves()
            for w in WEIGHTS[:2]:
                assert Plan(leaves, small, w).scores.tobytes() == _reference_scores(leaves, s._cache, w).tobytes(), q
