import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vnsearch import analysis
from vnsearch.analysis import (EXACT, FOLDED, WORDS, TextToken, _token_forms, analyze, compounds, text_columns,
                               text_lines, text_tokens)
from vnsearch.segment import syllabize

from .conftest import SEEDS, dantri_texts


def texts(analyzer, value):
    return [t.text for t in analyzer(value, positions=True)]


def test_exact_lane_lowercases_and_keeps_diacritics():
    assert texts(EXACT, "HỘ TỊCH") == ["hộ", "tịch"]


def test_folded_lane_removes_diacritics_and_d_stroke():
    assert texts(FOLDED, "Đấu giá tài sản") == ["dau", "gia", "tai", "san"]


def test_words_lane_holds_pyvi_compounds():
    assert "hộ_tịch" in texts(WORDS, "kinh nghiệm thực hiện số hóa sổ hộ tịch")


def test_tone_styles_and_nfd_give_the_same_tokens():
    # seed 000 writes "hoà giải"; a user types "hòa giải", maybe as NFD
    assert texts(EXACT, "hòa giải") == texts(EXACT, "hoà giải")
    assert texts(EXACT, unicodedata.normalize("NFD", "hòa giải")) == texts(EXACT, "hoà giải")
    assert texts(EXACT, "Ủy viên") == texts(EXACT, "Uỷ viên")


def test_punctuation_takes_no_position():
    # Whoosh reuses one Token object: read attributes while iterating. "Từ Sơn (Bắc Ninh)"
    # must hold the phrase "Từ Sơn Bắc Ninh", as in Lucene, Elasticsearch and FTS5 (issue 11)
    assert [t.pos for t in EXACT("hộ, tịch", positions=True)] == [0, 1]
    assert [t.pos for t in EXACT('Từ Sơn (Bắc Ninh) "củi vụn"', positions=True)] == [0, 1, 2, 3, 4, 5]


def test_text_tokens_are_the_index_words_with_spans():
    # "1.528" is one word for pyvi and so for the index: highlighting and proximity agree
    s = "Rà soát 1.528 VBQPPL, (hoà giải)."
    words = text_tokens(s)
    assert [s[w.start:w.end] for w in words] == ["Rà", "soát", "1.528", "VBQPPL", "hoà", "giải"]
    assert [w.exact for w in words] == [t.text for t in EXACT(s)]
    assert [w.folded for w in words] == [t.text for t in FOLDED(s)]


def _tokens_by_matches(s):
    """text_tokens as it was made before issue 12's latency work: a span from each match of
    pyvi's pattern (``segment.syllabize``), not from finding the token after the previous one."""
    source = unicodedata.normalize("NFC", s)
    out = []
    for token, start, _ in syllabize(source):
        forms = _token_forms(token)
        if forms is not None:
            out.append((start, start + forms[0], forms[1], forms[2]))
    return out


def _lines_of(words):
    return " " + " ".join(w.exact for w in words) + " ", " " + " ".join(w.folded for w in words) + " "


def test_text_lines_are_the_text_tokens_forms_joined():
    # proximity reads these lines instead of the tokens (issue 12's latency): the same words,
    # pyvi's odd tokens included (a number, an abbreviation's dot, a URL, an e-mail, NFD text)
    cases = ["Rà soát 1.528 VBQPPL, (hoà giải).", "TP. HCM và TP.HCM", "Covid-19...", "U.S. đô la",
             "xem http://dantri.com.vn/a-b.htm hay hỏi ban@dantri.vn", "Ho\u0300a gia\u0309i", "...", "", "  "]
    cases += [line for path in sorted(SEEDS.iterdir()) for line in path.read_text(encoding="utf-8").splitlines()]
    cases += ["a\n\nb", "x  \t y\u00a0z", "==> ... >> -> Mr. Tp. ThS. A.B. 1,5,6 a_b", "\u2003hộ\u3000tịch"]
    for s in cases:
        words = text_tokens(s)
        assert [tuple(w) for w in words] == _tokens_by_matches(s), s
        assert text_lines(s) == _lines_of(words), s
        assert list(zip(*text_columns(s))) == [tuple(w) for w in words], s
        assert not any(" " in w.exact or " " in w.folded for w in words)
    assert text_lines("Rà soát 1.528 VBQPPL, (hoà giải).")[1] == " ra soat 1.528 vbqppl hoa giai "


@pytest.mark.slow
def test_text_lines_are_the_text_tokens_forms_joined_on_dantri():
    texts = dantri_texts()
    for s in texts:
        words = text_tokens.__wrapped__(s)
        assert [tuple(w) for w in words] == _tokens_by_matches(s), s
        assert text_lines.__wrapped__(s) == _lines_of(words), s
        _assert_lines_are_indexed(s)
    assert len(texts) > 40_000


def _assert_lines_are_indexed(s):
    exact, folded = text_lines.__wrapped__(s)
    assert set(exact.split()) <= set(texts(EXACT, s)), s
    assert set(folded.split()) <= set(texts(FOLDED, s)), s


SEED_PARAGRAPHS = [line.strip() for path in sorted(SEEDS.glob("*.txt"))
                   for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("s", ["Rà soát 1.528 VBQPPL, (hoà giải).", "TP. HCM và TP.HCM", "Covid-19, covid19 (COVID 19)",
                               "Mr. A ==> B -> C >> ...", "ban.doc@dantri.com.vn http://dantri.com.vn/a-b.htm",
                               "1,5 tỷ 10_000 ĐT-603", "Tổ hoà giải\nthôn Đông", "e\u0301 ạ ² ٣", *SEED_PARAGRAPHS])
def test_every_word_of_a_paragraphs_lines_is_in_its_lanes(s):
    # what a query's ranking relies on to pass over a candidate paragraph without reading it
    # (``Plan.proximity_bounds``): a pair found in its text_lines has both words in its postings
    _assert_lines_are_indexed(s)


def test_character_offsets_point_into_the_nfc_text():
    s = "Tổ hoà giải"
    assert [(s[t.startchar:t.endchar]) for t in EXACT(s, positions=True, chars=True)] == ["Tổ", "hoà", "giải"]


def test_analyze_records_match_the_lanes():
    tokens = analyze("Đấu giá tài sản")
    assert [t.exact for t in tokens] == ["đấu", "giá", "tài", "sản"]
    assert [t.folded for t in tokens] == ["dau", "gia", "tai", "san"]
    assert compounds(tokens) == texts(WORDS, "Đấu giá tài sản")


def test_unaccented_text_is_still_searchable_by_syllable():
    assert texts(FOLDED, "dang ky ho tich") == ["dang", "ky", "ho", "tich"]


LANE_TEXTS = [
    "Hội nghị trực tuyến giao ban công tác tư pháp khu vực phía Nam 9 tháng năm 2020",
    "Về công tác HỘ TỊCH, quốc tịch, chứng thực: 25/25 địa phương… Thành phố Hồ Chí Minh!",
    "Hoà giải hòa giải Uỷ ban Ủy ban thuỷ điện thủy điện",
    "Đấu giá tài sản đấu giá tài sản đấu giá",
    "   ",
    "... ,,, !!!",
    "COVID-19 và 3.000 ca; email a_b@x.vn",
    "covid19 và covid-19 ở TP.HCM, vắc xin",  # a joined word written joined counts, its runs do not
    "Ba\u0300o so\u0302\u0301 9 (NFD)",
]


def test_the_lane_fields_index_what_the_analyzers_produce():
    # LaneText.index skips Whoosh's token stream (issue 15): tuple for tuple what TEXT.index
    # makes of the same text through the analyzer, in every lane of the schema.
    from whoosh.fields import TEXT

    from vnsearch.schema import LaneText, build_schema

    schema = build_schema()
    lanes = [name for name in schema.names() if isinstance(schema[name], LaneText)]
    assert len(lanes) == 5
    for name in lanes:
        field = schema[name]
        for value in LANE_TEXTS:
            assert list(field.index(value)) == list(TEXT.index(field, value)), (name, value)


def test_a_schema_read_back_from_an_index_takes_the_lane_path():
    # Writers on an existing index and every parallel worker read the schema from the table of
    # contents: unpickled copies of the analyzers. They must still be recognized as lanes (the
    # fast path), not fall back to Whoosh's token streams; and another analyzer is no lane.
    import pickle

    from whoosh.analysis import StandardAnalyzer

    from vnsearch.analysis import lane_terms
    from vnsearch.schema import LaneText, build_schema

    schema = build_schema()
    copy = pickle.loads(pickle.dumps(schema))
    for name in schema.names():
        if isinstance(schema[name], LaneText):
            assert copy[name].analyzer is not schema[name].analyzer
            for value in LANE_TEXTS:
                terms = lane_terms(copy[name].analyzer, value)
                assert terms is not None and terms == lane_terms(schema[name].analyzer, value), (name, value)
    assert lane_terms(StandardAnalyzer(), "hộ tịch") is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Hộ", "tịch", "hoà", "TP.", "HCM", "TP.HCM", "Mr.", "1.528", "10_000", "a@b.vn",
                                 "http://x.vn/a", "==>", "...", ",", ".", "(", ")", "covid-19", "\n", "\t", "\xa0",
                                 " ", "  ", "Đ.", "ĐT", "x:y", "_", "ạ", "e\u0301", "²", "“", "–", "vàng."]),
                max_size=14).map("".join) | st.text(max_size=40))
def test_text_tokens_and_lines_are_pyvis_tokens_piece_by_piece(s):
    # text_tokens / text_lines are read a piece between spaces at a time (``_piece_words``,
    # remembered): the same spans and forms as pyvi's pattern over the whole text gives
    assert [tuple(w) for w in text_tokens.__wrapped__(s)] == _tokens_by_matches(s)
    assert list(zip(*text_columns(s))) == _tokens_by_matches(s)
    assert text_lines.__wrapped__(s) == _lines_of([TextToken(*w) for w in _tokens_by_matches(s)])


_LETTERS = st.text(alphabet="aăâeêioôơuưyAOUYđĐòỏõọóùủũụúhkgnqtrÒỦÚŒßİΣσǅﬁ\u0301\u0323", min_size=1, max_size=6)
_WORDS = st.sampled_from(["hòa", "HÒA", "Thủy", "khỏe", "KHOẺ", "quý", "ΟΔΟΣ", "İstanbul", "Đà"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_LETTERS | _WORDS, max_size=12))
def test_words_normalized_together_are_each_word_normalized_alone(pieces):
    # a text's new words are normalized, lowercased and folded as one string: each must come
    # out as it does alone (``_word_forms``), whatever its letters (final sigma, İ, ß...)
    words = [p for p in dict.fromkeys(unicodedata.normalize("NFC", p) for p in pieces) if p.isalpha()]
    assert analysis._words_together(words) == {w: analysis._word_forms.__wrapped__(w) for w in words}


@settings(max_examples=300, deadline=None)
@given(st.lists(_LETTERS | _WORDS | st.sampled_from(["TP.", "1.528", "(hoà", "giải).", "", "a@b.vn", "...", "e\u0301"]),
                max_size=12))
def test_the_lines_of_pieces_are_each_pieces_words_joined(pieces):
    analysis._LINES.clear()
    pieces = [unicodedata.normalize("NFC", p) for p in pieces]
    expected = [(" ".join(w[2] for w in words), " ".join(w[3] for w in words))
                for words in map(analysis._piece_words.__wrapped__, pieces)]
    assert analysis._piece_lines(pieces) == expected
    assert analysis._piece_lines(pieces) == expected  # and kept
    assert set(analysis._LINES) == set(pieces)


def test_words_whose_forms_would_not_split_back_are_made_one_at_a_time(monkeypatch):
    normalize = analysis.text.normalize
    monkeypatch.setattr(analysis.text, "normalize", lambda s: normalize(s).replace(" ", "  "))
    words = ["Hòa", "giải", "thôn", "Đông"]
    assert analysis._words_together(words) == {w: analysis._word_forms.__wrapped__(w) for w in words}


def test_the_kept_pieces_are_bounded(monkeypatch):
    monkeypatch.setattr(analysis, "_LINES_MAX", 5)
    analysis._LINES.clear()
    analysis._piece_lines(["một", "hai", "ba"])
    lines = analysis._piece_lines(["bốn", "năm", "(sáu)"])  # would pass the bound: emptied first
    assert set(analysis._LINES) == {"bốn", "năm", "(sáu)"} and lines[2] == ("sáu", "sau")
    assert text_lines.__wrapped__("một hai ba bốn") == (" một hai ba bốn ", " mot hai ba bon ")


def test_a_paragraph_read_for_proximity_is_highlighted_as_itself():
    # text_lines and text_columns share pyvi's tokens of the last paragraphs read: each
    # passage gets its own, whatever was read before, and the same twice
    a, b = "Giá vàng hôm nay tăng mạnh.", "Hộ tịch ở Kiên Giang, 1.528 hồ sơ."
    for first, second in ((a, b), (b, a), (a, a)):
        text_lines(first)
        text_columns(first)
        assert list(zip(*text_columns(second))) == [tuple(w) for w in text_tokens.__wrapped__(second)]
        assert text_lines(second) == _lines_of(text_tokens.__wrapped__(second))
