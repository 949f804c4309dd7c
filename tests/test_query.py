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
        ("OR", ""),  # a lone operator is left out: nothing to find (the search says so)
        ("hộ OR", "hộ"),
        ("hộ AND", "hộ"),
        ("NOT", ""),
        ("title:", ""),
        ("-", "-"),
        ('""', ""),
    ],
)
def test_malformed_syntax_is_read_as_plain_words(text, words):
    assert parse(text) == Words(words)


def test_and_not_plus_and_name_fields():
    # issue 11: "xăng NOT dầu" read NOT as a word; AND and +word did not exist
    assert parse("xăng NOT dầu") == AllOf((Words("xăng"), Not(Words("dầu"))))
    assert parse("giá AND xăng") == Words("giá xăng")
    assert parse("+giá xăng") == Words("giá xăng")
    assert parse("(a OR b) AND c") == AllOf((AnyOf((Words("a"), Words("b"))), Words("c")))
    assert parse('source:"dân trí" bão') == AllOf((Phrase("dân trí", "source"), Words("bão")))
    assert parse("topic:thể-thao") == Words("thể-thao", "topic")
    assert parse("and or not") == Words("and or not")  # lower case: words


def test_only_exclusions_parse_as_exclusions():
    # "-covid" used to be read as the word covid and returned 3,676 covid paragraphs
    assert parse("-covid") == Not(Words("covid"))
    assert parse("-covid NOT bão") == AllOf((Not(Words("covid")), Not(Words("bão"))))
