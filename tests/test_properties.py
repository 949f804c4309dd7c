"""Property-based tests: the text chain and arbitrary query input."""

import unicodedata

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import vnsearch
from vnsearch import query as qs
from vnsearch import text
from vnsearch.cli import cli

TONES = "\u0300\u0301\u0303\u0309\u0323"
ONSETS = ["", "h", "kh", "th", "t", "l", "x", "ng", "Ng", "H", "TH", "q"]
PAIRS = ["oa", "oe", "uy", "OA", "Uy"]

# Vietnamese-heavy text: letters with every mark, NBSP, punctuation, and anything else.
vietnamese = st.text(
    alphabet=st.sampled_from(list("aăâeêioôơuưyđAĐ hòàáảãạoẻuỷỳýỹỵ,.\u00a0\n\"()-:" + TONES + "0123456789")),
    max_size=60,
)
# every code point, lone surrogates (as Python escapes undecodable command-line bytes) included
any_code_point = st.text(alphabet=st.characters(blacklist_categories=()), max_size=60)
anything = st.one_of(vietnamese, st.text(max_size=60), any_code_point)


@given(anything)
def test_normalize_is_idempotent(s):
    assert text.normalize(text.normalize(s)) == text.normalize(s)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_folds_to_itself(s):
    """``fold`` returns ASCII text as it is; the general path (``_fold``) agrees."""
    assert text._fold(s) == s == text.fold(s)


@given(anything)
def test_fold_is_idempotent_and_leaves_no_marks(s):
    folded = text.fold(s)
    assert text.fold(folded) == folded
    assert not any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", folded) if c in TONES)
    assert "đ" not in folded and "Đ" not in folded


@given(st.sampled_from(ONSETS), st.sampled_from(PAIRS), st.sampled_from(TONES))
def test_both_tone_styles_of_every_open_oa_oe_uy_syllable_meet(onset, pair, tone):
    old = unicodedata.normalize("NFC", onset + pair[0] + tone + pair[1])  # hòa
    new = unicodedata.normalize("NFC", onset + pair + tone)  # hoà
    assert text.canonical_tones(old) == text.canonical_tones(new) == new


@given(anything)
def test_nfd_and_nfc_input_normalize_alike(s):
    assert text.normalize(unicodedata.normalize("NFD", s)) == text.normalize(unicodedata.normalize("NFC", s))


@given(anything)
def test_query_parser_never_fails(s):
    assert qs.parse(s) is not None


OPERATOR_SOUP = st.lists(
    st.sampled_from(['"', "(", ")", "-", "OR", "title:", "hộ", "tịch", "bão", " ", "ho", "\x00", "\u200b"]),
    max_size=25,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.one_of(anything, OPERATOR_SOUP))
def test_library_search_accepts_any_text(seed_index, s):
    try:
        results = vnsearch.search(s, seed_index, limit=3)
    except vnsearch.QueryError as e:  # nothing to find: empty, only operators or exclusions
        assert "nothing to find" in str(e)
        return
    assert results.total >= len([h for h in results.hits if not h.partial])


@settings(max_examples=60, deadline=None)
@given(st.one_of(anything, OPERATOR_SOUP, st.just("hộ tịch " * 1500)))
def test_cli_answers_any_query_with_0_1_or_usage_2(seed_index, s):
    s = s.replace("\x00", "")  # an argument vector cannot hold NUL
    r = CliRunner().invoke(cli, ["query", "--index", seed_index, "--json", "--", s])
    assert r.exit_code in (0, 1) or r.exit_code == 2 and "nothing to find" in r.output, r.output
    assert "Traceback" not in r.output


DATE_TEXT = st.one_of(st.none(), anything, st.from_regex(r"\A[0-9/\-.]{0,12}\Z"))
SORT = st.sampled_from(["relevance", "date", "newest", ""])


@settings(max_examples=150, deadline=None)
@given(st.one_of(anything, OPERATOR_SOUP), DATE_TEXT, DATE_TEXT, st.one_of(st.none(), anything), SORT, st.booleans())
def test_library_raises_only_its_own_errors(seed_index, s, since, until, source, sort, by_article):
    """Whatever a caller passes as text, the library answers or raises a VnsearchError."""
    try:
        filters = vnsearch.Filters.parse(since, until, source)
        vnsearch.search(s, seed_index, limit=3, filters=filters, sort=sort,
                        one_per_article=by_article, passages=3 if by_article else 1)
    except vnsearch.VnsearchError as e:
        assert str(e)  # a message for people


@settings(max_examples=40, deadline=None)
@given(anything, st.sampled_from(["--since", "--until", "--source"]), st.sampled_from(["", "--by-article"]))
def test_cli_options_take_any_text_without_a_traceback(seed_index, value, option, flag):
    value = value.replace("\x00", "")
    args = ["query", "--index", seed_index, option, value] + ([flag] if flag else []) + ["--", "hội nghị"]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code in (0, 1, 2), r.output
    assert "Traceback" not in r.output and r.exception is None or isinstance(r.exception, SystemExit)


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_read_as_an_article_or_a_note(tmp_path_factory, raw):
    folder = tmp_path_factory.mktemp("bytes")
    for name in ("a.txt", "a.html", "a.json", "a.jsonl"):
        (folder / name).write_bytes(raw)
    notes = []
    for article in vnsearch.read_corpus(str(folder), notes.append):
        assert isinstance(article.title, str)


def test_lone_surrogates_from_the_command_line(seed_index):
    """`vnsearch query $'h\\xff t\\xe1\\xbb\\x8bch'`: Python hands the undecodable byte over as
    U+DCFF; it used to crash the CRF tagger."""
    for q in ["h\udcff\udcfe tịch", "hộ tịch \udcc3"]:
        for extra in ([], ["--json"]):
            r = CliRunner().invoke(cli, ["query", "--index", seed_index, *extra, "--", q])
            assert r.exit_code in (0, 1) and "error" not in r.output, r.output
    r = CliRunner().invoke(cli, ["query", "--index", seed_index, "--", "\ud800"])  # no word in it
    assert r.exit_code == 2 and "nothing to find" in r.output
    assert vnsearch.search("hộ tịch \udcc3", seed_index).hits
