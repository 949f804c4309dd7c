import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vnsearch import text

from .conftest import dantri_texts


def nfd(s):
    return unicodedata.normalize("NFD", s)


@pytest.mark.parametrize(
    "old, new",
    [("hòa", "hoà"), ("khỏe", "khoẻ"), ("thủy", "thuỷ"), ("Ủy", "Uỷ"), ("tòa", "toà"),
     ("HÒA", "HOÀ"), ("họa", "hoạ"), ("lũy", "luỹ"), ("xòe", "xoè")],
)
def test_both_tone_styles_become_one(old, new):
    assert text.canonical_tones(old) == text.canonical_tones(new) == new


@pytest.mark.parametrize("word", ["hoàn", "thuyết", "khuyến", "toán", "quý", "quỳ", "hoặc", "khuỷu", "xoáy", "hoa", "thuy"])
def test_tone_placement_leaves_closed_and_other_syllables_alone(word):
    # a final consonant fixes the tone on the second vowel; "qu" is a consonant
    assert text.canonical_tones(word) == word


def test_canonical_tones_in_running_text():
    assert text.canonical_tones("Các tổ hòa giải, Ủy viên") == "Các tổ hoà giải, Uỷ viên"


@pytest.mark.parametrize("value", [
    "Các tổ hòa giải, Ủy viên", nfd("Hòa giải THỦY lợi"), "1.528 VBQPPL_x", "", " , ",
    # "ḹoa": l with dot below and macron; its tone moved to the a leaves "l̄", whose macron is
    # no word character: normalizing it makes two words, which the word-by-word path must see
    "ḹoa hòa", "ḹoa",
])
def test_normalized_words_are_the_words_of_the_normalized_text(value):
    import re

    assert text.normalized_words(value) == re.findall(r"\w+", text.normalize(value))
    assert text.normalized_words("ḹoa") == ["l", "oạ"]


def _every_word_canonical(value):
    """canonical_tones as it was: ``_canonical`` applied to every word of the NFC text."""
    import re

    return re.sub(r"\w+", lambda m: text._canonical(m.group()), text.nfc(value))


VIETNAMESE_LETTERS = "aăâeêioôơuưyđAĂÂEÊIOÔƠUƯYĐbhkqtxlHKQTXn" + "òóỏõọÒÓỎÕỌùúủũụÙÚỦŨỤàáảãạýỳỷỹỵ" + "ḹ"
TONES = "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"


@given(st.text(alphabet=VIETNAMESE_LETTERS + TONES + " ,.-_19", max_size=40))
def test_only_the_words_whose_tone_can_move_are_rewritten(value):
    # canonical_tones rewrites only the words _MOVABLE finds: the same text as rewriting every
    # word, whatever the letters, marks (NFD or not), case and neighbours
    assert text.canonical_tones(value) == _every_word_canonical(value)


@pytest.mark.parametrize("value", ["hòa khỏe thủy HÒA Ủy ḹoa", "hóa_hòa", "1hòa", "qúy thuỷ hoà", "hòa-hòa"])
def test_movable_words_by_hand(value):
    assert text.canonical_tones(value) == _every_word_canonical(value)


def test_nfd_input_becomes_nfc():
    assert text.normalize(nfd("hộ tịch")) == "hộ tịch"
    assert len(nfd("hộ")) > len("hộ")


def test_fold_removes_every_mark_and_maps_d_stroke():
    assert text.fold("Đấu giá tài sản") == "Dau gia tai san"
    assert text.fold("đường") == "duong"
    # two marks on one letter (ộ, ệ, ấ, ở): SQLite's remove_diacritics=1 misses these
    assert text.fold("hộ tịch ở Việt Nam") == "ho tich o Viet Nam"
    assert text.fold(nfd("hộ tịch")) == "ho tich"


def test_fold_merges_storm_protect_and_wrap():
    assert text.fold("bão") == text.fold("bảo") == text.fold("bao") == "bao"


def test_has_diacritics():
    assert text.has_diacritics("hộ tịch")
    assert text.has_diacritics("dau gia đ")
    assert not text.has_diacritics("ho tich")


def test_functions_are_idempotent_on_real_text():
    sample = "Sáng 10/7, Ủy viên hòa giải thủy lợi: 1.528 VBQPPL, 81,2%\u00a0" + nfd("khỏe")
    for f in (text.nfc, text.canonical_tones, text.normalize, text.fold):
        assert f(f(sample)) == f(sample)


def test_syllable_spans_cover_words_and_numbers():
    s = "Sáng 10/7, hộ tịch"
    assert [s[a:b] for a, b in text.syllable_spans(s)] == ["Sáng", "10", "7", "hộ", "tịch"]


@pytest.mark.slow
def test_normalized_words_on_dantri():
    import re

    texts = dantri_texts()
    for value in texts:
        assert text.normalized_words(value) == re.findall(r"\w+", text.normalize(value)), value
        assert text.canonical_tones(value) == _every_word_canonical(value), value
    assert len(texts) > 40_000
