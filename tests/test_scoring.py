"""scoring: BM25 over the postings, and what PostingsCache keeps between queries."""

import numpy as np

import vnsearch
from vnsearch.schema import CONTENT_EXACT, CONTENT_FOLDED
from vnsearch.scoring import add_bm25, held_by, idf, intersect_sorted, key_ranks


def _bm25_by_hand(cache, field, term, weight, n_docs, k1, b):
    """``add_bm25``'s formula with nothing kept: the lengths read again for every term."""
    ids, tfs = cache.postings(field, term)
    lengths, avg = cache.lengths(field)
    out = np.zeros(cache.doc_count, dtype=np.float32)
    out[ids] += (weight * idf(n_docs, len(ids))) * tfs * (k1 + 1) / (tfs + k1 * (1 - b + b * lengths[ids] / avg))
    return out


def test_bm25_of_a_term_asked_again_is_its_own_with_its_own_parameters(storm_index):
    # the values kept per term, weight and (k1, b): a term, a lane or parameters asked after
    # another must not get the other's
    with vnsearch.Searcher(storm_index) as s:
        cache = s._cache
        n = cache.live_count(CONTENT_FOLDED)
        asks = [(CONTENT_FOLDED, "bao", 1.2, 0.75), (CONTENT_FOLDED, "mien", 1.2, 0.75),
                (CONTENT_FOLDED, "bao", 2.0, 0.3), (CONTENT_EXACT, "bảo", 1.2, 0.75),
                (CONTENT_FOLDED, "bao", 1.2, 0.0), (CONTENT_FOLDED, "bao", 1.2, 0.75)]
        seen = set()
        for field, term, k1, b in asks * 2:
            scores = np.zeros(cache.doc_count, dtype=np.float32)
            ids = add_bm25(scores, cache, field, term, 0.7, n, k1, b)
            assert len(ids) > 0
            expected = _bm25_by_hand(cache, field, term, 0.7, n, k1, b)
            assert scores.tobytes() == expected.tobytes(), (field, term, k1, b)
            seen.add(scores.tobytes())
        assert len(seen) == 5  # (the same ask twice, the same scores; the others differ)


def test_scaling_by_coverage_is_the_float64_expression_to_the_bit():
    # ranking.scale: float32 products where no bonus is added, float64 where it is, as
    # ``scores *= factor + all_words * every`` gives
    from vnsearch.search.ranking import scale

    rng = np.random.default_rng(15)
    n = 20_000
    tiny = np.float32(1e-38)  # products in float32's subnormal range too
    scores = np.concatenate([rng.random(n), rng.random(100) * tiny, [0.0, 3e38, 1.0]]).astype(np.float32)
    factor = np.concatenate([rng.random(n), rng.random(100), [1.0, 1.0, 1e-30]]).astype(np.float32)
    scores[rng.random(len(scores)) < 0.3] = 0.0
    every = rng.random(len(scores)) < 0.2
    for all_words in (0.5, 0.0, 1.0 / 3, 2, -0.25, float("inf")):
        with np.errstate(invalid="ignore"):  # (inf × 0: nan, in both)
            expected = scores.copy()
            expected *= factor + all_words * every
            got = scores.copy()
            scale(got, factor, every, all_words)
        assert got.tobytes() == expected.tobytes(), all_words


def _two_segments_with_a_deletion(tmp_path) -> str:
    """An index of two segments: articles a and b, then c added and b changed (deleted and
    written again)."""
    from .conftest import write_articles

    corpus = write_articles(tmp_path / "c", {"a": "Bão số 9\nCơn bão mạnh.\nMưa lớn.", "b": "Giá vàng\nGiá vàng tăng."})
    index_dir = str(tmp_path / "ix")
    vnsearch.update_index(str(corpus), index_dir)
    write_articles(tmp_path / "c", {"c": "Hộ tịch\nĐăng ký hộ tịch.", "b": "Giá vàng\nGiá vàng giảm."})
    vnsearch.update_index(str(corpus), index_dir)
    return index_dir


def test_stored_fields_read_directly_are_the_readers(tmp_path):
    # PostingsCache.stored_fields skips Whoosh's wrappers: the same dicts, fields in the same
    # order, over an index of two segments with a deleted document
    from vnsearch.scoring import PostingsCache, _stored_reader

    index_dir = _two_segments_with_a_deletion(tmp_path)
    with vnsearch.Searcher(index_dir) as s:
        reader = s._reader
        assert len(list(reader.leaf_readers())) == 2 and reader.has_deletions()
        cache = PostingsCache(reader)
        for docnum in range(reader.doc_count_all()):
            got, expected = cache.stored_fields(docnum), reader.stored_fields(docnum)
            assert got == expected and list(got) == list(expected) and got is not expected
        got["text"] = "changed"  # a fresh dict: the next read is the stored one
        assert cache.stored_fields(docnum) == reader.stored_fields(docnum)
        reader.schema._dyn_fields["*_x"] = None  # a schema of dynamic fields: Whoosh's own way
        try:
            assert _stored_reader(reader) == reader.stored_fields
        finally:
            del reader.schema._dyn_fields["*_x"]


def _kind_from_postings(cache, kind):
    mask = np.zeros(cache.doc_count, dtype=bool)
    mask[cache.postings("kind", kind)[0]] = True
    return mask


def test_the_paragraphs_are_the_live_documents_that_are_not_records(tmp_path):
    # kind_mask("p") is read from the records' postings when the two kinds count every
    # document: the same mask as the paragraphs' own postings, over two segments and deletions;
    # a document of neither kind (written by Whoosh's own writer) is no paragraph either
    from whoosh.index import open_dir

    from vnsearch.schema import ARTICLE, PARAGRAPH
    from vnsearch.scoring import PostingsCache

    index_dir = _two_segments_with_a_deletion(tmp_path)
    with vnsearch.Searcher(index_dir) as s:
        assert s._reader.has_deletions()
        cache = PostingsCache(s._reader)
        assert cache._two_kinds()
        paragraphs = cache.kind_mask(PARAGRAPH)
        assert paragraphs.tolist() == _kind_from_postings(cache, PARAGRAPH).tolist()
        assert 0 < paragraphs.sum() < cache.live.sum()
        assert not (paragraphs & cache.kind_mask(ARTICLE)).any()
    with open_dir(index_dir).writer() as writer:
        writer.add_document(text="Một đoạn không thuộc loại nào.")
    with vnsearch.Searcher(index_dir) as s:
        cache = PostingsCache(s._reader)
        assert not cache._two_kinds()
        assert cache.kind_mask(PARAGRAPH).tolist() == _kind_from_postings(cache, PARAGRAPH).tolist()
        assert not cache.kind_mask(PARAGRAPH)[-1]


def test_intersect_sorted_and_held_by_are_numpys_intersect1d_and_isin():
    """Docnums held by two terms: ``np.intersect1d(assume_unique=True)``'s and ``np.isin``'s
    answers for ascending distinct arrays of any lengths, either one the shorter, empty,
    disjoint, equal, or meeting only at the first or the last value."""
    rng = np.random.default_rng(15)
    empty = np.zeros(0, dtype=np.int64)
    cases = [(empty, empty), (empty, np.arange(5)), (np.arange(5), np.arange(5)), (np.arange(5), np.arange(5, 9)),
             (np.array([0, 9]), np.arange(10)), (np.array([9]), np.arange(10)), (np.array([10]), np.arange(10)),
             (np.array([-1]), np.arange(10))]
    for n, m in ((1, 1), (3, 40), (40, 3), (200, 200), (5, 5000), (3000, 30000)):
        for top in (n + m, 10 * (n + m)):
            cases.append((np.sort(rng.choice(top, n, replace=False)), np.sort(rng.choice(top, m, replace=False))))
    for a, b in cases:
        a, b = a.astype(np.int64), b.astype(np.int64)
        assert intersect_sorted(a, b).tolist() == np.intersect1d(a, b, assume_unique=True).tolist()
        assert held_by(b, a).tolist() == np.isin(a, b).tolist()
        assert held_by(a, b).tolist() == np.isin(b, a).tolist()


def test_key_ranks_are_numpys_unique_inverse():
    """Article slots: each key's place among the distinct keys in sorted order, as
    ``np.unique(return_inverse=True)`` gives it, for keys in runs (an article's paragraphs) or
    in any order, repeated or not, at the ends of int64, and none."""
    rng = np.random.default_rng(15)
    cases = [np.zeros(0, dtype=np.int64), np.array([7], dtype=np.int64),
             np.array([np.iinfo(np.int64).max, np.iinfo(np.int64).min, 0, np.iinfo(np.int64).min], dtype=np.int64)]
    for n in (2, 5, 40, 300, 3000):
        cases.append(rng.integers(-3, 3, n))
        cases.append(rng.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, n, dtype=np.int64))
        cases.append(np.repeat(rng.integers(-2**62, 2**62, n), rng.integers(1, 9, n)))
    for keys in cases:
        expected = np.unique(keys, return_inverse=True)[1].reshape(-1).astype(np.int64)
        got = key_ranks(keys)
        assert got.dtype == np.int64 and got.tolist() == expected.tolist()


def test_kept_arrays_drop_the_least_recently_used_past_their_bound():
    from vnsearch.scoring import _Kept

    kept = _Kept(10)
    kept.put("a", "A", 4)
    kept.put("b", "B", 4)
    assert kept.get("a") == "A"  # now the most recent
    kept.put("c", "C", 4)  # 12 > 10: "b" goes
    assert (kept.get("b"), kept.get("a"), kept.get("c"), kept.held) == (None, "A", "C", 8)
    kept.put("d", "D", 50)  # alone past the bound: kept, the others dropped
    assert (kept.get("a"), kept.get("c"), kept.get("d"), kept.held) == (None, None, "D", 50)


def test_what_is_kept_by_article_is_its_definition(storm_index):
    # posting_slots, articles, titled and paragraph_slots against their plain definitions
    from vnsearch.schema import TITLE_FOLDED

    with vnsearch.Searcher(storm_index) as s:
        cache = s._cache
        slots, n_slots = cache.article_slots()
        paragraphs = cache.kind_mask("p")
        assert cache.paragraph_slots().tolist() == [int(x) if p else n_slots for x, p in zip(slots, paragraphs)]
        for term in ("bao", "mien", "trung", "bi", "xyzzy"):
            records = cache.postings(TITLE_FOLDED, term)[0]
            assert cache.posting_slots(TITLE_FOLDED, term).tolist() == slots[records].tolist()
            titled_articles = set(slots[records].tolist())
            text_articles = set(slots[cache.postings(CONTENT_FOLDED, term)[0]].tolist())
            for field, articles in ((None, titled_articles), (CONTENT_FOLDED, titled_articles | text_articles)):
                in_title, in_article = cache.articles(field, TITLE_FOLDED, term)
                assert in_title.tolist() == sorted(titled_articles), term
                assert in_article.tolist() == sorted(articles), (term, field)
            docs = cache.postings(CONTENT_FOLDED, term)[0]
            expected = [d for d in docs.tolist() if int(slots[d]) in titled_articles]
            assert cache.titled(CONTENT_FOLDED, TITLE_FOLDED, term).tolist() == expected, term
