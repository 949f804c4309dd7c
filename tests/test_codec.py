"""The term-at-a-time writer writes Whoosh's W3 files byte for byte (issue 15): the index, and
so every ranking, is the one Whoosh's own posting-at-a-time writer makes."""

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec

from vnsearch.codec import TermAtATimeW3Codec
from vnsearch.compact import CompactCodec, CompactPerDocReader
from vnsearch.corpus import read_corpus
from vnsearch.indexer import CODEC_BLOCK, _add_article
from vnsearch.schema import LaneText, build_schema
from whoosh.fields import TEXT

from .conftest import SEEDS, write_articles


def segment_files(index_dir) -> dict[str, bytes]:
    """The postings (.pst) and term (.trm) files of the index's one segment, by extension."""
    out = {}
    for name in os.listdir(index_dir):
        ext = os.path.splitext(name)[1]
        if ext in (".pst", ".trm"):
            assert ext not in out, "one segment expected"
            with open(os.path.join(index_dir, name), "rb") as f:
                out[ext] = f.read()
    return out


def build(articles, index_dir, codec) -> dict[str, bytes]:
    os.makedirs(index_dir, exist_ok=True)
    ix = whoosh_index.create_in(index_dir, build_schema())
    writer = ix.writer(codec=codec, compound=False)  # the files themselves, not one .seg
    for article in articles:
        _add_article(writer, article)
    writer.commit()
    return segment_files(index_dir)


@pytest.mark.parametrize("blocklimit", [CODEC_BLOCK, 4])  # 4: terms of many blocks
def test_the_files_are_whooshs_own_byte_for_byte(tmp_path, blocklimit, monkeypatch):
    corpus = write_articles(tmp_path / "extra", {
        # a term in every paragraph, repeated: weights that differ, blocks that fill up
        "lap": "Bão bão bão\n" + "\n".join(f"Cơn bão số {i} {'bão ' * (i % 3)}đổ bộ." for i in range(12)),
    })
    articles = list(read_corpus(str(SEEDS))) + list(read_corpus(str(corpus)))
    ours = build(articles, str(tmp_path / "ours"), TermAtATimeW3Codec(blocklimit=blocklimit))
    # Whoosh alone: its TEXT fields' token streams and its posting-at-a-time writer
    monkeypatch.setattr(LaneText, "index", TEXT.index)
    theirs = build(articles, str(tmp_path / "w3"), W3Codec(blocklimit=blocklimit))
    assert set(theirs) == {".pst", ".trm"}
    assert len(theirs[".pst"]) > 10_000
    assert ours == theirs


# ------------------------------------------------------------------ reading in place


class CopyingCompactCodec(CompactCodec):
    """The compact codec reading a compound segment's parts as Whoosh does, each copied."""

    def terms_reader(self, storage, segment):
        return self._terms_reader(storage, segment)

    def per_document_reader(self, storage, segment):
        return CompactPerDocReader(storage, segment)


def test_a_compound_segment_reads_the_same_in_place_as_through_whooshs_copies(seed_index):
    """Every stored field and every posting of the seed index (compound segments), read through
    the codec's in-place parts and through Whoosh's own compound-file reading, which copies
    each part."""
    from whoosh.reading import SegmentReader

    from vnsearch.codec import InPlaceFile

    ix = whoosh_index.open_dir(seed_index)
    segments = ix._segments()
    assert segments and all(s.is_compound() for s in segments)
    for segment in segments:
        assert isinstance(segment.codec(), CompactCodec)
        ours = SegmentReader(ix.storage, ix.schema, segment)
        theirs = SegmentReader(ix.storage, ix.schema, segment, codec=CopyingCompactCodec())
        assert isinstance(ours._terms._postfile, InPlaceFile)  # the path under test is taken
        assert not isinstance(theirs._terms._postfile, InPlaceFile)
        assert list(ours.all_stored_fields()) == list(theirs.all_stored_fields())
        terms = list(ours.all_terms())
        assert terms == list(theirs.all_terms()) and len(terms) > 100
        for fieldname, text in terms:
            a, b = ours.postings(fieldname, text), theirs.postings(fieldname, text)
            assert list(a.items_as("weight")) == list(b.items_as("weight"))
        ours.close()
        theirs.close()


@given(
    data=st.binary(max_size=64),
    ops=st.lists(
        st.one_of(
            st.tuples(st.just("read"), st.integers(-2, 80)),
            st.tuples(st.just("readline"), st.integers(-1, 80)),
            st.tuples(st.just("seek"), st.integers(0, 80), st.just(0)),
            st.tuples(st.just("seek"), st.integers(-80, 80), st.sampled_from([1, 2])),
            st.tuples(st.just("tell")),
        ),
        max_size=20,
    ),
)
def test_a_memory_file_reads_as_bytesio_does(data, ops):
    import io

    from vnsearch.codec import MemoryFile

    ours, reference = MemoryFile(memoryview(data)), io.BytesIO(data)
    for op, *args in ops:
        try:
            expected = getattr(reference, op)(*args)
        except ValueError as e:  # a negative position
            with pytest.raises(ValueError):
                getattr(ours, op)(*args)
            assert "negative" in str(e)
            continue
        assert getattr(ours, op)(*args) == expected, (op, args)
