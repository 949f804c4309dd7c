"""crf.py: CRFsuite's model file read into arrays, and its Viterbi for many sequences at once,
against CRFsuite itself (pycrfsuite) on pyvi's model."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vnsearch import crf, segment


@pytest.fixture(scope="module")
def pyvi():
    """(pyvi's model read by crf.py, CRFsuite's tagger of the same bytes)."""
    model = segment._get_model()
    return crf.Model(model._model_bytes), model.tagger


def _state_scores(model: crf.Model, items: list[list[str]]) -> np.ndarray:
    """CRFsuite's state scores (crf1dt_state_score), written plainly: for each item, 0.0 plus
    the weight of each attribute for each label, in the attributes' order."""
    out = np.zeros((len(items), len(model.labels)))
    for t, attributes in enumerate(items):
        for a in attributes:
            if a in model.attributes:
                for label in range(len(model.labels)):
                    out[t, label] = out[t, label] + model.state[model.attributes[a], label]
    return out


def _viterbi_as_crfsuite(transitions, scores) -> list[int]:
    """crf1dc_viterbi of CRFsuite 0.12, line by line: a later label replaces the best only
    when strictly greater."""
    T, L = scores.shape
    alpha = [list(scores[0])]
    back = [[0] * L]
    for t in range(1, T):
        row, links = [], []
        for j in range(L):
            best, link = -math.inf, 0
            for i in range(L):
                score = alpha[t - 1][i] + transitions[i][j]
                if best < score:
                    best, link = score, i
            row.append(best + scores[t][j])
            links.append(link)
        alpha.append(row)
        back.append(links)
    labels = [0] * T
    best = -math.inf
    for i in range(L):
        if best < alpha[T - 1][i]:
            best, labels[T - 1] = alpha[T - 1][i], i
    for t in range(T - 1, 0, -1):
        labels[t - 1] = back[t][labels[t]]
    return labels


def test_the_model_file_is_read_as_crfsuite_reads_it(pyvi):
    model, tagger = pyvi
    assert model.labels == tagger.labels() == ["B_W", "I_W"]
    assert len(model.attributes) > 6000 and model.attributes["bias"] == 0
    # an item of one attribute: CRFsuite's P(B_W) / P(I_W) is exp of the weights' difference
    names = sorted(model.attributes)[::97] + ["word.lower():hộ", "-1:word.bi_gram()"]
    for name in names:
        tagger.set([[name]])
        ratio = math.log(tagger.marginal("B_W", 0)) - math.log(tagger.marginal("I_W", 0))
        w = model.state[model.attributes[name]]
        assert ratio == pytest.approx(w[0] - w[1], abs=1e-9), name
    assert model.transitions.shape == (2, 2) and (model.transitions != 0).all()


def test_the_batch_taggers_state_scores_are_crfsuites_bit_for_bit(pyvi):
    """The batch tagger adds each token's share of pyvi's features in ``_features``' order:
    every state score is the very number CRFsuite sums (so the labels cannot differ, even
    where two paths score almost alike)."""
    from .test_segment import _EDGES, _paragraphs_of_seeds

    model, _ = pyvi
    words = segment._get_model().words(segment.SEARCH_MAX_TOKENS + 1)
    # dictionary words of three syllables whose two halves are words too: a position with both
    # a pair and a triple attribute, where adding them in the other order changes the sum
    dictionary = segment._get_model()._lines.split("\n")
    both = [w for w in dictionary if w.count(" ") == 2
            and " ".join(w.split()[:2]) in words and " ".join(w.split()[1:]) in words]
    assert len(both) > 50
    both = [" ".join(both), ", ".join(both).upper(), "Anh chị em mua bất động sản, bắt đầu từ cầu thang cuốn"]
    texts = _EDGES + list(_paragraphs_of_seeds()) + both + ["A", "Á À", "Hà Nội Hà Nội hà nội"]
    sequences = [segment.syllable_strings(t) for t in texts]
    sequences = [s for s in sequences if s]
    scores, lengths = segment._get_model().batch().scores(sequences)
    assert lengths.tolist() == [len(s) for s in sequences]
    expected = np.concatenate([_state_scores(model, segment._features(s, words)) for s in sequences])
    assert scores.tobytes() == expected.tobytes()


def test_weights_of_an_unknown_attribute_are_zero(pyvi):
    model, _ = pyvi
    w = model.weights(["bias", "no such attribute", "word.lower():hộ"])
    assert (w[1] == 0).all() and (w[0] == model.state[0]).all() and (w[2] != 0).any()


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_labels_are_crfsuites_for_many_sequences_at_once(pyvi, data):
    model, tagger = pyvi
    names = sorted(model.attributes)
    attribute = st.one_of(st.sampled_from(names), st.just("not in the model"))
    # items without any attribute score 0.0 for both labels: ties, broken as CRFsuite breaks them
    item = st.lists(attribute, max_size=8)
    sequences = data.draw(st.lists(st.lists(item, min_size=1, max_size=30), min_size=1, max_size=8))
    scores = np.concatenate([_state_scores(model, s) for s in sequences])
    labels = crf.viterbi(model, scores, [len(s) for s in sequences]).tolist()
    expected = [model.labels.index(x) for s in sequences for x in tagger.tag(s)]
    assert labels == expected


def test_an_item_without_attributes_is_a_tie_crfsuite_gives_the_first_label(pyvi):
    model, tagger = pyvi
    assert tagger.tag([[]]) == ["B_W"]
    assert crf.viterbi(model, np.zeros((1, 2)), [1]).tolist() == [0]


class _Transitions:
    def __init__(self, transitions):
        self.transitions = np.asarray(transitions, dtype=np.float64)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_viterbi_breaks_ties_as_crfsuites_loop(data):
    # small whole numbers: many equal scores, where the order of the comparisons decides
    labels = data.draw(st.integers(2, 4))
    number = st.integers(-2, 2).map(float)
    transitions = data.draw(st.lists(st.lists(number, min_size=labels, max_size=labels),
                                     min_size=labels, max_size=labels))
    lengths = data.draw(st.lists(st.integers(1, 12), min_size=1, max_size=6))
    scores = np.array(data.draw(st.lists(st.lists(number, min_size=labels, max_size=labels),
                                         min_size=sum(lengths), max_size=sum(lengths))))
    got = crf.viterbi(_Transitions(transitions), scores, lengths).tolist()
    expected, start = [], 0
    for n in lengths:
        expected += _viterbi_as_crfsuite(transitions, scores[start:start + n])
        start += n
    assert got == expected


def test_bytes_that_are_not_a_model_are_refused():
    for data in [b"", b"x" * 100, b"lCRF" + b"\0" * 60]:
        with pytest.raises(crf.ModelError):
            crf.Model(data)
