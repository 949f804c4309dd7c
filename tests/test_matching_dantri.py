"""Issue 11 on real news: for news queries with and without diacritics, every --sort date
result holds every word, and ``total`` equals a brute-force count over the corpus (slow)."""

import re

import pytest

import vnsearch
from vnsearch import text

from .conftest import shared_data

QUERIES = [
    "giá xăng", "học phí", "Nguyễn Xuân Phúc", "tai nạn giao thông", "bão", "bảo hiểm",
    "gia xang", "hoc phi", "tai nan giao thong", "bao", "xuat khau", "Hà Nội", "covid",
    "vaccine Covid", "thủ tướng", "ha noi",
]
# An independent tokenization (the brute force does not use the index's): letters and digits
# apart, as pyvi has them ("14,4ha" holds the word "ha", hectares)
_WORD = re.compile(r"[^\W\d_]+|\d+")


@pytest.fixture(scope="module")
def dantri(tmp_path_factory):
    corpus = str(shared_data("news", "dantri.jsonl.gz"))
    index_dir = str(tmp_path_factory.mktemp("dantri") / "ix")
    vnsearch.update_index(corpus, index_dir)
    # an article without a body is indexed with its title as its one paragraph
    paragraphs = [p for a in vnsearch.read_corpus(corpus) for p in (a.paragraphs or [a.title])]
    return index_dir, paragraphs


def holds(paragraph: str, query: str) -> bool:
    words = _WORD.findall(text.normalize(paragraph).lower())
    wanted = _WORD.findall(text.normalize(query).lower())
    if text.has_diacritics(query):
        return set(wanted) <= set(words)
    return {text.fold(w) for w in wanted} <= {text.fold(w) for w in words}


@pytest.mark.slow
@pytest.mark.parametrize("q", QUERIES)
def test_date_order_and_total_hold_every_word(dantri, q):
    index_dir, paragraphs = dantri
    results = vnsearch.search(q, index_dir, sort="date", limit=50)
    assert results.hits and all(holds(h.text, q) for h in results.hits)
    dates = [h.date for h in results.hits]
    assert dates == sorted(dates, reverse=True)
    assert results.total == sum(holds(p, q) for p in paragraphs)
