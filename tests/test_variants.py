"""Issue 13: one word however it is written (covid-19 = covid19 = covid 19, TP.HCM = TPHCM =
TP HCM, vắc xin = vắcxin)."""

import pytest

from vnsearch.segment import segment
from vnsearch.variants import joins, loanwords, word_spans


def joined(text):
    words = word_spans(segment(text))
    return [(words[i][0], words[j][0], form) for i, j, form in joins(words, text)]


@pytest.mark.parametrize(
    "text, form",
    [("covid-19", "covid19"), ("Covid 19", "covid19"), ("COVID-19", "covid19"),
     ("TP.HCM", "tphcm"), ("TP. HCM", "tphcm"), ("TP HCM", "tphcm"), ("tp hcm", "tphcm"),
     ("SARS-CoV-2", "sarscov2"), ("U.23", "u23"), ("F-16", "f16"),
     ("iPhone 12", "iphone12"),
     ("vắc xin", "vắcxin"), ("vắc-xin", "vắcxin"), ("vac xin", "vacxin"), ("xe ô tô", "ôtô")],
)
def test_a_word_written_apart_is_also_the_word_joined(text, form):
    assert [f for _, _, f in joined(text)] == [form]


def test_the_joined_run_names_its_first_and_last_word():
    assert joined("Ca mắc covid-19 mới tại TP.HCM") == [("covid", "19", "covid19"), ("TP", "HCM", "tphcm")]


@pytest.mark.parametrize(
    "text",
    # syllables are not joined (a place name with a hyphen), nor a word and a year, two
    # numbers ("2-3 ngày" is not 23), a clause number and the next sentence, long foreign words
    ["Bà Rịa-Vũng Tàu", "BN2802-2806", "for mass", "New York", "năm 2020", "năm-2020", "2-3 ngày", "ngày 10/7", "Điều 5.Người", "Samsung Galaxy",
     "hộ tịch", "vắc, xin", "COVID19"],
)
def test_what_is_not_one_word(text):
    assert joined(text) == []


def test_the_shipped_loanword_list_reads():
    table = loanwords()
    assert ("vac", "xin") in table["vac"]
    assert ("in", "to", "net") in table["in"]


def test_the_same_decision_with_and_without_diacritics():
    # a document's "nghiêng 2" and a query's "nghieng 2" must agree, or they cannot meet
    assert joined("nghiêng 2") == joined("nghieng 2") == []


def test_a_phrase_matches_a_run_written_apart_and_its_parts():
    from vnsearch.variants import find_sequence, variants_at

    text = "Ca mắc covid-19 mới tại TP. HCM"
    words = word_spans(segment(text))
    forms = [w.lower() for w, _, _ in words]
    joined = variants_at(words, text)
    assert find_sequence(forms, ["mắc", "covid19", "mới"], joined)
    assert find_sequence(forms, ["mắc", "covid", "19", "mới"], joined)
    assert find_sequence(forms, ["tại", "tphcm"], joined)
    assert not find_sequence(forms, ["mắc", "covid19", "19"], joined)
    assert not find_sequence(forms, ["covid19", "tại"], joined)


WORDS_OF_EVERY_KIND = ["covid", "19", "tp", "hcm", "năm", "2020", "iphone", "h5n1", "ubnd", "xin", "vắc", "a",
                       "5", "bn2802", "mass", "for", "x", "đ"]


@pytest.mark.parametrize("gap", [" ", "  ", "", "-", ".", ". ", "/", ", "])
def test_the_shortcut_for_a_space_decides_as_the_rules(gap):
    from vnsearch.variants import _joinable, _joinable_by_kinds

    for a in WORDS_OF_EVERY_KIND:
        for b in WORDS_OF_EVERY_KIND:
            assert _joinable(a, b, gap) == _joinable_by_kinds(a, b, gap), (a, b, gap)
