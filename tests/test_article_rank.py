"""Article-level evidence for --by-article ranking (issue 12)."""

import json

import numpy as np
import pytest

import vnsearch
from vnsearch.analysis import AnalysedQuery, analyze
from vnsearch.search.article_rank import ArticleStats, query_terms
from vnsearch.schema import CONTENT_FOLDED, CONTENT_WORDS
from vnsearch.search import Searcher


def test_unaccented_query_reads_compounds_the_index_knows_with_every_reading():
    readings = {"ho_tich": [("hộ_tịch", 3), ("hồ_tích", 1)]}.get
    lanes = query_terms(analyze("dang ky ho tich"), readings)
    assert lanes["fwords"] == [(["ho_tich|hộ_tịch", "ho_tich|hồ_tích"], 1)]
    assert lanes["fwords_singles"] == [(["dang"], 1), (["ky"], 1)]
    assert "words" not in lanes  # no accented lanes for a query typed without diacritics


def test_accented_query_splits_pyvi_words_from_single_syllables():
    lanes = query_terms(analyze("đăng ký hộ tịch ở xã"), lambda key: None)
    words = [g[0] for g, _ in lanes["words"]]
    assert "ho_tich|hộ_tịch" in words
    singles = [g for g, _ in lanes["words_singles"]]
    assert ["xã"] in singles and ["hộ"] not in singles


def test_a_word_repeated_in_the_query_is_counted():
    lanes = query_terms(analyze("xăng, giá xăng và xăng"), lambda key: None)
    assert (["xang"], 3) in lanes["folded"] and (["gia"], 1) in lanes["folded"]


def test_article_frequency_is_the_sum_over_its_paragraphs(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    records = [
        {"id": "two", "title": "A", "body": "Lũ lớn ở Huế.\nLũ rút chậm, lũ lại lên."},
        {"id": "one", "title": "B", "body": "Nắng nóng kéo dài.\nLũ về."},
    ]
    (corpus / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    vnsearch.update_index(str(corpus), str(tmp_path / "ix"))
    with Searcher(str(tmp_path / "ix")) as s:
        stats = ArticleStats(s._cache)
        tf = stats.tf(CONTENT_FOLDED, ["lu"])
        assert sorted(tf[tf > 0].tolist()) == [1.0, 3.0]
        scores = stats.bm25(CONTENT_FOLDED, [(["lu"], 1)])
        assert np.argmax(scores) == np.argmax(tf)


def test_the_title_counts_in_the_article(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    records = [{"id": "t", "title": "Lũ ở Huế", "body": "Lũ rút chậm."}, {"id": "u", "title": "B", "body": "Nắng."}]
    (corpus / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    vnsearch.update_index(str(corpus), str(tmp_path / "ix"))
    with Searcher(str(tmp_path / "ix")) as s:
        assert ArticleStats(s._cache).tf(CONTENT_FOLDED, ["lu"]).max() == 2.0  # title + paragraph
        assert ArticleStats(s._cache, title=0.0).tf(CONTENT_FOLDED, ["lu"]).max() == 1.0
        with_title, _ = ArticleStats(s._cache).lengths(CONTENT_FOLDED)
        without, _ = ArticleStats(s._cache, title=0.0).lengths(CONTENT_FOLDED)
        assert sorted((with_title - without)[with_title > 0].tolist()) == [1.0, 3.0]  # "B", "Lũ ở Huế"


def test_an_article_removed_leaves_no_nan(tmp_path):
    # its slot is still there with no text left; with b 1 its BM25 norm was 0, and 0 / 0 made
    # every article's lane NaN (found by the live-update test of `vnsearch serve`)
    corpus = tmp_path / "c"
    corpus.mkdir()
    for name, body in [("a", "Lũ ở Huế."), ("b", "Lũ về, lũ rút."), ("c", "Nắng.")]:
        (corpus / f"{name}.txt").write_text(f"Tin {name}\n{body}\n", encoding="utf-8")
    vnsearch.update_index(str(corpus), str(tmp_path / "ix"))
    (corpus / "b.txt").unlink()
    vnsearch.update_index(str(corpus), str(tmp_path / "ix"))
    with Searcher(str(tmp_path / "ix")) as s:
        scores = ArticleStats(s._cache).bm25(CONTENT_FOLDED, [(["lu"], 1)], k1=2.0, b=1.0)
        assert np.isfinite(scores).all() and scores.max() > 0


@pytest.mark.parametrize("query,asks", [
    ("Thủ tục đăng ký hộ tịch là gì?", True),
    ('"Vì sao giá xăng tăng?"', True),
    ("Liệt kê 7 phương thức bảo vệ quyền dân sự", True),  # alqac2022 q-456: a request
    ("Theo Bộ luật dân sự 2015, hãy mô tả nội dung năng lực pháp luật", True),  # q-466
    ("theo bo luat dan su 2015, hay mo ta noi dung nang luc phap luat", True),
    ("Điền vào chỗ trống: Kinh phí bảo vệ an ninh mạng", True),
    ("Ông Đỗ Minh Phú, Chủ tịch HĐQT TPBank, cho biết năm 2021 ngân hàng sẽ", False),  # news's "said"
    ("Giải thích rằng tiếng ồn của MacBook Pro quá lớn", False),  # dantri-lead l0566
    ("Nêu gương người tốt việc tốt", False),
    ("Hãy cùng tìm hiểu 7 lý do để bạn ăn trái cây", False),  # a headline
    ("giá xăng", False),
    ("Tàu ngầm KRI Nanggala 402 mất tích ngày 21/4", False),
])
def test_questions_and_requests_ask_for_an_answer(query, asks):
    assert AnalysedQuery(query, None).is_question is asks


def test_a_compound_in_the_title_counts_in_the_words_lane(tmp_path):
    # the words lane has no title field: "hộ tịch" in the title counts once (its syllables are there)
    corpus = tmp_path / "c"
    corpus.mkdir()
    records = [{"id": "t", "title": "Đăng ký hộ tịch", "body": "Người dân làm thủ tục hộ tịch ở xã."},
               {"id": "u", "title": "Tin khác", "body": "Hộ tịch ở phường."}]
    (corpus / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    vnsearch.update_index(str(corpus), str(tmp_path / "ix"))
    with Searcher(str(tmp_path / "ix")) as s:
        with_title = ArticleStats(s._cache).tf(CONTENT_WORDS, ["ho_tich|hộ_tịch"])
        without = ArticleStats(s._cache, title=0.0).tf(CONTENT_WORDS, ["ho_tich|hộ_tịch"])
        assert sorted(without[without > 0].tolist()) == [1.0, 1.0]
        assert sorted(with_title[with_title > 0].tolist()) == [1.0, 2.0]


def test_query_pairs_stop_at_punctuation_and_fold_for_unaccented_queries():
    from vnsearch.search.article_rank import query_pairs

    tokens = analyze("Hội nghị trực tuyến, Bộ Tư pháp")
    assert query_pairs(tokens, exact=True) == [" hội nghị ", " nghị trực ", " trực tuyến ", " bộ tư ", " tư pháp "]
    assert query_pairs(tokens, exact=False)[:2] == [" hoi nghi ", " nghi truc "]
    assert query_pairs(analyze("ho tich ho tich"), exact=False) == [" ho tich ", " tich ho ", " ho tich "]


def test_pair_evidence_counts_adjacent_pairs_saturated_by_length_and_rare_among_candidates():
    from vnsearch.analysis import text_lines
    from vnsearch.search.article_rank import pair_evidence, query_pairs

    pairs = query_pairs(analyze("sơ kết công tác tư pháp"), exact=True)
    lines = [text_lines(t)[0] for t in (
        "Hội nghị sơ kết công tác tư pháp 6 tháng.",  # every pair
        "Tác giả công bố kết quả sơ bộ về pháp luật tư nhân.",  # the same syllables, none adjacent
        "Sơ kết công tác tư pháp, sơ kết công tác tư pháp và nhiều chuyện khác nữa ở đây.",  # twice, longer
        "Tư pháp tỉnh.",  # one pair
    )]
    lengths = np.array([line.count(" ") - 1 for line in lines], dtype=float)
    got = pair_evidence(pairs, lines, lengths, float(lengths.mean()))
    assert got[1] == 0 and got[3] > 0
    assert got[0] > got[3] and got[2] > got[3]
    # a pair every candidate holds weighs less than one few hold (idf among the candidates)
    common = pair_evidence([" tư pháp "], lines, lengths, float(lengths.mean()))
    rare = pair_evidence([" sơ kết "], lines, lengths, float(lengths.mean()))
    assert common[0] < rare[0]
    assert pair_evidence([], lines, lengths, 1.0).tolist() == [0, 0, 0, 0]
