import json
import math

import pytest
from click.testing import CliRunner

from vnsearch.cli import cli
from vnsearch.evaluate import evaluate, ndcg, percentile, reciprocal_rank, recall

from .conftest import shared_data


def test_reciprocal_rank_by_hand():
    assert reciprocal_rank(["a", "b", "c"], {"c"}, 10) == 1 / 3
    assert reciprocal_rank(["a", "b", "c"], {"c"}, 2) == 0.0
    assert reciprocal_rank([], {"c"}, 10) == 0.0


def test_recall_by_hand():
    assert recall(["a", "b", "c"], {"a", "c", "z"}, 10) == 2 / 3
    assert recall(["a", "b", "c"], {"a", "c", "z"}, 1) == 1 / 3


def test_ndcg_by_hand():
    # relevant at ranks 2 and 3 of 2 relevant: (1/log2(3) + 1/log2(4)) / (1 + 1/log2(3))
    expected = (1 / math.log2(3) + 0.5) / (1 + 1 / math.log2(3))
    assert ndcg(["x", "a", "b"], {"a", "b"}, 10) == pytest.approx(expected)
    assert ndcg(["a", "b"], {"a", "b"}, 10) == pytest.approx(1.0)
    assert ndcg(["x"], {"a"}, 10) == 0.0


def test_percentile_nearest_rank():
    assert percentile([5, 1, 3, 2, 4], 50) == 3
    assert percentile(list(range(1, 101)), 95) == 95
    assert percentile([], 50) == 0.0


@pytest.fixture
def tiny_beir(tmp_path):
    d = tmp_path / "tiny"
    (d / "qrels").mkdir(parents=True)
    docs = [
        {"_id": "d1", "title": "Bão số 9", "text": "Cơn bão số 9 đổ bộ miền Trung.\nMưa lớn kéo dài."},
        {"_id": "d2", "title": "Bảo vệ rừng", "text": "Người dân bảo vệ rừng đầu nguồn."},
        {"_id": "d3", "title": "Hộ tịch", "text": "Đăng ký hộ tịch trực tuyến."},
    ]
    (d / "corpus.jsonl").write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in docs), encoding="utf-8")
    queries = [{"_id": "q1", "text": "cơn bão đổ bộ"}, {"_id": "q2", "text": "bảo vệ rừng"}, {"_id": "q3", "text": "xyzzy"}]
    (d / "queries.jsonl").write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in queries), encoding="utf-8")
    (d / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq3\td3\t1\n")
    return d


def test_evaluate_tiny_collection(tiny_beir, tmp_path):
    report = evaluate(str(tiny_beir), cache_dir=str(tmp_path / "cache"))
    # q1 and q2 find their document first; q3 finds nothing
    assert report.queries == 3 and report.no_hit == 1
    assert report.mrr == pytest.approx(2 / 3)
    assert report.recall == pytest.approx(2 / 3)


def test_eval_command_json_keys_follow_k(tiny_beir, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    r = CliRunner().invoke(cli, ["eval", str(tiny_beir), "--k", "5", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert set(d) == {"mrr@5", "recall@5", "ndcg@5", "queries", "no_hit", "latency_ms_p50", "latency_ms_p95"}


def test_eval_missing_folder_is_exit_2(tmp_path):
    r = CliRunner().invoke(cli, ["eval", str(tmp_path / "nope")])
    assert r.exit_code == 2 and "not found" in r.stderr


@pytest.mark.slow
def test_alqac_relevance_with_and_without_diacritics(tmp_path):
    d = shared_data("beir", "alqac2022")
    accented = evaluate(str(d), cache_dir=str(tmp_path))
    unaccented = evaluate(str(d), queries_path=str(d / "queries-noaccent.jsonl"), cache_dir=str(tmp_path))
    swapped = evaluate(str(d), queries_path=str(d / "queries-toneswap.jsonl"), cache_dir=str(tmp_path))
    # issue 3's targets, above every plain BM25 setup it measured (best: 0.900 / 0.865)
    assert accented.mrr >= 0.92 and unaccented.mrr >= 0.90
    assert unaccented.mrr >= 0.97 * accented.mrr  # at most 3% lost without diacritics
    assert swapped.mrr == pytest.approx(accented.mrr)  # the other tone style loses nothing


@pytest.mark.slow
def test_viquad_relevance_with_and_without_diacritics(tmp_path):
    d = shared_data("beir", "viquad")
    accented = evaluate(str(d), cache_dir=str(tmp_path))
    unaccented = evaluate(str(d), queries_path=str(d / "queries-noaccent.jsonl"), cache_dir=str(tmp_path))
    assert accented.mrr >= 0.83 and unaccented.mrr >= 0.80  # issue 3's targets
    assert unaccented.mrr >= 0.97 * accented.mrr
