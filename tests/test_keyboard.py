"""Issue 13: Telex and VNI typed with the input method off, and the syllable grammar that
decides what a decoding may be."""

import pytest

from vnsearch.keyboard import decode, telex, vni
from vnsearch.syllable import is_syllable, parse, place_tone


@pytest.mark.parametrize(
    "word",
    ["hộ", "tịch", "đường", "quốc", "quyết", "quyền", "gì", "gìn", "giữ", "giếng", "nghiêng", "quỳnh",
     "khuyên", "tuyết", "yêu", "chó", "chòe", "choè", "hoà", "thuỷ", "khuỷu", "xoong", "vắc", "xin",
     "nguyễn", "khuya", "quý", "giá", "vàng", "ương", "oẳn", "ngoáy", "thuở"],
)
def test_real_syllables_parse(word):
    assert is_syllable(word)


@pytest.mark.parametrize(
    "word",
    ["for", "mass", "covid", "tp", "hcm", "samsung", "ge", "ci", "ngi", "tíc", "tìc", "hàt", "mảp",
     "covid19", "2020", "", "đk", "luâ"],
)
def test_foreign_words_abbreviations_and_impossible_tones_do_not(word):
    # "hàt", "mảp": a rime ending in p/t/c/ch takes only sắc or nặng
    assert not is_syllable(word)


def test_parse_names_the_parts():
    s = parse("quốc")
    assert (s.initial, s.rime, s.tone) == ("qu", "ôc", "sắc")
    s = parse("nghiêng")
    assert (s.initial, s.rime, s.tone) == ("ngh", "iêng", "")


@pytest.mark.parametrize(
    "bare, tone, expected",
    [("ho", "nặng", "họ"), ("hô", "nặng", "hộ"), ("tich", "nặng", "tịch"), ("đương", "huyền", "đường"),
     ("hoa", "huyền", "hoà"), ("thuy", "hỏi", "thuỷ"), ("qua", "hỏi", "quả"), ("gia", "sắc", "giá"),
     ("mua", "sắc", "múa"), ("mưa", "sắc", "mứa"), ("toan", "sắc", "toán"), ("khuyu", "hỏi", "khuỷu"),
     ("ngoay", "sắc", "ngoáy"), ("tiêng", "sắc", "tiếng")],
)
def test_tone_goes_on_the_main_vowel_in_the_index_style(bare, tone, expected):
    assert place_tone(bare, tone) == expected


@pytest.mark.parametrize(
    "typed, syllable",
    [("hooj", "hộ"), ("tichj", "tịch"), ("tijch", "tịch"), ("dduowngf", "đường"), ("nhw", "như"),
     ("vieejt", "việt"), ("vietej", "việt"), ("nguyeenx", "nguyễn"), ("muwa", "mưa"), ("giaf", "già"),
     ("thuowr", "thuở"), ("khoer", "khoẻ"), ("hoaf", "hoà"), ("quoocs", "quốc"), ("tieengs", "tiếng"),
     ("ddaauf", "đầu"), ("chuwowng", "chương"), ("dduwowngf", "đường"), ("thuwowng", "thương"), ("chos", "chó"), ("Vieetj", "việt"), ("hoajf", "hoà")],
)
def test_telex(typed, syllable):
    assert decode(typed)[0] == syllable
    assert telex(typed)[0] == syllable


@pytest.mark.parametrize(
    "typed, syllable",
    [("ho65", "hộ"), ("tich5", "tịch"), ("d9uong72", "đường"), ("duong972", "đường"), ("viet65", "việt"),
     ("nguyen64", "nguyễn"), ("a8n1", "ắn"), ("quo6c1", "quốc")],
)
def test_vni(typed, syllable):
    assert decode(typed)[0] == syllable
    assert vni(typed)[0] == syllable


@pytest.mark.parametrize(
    "typed",
    # plain words, English, numbers, codes; a tone key twice is the letter ("mass");
    # two VNI tones ("u23"), a mark with nothing to mark ("covid19": 9 needs an initial d)
    ["ho", "tich", "for", "mass", "covid19", "2020", "u23", "h5n1", "smartphne", "samsumg", "the", "xoong"],
)
def test_words_that_are_no_keystrokes_decode_to_nothing_new(typed):
    assert typed not in decode(typed)
    assert decode(typed) in ((), ("xông",))  # "xoong" may be Telex for xông; the index decides


def test_decodings_are_syllables():
    for typed in ["hooj", "dduowngf", "luaaj", "xoongf", "ho65", "a4", "ddi", "thee", "trangwf"]:
        assert all(is_syllable(s) for s in decode(typed))


@pytest.mark.parametrize("word, expected", [("nghieng", True), ("duong", True), ("quyet", True), ("hộ", True),
                                            ("covid", False), ("tp", False), ("samsung", False), ("ubnd", False)])
def test_could_be_a_syllable_typed_without_marks(word, expected):
    from vnsearch.syllable import could_be_syllable

    assert could_be_syllable(word) is expected
