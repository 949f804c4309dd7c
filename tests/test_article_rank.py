"""Article-level evidence for --by-article ranking (issue 12)."""

import json

import numpy as np

import vnsearch
from vnsearch.analysis import analyze
from vnsearch.search.article_rank import ArticleStats, query_terms
from vnsearch.schema import CONTENT_FOLDED
from vnsearch.search import Searcher


def test_unaccented_query_reads_compounds_the_index_knows_with_every_reading():
    readings = {"ho_tich": [("hộ_tịch", 3), ("hồ_tích", 1)]}.get
    lanes = query_terms(analyze("dang ky ho tich"), readings)
    assert lanes["fwords"] == [["ho_tich|hộ_tịch", "ho_tich|hồ_tích"]]
    assert lanes["fwords_singles"] == [["dang"], ["ky"]]
    assert "words" not in lanes  # no accented lanes for a query typed without diacritics


def test_accented_query_splits_pyvi_words_from_single_syllables():
    lanes = query_terms(analyze("đăng ký hộ tịch ở xã"), lambda key: None)
    words = [g[0] for g in lanes["words"]]
    assert "ho_tich|hộ_tịch" in words
    assert ["xã"] in lanes["words_singles"] and ["hộ"] not in lanes["words_singles"]


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
        scores = stats.bm25(CONTENT_FOLDED, [["lu"]])
        assert np.argmax(scores) == np.argmax(tf)
