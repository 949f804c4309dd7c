import pytest

from vnsearch.query import AllOf, AnyOf, Not, Phrase, Words, parse


def test_plain_words_are_one_clause():
    assert parse("hộ tịch") == Words("hộ tịch")


def test_phrase_exclusion_or_and_field():
    assert parse('"đấu giá" -bão') == AllOf((Phrase("đấu giá"), Not(Words("bão"))))
    assert parse("hộ OR hoà") == AnyOf((Words("hộ"), Words("hoà")))
    assert parse("tư pháp OR hộ") == AllOf((Words("tư"), AnyOf((Words("pháp"), Words("hộ")))))
    assert parse("title:hội") == Words("hội", "title")
    assert parse('title:"hội nghị"') == Phrase("hội nghị", "title")
    assert parse("(hộ OR hoà) tịch") == AllOf((AnyOf((Words("hộ"), Words("hoà"))), Words("tịch")))


def test_hyphen_inside_a_word_is_not_an_exclusion():
    assert parse("Covid-19") == Words("Covid-19")


@pytest.mark.parametrize(
    "text, words",
    [
        ('"hộ tịch', "hộ tịch"),  # unbalanced quote
        ("(hộ tịch", "hộ tịch"),  # unbalanced parenthesis
        ("hộ tịch)", "hộ tịch"),
        ("OR", "OR"),  # lone operator
        ("hộ OR", "hộ OR"),
        ("-", "-"),
        ("-bão", "-bão"),  # only an exclusion: nothing to rank, read as words
        ('""', ""),
    ],
)
def test_malformed_syntax_is_read_as_plain_words(text, words):
    assert parse(text) == Words(words)
