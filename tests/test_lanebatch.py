"""A batch's lane terms as numbers (``lanebatch``) are the tokens ``analysis.lane_terms`` makes
of each value, in its order, with its positions and lengths."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vnsearch import segment
from vnsearch.analysis import EXACT, FOLDED, READINGS, WORDS, lane_terms
from vnsearch.corpus import read_corpus
from vnsearch.lanebatch import LaneAnalyser
from vnsearch.text import normalize

from .conftest import SEEDS

KINDS = {"exact": EXACT, "folded": FOLDED, "words": WORDS, "readings": READINGS}
DANTRI = Path(__file__).resolve().parents[2] / "shared" / "data" / "news" / "dantri.jsonl.gz"

# The cases of the runs of words that are one word (variants.py) and of pyvi's words, each
# beside what must not join
CASES = [
    "Dịch covid-19 và Covid 19, COVID19 ở TP.HCM, TP HCM, tp. hcm, TP. Hồ Chí Minh",
    "SARS-CoV-2, U.23 Việt Nam, iPhone 12 Pro, H5N1, vắc xin, vắc-xin, vắcxin, ô tô, in tơ nét",
    "Bà Rịa-Vũng Tàu, 2-3 ngày, BN2802-2806, 14-17/4, năm-2020, Điều 5. Khoản 2, 1.000đ, 3,5%",
    "UBND TP Hà Nội; for mass new; A.B.C; Mr. Smith, ThS. Lan, Dr.Who ... ==> -> >> x.y",
    "http://dantri.com.vn/a-b.htm. email a.b@c.vn; hộ tịch, hoà giải, Hoà Bình-Hòa Bình",
    "TP.-HCM TP.. HCM covid - 19 covid -19 covid- 19 tp .hcm tp . hcm",
    "covid19 covid-19 covid19 ca covid-19 mới, covid 19 covid 19",
    "Chỉ một từ",
    "...",
    "",
    "a\nb covid\n19 TP\nHCM",
    "Tiêm vắc xin cho trẻ rồi đi ô tô về nhà",  # loanwords alone, written apart
    "Song song đó là các hoạt động",  # "đó là" folds to the loanword "đô la" (joins compares folded)
    "Một ki lô mét rồi ki lô gam",  # the longer of two loanwords
]


def reference(value: str):
    """(kind → [(term, position)], kind → field length) as ``lane_terms`` gives them."""
    tokens, lengths = {}, {}
    for kind, analyzer in KINDS.items():
        terms = lane_terms(analyzer, value)
        tokens[kind] = [(t, p) for t, p, _ in terms]
        lengths[kind] = len(terms) - sum(run for _, _, run in terms)
    return tokens, lengths


def batched(values: list[str], analyser: LaneAnalyser | None = None):
    """The same, from one ``LaneAnalyser.analyse`` of all values."""
    analyser = analyser or LaneAnalyser()
    analysed = analyser.analyse([normalize(v) for v in values])
    strings = analyser.vocab.strings
    out = []
    for i in range(len(values)):
        tokens, lengths = {}, {}
        for kind in KINDS:
            terms, positions, starts, sizes, field_lengths = analysed.lane(kind)
            a, b = starts[i], starts[i] + sizes[i]
            tokens[kind] = [(strings[t], p) for t, p in zip(terms[a:b].tolist(), positions[a:b].tolist())]
            lengths[kind] = int(field_lengths[i])
        out.append((tokens, lengths))
    return out


def test_the_cases_have_lane_terms_tokens():
    got = batched(CASES)
    for value, ours in zip(CASES, got):
        assert ours == reference(value), value
    # the cases hold what they are for: runs joined, compounds, a run's word after its last word
    exact = dict(zip(CASES, got))[CASES[0]][0]["exact"]
    assert ("covid19", 1) in exact and "tphcm" in [t for t, _ in exact]
    assert exact.index(("covid19", 1)) == exact.index(("19", 2)) + 1
    assert any("_" in t for t, _ in got[4][0]["words"])


def test_a_values_first_word_starts_a_word(monkeypatch):
    """Compounds never run from one value into the next, even where the segmentation marks a
    value's first word as joined (``group_words`` starts each text's words afresh)."""
    raw = segment.segment_many_raw(["hộ tịch", "dân cư"])
    assert raw[0][1] == [False, True] and raw[1][1] == [False, True]
    raw[1][1][0] = True
    monkeypatch.setattr(segment, "segment_many_raw", lambda values: raw)
    analyser = LaneAnalyser()
    analysed = analyser.analyse(["hộ tịch", "dân cư"])
    assert [analyser.vocab.strings[t] for t in analysed.words.tolist()] == ["hộ_tịch", "dân_cư"]
    assert analysed.word_sizes.tolist() == [1, 1]


def test_seed_articles_in_one_batch_and_in_several():
    values = [v for a in read_corpus(str(SEEDS)) for v in [a.title] + list(a.paragraphs)]
    expected = [reference(v) for v in values]
    assert batched(values) == expected
    analyser = LaneAnalyser()  # batches one after the other: what it learnt is reused
    assert [x for i in range(0, len(values), 3) for x in batched(values[i:i + 3], analyser)] == expected


def test_a_batch_tagged_together_has_the_same_tokens():
    """Past ``BATCH_MIN_CHARS`` the batch tagger segments (as in a build); before, CRFsuite a
    text at a time: both give the same tokens."""
    segment._get_model().batch()
    values = CASES * 3
    assert batched(values) == [reference(v) for v in values]


WORDS_OF = ["covid", "19", "TP", "HCM", "tp", "hcm", "vắc", "xin", "ô", "tô", "hộ", "tịch", "Hà", "Nội",
            "iPhone", "12", "2020", "năm", "UBND", "H5N1", "A", "B", "đ", "x", "Ông", "ba"]
GAPS = [" ", "-", ".", ". ", " .", "", ", ", " - ", "..", "/", "\n", "  ", ".-"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(WORDS_OF), st.sampled_from(GAPS)), max_size=10), min_size=1,
                max_size=6))
def test_made_up_texts_have_lane_terms_tokens(texts):
    values = ["".join(w + g for w, g in parts) for parts in texts]
    assert batched(values) == [reference(v) for v in values]


@pytest.mark.slow
@pytest.mark.skipif(not DANTRI.exists(), reason="needs ../shared/data")
def test_every_dantri_title_and_paragraph_has_lane_terms_tokens():
    analyser = LaneAnalyser()
    values = [v for a in read_corpus(str(DANTRI)) for v in [a.title] + list(a.paragraphs)]
    checked = 0
    for i in range(0, len(values), 400):
        part = values[i:i + 400]
        assert batched(part, analyser) == [reference(v) for v in part], i
        checked += len(part)
    assert checked > 40_000
