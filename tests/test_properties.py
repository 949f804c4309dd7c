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
anything = st.one_of(vietnamese, st.text(max_size=60))


@given(anything)
def test_normalize_is_idempotent(s):
    assert text.normalize(text.normalize(s)) == text.normalize(s)


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
    results = vnsearch.search(s, seed_index, limit=3)
    assert results.total >= len(results.hits)


@settings(max_examples=60, deadline=None)
@given(st.one_of(anything, OPERATOR_SOUP, st.just("hộ tịch " * 1500)))
def test_cli_answers_any_query_with_0_or_1(seed_index, s):
    s = s.replace("\x00", "")  # an argument vector cannot hold NUL
    r = CliRunner().invoke(cli, ["query", "--index", seed_index, "--json", "--", s])
    assert r.exit_code in (0, 1), r.output
    assert "Traceback" not in r.output
