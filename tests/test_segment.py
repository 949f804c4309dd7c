import gzip
import json
import subprocess
import sys
import unicodedata

import numpy as np
import pytest

from vnsearch import batchtag, segment
from vnsearch.text import normalize

from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import SEEDS, dantri_texts, shared_data


def test_words_are_joined_like_pyvi():
    out = segment.tokenize("Hội nghị trực tuyến về văn bản quy phạm pháp luật")
    assert "Hội_nghị" in out.split() and "trực_tuyến" in out.split()
    assert "quy_phạm_pháp_luật" in out.split()


def test_pieces_carry_offsets_into_the_text():
    s = "Sổ hộ tịch, 1.528 VBQPPL"
    pieces = segment.segment(s)
    assert [s[p.start:p.end] for p in pieces] == [p.text for p in pieces]
    assert "1.528" in [p.text for p in pieces]  # a Vietnamese thousands separator stays one number


def test_never_joins_across_punctuation_or_digits():
    words = segment.tokenize("Sáng 10/7 tại Hà Nội.").split()
    assert "10" in words and "7" in words and "/" in words


def test_query_path_does_not_import_scikit_learn():
    code = (
        "import sys; from vnsearch import segment; segment.tokenize('hộ tịch');"
        "print(any(m.startswith(('sklearn', 'sklearn_crfsuite')) for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _pyvi_tokenize():
    pytest.importorskip("sklearn_crfsuite")
    from pyvi import ViTokenizer

    return ViTokenizer.tokenize


def _paragraphs_of_seeds():
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield normalize(line.strip())


def test_same_words_as_pyvi_on_the_seeds():
    pyvi_tokenize = _pyvi_tokenize()
    paragraphs = list(_paragraphs_of_seeds())
    assert paragraphs
    for p in paragraphs:
        assert segment.tokenize(p) == pyvi_tokenize(p)


def test_features_are_pyvis_true_attributes_in_its_order():
    # CRFsuite sums the attributes' weights in the order given: the attributes must be pyvi's
    # word2features (its strings as name:value, its true flags by name), in pyvi's order, also
    # for a token seen before (remembered) in another place, capitals ("A" is both upper and
    # title), digits and dictionary words
    from pyvi.ViTokenizer import ViTokenizer

    words = frozenset(ViTokenizer.bi_grams) | frozenset(ViTokenizer.tri_grams)
    for text in ["Hội nghị trực tuyến về văn bản quy phạm pháp luật", "HỘ TỊCH Hà Nội 2020 , thủ tục hành chính",
                 "a", "Nhóm A và ông B đi Ô tô", "Bộ Tư pháp", "pháp luật pháp luật Tư pháp"]:
        tokens = segment.syllable_strings(text)
        expected = [[k if v is True else f"{k}:{v}" if isinstance(v, str) else k
                     for k, v in features.items() if v is not False]
                    for features in ViTokenizer.sent2features(tokens, False)]
        assert segment._features(tokens, words) == expected, text


def test_same_words_as_pyvi_on_query_sized_texts(monkeypatch):
    """Queries are short: one to four words, a number, a word and punctuation. Where pyvi's
    joining rules leave no syllable that could continue the previous one, ``segment`` skips
    the CRF; otherwise its features search pyvi's dictionary as text. The words are pyvi's."""
    pyvi_tokenize = _pyvi_tokenize()
    monkeypatch.setattr(segment, "_model", None)  # a model that has segmented nothing long yet
    monkeypatch.setattr(segment, "SEARCH_MAX_LOOKUPS", 10**9)  # and keeps searching (see below)
    texts = ["bão", "Hà", "2024", "covid-19", "10/7", "(Bắc Ninh)", "ông A", "5 tỷ", "TP.HCM", "hộ, tịch"]
    for p in _paragraphs_of_seeds():
        words = p.split()
        texts += [" ".join(words[i:i + n]) for n in (1, 2, 3, 4) for i in range(0, min(len(words), 12), n)]
    skipped = 0
    for t in texts:
        assert segment.tokenize(t) == pyvi_tokenize(t), t
        skipped += len(t.split()) == 1 and len(segment.syllabize(t)) == 1
    assert skipped > 20  # the path without the CRF was taken
    assert segment._model._set is None  # and the dictionary was searched, never made a set


def test_the_dictionary_searched_as_text_answers_as_the_set_of_its_lines():
    model = segment._Model()
    lines = model._lines.split("\n")
    reference = set(lines)
    searched = model.words(1)
    assert isinstance(searched, segment._Lines)
    words = [w for w in lines if w.count(" ") in (1, 2)]
    keys = words[::50] + [w.upper() for w in words[:50]] + ["", " ", "\n", "a \n", "\n\n", lines[0], lines[-1]]
    keys += [w[1:] for w in words[::97]] + [w[:-1] for w in words[::89]]  # parts of lines: not lines
    keys += ["\udcff", lines[0] + "\udcff", "a\ud800b"]  # lone surrogates (undecodable arguments): in no line
    for p in _paragraphs_of_seeds():
        s = [t for t, _, _ in segment.syllabize(p.lower())]
        keys += [" ".join(s[i:i + n]) for n in (2, 3) for i in range(len(s) - n + 1)]
    assert sum(k in reference for k in keys) > 300  # members and non-members both
    for k in keys:
        assert (k in searched) == (k in reference), k
    assert model.words(segment.SEARCH_MAX_TOKENS + 1) == reference  # a long text: the set


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="aăâạ ộ\u0301\nxé", max_size=4), max_size=6),
       st.lists(st.text(alphabet="aăâạ ộ\u0301\nxé", max_size=4), max_size=6))
def test_lines_searched_in_utf8_bytes_are_the_lines_of_the_text(lines, others):
    text = "\n".join(lines)
    searched, reference = segment._Lines(text.encode("utf-8")), set(text.split("\n"))
    for key in lines + others + [line[1:] for line in lines] + [text]:
        assert (key in searched) == (key in reference), (text, key)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["hộ", "Tịch", "TP.", "HCM", "Mr.", "ThS.", "1.528", "10_000", "1_2a", "a@b.vn",
                                 "http://x.vn/a", "==>", "->", "...", ">>", ",", ".", "(", "covid-19", "\n", "\t",
                                 "\xa0", "Đ.", "ĐT", "x:y", "_", "ạ", "e\u0301", "²", "٣"]),
                max_size=12).map(lambda parts: "".join(parts)) | st.text(max_size=40),
       st.sampled_from(["", " ", "  ", "\n", " \n "]))
def test_syllabize_cut_at_spaces_is_pyvis_pattern_over_the_text(text, gap):
    # pieces of letters alone are taken whole; everything else goes through the pattern
    for t in (text, gap + text + gap, text.replace(" ", gap or " ")):
        assert segment.syllabize(t) == segment._pyvi_syllabize(t), t
        assert segment.syllable_strings(t) == [s for s, _, _ in segment._pyvi_syllabize(t)], t


def test_syllabize_is_pyvis_pattern_on_the_seeds():
    texts = ["Rà soát 1.528 VBQPPL, (hoà giải).", "TP. HCM", "Mr. A ==> B -> C >> ...", "1,5 tỷ 10_000",
             "http://dantri.com.vn/a-b.htm", "ban.doc@dantri.com.vn", "a\nb", "", "  a  b  "]
    for t in texts + list(_paragraphs_of_seeds()):
        assert segment.syllabize(t) == segment._pyvi_syllabize(t), t


def test_syllable_strings_are_the_tokens_of_pyvis_pattern():
    texts = ["Rà soát 1.528 VBQPPL, (hoà giải).", "TP. HCM", "Mr. A ==> B -> C >> ...", "1,5 tỷ 10_000",
             "http://dantri.com.vn/a-b.htm", "ban.doc@dantri.com.vn", "a\nb", ""]
    texts += [p for p in _paragraphs_of_seeds()]
    for t in texts:
        assert segment.syllable_strings(t) == [s for s, _, _ in segment._pyvi_syllabize(t)], t


def test_a_process_answering_many_short_queries_builds_the_set_once(monkeypatch):
    # a warm process (server, eval, bench) searched the dictionary's text 7 times a query,
    # 1 ms a query in all on dantri's news-short queries; after SEARCH_MAX_LOOKUPS lookups
    # it builds the set, and segments as before
    pyvi_tokenize = _pyvi_tokenize()
    monkeypatch.setattr(segment, "_model", None)
    texts = ["giá vàng hôm nay", "hộ tịch", "bão số 9", "Hà Nội mưa to", "xét tuyển đại học"] * 8
    for t in texts:
        assert segment.tokenize(t) == pyvi_tokenize(t), t
    model = segment._model
    assert model._search.lookups >= segment.SEARCH_MAX_LOOKUPS
    assert model._set is not None
    for t in texts[:5]:
        assert segment.tokenize(t) == pyvi_tokenize(t), t


_EDGES = ["", " ", "...", "\n", "a", "Hà", "hộ tịch", "TP.HCM", "10/7/2024 lúc 8h", "A B C", "ông A và bà B",
          "HỘ TỊCH HÀ NỘI", "covid-19 , (Bắc Ninh) - 1.528 tỷ", "http://dantri.com.vn/a-b.htm hộ tịch"]


@pytest.fixture
def batch_tagger(monkeypatch):
    """segment_many's batch tagger, for batches of any size."""
    monkeypatch.setattr(segment, "BATCH_MIN_CHARS", 0)


def test_segmented_together_the_pieces_are_segments(batch_tagger):
    """``segment_many`` (a build's batches: features and Viterbi in numpy for all texts,
    ``crf.py``) gives each text exactly the pieces ``segment`` (CRFsuite) gives it."""
    texts = _EDGES + list(_paragraphs_of_seeds())
    assert segment.segment_many(texts) == [segment.segment(t) for t in texts]
    assert segment.segment_many([]) == []


_SYLLABLES = ["hộ", "tịch", "Hà", "Nội", "hoà", "giải", "pháp", "luật", "Bộ", "Tư", "quy", "phạm", "văn", "bản",
              "thủ", "tục", "hành", "chính", "HỘ", "TỊCH", "A", "2024", "1.528", ",", ".", "(", ")", "-", "ông",
              "bà", "Việt", "Nam", "thành", "phố", "Hồ", "Chí", "Minh", "covid", "19", "TP.", "tỷ", "đồng"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_SYLLABLES), max_size=40).map(" ".join), max_size=12))
def test_segmented_together_any_texts_as_one_at_a_time(texts):
    segment._get_model().batch()  # made: segment_many tags even a small batch with it
    assert segment.segment_many(texts) == [segment.segment(t) for t in texts]


_TOKENS = _SYLLABLES + ["...", "==>", "Đà", "đà", "5", "x1", "Ông", "\n", "?", "Mr.", "USD"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=12), max_size=8))
def test_the_batch_taggers_joining_rules_are_pyvis(sequences):
    """Where the CRF says I_W everywhere, a batch's joined flags are exactly pyvi's rules
    (``_could_join``) for each sequence: nothing joins a sequence's first token, punctuation,
    a token starting with a digit, or a capital after a lowercase token."""
    tagger = segment._get_model().batch()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(batchtag.crf, "viterbi", lambda model, scores, lengths: np.full(len(scores), tagger._inside))
        got = tagger.joined(sequences).tolist()
    assert got == [c for s in sequences for c in segment._could_join(s)]


def test_a_small_batch_does_not_make_the_batch_tagger(monkeypatch):
    # an article added alone: CRFsuite a text at a time, not 110 ms making the batch tagger;
    # a process that has segmented more (a build, one article a batch) makes it
    monkeypatch.setattr(segment, "_model", None)
    paragraphs = list(_paragraphs_of_seeds())
    chars = sum(map(len, paragraphs))
    assert chars * 2 < segment.BATCH_MIN_CHARS
    for _ in range(2):
        assert segment.segment_many(paragraphs) == [segment.segment(t) for t in paragraphs]
    assert segment._model._batch is None
    batches = segment.BATCH_MIN_CHARS // chars
    for _ in range(batches):
        assert segment.segment_many(paragraphs) == [segment.segment(t) for t in paragraphs]
    assert segment._model._batch is not None


def test_forgetting_the_tokens_between_batches_changes_nothing(monkeypatch, batch_tagger):
    # an archive has more distinct tokens than the batch tagger keeps: it forgets them all and
    # numbers them again (and pyvi's dictionary with them) at the next batch
    monkeypatch.setattr(batchtag, "ROWS_MAX", 5)
    monkeypatch.setattr(batchtag, "LOWS_MAX", 40)
    paragraphs = list(_paragraphs_of_seeds())
    expected = [segment.segment(t) for t in paragraphs]
    got = []
    for i in range(0, len(paragraphs), 3):
        got += segment.segment_many(paragraphs[i:i + 3])
    assert got == expected
    assert len(segment._get_model().batch()._rows) < 200


@pytest.mark.slow
def test_segmented_together_as_one_at_a_time_on_dantri():
    texts = [normalize(t) for t in dantri_texts()]
    for i in range(0, len(texts), 500):
        batch = texts[i:i + 500]
        assert segment.segment_many(batch) == [segment.segment(t) for t in batch], i


@pytest.mark.slow
def test_same_words_as_pyvi_on_dantri():
    pyvi_tokenize = _pyvi_tokenize()
    path = shared_data("news", "dantri.jsonl.gz")
    checked = 0
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % 4:  # every fourth article: about 10k paragraphs
                continue
            for p in json.loads(line)["body"].split("\n"):
                p = unicodedata.normalize("NFC", p.strip())
                if p:
                    assert segment.tokenize(p) == pyvi_tokenize(p), p
                    checked += 1
    assert checked > 5000


def test_punctuation_is_pyvis():
    import string

    assert segment._PUNCTUATION == frozenset(string.punctuation)
