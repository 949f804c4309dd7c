"""The compact index format (compact.py, issue 15): what is written is what is read back, the
index holds what Whoosh's W3 format holds, an index of the W3 format asks for a rebuild, and a
damaged block is named as damage, not a traceback."""

import io
import json
import os
import shutil

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import formats
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.filedb.structfile import BufferFile, StructFile
from whoosh.system import pack_uint

import vnsearch
from vnsearch import scoring
from vnsearch.cli import cli
from vnsearch.codec import TermAtATimeW3Codec
from vnsearch.compact import (
    BlockStoredColumn,
    CompactCodec,
    CompactLeafMatcher,
    CompactPostingsWriter,
)
from vnsearch.corpus import read_corpus
from vnsearch.indexer import CODEC_BLOCK, MARKER, _add_article
from vnsearch.schema import SCHEMA_VERSION, build_schema

from .conftest import SEEDS, write_articles

# ------------------------------------------------------------------ postings round trip


def write_term(fmt, postings, blocklimit):
    """(the postings file's bytes, the term's offset and length) of one term written."""
    f = io.BytesIO()
    sf = StructFile(f)
    sf.write(b"\x00" * 7)  # a term that does not start the file
    pw = CompactPostingsWriter(sf, blocklimit)
    pw.start_postings(fmt, W3TermInfo())
    for docnum, weight, value in postings:
        pw.add_posting(docnum, weight, value)
    terminfo = pw.finish_postings()
    assert not terminfo.is_inlined()
    offset, length = terminfo.extent()
    return f.getvalue(), offset, length


def read_all(matcher):
    out = []
    while matcher.is_active():
        out.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return out


docnums = st.lists(st.integers(0, 2**32 - 2), min_size=1, max_size=300, unique=True).map(sorted)
blocklimits = st.sampled_from([1, 2, 3, 7, 128, 1024])


def f32(x: float) -> float:
    return float(np.float32(x))


@st.composite
def positions_postings(draw):
    ids = draw(docnums)
    fmt = formats.Positions()
    out = []
    for d in ids:
        poses = sorted(draw(st.lists(st.integers(0, 2**31), min_size=1, max_size=12, unique=True)))
        # a weight of one per position (the usual), or another one
        weight = draw(st.one_of(st.just(float(len(poses))), st.floats(0, 1e6, width=32)))
        out.append((d, weight, fmt.encode(poses)))
    return fmt, out


@st.composite
def frequency_postings(draw):
    ids = draw(docnums)
    fmt = formats.Frequency()
    boost = draw(st.sampled_from([1.0, 0.5, 3.0]))
    freqs = draw(st.lists(st.integers(1, 100_000), min_size=len(ids), max_size=len(ids)))
    return fmt, [(d, float(n) * boost, pack_uint(n)) for d, n in zip(ids, freqs)]  # as Frequency writes


@st.composite
def existence_postings(draw):
    ids = draw(docnums)
    weights = draw(st.lists(st.one_of(st.just(1.0), st.floats(-1e6, 1e6, width=32)),
                            min_size=len(ids), max_size=len(ids)))
    return formats.Existence(), [(d, w, b"") for d, w in zip(ids, weights)]


@st.composite
def bytes_postings(draw):
    """Values of a format this codec knows nothing of: any bytes, empty ones included."""
    ids = draw(docnums)
    values = draw(st.lists(st.binary(max_size=9), min_size=len(ids), max_size=len(ids)))
    return formats.Format(), [(d, 1.0, v) for d, v in zip(ids, values)]


any_postings = st.one_of(positions_postings(), frequency_postings(), existence_postings(), bytes_postings())


@settings(max_examples=80, deadline=None)
@given(case=any_postings, blocklimit=blocklimits)
def test_postings_read_back_as_written(case, blocklimit):
    fmt, postings = case
    buf, offset, length = write_term(fmt, postings, blocklimit)
    matcher = CompactLeafMatcher(BufferFile(buf), offset, (length,), fmt)  # W3TermInfo's 1-tuple
    expected = [(d, f32(w), v if fmt.fixed_value_size() != 0 else None) for d, w, v in postings]
    assert read_all(matcher) == expected
    # scoring's fast path: every posting, whatever the matcher has read
    ids, weights = matcher.arrays()
    assert ids.dtype == np.int64 and weights.dtype == np.float32
    assert ids.tolist() == [d for d, _, _ in postings]
    assert weights.tolist() == [f32(w) for _, w, _ in postings]


@settings(max_examples=60, deadline=None)
@given(case=positions_postings(), blocklimit=blocklimits)
def test_positions_read_back_as_written(case, blocklimit):
    fmt, postings = case
    buf, offset, length = write_term(fmt, postings, blocklimit)
    matcher = CompactLeafMatcher(BufferFile(buf), offset, length, fmt)
    got = []
    while matcher.is_active():
        got.append((matcher.id(), matcher.value_as("positions"), matcher.value_as("frequency")))
        matcher.next()
    assert got == [(d, fmt.decode_positions(v), fmt.decode_frequency(v)) for d, _, v in postings]


@settings(max_examples=60, deadline=None)
@given(case=any_postings, blocklimit=blocklimits, target=st.integers(0, 2**32))
def test_skip_to_finds_the_first_posting_at_or_after_the_target(case, blocklimit, target):
    fmt, postings = case
    buf, offset, length = write_term(fmt, postings, blocklimit)
    matcher = CompactLeafMatcher(BufferFile(buf), offset, length, fmt)
    after = [d for d, _, _ in postings if d >= target]
    matcher.skip_to(target)
    if after:
        assert matcher.is_active() and matcher.id() == after[0]
    else:
        assert not matcher.is_active()


# ------------------------------------------------------------------ stored fields round trip


@settings(max_examples=60, deadline=None)
@given(
    docs=st.lists(st.one_of(st.none(), st.dictionaries(st.sampled_from(["text", "para", "title"]),
                                                        st.one_of(st.text(max_size=30), st.integers()),
                                                        min_size=1)), max_size=60),
    extra=st.integers(0, 5),
    block_docs=st.integers(1, 6),
    order=st.randoms(),
    pad=st.sampled_from([0, 700, 3000]),  # documents that fill the 32 KB dictionary soon, late or never
)
def test_stored_fields_read_back_in_any_order(docs, extra, block_docs, order, pad):
    docs = [None if d is None else dict(d, pad="đ" * pad + str(i)) for i, d in enumerate(docs)]
    column = BlockStoredColumn(block_docs=block_docs)
    f = io.BytesIO()
    sf = StructFile(f)
    sf.write(b"\x01\x02\x03")  # a column that does not start the file
    writer = column.writer(sf)
    for docnum, doc in enumerate(docs):
        if doc is not None:  # Whoosh adds no value for a document without stored fields
            writer.add(docnum, doc)
    doccount = len(docs) + extra
    writer.finish(doccount)
    buf = f.getvalue()
    reader = column.reader(BufferFile(buf), 3, len(buf) - 3, doccount)
    expected = docs + [None] * extra
    numbers = list(range(doccount))
    order.shuffle(numbers)
    for docnum in numbers:
        assert reader[docnum] == expected[docnum]
    assert list(reader) == expected


def test_a_stored_document_changed_by_its_reader_reads_the_same_again():
    column = BlockStoredColumn(block_docs=4)
    f = io.BytesIO()
    writer = column.writer(StructFile(f))
    doc = {"text": "Bão số 9"}
    writer.add(0, doc)
    doc.clear()  # as Whoosh's per-document writer does once the value is added
    writer.finish(1)
    buf = f.getvalue()
    reader = column.reader(BufferFile(buf), 0, len(buf), 1)
    first = reader[0]
    first["text"] = "changed"
    assert reader[0] == {"text": "Bão số 9"}


# ------------------------------------------------------------------ a real index


def build(articles, index_dir, codec):
    os.makedirs(index_dir, exist_ok=True)
    ix = whoosh_index.create_in(index_dir, build_schema())
    writer = ix.writer(codec=codec)
    for article in articles:
        _add_article(writer, article)
    writer.commit()
    return ix


@pytest.mark.parametrize("blocklimit", [CODEC_BLOCK, 4])  # 4: terms of many blocks
def test_the_index_holds_what_whooshs_w3_format_holds(tmp_path, blocklimit):
    corpus = write_articles(tmp_path / "extra", {
        "lap": "Bão bão bão\n" + "\n".join(f"Cơn bão số {i} {'bão ' * (i % 3)}đổ bộ." for i in range(12)),
    })
    articles = list(read_corpus(str(SEEDS))) + list(read_corpus(str(corpus)))
    ours = build(articles, str(tmp_path / "ours"), CompactCodec(blocklimit=blocklimit)).reader()
    theirs = build(articles, str(tmp_path / "w3"), TermAtATimeW3Codec(blocklimit=blocklimit)).reader()
    assert isinstance(ours._segment.codec(), CompactCodec)
    assert list(ours.all_stored_fields()) == list(theirs.all_stored_fields())
    terms = list(ours.all_terms())
    assert terms == list(theirs.all_terms()) and len(terms) > 500
    phrase_terms = 0
    for fieldname, text in terms:
        a, b = ours.postings(fieldname, text), theirs.postings(fieldname, text)
        assert read_all(a) == read_all(b), (fieldname, text)
        if ours.schema[fieldname].format.supports("positions"):
            a, b = ours.postings(fieldname, text), theirs.postings(fieldname, text)
            assert list(a.items_as("positions")) == list(b.items_as("positions"))
            phrase_terms += 1
        ids_a, tfs_a = scoring._leaf_postings(ours, fieldname, text.decode("utf-8"))
        ids_b, tfs_b = scoring._leaf_postings(theirs, fieldname, text.decode("utf-8"))
        assert ids_a.tolist() == ids_b.tolist() and tfs_a.tolist() == tfs_b.tolist()
    assert phrase_terms > 100
    ours.close()
    theirs.close()


def test_the_index_is_smaller_than_whooshs_w3_format(tmp_path):
    articles = list(read_corpus(str(SEEDS)))
    sizes = {}
    for name, codec in (("ours", CompactCodec(blocklimit=CODEC_BLOCK)),
                        ("w3", TermAtATimeW3Codec(blocklimit=CODEC_BLOCK))):
        build(articles, str(tmp_path / name), codec)
        sizes[name] = sum(p.stat().st_size for p in (tmp_path / name).iterdir())
    assert sizes["ours"] < 0.7 * sizes["w3"], sizes


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_an_index_in_the_w3_format_asks_for_a_rebuild(tmp_path, monkeypatch):
    """What the previous version wrote: W3 segments, schema 10 in the marker."""
    import vnsearch.indexer

    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    index_dir = tmp_path / "index"
    with monkeypatch.context() as m:
        m.setattr(vnsearch.indexer, "CompactCodec", TermAtATimeW3Codec)
        vnsearch.update_index(str(corpus), str(index_dir))
    assert SCHEMA_VERSION == 11
    marker = json.loads((index_dir / MARKER).read_text())
    marker["schema_version"] = 10
    (index_dir / MARKER).write_text(json.dumps(marker))
    r = run("query", "hộ tịch", "--index", str(index_dir))
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "schema 10, this one reads 11" in r.stderr
    assert r.stderr.strip().endswith("`vnsearch index --rebuild`"), r.stderr
    assert run("index", "--rebuild", "--index", str(index_dir)).exit_code == 0
    ix = whoosh_index.open_dir(str(index_dir))
    assert all(isinstance(s.codec(), CompactCodec) for s in ix._segments())
    assert run("query", "hộ tịch", "--index", str(index_dir)).exit_code == 0


def _block_position(index_dir, fieldname: str, term: str) -> tuple:
    """(the segment file, the offset in it of the first postings block of ``term``)."""
    ix = whoosh_index.open_dir(str(index_dir))
    (segment,) = ix._segments()
    reader = ix.reader()
    offset, _ = reader._terms.term_info(fieldname, term.encode("utf-8")).extent()
    storage = segment.open_compound_file(ix.storage)
    pst_offset, _ = storage.range(segment.make_filename(".pst"))
    storage.close()
    reader.close()
    path = index_dir / segment.make_filename(".seg")
    return path, pst_offset + offset


@pytest.mark.parametrize("checksums", [True, False])
def test_a_damaged_postings_block_is_named_as_damage(tmp_path, checksums):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    index_dir = tmp_path / "index"
    vnsearch.update_index(str(corpus), str(index_dir))
    assert run("query", "hộ tịch", "--index", str(index_dir)).exit_code == 0
    path, at = _block_position(index_dir, "folded", "tich")
    with open(path, "r+b") as f:
        f.seek(at + 1)  # after the flags: the data's length, as a varint
        f.write(b"\xff\xff\xff\x0f")  # past the end of the postings
    if not checksums:
        (index_dir / "vnsearch-files.json").unlink()
    r = CliRunner().invoke(cli, ["query", "hộ tịch", "--index", str(tmp_path / "index")])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and len(r.stderr.strip().splitlines()) == 1
    assert "is damaged" in r.stderr and r.stderr.strip().endswith("`vnsearch index --rebuild`")
    if checksums:
        assert f"{path.name} does not hold what was written" in r.stderr
    else:
        assert "damaged postings" in r.stderr


# ------------------------------------------------------------------ term infos


@settings(max_examples=200, deadline=None)
@given(
    weight=st.one_of(st.integers(0, 2**40).map(float), st.floats(-1e6, 1e6, width=32)),
    df=st.integers(1, 2**32 - 1),
    lengths=st.tuples(st.integers(0, 2**31), st.integers(0, 2**31)),
    maxweight=st.one_of(st.integers(0, 70_000).map(float), st.floats(-1e6, 1e6, width=32)),
    ids=st.tuples(st.integers(0, 2**32 - 2), st.integers(0, 2**32 - 2)).map(sorted),
    extent=st.tuples(st.integers(0, 2**40), st.integers(1, 2**31 - 1)),
)
def test_a_term_info_reads_back_as_w3s_does(weight, df, lengths, maxweight, ids, extent):
    from vnsearch.compact import CompactTermInfo

    infos = []
    for cls in (W3TermInfo, CompactTermInfo):
        info = cls()
        info._weight, info._df, info._maxweight = weight, df, maxweight
        info._minlength, info._maxlength = min(lengths), max(lengths)
        info._minid, info._maxid = ids
        info.set_extent(*extent)
        infos.append(cls.from_bytes(info.to_bytes()))
    w3, ours = infos
    w3._length = w3._length[0]  # W3 reads its length back as a 1-tuple
    assert vars(ours) == vars(w3)
    assert len(CompactTermInfo.to_bytes(ours)) < len(W3TermInfo.to_bytes(w3))
