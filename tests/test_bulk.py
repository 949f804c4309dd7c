"""The bulk segment writer writes the files Whoosh's own writer writes, byte for byte (issue 15):
the gathered arrays change how a segment is built, never what it holds."""

import os

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from vnsearch import bulk
from vnsearch.bulk import BulkWriter
from vnsearch.compact import CompactCodec
from vnsearch.corpus import read_corpus
from vnsearch.indexer import CODEC_BLOCK, _add_article
from vnsearch.schema import build_schema

from .conftest import SEEDS, write_articles


def segment_files(index_dir) -> dict[str, bytes]:
    """Every file of the index's segments, named without the segment's random id."""
    ix = whoosh_index.open_dir(index_dir)
    ids = [s.segment_id() for s in ix._segments()]
    out = {}
    for name in os.listdir(index_dir):
        if name.endswith((".toc", "WRITELOCK")):
            continue
        key = name
        for n, segment_id in enumerate(ids):
            key = key.replace(segment_id, f"segment{n}")
        with open(os.path.join(index_dir, name), "rb") as f:
            out[key] = f.read()
    return out


class _Documents(list):
    """Keeps the documents ``_add_article`` adds."""

    def add_document(self, **fields):
        self.append(fields)


def build(batches, index_dir, writer_class, blocklimit, one_by_one=False, **commit) -> dict[str, bytes]:
    """Each batch of articles written and committed by its own writer, in one index; each
    article's documents added together, or ``one_by_one``."""
    os.makedirs(index_dir, exist_ok=True)
    ix = whoosh_index.create_in(index_dir, build_schema())
    for articles in batches:
        writer = writer_class(ix, codec=CompactCodec(blocklimit=blocklimit), compound=False)
        for article in articles:
            if one_by_one:
                documents = _Documents()
                _add_article(documents, article)
                for fields in documents:
                    writer.add_document(**fields)
            else:
                _add_article(writer, article)
        writer.commit(**commit)
    return segment_files(index_dir)


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    corpus = write_articles(tmp_path_factory.mktemp("extra"), {
        # a term in every paragraph, repeated (counts above 1, blocks that fill up), a run of
        # words that is one word (covid-19: a joined token at its first word's position, not
        # counted in the length), words pyvi joins (compounds), capitals
        "lap": "Bão bão bão Covid-19\n" + "\n".join(
            f"Cơn bão số {i} {'bão ' * (i % 3)}đổ bộ vào TP.HCM, dịch covid-19 và hộ tịch." for i in range(40)),
        "empty": "Chỉ có tiêu đề\n",
    })
    return list(read_corpus(str(SEEDS))) + list(read_corpus(str(corpus)))


@pytest.mark.parametrize("blocklimit", [CODEC_BLOCK, 4])  # 4: terms of many blocks
@pytest.mark.parametrize("spill", [None, 300])  # 300: sorted runs put aside every few documents
def test_the_segment_is_the_one_whooshs_writer_writes(tmp_path, articles, blocklimit, spill, monkeypatch):
    spilled = []
    if spill:
        monkeypatch.setattr(bulk, "SPILL_ENTRIES", spill)
        save = bulk.Run.save
        monkeypatch.setattr(bulk.Run, "save", lambda run, folder: spilled.append(folder) or save(run, folder))
    ours = build([articles], str(tmp_path / "bulk"), BulkWriter, blocklimit, one_by_one=bool(spill))
    theirs = build([articles], str(tmp_path / "whoosh"), SegmentWriter, blocklimit)
    assert sum(name.endswith(".pst") for name in theirs) == 1
    assert len(theirs) >= 8  # postings, terms, stored fields, lengths, the akey column
    assert ours == theirs
    if spill:
        assert len(spilled) > 20
        assert not [f for folder in set(spilled) if os.path.isdir(folder) for f in os.listdir(folder)]


def test_a_merge_writes_whooshs_way_and_the_same_segment(tmp_path, articles):
    """Merging a segment into the new one fills Whoosh's pool (add_reader): the gathered
    postings join it and the segment is written Whoosh's way."""
    batches = [articles[:2], articles[2:]]
    ours = build(batches, str(tmp_path / "bulk"), BulkWriter, 4, optimize=True)
    theirs = build(batches, str(tmp_path / "whoosh"), SegmentWriter, 4, optimize=True)
    assert sum(name.endswith(".pst") for name in theirs) == 1  # the two batches merged
    assert ours == theirs


def _reference_postings(docs):
    """Each term's (documents, counts, position gaps as Positions.encode writes them) of
    documents given as lists of (term, position), the postings' way: terms in order, documents
    in order, a document's positions in the order they came."""
    out = {}
    for docnum, tokens in enumerate(docs):
        for term, pos in tokens:
            out.setdefault(term, {}).setdefault(docnum, []).append(pos)
    postings = []
    for term in sorted(out):
        gaps = []
        for poslist in out[term].values():
            gaps += [p - q for p, q in zip(poslist, [0] + poslist[:-1])]
        postings.append((term, list(out[term]), [len(p) for p in out[term].values()], gaps))
    return postings


@given(st.lists(st.lists(st.tuples(st.sampled_from(["a", "b", "bão", "c", "ẽ"]) | st.text(max_size=3),
                                   st.integers(0, 3000)), max_size=12).map(lambda ts: sorted(ts, key=lambda t: t[1])),
                max_size=20), st.integers(1, 5))
def test_a_lanes_postings_are_each_terms_documents_counts_and_gaps(docs, batch):
    """Tokens gathered a few documents at a time (``add_tokens``) come out as each term's
    postings: its documents in order, how many times in each, the positions as gaps."""
    lane = bulk.Lane(True, 1.0)
    for start in range(0, len(docs), batch):
        part = docs[start:start + batch]
        tokens = [t for doc in part for t in doc]
        lane.add_tokens(np.arange(start, start + len(part)), np.array([len(doc) for doc in part], dtype=np.int64),
                        np.array([lane.vocab.id(t) for t, _ in tokens], dtype=np.int64),
                        np.array([p for _, p in tokens], dtype=np.int64))
    got = [(t, d.tolist(), c.tolist(), g.tolist()) for t, (d, c, g) in lane._run().read()] if lane._tokens else []
    assert got == _reference_postings(docs)


@given(st.lists(st.lists(st.sampled_from(["a", "b", "bão", "c", "d", "ẽ", "x"]) | st.text(max_size=3), max_size=12),
                max_size=20), st.booleans())
def test_a_lane_sorted_on_16_bit_keys_is_sorted_as_on_64_bit_ones(docs, positional):
    """A lane of few terms is sorted by radix on 16-bit keys (``RADIX_TERMS``), in the order
    64-bit keys give: each term's documents in the order they came."""
    runs = []
    for radix in (bulk.RADIX_TERMS, 0):
        lane = bulk.Lane(positional, 1.0)
        for docnum, words in enumerate(docs):
            lane.add_tokens(np.array([docnum]), np.array([len(words)]), np.array([lane.vocab.id(w) for w in words]),
                            np.arange(len(words)))
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(bulk, "RADIX_TERMS", radix)
            run = lane._run()
        runs.append([(t, d.tolist(), c.tolist(), None if g is None else g.tolist()) for t, (d, c, g) in run.read()])
    assert runs[0] == runs[1]
    assert [d for _, d, _, _ in runs[0]] == [sorted(d) for _, d, _, _ in runs[0]]


@pytest.mark.parametrize("terms", [1, 255, 256, 257, 0xFFFF, 0x10000, 0x10001, 10**7])
def test_a_lanes_sort_keys_hold_every_terms_rank(terms):
    assert np.iinfo(bulk._key_type(terms)).max >= terms - 1


def test_documents_with_whooshs_underscore_keys_are_written_as_whoosh_writes_them(tmp_path, articles):
    """A stored value of its own (``_stored_text``), a document's or a field's boost: such a
    document's fields go one by one (boosted lanes through Whoosh's pool), in a batch with
    plain ones, and the segment is still Whoosh's own."""
    documents = _Documents()
    for article in articles[:3]:
        _add_article(documents, article)
    documents[1]["_stored_text"] = "shown instead"
    documents[2]["_boost"] = 1.5
    documents[3]["_folded_boost"] = 2.0
    out = []
    for name, writer_class in (("bulk", BulkWriter), ("whoosh", SegmentWriter)):
        folder = str(tmp_path / name)
        os.makedirs(folder)
        ix = whoosh_index.create_in(folder, build_schema())
        writer = writer_class(ix, codec=CompactCodec(blocklimit=4), compound=False)
        if writer_class is BulkWriter:
            writer.add_documents([dict(d) for d in documents])
        else:
            for fields in documents:
                writer.add_document(**fields)
        writer.commit()
        out.append(segment_files(folder))
    assert out[0] == out[1]
    with whoosh_index.open_dir(str(tmp_path / "bulk")).searcher() as searcher:
        assert searcher.stored_fields(1)["text"] == "shown instead"
