import gzip
import json

import pytest

from vnsearch import CorpusError, read_corpus
from vnsearch.corpus import parse_txt

from .conftest import SEED_004, SEEDS, shared_data


def test_seed_004_title_paragraphs_and_blank_lines():
    articles = {a.id: a for a in read_corpus(str(SEEDS))}
    a = articles[SEED_004]
    assert a.title == "Cổng thông tin điện tử Sở Tư Pháp - Kiên Giang"
    # lines of only U+00A0 are blank, never paragraphs
    assert all(p.strip() for p in a.paragraphs)
    assert not any(p.strip("\u00a0 ") == "" for p in a.paragraphs)
    assert a.paragraphs[2] == "Hội nghị trực tuyến giao ban công tác tư pháp khu vực phía nam 9 tháng năm 2020"


def test_txt_title_is_first_non_empty_line():
    a = parse_txt("\n\u00a0\nTiêu đề\n\nĐoạn một\n \u00a0 \nĐoạn hai\n", "x")
    assert (a.title, a.paragraphs) == ("Tiêu đề", ("Đoạn một", "Đoạn hai"))


def test_jsonl_and_gz(tmp_path):
    rec = {"id": "a1", "title": "Bão số 9", "body": "Đoạn một\n\nĐoạn hai", "date": "2020-10-28", "source": "dantri"}
    (tmp_path / "a.jsonl").write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    with gzip.open(tmp_path / "b.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write(json.dumps(dict(rec, id="b1")) + "\n")
    articles = {a.id: a for a in read_corpus(str(tmp_path))}
    assert set(articles) == {"a1", "b1"}
    assert articles["a1"].paragraphs == ("Đoạn một", "Đoạn hai")
    assert articles["b1"].date == "2020-10-28" and articles["b1"].source == "dantri"


def test_other_files_and_broken_lines_are_skipped_with_a_note(tmp_path):
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "a.jsonl").write_text('{"id": "ok", "title": "T", "body": "B"}\n{broken\n', encoding="utf-8")
    notes = []
    ids = [a.id for a in read_corpus(str(tmp_path), notes.append)]
    assert ids == ["ok"]
    assert any("notes.docx" in n for n in notes)
    assert any("line 2" in n for n in notes)


def test_missing_corpus_is_an_error(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        list(read_corpus(str(tmp_path / "nope")))


def test_content_hash_changes_with_the_text():
    a = parse_txt("T\nmột", "x")
    b = parse_txt("T\nmột hai", "x")
    assert a.content_hash != b.content_hash
    assert a.content_hash == parse_txt("T\nmột\n", "x").content_hash


@pytest.mark.slow
def test_dantri_reads_with_dates():
    articles = list(read_corpus(str(shared_data("news", "dantri.jsonl.gz"))))
    assert len(articles) == 2653
    assert all(a.date and a.date[:2] == "20" for a in articles)
