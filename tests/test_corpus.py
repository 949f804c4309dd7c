import codecs
import gzip
import json
import unicodedata

import pytest

import vnsearch
from vnsearch import CorpusError, read_corpus
from vnsearch.corpus import is_chrome, parse_txt

from .conftest import SEED_000, SEED_004, SEEDS, shared_data


def test_seed_004_portal_chrome_is_not_title_or_paragraph():
    articles = {a.id: a for a in read_corpus(str(SEEDS))}
    a = articles[SEED_004]
    assert a.title == "Hội nghị trực tuyến giao ban công tác tư pháp khu vực phía nam 9 tháng năm 2020"
    assert a.source == "Sở Tư Pháp - Kiên Giang"  # from "Cổng thông tin điện tử Sở Tư Pháp - Kiên Giang"
    for chrome in ("Tin tức - Sự kiện", "Xem với cỡ chữAA", "(08:59 | 28/09/2020)"):
        assert chrome not in a.paragraphs
    assert not any(p.startswith("Cổng thông tin") for p in a.paragraphs)
    # lines of only U+00A0 are blank, never paragraphs
    assert not any(p.strip("\u00a0 ") == "" for p in a.paragraphs)
    assert a.paragraphs[0] == "Kiên Giang, ngày 25 tháng 9 năm 2020"  # a dateline with a place stays


def test_seed_dates():
    articles = {a.id: a for a in read_corpus(str(SEEDS))}
    # "Sáng 10/7, ... 6 tháng đầu năm 2024": day and month, the year in the same sentence
    assert articles[SEED_000].date == "2024-07-10"
    # the portal's stamp "(08:59 | 28/09/2020)", not the dateline's "ngày 25 tháng 9 năm 2020"
    assert articles[SEED_004].date == "2020-09-28"
    assert "Ý kiến ()" not in articles[SEED_000].paragraphs


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


# --------------------------------------------------------------------------- formats and fields

SEED_000_TEXT = (SEEDS / f"{SEED_000}.txt").read_text(encoding="utf-8")


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows wrote it: base letters (â, ơ, đ...) precomposed,
    tone marks as combining characters after them."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        marks = "".join(c for c in parts if c in tones)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones)) + marks)
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),  # with a BOM, as VNTC's original files
        lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
        to_cp1258,
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16le-bom", "cp1258"],
)
def test_seed_000_reads_the_same_in_every_encoding(tmp_path, encode):
    (tmp_path / "a.txt").write_bytes(encode(SEED_000_TEXT))
    [article] = read_corpus(str(tmp_path))
    [expected] = read_corpus(str(SEEDS / f"{SEED_000}.txt"))
    assert (article.title, article.paragraphs, article.date) == (expected.title, expected.paragraphs, expected.date)


def test_undecodable_and_binary_files_are_skipped_with_a_warning(tmp_path):
    (tmp_path / "a.txt").write_text("Tiêu đề\nĐoạn một", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(bytes(range(256)) * 4)  # binary with NULs
    (tmp_path / "c.txt").write_bytes(b"\x81\x8a\x8d\x90 not cp1258 either")
    (tmp_path / "d.json").write_bytes(b"\x00\x01\x02garbage")
    notes, failed = [], set()
    assert [a.id for a in read_corpus(str(tmp_path), notes.append, failed)] == ["a"]
    assert any("b.txt" in n and "binary" in n for n in notes)
    assert any("c.txt" in n and "not UTF-8" in n for n in notes)
    assert failed == {"b.txt", "c.txt", "d.json"}


def test_jsonl_field_aliases(tmp_path):
    records = [
        {"id": "a", "title": "Bão số 9", "content": "Đoạn một\nĐoạn hai", "published": "2020-10-28T07:00:00Z",
         "link": "https://x.vn/a", "site": "x.vn"},
        {"id": "b", "title": "Lũ", "text": "Đoạn", "publish_date": "28/10/2020", "source": "y.vn"},
        {"id": "c", "title": "Sạt lở", "body": ["Đoạn một", "Đoạn hai"], "time": 1603843200},
        {"title": "Không có id", "body": "Đoạn", "url": "https://dantri.com.vn/xa-hoi/sat-lo-20201028.htm"},
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    got = {a.id: a for a in read_corpus(str(tmp_path))}
    assert got["a"].paragraphs == ("Đoạn một", "Đoạn hai") and got["a"].date == "2020-10-28"
    assert (got["a"].url, got["a"].source) == ("https://x.vn/a", "x.vn")
    assert (got["b"].date, got["b"].source) == ("2020-10-28", "y.vn")
    assert got["c"].paragraphs == ("Đoạn một", "Đoạn hai") and got["c"].date == "2020-10-28"
    assert got["sat-lo-20201028"].title == "Không có id"  # an id from the URL, stable across crawls


def test_json_file_with_one_article_or_a_list(tmp_path):
    (tmp_path / "one.json").write_text(json.dumps({"id": "x", "title": "T", "body": "B"}), encoding="utf-8")
    (tmp_path / "many.json").write_text(json.dumps([{"id": "y", "title": "T", "body": "B"}, 3]), encoding="utf-8")
    notes = []
    assert sorted(a.id for a in read_corpus(str(tmp_path), notes.append)) == ["x", "y"]
    assert any("many.json item 2" in n for n in notes)


def test_chrome_lines_are_not_paragraphs():
    text = "Cổng thông tin điện tử Sở Tư Pháp - Kiên Giang\nTin tức - Sự kiện\nXem với cỡ chữAA\nTiêu đề\n" \
           "Đoạn một.\nChia sẻ | In bài\nFacebook Zalo\nÝ kiến ()\nBình luận (12)\nÝ kiến của ông A là cần làm ngay."
    a = parse_txt(text, "x")
    assert a.title == "Tiêu đề"
    # a line that only starts like chrome is text
    assert a.paragraphs == ("Đoạn một.", "Ý kiến của ông A là cần làm ngay.")
    assert is_chrome("Cổng thông tin điện tử Bộ Tư pháp") and not is_chrome("Cổng thông tin điện tử của tỉnh đã được nâng cấp, " * 3)


# --------------------------------------------------------------------------- saved web pages

PAGES = SEEDS.parent / "tests" / "pages"


def test_page_with_meta_date_and_site():
    [a] = read_corpus(str(PAGES / "portal-meta-date.html"))
    assert a.title == "Đẩy mạnh đăng ký hộ tịch trực tuyến"
    assert a.date == "2024-03-05"  # <meta property="article:published_time">
    assert a.source == "Báo Pháp luật Việt Nam"
    assert a.url.startswith("https://baophapluat.vn/")
    assert len(a.paragraphs) == 3 and a.paragraphs[2].endswith("trong giai đoạn tới.")
    text = "\n".join(a.paragraphs)
    for chrome in ("Trang chủ", "Chia sẻ", "Bình luận", "Tin liên quan", "khai sinh", "Giấy phép"):
        assert chrome not in text


def test_page_with_the_date_only_in_the_text():
    [a] = read_corpus(str(PAGES / "portal-text-date.html"))
    assert a.title == "Bão số 9 đổ bộ miền Trung"
    assert a.date == "2020-10-28"  # "Thứ Tư, 28/10/2020 - 14:05" in a span
    text = "\n".join(a.paragraphs)
    assert "375.000 người" in text
    for chrome in ("Xã hội", "In bài", "Tin cùng chuyên mục", "Quảng Nam"):
        assert chrome not in text


def test_page_in_windows_1258(tmp_path):
    html = (PAGES / "portal-text-date.html").read_text(encoding="utf-8").replace("utf-8", "windows-1258")
    (tmp_path / "p.html").write_bytes(to_cp1258(html))
    [a] = read_corpus(str(tmp_path))
    assert a.title == "Bão số 9 đổ bộ miền Trung" and "sơ tán" in a.paragraphs[1]


def test_page_without_article_text_is_skipped(tmp_path):
    (tmp_path / "menu.html").write_text("<html><body><nav><a href='/'>Trang chủ</a></nav></body></html>", encoding="utf-8")
    notes = []
    assert list(read_corpus(str(tmp_path), notes.append)) == []
    assert any("menu.html" in n for n in notes)


def test_capitalised_field_names_and_escaped_surrogates(tmp_path):
    # a crawler writing "Title"/"Body", and a JSON escape of half a character pair
    line = '{"ID": "x", "Title": "Bão \\ud800 số 9", "Body": "Đoạn \\udc80 một", "Published": "2020-10-28"}'
    (tmp_path / "a.jsonl").write_text(line + "\n", encoding="utf-8")
    [a] = read_corpus(str(tmp_path))
    assert (a.id, a.title, a.paragraphs, a.date) == ("x", "Bão \ufffd số 9", ("Đoạn \ufffd một",), "2020-10-28")
    index_dir = str(tmp_path / "ix")
    vnsearch.update_index(str(tmp_path), index_dir)  # nothing downstream chokes on it
    assert vnsearch.search("bão số 9", index_dir).hits
