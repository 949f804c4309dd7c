import json
import unicodedata

import pytest

import vnsearch
from vnsearch.search import Filters, make_snippet

from .conftest import SEED_000, SEED_004, write_articles


def hits(index_dir, q, limit=20):
    return [(h.article_id, h.paragraph) for h in vnsearch.search(q, index_dir, limit=limit).hits]


def paragraph_with(index_dir, q, needle):
    return [h for h in vnsearch.search(q, index_dir, limit=50).hits if needle in h.text]


@pytest.mark.parametrize("q", ["hộ tịch", "ho tich", "HỘ TỊCH", unicodedata.normalize("NFD", "hộ tịch")])
def test_ho_tich_in_every_form_finds_both_seeds(seed_index, q):
    found = hits(seed_index, q)
    assert (SEED_004, 5) in found and (SEED_004, 6) in found  # seed 004's paragraphs on hộ tịch
    assert paragraph_with(seed_index, q, "số hóa sổ hộ tịch")  # seed 000's paragraph
    assert found[0][0] == SEED_004  # the paragraphs that are about it come first


@pytest.mark.parametrize("q", ["hòa giải", "hoa giai", "hoà giải"])
def test_hoa_giai_finds_the_hoa_style_paragraph(seed_index, q):
    top = vnsearch.search(q, seed_index).hits[0]
    assert top.article_id == SEED_000 and "hoà giải" in top.text


def test_uy_vien_finds_Uy_vien(seed_index):
    top = vnsearch.search("Uỷ viên", seed_index).hits[0]
    assert top.article_id == SEED_000 and "Ủy viên" in top.text


def test_unaccented_query_finds_d_stroke(seed_index):
    assert paragraph_with(seed_index, "dau gia tai san", "đấu giá tài sản")


def test_storm_protect_wrap(storm_index):
    assert hits(storm_index, "bão")[0][0] == "storm"
    assert hits(storm_index, "bảo vệ")[0][0] == "protect"
    assert {"storm", "protect", "wrap"} <= {a for a, _ in hits(storm_index, "bao")}


def test_adjacent_words_rank_above_scattered_and_all_above_some(tmp_path):
    corpus = write_articles(
        tmp_path / "c",
        {
            "adjacent": "A\nNgười dân đi đăng ký hộ tịch tại xã.",
            "scattered": "B\nHộ gia đình đăng ký tạm trú, còn quốc tịch thì chưa.",
            "some": "C\nHộ kinh doanh hộ cá thể hộ nông dân hộ nghèo.",
        },
    )
    index_dir = str(tmp_path / "ix")
    vnsearch.update_index(str(corpus), index_dir)
    order = [a for a, _ in hits(index_dir, "hộ tịch")]
    assert order == ["adjacent", "scattered", "some"]
    assert [a for a, _ in hits(index_dir, "ho tich")] == ["adjacent", "scattered", "some"]


def test_phrase_exclusion_or_and_title(seed_index):
    assert all("hộ tịch" in h.text.lower() for h in vnsearch.search('"hộ tịch"', seed_index).hits)
    assert not any("Hồ" in h.text for h in vnsearch.search('"ho tich" -hồ', seed_index).hits)
    either = {a for a, _ in hits(seed_index, "Lạng OR Kiên")}
    assert either == {SEED_000, SEED_004}
    assert {a for a, _ in hits(seed_index, "title:ban")} == {SEED_004}  # "... giao ban công tác ..."
    assert {a for a, _ in hits(seed_index, 'title:"toàn quốc"')} == {SEED_000}


def test_malformed_queries_still_answer(seed_index):
    for q in ['"hộ tịch', "(hộ tịch", "hộ OR", "hộ AND"]:
        vnsearch.search(q, seed_index)  # no exception
    assert hits(seed_index, '"hộ tịch')


@pytest.mark.parametrize("q", ["", "   ", "OR", "-", "title:", "AND NOT", "-covid", "-hồ -bão", "NOT hồ", ",;"])
def test_a_query_with_nothing_to_find_is_a_query_error(seed_index, q):
    # issue 11: "-covid" returned 3,676 covid paragraphs; an empty query said "nothing found"
    with pytest.raises(vnsearch.QueryError, match="nothing to find"):
        vnsearch.search(q, seed_index)


def test_nothing_found(seed_index):
    assert vnsearch.search("xyzzy", seed_index).hits == []


def test_snippet_marks_accented_text_for_unaccented_query(seed_index):
    h = paragraph_with(seed_index, "so hoa so ho tich", "số hóa sổ hộ tịch")[0]
    assert "**số hóa sổ hộ tịch**" in h.snippet  # the accented original, one run


def test_snippet_window_and_exact_preference():
    para = "x " * 300 + "Người dân đăng ký hộ tịch, không phải hồ sơ." + " y" * 300
    marked, plain, spans = make_snippet(para, {"hộ", "tịch"}, {"ho", "tich"})
    assert "**hộ tịch**" in marked and "**hồ**" not in marked
    assert plain.startswith("…") and plain.endswith("…") and len(plain) <= 245
    assert [plain[s:e] for s, e in spans] == ["hộ tịch"]
    marked, _, _ = make_snippet(para, set(), {"ho", "tich"})
    assert "**hồ**" in marked  # unaccented query: every reading is a match


def _spans_word_by_word(paragraph, exact, folded, loose):
    """``matched_spans`` written word by word: every word's span and forms from ``text_tokens``,
    marked one by one, runs that are one word as it marks them, adjacent marks merged."""
    from vnsearch import text
    from vnsearch.analysis import text_tokens, text_variants
    from vnsearch.syllable import could_be_syllable

    words = text_tokens(paragraph)
    has_exact = any(w.exact in exact for w in words)
    marked = [w.folded in loose or (w.exact in exact if has_exact else w.folded in folded) for w in words]
    if any(not could_be_syllable(f) for f in (*loose, *folded)):
        for i, (form, width) in text_variants(paragraph).items():
            if text.fold(form) in loose or (form in exact if has_exact else text.fold(form) in folded):
                marked[i:i + width] = [True] * width
    merged = []
    for w, m in zip(words, marked):
        if m and merged and paragraph[merged[-1][1]:w.start].isspace():
            merged[-1] = (merged[-1][0], w.end)
        elif m:
            merged.append((w.start, w.end))
    return merged


def test_matched_spans_are_the_words_marked_one_by_one():
    from vnsearch.analysis import analyze_query
    from vnsearch.query import parse
    from vnsearch.search.highlight import highlight_forms, matched_spans

    from .conftest import SEEDS

    paragraphs = [line for path in sorted(SEEDS.glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines()]
    paragraphs += ["Ca mắc COVID-19, covid19 và Covid 19 ở TP.HCM (TP. HCM) tăng.", "", "...", "Hộ  tịch\xa0hộ tịch."]
    queries = ["hộ tịch", "ho tich", "hoà giải", "hoa giai", "covid19", "tphcm", "1.528 VBQPPL", "thành phố", "Việt Nam"]
    marked = 0
    for q in queries:
        forms = highlight_forms(analyze_query(parse(q)).leaves())
        for p in paragraphs:
            got = matched_spans(p, *forms)
            assert got == _spans_word_by_word(p, *forms), (q, p)
            marked += len(got)
    assert marked > 50


def test_json_shape(seed_index):
    d = vnsearch.search("hộ tịch", seed_index, limit=2).to_dict()
    assert set(d) == {"query", "total", "total_unit", "partial", "results"}
    assert (d["total_unit"], d["partial"]) == ("paragraphs", False)
    assert set(d["results"][0]) == {"article_id", "title", "paragraph", "text", "snippet", "score", "date", "source",
                                    "url", "partial"}
    assert d["total"] >= len(d["results"]) == 2


@pytest.mark.parametrize("q", ['"hộ tịch"', '"ho tich"', '"1.528 VBQPPL"', '"tư pháp" -"hộ tịch"', 'title:"hội nghị"', '"Bộ Tư pháp"'])
def test_phrase_check_on_text_agrees_with_the_positions(seed_index, monkeypatch, q):
    from vnsearch.search import matching

    on_text = hits(seed_index, q, limit=100)
    monkeypatch.setattr(matching, "PHRASE_POSITIONS_MIN", 0)  # always on the indexed positions
    monkeypatch.setattr(matching, "PHRASE_VERIFY_MAX", 0)  # (an exact phrase too)
    assert hits(seed_index, q, limit=100) == on_text and on_text


# --------------------------------------------------------------------------- filters and order


@pytest.fixture(scope="module")
def dated_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("dated")
    corpus = root / "corpus"
    corpus.mkdir()
    records = [
        {"id": "old", "title": "Hộ tịch năm 2019", "body": "Đăng ký hộ tịch tại xã.", "date": "2019-12-31", "source": "dantri.com.vn"},
        {"id": "mid", "title": "Hộ tịch năm 2020", "body": "Đăng ký hộ tịch trực tuyến.\nHộ tịch và hộ tịch nữa, hộ tịch.", "date": "2020-06-01", "source": "Tuổi Trẻ"},
        {"id": "new", "title": "Hộ tịch 2021", "body": "Số hoá hộ tịch.", "date": "2021-01-01", "source": "dantri.com.vn"},
        {"id": "undated", "title": "Hộ tịch không ngày", "body": "Hộ tịch.", "source": "VnExpress"},
    ]
    (corpus / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    index_dir = str(root / "ix")
    vnsearch.update_index(str(corpus), index_dir)
    return index_dir


def articles(index_dir, q="hộ tịch", **options):
    return [h.article_id for h in vnsearch.search(q, index_dir, limit=20, one_per_article=True, **options).hits]


@pytest.mark.parametrize(
    "since, until, expected",
    [
        ("2020", None, {"mid", "new"}),
        (None, "2020", {"old", "mid"}),
        ("2020-06-01", "2020-06-01", {"mid"}),  # both ends inclusive
        ("2021-01-02", None, set()),
        ("1/1/2021", "2021", {"new"}),
    ],
)
def test_date_range(dated_index, since, until, expected):
    assert set(articles(dated_index, filters=Filters.parse(since, until))) == expected


def test_source_filter_ignores_case_and_diacritics(dated_index):
    assert set(articles(dated_index, filters=Filters.parse(source="dantri"))) == {"old", "new"}
    assert articles(dated_index, filters=Filters.parse(source="tuoi tre")) == ["mid"]
    assert articles(dated_index, filters=Filters.parse(source="nowhere")) == []


def test_sort_by_date_newest_first_undated_last(dated_index):
    assert articles(dated_index, sort="date") == ["new", "mid", "old", "undated"]
    relevance = articles(dated_index)
    assert relevance[0] == "mid" and relevance != ["new", "mid", "old", "undated"]


def test_filters_combine_with_query_syntax(dated_index):
    # exclusions act on paragraphs: "Số hoá hộ tịch." goes, the 2019 article is out of range
    assert articles(dated_index, "hộ tịch -hoá", filters=Filters.parse(since="2020")) == ["mid"]


def test_by_article_keeps_the_next_best_paragraphs(dated_index):
    [hit] = vnsearch.search("hộ tịch", dated_index, one_per_article=True, passages=3,
                            filters=Filters.parse(source="Tuổi Trẻ")).hits
    assert hit.paragraph == 2  # "Hộ tịch và hộ tịch nữa, hộ tịch." beats paragraph 1
    assert [p.paragraph for p in hit.also] == [1]
    assert hit.to_dict()["also"][0]["snippet"].startswith("Đăng ký **hộ tịch**")


@pytest.mark.parametrize("bad", [{"since": "hôm qua"}, {"until": "2021-13"}])
def test_bad_dates_are_query_errors(bad):
    with pytest.raises(vnsearch.QueryError, match="write it as"):
        Filters.parse(**bad)


def test_unknown_sort_is_a_query_error(dated_index):
    with pytest.raises(vnsearch.QueryError):
        vnsearch.search("hộ tịch", dated_index, sort="newest")


def test_a_paragraph_counts_the_query_words_its_article_holds_elsewhere(tmp_path):
    corpus = write_articles(tmp_path / "c", {
        "a-other": "Điều 2\nTiền lương được trả đủ.\nCông việc khác.",  # indexed first: wins ties
        "b-overtime": "Điều 1\nThời giờ làm thêm được tính theo quy định.\nTiền lương được trả đủ.",
    })
    index_dir = str(tmp_path / "ix")
    vnsearch.update_index(str(corpus), index_dir)

    def same_text_order(weights=vnsearch.Weights()):
        hits = vnsearch.search("tiền lương làm thêm", index_dir, weights=weights).hits
        return [h.article_id for h in hits if h.text == "Tiền lương được trả đủ."]

    # the same paragraph in both articles; the one about overtime holds "làm thêm" elsewhere
    assert same_text_order() == ["b-overtime", "a-other"]
    # without it: a tie
    assert same_text_order(vnsearch.Weights(article_coverage=False)) == ["a-other", "b-overtime"]


def test_a_hit_carries_its_own_article_record_even_when_two_ids_share_a_slot(seed_index):
    # hits find their article's record through its slot (a 63-bit hash of the id); were two
    # ids ever to share one, the record read must still be the hit's own (issue 12's latency)
    import numpy as np

    with vnsearch.Searcher(seed_index) as s:
        hits = s.search("hộ tịch", limit=5).hits
        expected = [(h.article_id, h.title, h.date, h.source) for h in hits]
        assert {SEED_000, SEED_004} <= {h.article_id for h in hits}
        assert all(title for _, title, _, _ in expected)
        s._records = np.roll(s._records, 1)  # every slot now names another article's record
        assert [(h.article_id, h.title, h.date, h.source) for h in s.search("hộ tịch", limit=5).hits] == expected


def test_a_query_after_an_added_article_sees_its_text_and_title(seed_corpus, tmp_path):
    # what a Searcher keeps (records by slot, the proximity lines of paragraphs) belongs to the
    # index generation it opened: the server opens a new one after `vnsearch add`
    index_dir = str(tmp_path / "ix")
    vnsearch.update_index(str(seed_corpus), index_dir)
    with vnsearch.Searcher(index_dir) as before:
        assert before.search("hộ tịch").hits
        assert before.search("ngựa vằn").total == 0
    page = write_articles(tmp_path / "new", {"ngua-van": "Ngựa vằn ở thảo cầm viên\nĐàn ngựa vằn mới về thảo cầm viên hộ tịch."})
    vnsearch.add_articles([str(page / "ngua-van.txt")], str(seed_corpus), index_dir)
    with vnsearch.Searcher(index_dir) as after:
        found = after.search("ngựa vằn")
        assert found.total == 1
        assert (found.hits[0].article_id, found.hits[0].title) == ("ngua-van", "Ngựa vằn ở thảo cầm viên")
        assert "ngua-van" in {h.article_id for h in after.search("hộ tịch", limit=20).hits}


def test_opening_an_index_collects_less_often_unless_the_application_chose(storm_index):
    import gc

    from vnsearch.search.searcher import GC_YOUNG_THRESHOLD

    saved = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)  # Python's default
        vnsearch.Searcher(storm_index).close()
        assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, 10, 10)
        gc.set_threshold(1234, 5, 7)  # the application's own
        vnsearch.Searcher(storm_index).close()
        assert gc.get_threshold() == (1234, 5, 7)
    finally:
        gc.set_threshold(*saved)
