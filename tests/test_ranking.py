"""Every ranking weight changes an order (issue 11: W_WORDS, W_ALL, W_ADJACENT, W_TRIGRAM or B
could be zeroed with every fast test passing). Each test ranks two small articles with the
default ``Weights`` and with one weight at 0 (or off), other weights that would blur the
comparison being off in both runs, and checks that the order flips."""

from dataclasses import replace

import numpy as np
import pytest

import vnsearch
from vnsearch import ArticleLanes, Weights
from vnsearch.search import article_rank

from .conftest import SEEDS, write_articles

NO_PROXIMITY = Weights(adjacent=0, adjacent_exact=0, trigram=0, pairs=0)
NO_ARTICLE = {"article_question": ArticleLanes(), "article_statement": ArticleLanes()}  # by article: off
# Other news, so that the query's words are rare (idf) as in a real index
FILLER = {f"z{i}": f"Tin {i}\nThời tiết hôm nay nắng nhẹ, chợ phiên số {i} đông người." for i in range(8)}


def order(tmp_path, articles, q, weights, **options):
    corpus = write_articles(tmp_path / "c", {**FILLER, **articles})
    index_dir = str(tmp_path / "ix")
    vnsearch.update_index(str(corpus), index_dir)
    with vnsearch.Searcher(index_dir, weights) as s:
        hits = s.search(q, limit=10, restore_accents=False, **options).hits
    return list(dict.fromkeys(h.article_id for h in hits))


def flips(tmp_path, articles, q, base, change, expected, **options):
    with_weight = order(tmp_path, articles, q, base, **options)
    without = order(tmp_path, articles, q, replace(base, **change), **options)
    assert with_weight == expected, with_weight
    assert without == expected[::-1], without


def test_exact_lane_puts_the_typed_spelling_first(tmp_path):
    # nothing holds "xyzzy": both rank as partial matches, by score
    flips(tmp_path, {"a": "A\nCơn bão mạnh đổ bộ vào đất liền chiều nay.", "b": "B\nBao gạo."},
          "bão xyzzy", NO_PROXIMITY, {"exact": 0}, ["a", "b"])


def test_words_lane_prefers_the_compound(tmp_path):
    flips(tmp_path, {"a": "A\nNgười dân đến xã đăng ký hộ tịch cho con sáng nay.",
                     "b": "B\nHộ nghèo được miễn, tịch thu hộ ở nhiều nơi trong tỉnh."},
          "hộ tịch", NO_PROXIMITY, {"words": 0}, ["a", "b"])


def test_title_lane(tmp_path):
    flips(tmp_path, {"a": "Học phí tăng\nCác trường công bố học phí mới cho năm học tới ở nhiều tỉnh thành.",
                     "b": "Tin giáo dục\nHọc phí giữ nguyên."},
          "học phí", NO_PROXIMITY, {"title": 0}, ["a", "b"])


def test_coverage_power(tmp_path):
    # partial matches: b's article also holds "dầu"; a's paragraph says "xăng" four times
    flips(tmp_path, {"a": "A\nXăng, xăng, xăng và xăng.", "b": "Dầu\nGiá xăng tăng ở nhiều nơi."},
          "xăng dầu", replace(NO_PROXIMITY, title=0), {"coverage_power": 0}, ["b", "a"])


def test_all_words_bonus_for_a_paragraph_holding_every_word(tmp_path):
    # both articles hold both words; only a's paragraph holds both
    flips(tmp_path, {"a": "A\nGiá bán lẻ mặt hàng xăng hôm nay ổn định trên cả nước.",
                     "b": "B\nGiá giá giá.\nXăng."},
          "giá xăng", replace(NO_PROXIMITY, **NO_ARTICLE), {"all_words": 0}, ["a", "b"], one_per_article=True)


def test_adjacent_pairs(tmp_path):
    flips(tmp_path, {"a": "A\nNgười dân đăng ký hộ tịch ở xã bên cạnh từ sáng sớm.",
                     "b": "B\nHộ gia đình, tịch ở nhiều nơi trong."},
          "ho tich", Weights(trigram=0), {"adjacent": 0}, ["a", "b"])


def test_a_short_list_still_reads_the_paragraph_proximity_lifts(tmp_path):
    # The first `limit` paragraphs leave out candidates whose score with every proximity bonus
    # is below the limit-th so far (issue 12's latency). b outscores a without the bonus (adjacent
    # 0: b first), a wins with it: with one or two results asked, a must still be read and first.
    corpus = write_articles(tmp_path / "c", {**FILLER, "a": "A\nNgười dân đăng ký hộ tịch ở xã bên cạnh từ sáng sớm.",
                                             "b": "B\nHộ gia đình, tịch ở nhiều nơi trong."})
    index_dir = str(tmp_path / "ix")
    vnsearch.update_index(str(corpus), index_dir)
    for weights, first in ((Weights(trigram=0), "a"), (Weights(trigram=0, adjacent=0), "b")):
        with vnsearch.Searcher(index_dir, weights) as s:
            every = s.search("ho tich", limit=10, restore_accents=False).hits
            assert every[0].article_id == first
            for limit in (1, 2):
                hits = s.search("ho tich", limit=limit, restore_accents=False).hits
                assert [(h.article_id, h.paragraph, h.score) for h in hits] == \
                    [(h.article_id, h.paragraph, h.score) for h in every[:limit]]


def _seed_queries():
    """Two- to four-word runs of the seeds' paragraphs, as typed and without diacritics."""
    from vnsearch.text import fold

    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        words = path.read_text(encoding="utf-8").split()
        for i in range(0, len(words) - 4, 37):
            q = " ".join(w.strip(".,;:()\"") for w in words[i:i + 2 + i % 3])
            out += [q, fold(q)]
    return out


def test_a_paragraphs_proximity_bound_holds_every_bonus_it_gets(seed_index):
    # Plan.proximity_bounds: what a candidate's words allow, never less than what proximity gives
    from vnsearch.search.ranking import Plan

    queries = _seed_queries()
    assert len(queries) > 40
    below, found = 0, 0
    with vnsearch.Searcher(seed_index) as s:
        stored = [(d, s._cache.stored_fields(d).get("text")) for d in range(s._cache.doc_count)]
        docs = np.array([d for d, text in stored if text is not None])  # the paragraphs
        texts = [text for _, text in stored if text is not None]
        for q in queries:
            plan = Plan(s.analyse(q, True, True, True).ranked_leaves(), s._cache, s.weights)
            bounds = plan.proximity_bounds(docs)
            for d, bound, text in zip(docs.tolist(), bounds.tolist(), texts):
                bonus = plan.proximity(text)
                assert bonus <= bound, (q, d)
                found += bonus > 0
            below += int((bounds < plan.proximity_bound()).sum())
    assert found > 100 and below > 1000  # bonuses found, and bounds that pass paragraphs over


def test_passing_over_paragraphs_by_their_bound_changes_no_result(seed_index, monkeypatch):
    from vnsearch.search import ranking

    queries = _seed_queries()

    def answers():
        read = []
        proximity = ranking.Plan.proximity
        monkeypatch.setattr(ranking.Plan, "proximity", lambda plan, text: read.append(text) or proximity(plan, text))
        with vnsearch.Searcher(seed_index) as s:
            out = [[(h.article_id, h.paragraph, h.score, h.partial) for h in s.search(q, limit=limit).hits]
                   for q in queries for limit in (1, 3, 10)]
        monkeypatch.undo()
        return out, len(read)

    skipping, read_skipping = answers()
    monkeypatch.setattr(ranking.Plan, "proximity_bounds", lambda plan, docs: np.full(len(docs), np.inf))
    every, read_every = answers()
    assert skipping == every
    assert read_skipping < 0.8 * read_every  # (paragraphs were passed over)


def test_adjacent_pairs_in_the_exact_spelling(tmp_path):
    # both hold "hộ" and "tịch" and a folded "ho tich" pair; only a has the pair as typed
    flips(tmp_path, {"a": "A\nĐăng ký hộ tịch cho trẻ em.",
                     "b": "B\nHộ tích tịch hộ ở nhiều nơi trong tỉnh năm nay và cả."},
          "hộ tịch", Weights(words=0, trigram=0), {"adjacent_exact": 0}, ["a", "b"])


def test_trigrams(tmp_path):
    # both hold the pairs "dau gia" and "gia tai"; only a holds the three in a row
    flips(tmp_path, {"a": "A\nCông ty tổ chức đấu giá tài sản công khai.",
                     "b": "B\nĐấu giá, giá tài ở nhiều nơi trong tỉnh năm."},
          "dau gia tai", Weights(words=0, adjacent_exact=0), {"trigram": 0}, ["a", "b"])


def test_question_words_weigh_less_in_long_queries(tmp_path):
    # off = 1.0, the weight of any word: the paragraph that answers "là gì" would win
    flips(tmp_path, {"a": "A\nThủ tục đăng ký kết hôn tại uỷ ban xã gồm nhiều bước cho hai người.",
                     "b": "B\nKết hôn là gì, là gì?"},
          "thủ tục kết hôn là gì", NO_PROXIMITY, {"question": 1.0}, ["a", "b"], syntax=False)


def test_bm25_length_normalisation(tmp_path):
    flips(tmp_path, {"a": "A\nBão.", "b": "B\nBão và bão, cơn bão lớn nhất năm nay đã đổ bộ vào miền Trung."},
          "bão", NO_PROXIMITY, {"b": 0}, ["a", "b"])


def test_bm25_term_frequency(tmp_path):
    # k1 0: any tf counts as 1, and b's title then outweighs a's five "bão"
    flips(tmp_path, {"a": "A\nBão, bão bão bão bão, bão bão.", "b": "Bão\nCơn bão lớn."},
          "bão", replace(NO_PROXIMITY, title=0.2), {"k1": 0}, ["a", "b"])


def test_full_matches_first_in_short_queries_by_score_in_long_ones(tmp_path):
    articles = {"a": "A\nGiá bán lẻ xăng hôm nay ổn định ở mọi nơi trên cả nước theo bộ công thương trong suốt tuần này.",
                "b": "B\nXăng, xăng, xăng, xăng."}
    bm25_only = replace(NO_PROXIMITY, coverage_power=0, all_words=0)  # b outscores a
    flips(tmp_path, articles, "giá xăng", bm25_only, {"full_first_max_words": 0}, ["a", "b"])
    hits = vnsearch.search("giá xăng", str(tmp_path / "ix"), weights=replace(bm25_only, full_first_max_words=0)).hits
    assert [h.partial for h in hits[:2]] == [True, False]  # still marked


# Whole-article evidence (issue 12): a headline's words spread over an article's paragraphs.
# a's paragraph is the best passage (every word, once); b holds the words over its paragraphs,
# more often. With the lane's weight b's whole article wins, without it a's passage.
SPREAD = {"a": "A\nGiá xăng tăng ở Hà Nội.\nTin khác.",
          "b": "B\nGiá xăng tăng.\nXăng tăng giá.\nGiá xăng tăng, giá xăng ở Hà Nội tăng.\nHà Nội: xăng."}
ACCENTED_Q = "giá xăng tăng ở Hà Nội"
PLAIN_Q = "gia xang tang o ha noi"


def _only(field, profile="article_statement", **lanes):
    """Whole-article evidence from one lane of one profile (weight 5), not scaled by length."""
    return replace(NO_PROXIMITY, **{**NO_ARTICLE, profile: ArticleLanes(**{field: 5.0}, length_power=0, **lanes)})


def _off(weights, profile, field):
    return {profile: replace(getattr(weights, profile), **{field: 0.0})}


LANES = [("folded", ACCENTED_Q), ("exact", ACCENTED_Q), ("words", ACCENTED_Q), ("words_long", ACCENTED_Q),
         ("lead", ACCENTED_Q), ("plain_folded", PLAIN_Q), ("plain_fwords", PLAIN_Q), ("plain_fwords_long", PLAIN_Q),
         ("plain_lead", PLAIN_Q)]


@pytest.mark.parametrize("field,q", LANES)
@pytest.mark.parametrize("profile", ["article_statement", "article_question"])
def test_whole_article_lanes(tmp_path, field, q, profile):
    q = q + " ?" if profile == "article_question" else q  # a question asks its own profile
    base = _only(field, profile)
    flips(tmp_path, SPREAD, q, base, _off(base, profile, field), ["b", "a"], one_per_article=True)


# The opening (issue 12, archive scale): a's first paragraph is about the query; b says it more
# often, but only in its fifth paragraph, after four short ones about something else.
OPENING = {"a": "A\nGiá xăng tăng ở Hà Nội.\nTin khác rất dài về những chuyện khác trong ngày hôm nay ở nơi khác.",
           "b": "B\nBóng đá.\nThắng.\nVui.\nBuồn.\n"
                "Giá xăng tăng ở Hà Nội, giá xăng tăng, xăng tăng giá, giá xăng Hà Nội tăng."}


@pytest.mark.parametrize("lead,q", [("lead", ACCENTED_Q), ("plain_lead", PLAIN_Q)])
def test_the_opening_lanes_read_only_the_first_paragraphs(tmp_path, monkeypatch, lead, q):
    # the lane over the first three paragraphs puts a first; the same lane over every paragraph, b
    assert order(tmp_path, OPENING, q, _only(lead), one_per_article=True)[:2] == ["a", "b"]
    monkeypatch.setattr(article_rank, "OPENING", 100)
    assert order(tmp_path, OPENING, q, _only(lead), one_per_article=True)[:2] == ["b", "a"]


def test_the_best_passage_weight(tmp_path):
    # a's paragraph is the best passage, b's whole article the best evidence: weighed 10,000
    # times, the passage puts a first; at 1, the evidence b
    base = _only("folded")
    heavy = replace(base, article_statement=replace(base.article_statement, passage=1e4))
    flips(tmp_path, SPREAD, ACCENTED_Q, heavy, {"article_statement": base.article_statement}, ["a", "b"],
          one_per_article=True)


def test_a_question_mark_chooses_the_question_profile(tmp_path):
    # the same lane weighs 5 in the statement profile and 0 in the question one
    base = _only("folded")
    assert order(tmp_path, SPREAD, ACCENTED_Q, base, one_per_article=True) == ["b", "a"]
    assert order(tmp_path, SPREAD, ACCENTED_Q + "?", base, one_per_article=True) == ["a", "b"]
    assert order(tmp_path, SPREAD, f'"{ACCENTED_Q}?"', base, one_per_article=True, syntax=False) == ["a", "b"]


def test_whole_article_evidence_grows_with_the_query(tmp_path):
    # the same evidence, weighed by (6 syllables / ref) ** power: with a large ref it vanishes
    base = replace(NO_PROXIMITY, **{**NO_ARTICLE, "article_statement": ArticleLanes(folded=5.0, length_power=1.0)},
                   article_length_ref=6.0)
    flips(tmp_path, SPREAD, ACCENTED_Q, base, {"article_length_ref": 6000.0}, ["b", "a"], one_per_article=True)


def test_query_term_frequency(tmp_path):
    # "xăng" said three times: with k3 the query leans on it, and c (xăng, often) beats
    # a (giá and tăng, often); with k3 0 each word counts once and a's two words win
    articles = {"a": "A\nGiá tăng.\nGiá tăng, giá tăng.", "c": "C\nXăng.\nXăng, xăng ở đây."}
    base = _only("folded", k3=8.0)
    flips(tmp_path, articles, "xăng giá tăng xăng xăng", base, _off(base, "article_statement", "k3"), ["c", "a"],
          one_per_article=True)


def test_whole_article_lanes_read_the_title(tmp_path):
    # A headline typed as a query finds its article (issue 12: 11 of 200 dantri articles were not in
    # the first ten for their own title). a's title holds the query, its paragraph one word; b's
    # paragraph holds three words. The paragraphs' own title lane is off, so only the article lane
    # can see a's title.
    articles = {"a": "Giá xăng tăng ở Hà Nội\nNgười dân đổ xăng từ sáng sớm.",
                "b": "B\nGiá xăng tăng.\nTin khác."}
    base = replace(_only("folded"), title=0.0)
    flips(tmp_path, articles, ACCENTED_Q, base, {"article_title": 0.0}, ["a", "b"], one_per_article=True)


def test_strong_length_normalisation_of_the_long_lanes(tmp_path):
    # b's long article says "bão" three times, a's short one once: with long_b 1 length counts
    # fully and a wins; with 0 it does not count and b's three mentions win
    articles = {"a": "A\nBão.", "b": "B\nBão và bão, cơn bão lớn nhất năm nay đã đổ bộ vào miền Trung hôm qua."}
    base = _only("words_long", long_b=1.0)
    flips(tmp_path, articles, "bão", base, _off(base, "article_statement", "long_b"), ["a", "b"], one_per_article=True)


def test_whole_article_pairs_for_long_queries(tmp_path):
    # a holds the six-syllable query as written; b holds its words more often, in another
    # order: by whole-article BM25 b leads, the query's adjacent pairs put a first
    base = replace(_only("folded"), pairs=1.0)
    flips(tmp_path, SPREAD, ACCENTED_Q, base, {"pairs": 0.0}, ["a", "b"], one_per_article=True)
    # shorter than ``pairs_min_syllables``: not read
    assert order(tmp_path, SPREAD, ACCENTED_Q, replace(base, pairs_min_syllables=7), one_per_article=True)[:2] == ["b", "a"]
