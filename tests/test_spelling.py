"""Issue 13: typo tolerance from the index's lexicon, fitted to short Vietnamese syllables."""

import pytest

from vnsearch.spelling import Corrector, distance, max_distance

LEXICON = [
    ("covid", 4156), ("covit", 0), ("vinamilk", 120), ("samsung", 300), ("smartphone", 90),
    ("cho", 9000), ("choe", 3), ("chu", 800), ("sam", 40), ("samsun", 1), ("smartphones", 2),
    ("vinamit", 2), ("hoc", 5000), ("hop", 2000),
]


@pytest.fixture
def corrector():
    return Corrector.from_counts([(t, df) for t, df in LEXICON if df])


@pytest.mark.parametrize(
    "typed, expected",
    [("covit", "covid"), ("Vinamik", "vinamilk"), ("Samsumg", "samsung"), ("smartphne", "smartphone"),
     ("smatrphone", "smartphone")],  # a swap of two neighbours is one edit
)
def test_typos_of_names_find_the_name(corrector, typed, expected):
    assert corrector.correct(typed) == expected


def test_a_word_the_index_holds_is_never_corrected(corrector):
    # "chó" folds to cho, which the index holds: it does not become chòe (the Typesense complaint)
    assert corrector.correct("chó") is None
    assert corrector.correct("cho") is None
    assert corrector.correct("samsung") is None


def test_frequent_terms_are_preferred_at_the_same_distance(corrector):
    # "hoa" is one edit from hoc (5000) and hop (2000)
    found = corrector.candidates("hoa")
    assert [c.term for c in found[:2]] == ["hoc", "hop"]
    assert corrector.correct("hoa") == "hoc"


def test_nearer_beats_more_frequent(corrector):
    # vinamit is one edit from "vinamik", vinamilk one too; "vinamiik" is 1 from vinamilk, 2 from vinamit
    assert corrector.correct("vinamiik") == "vinamilk"


def test_rare_terms_are_no_corrections():
    # typos in the archive itself (df 1) do not become suggestions
    c = Corrector.from_counts([("samsun", 1), ("samsung", 5)])
    assert c.correct("samsumg") == "samsung"
    assert Corrector.from_counts([("samsun", 1)]).correct("samsumg") is None


@pytest.mark.parametrize(
    "word, limit",
    [("ho", 0), ("cho", 1), ("nghiêng", 1), ("nghieng", 1), ("covit", 1), ("vinamik", 2), ("smartphne", 2),
     ("samsumg", 2), ("chuyenmon", 2)],
)
def test_edit_budget_by_length_and_language(word, limit):
    assert max_distance(word) == limit


@pytest.mark.parametrize(
    "a, b, d",
    [("covit", "covid", 1), ("ab", "ba", 1), ("smartphne", "smartphone", 1), ("vinamik", "vinamilk", 1),
     ("kitten", "sitting", 3), ("", "abc", 3), ("abc", "abc", 0)],
)
def test_distance(a, b, d):
    assert distance(a, b, limit=3) == d


def test_distance_stops_at_the_limit():
    assert distance("kitten", "sitting", limit=1) == 2


def test_two_edits_for_long_words():
    c = Corrector.from_counts([("smartphone", 90), ("vietcombank", 13)])
    assert c.correct("smatphne") == "smartphone"  # two letters left out
    assert c.correct("vietcombnak") == "vietcombank"  # a swap
    assert c.correct("vietconbamk") == "vietcombank"  # two replacements
    assert c.candidates("smatphne", limit=1) == []
