"""The compact index format (compact.py, issue 15): what is written is what is read back, the
index holds what Whoosh's W3 format holds, an index of the W3 format asks for a rebuild, and a
damaged block is named as damage, not a traceback."""

import io
import json
import os
import random
import re
import shutil
import threading
import time
import zlib
from itertools import islice, takewhile
from types import SimpleNamespace

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import formats
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3FieldWriter, W3TermInfo, W3TermsReader
from whoosh.filedb.structfile import BufferFile, StructFile
from whoosh.system import pack_uint, pack_ushort

import vnsearch
from vnsearch import compact, scoring
from vnsearch.cli import cli
from vnsearch.codec import TermAtATimeFieldWriter, TermAtATimeW3Codec, _in_place
from vnsearch.compact import (
    CompactCodec,
    CompactLeafMatcher,
    CompactFieldWriter,
    CompactPostingsWriter,
    CompactTermInfo,
    CompactTermsReader,
    StoredColumn,
    _sole,
    positions_arrays,
    _ZLIB,
)
from vnsearch.corpus import read_corpus
from vnsearch.indexer import CODEC_BLOCK, MARKER, _add_article
from vnsearch.schema import SCHEMA_VERSION, build_schema
from vnsearch.termdict import BLOCK_TERMS

from .conftest import SEEDS, dantri_texts, write_articles

# ------------------------------------------------------------------ postings round trip


def write_term(fmt, postings, blocklimit):
    """(the postings file's bytes, the term's offset and length) of one term written."""
    f = io.BytesIO()
    sf = StructFile(f)
    sf.write(b"\x00" * 7)  # a term that does not start the file
    pw = CompactPostingsWriter(sf, blocklimit)
    pw.start_postings(fmt, CompactTermInfo())
    for docnum, weight, value in postings:
        pw.add_posting(docnum, weight, value)
    terminfo = pw.finish_postings()
    assert not terminfo.is_inlined()
    return f.getvalue(), terminfo


def matcher_of(buf, terminfo, fmt):
    """The term's matcher, its term info read back as the terms reader reads it."""
    stored = CompactTermInfo.from_bytes(terminfo.to_bytes())
    return CompactLeafMatcher(BufferFile(buf), stored, fmt)


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
    buf, terminfo = write_term(fmt, postings, blocklimit)
    assert terminfo._sole == (len(postings) <= blocklimit)  # one block: a bare header
    matcher = matcher_of(buf, terminfo, fmt)
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
    buf, terminfo = write_term(fmt, postings, blocklimit)
    matcher = matcher_of(buf, terminfo, fmt)
    got = []
    while matcher.is_active():
        got.append((matcher.id(), matcher.value_as("positions"), matcher.value_as("frequency")))
        matcher.next()
    assert got == [(d, fmt.decode_positions(v), fmt.decode_frequency(v)) for d, _, v in postings]


def term_bytes(buf, terminfo):
    """(the term's postings bytes, its ``sole``), as the terms reader hands them out."""
    stored = CompactTermInfo.from_bytes(terminfo.to_bytes())
    offset, length = stored.extent()
    length = length[0] if isinstance(length, tuple) else length
    return buf[offset:offset + length], _sole(stored)


@settings(max_examples=60, deadline=None)
@given(case=positions_postings(), blocklimit=blocklimits)
def test_positions_as_arrays_are_the_positions_written(case, blocklimit):
    """What phrases read (matching.phrase_documents): every block of the term at once."""
    fmt, postings = case
    buf, terminfo = write_term(fmt, postings, blocklimit)
    ids, counts, positions = positions_arrays(*term_bytes(buf, terminfo))
    written = [fmt.decode_positions(v) for _, _, v in postings]
    assert ids.tolist() == [d for d, _, _ in postings]
    assert counts.tolist() == [len(p) for p in written]
    assert positions.tolist() == [x for p in written for x in p]


@settings(max_examples=20, deadline=None)
@given(case=st.one_of(frequency_postings(), existence_postings()), blocklimit=blocklimits)
def test_a_term_without_positions_has_no_position_arrays(case, blocklimit):
    fmt, postings = case
    buf, terminfo = write_term(fmt, postings, blocklimit)
    assert positions_arrays(*term_bytes(buf, terminfo)) is None


def _folded_tich(n: int) -> tuple:
    """(format, postings) of the folded syllable "tich" in ``n`` paragraphs: a common term's
    positions, one or two a paragraph."""
    fmt = formats.Positions()
    return fmt, [(d * 3, float(1 + d % 2), fmt.encode([d % 40, d % 40 + 7][:1 + d % 2])) for d in range(n)]


@pytest.mark.parametrize("n", [1, 3, 500])
def test_a_block_deflated_without_zlibs_header_reads_back(n):
    """Schema 14: a block's data is raw deflate at level 9 (no zlib header or Adler-32) when
    that is smaller; a one-posting term's few bytes stay as they are."""
    fmt, postings = _folded_tich(n)
    buf, terminfo = write_term(fmt, postings, 1024)
    flags, data = buf[7], buf[8:]  # the term's only block: its flags byte, then its data
    if n == 500:
        assert flags & _ZLIB
        assert zlib.decompress(data, -15)  # raw deflate, no header
        with pytest.raises(zlib.error):
            zlib.decompress(data)
    if n == 1:
        assert not flags & _ZLIB
    matcher = matcher_of(buf, terminfo, fmt)
    assert read_all(matcher) == [(d, f32(w), v) for d, w, v in postings]


def test_a_zlib_block_of_schema_13_is_named_as_damage():
    """A block written by schema 13 (zlib with its header) is not read as some other postings."""
    fmt, postings = _folded_tich(500)
    buf, terminfo = write_term(fmt, postings, 1024)
    old = buf[:8] + zlib.compress(zlib.decompress(buf[8:], -15), 3)
    terminfo._length = len(old) - 7
    with pytest.raises(ValueError, match="damaged postings block"):
        read_all(matcher_of(old, terminfo, fmt))


@settings(max_examples=60, deadline=None)
@given(case=any_postings, blocklimit=blocklimits, target=st.integers(0, 2**32))
def test_skip_to_finds_the_first_posting_at_or_after_the_target(case, blocklimit, target):
    fmt, postings = case
    buf, terminfo = write_term(fmt, postings, blocklimit)
    matcher = matcher_of(buf, terminfo, fmt)
    after = [d for d, _, _ in postings if d >= target]
    matcher.skip_to(target)
    if after:
        assert matcher.is_active() and matcher.id() == after[0]
    else:
        assert not matcher.is_active()


# ------------------------------------------------------------------ stored fields round trip


def write_stored(docs, doccount, column=None, lead=b"\x01\x02\x03"):
    """(the column's reader, its bytes) of ``docs`` (None: a document without stored fields)
    written as Whoosh's per-document writer writes them, after ``lead`` bytes of another
    column."""
    column = column or StoredColumn()
    f = io.BytesIO()
    sf = StructFile(f)
    sf.write(lead)
    writer = column.writer(sf)
    for docnum, doc in enumerate(docs):
        if doc is not None:  # Whoosh adds no value for a document without stored fields
            writer.add(docnum, doc)
    writer.finish(doccount)
    buf = f.getvalue()
    return column.reader(BufferFile(buf), len(lead), len(buf) - len(lead), doccount), buf[len(lead):]


@settings(max_examples=60, deadline=None)
@given(
    docs=st.lists(st.one_of(st.none(), st.dictionaries(st.sampled_from(["text", "para", "title"]),
                                                        st.one_of(st.text(max_size=30), st.integers()),
                                                        min_size=1)), max_size=60),
    extra=st.integers(0, 5),
    order=st.randoms(),
    pad=st.sampled_from([0, 700, 3000]),  # no dictionary, raw content, or one trained
)
def test_stored_fields_read_back_in_any_order(docs, extra, order, pad):
    docs = [None if d is None else dict(d, pad="đ" * pad + str(i)) for i, d in enumerate(docs)]
    doccount = len(docs) + extra
    reader, _ = write_stored(docs, doccount)
    expected = docs + [None] * extra
    numbers = list(range(doccount))
    order.shuffle(numbers)
    for docnum in numbers:
        assert reader[docnum] == expected[docnum]
    assert list(reader) == expected


def _stored_tail(buf) -> tuple:
    """(documents, width of a length, dictionary kind, its bytes, magic) of a stored column."""
    from vnsearch.compact import _STORED_TAIL

    return _STORED_TAIL.unpack(buf[-_STORED_TAIL.size:])


def test_stored_fields_of_no_document_and_of_one():
    reader, _ = write_stored([], 0)
    assert list(reader) == []
    reader, _ = write_stored([], 3)  # documents without stored fields
    assert list(reader) == [None, None, None]
    reader, _ = write_stored([{"text": "Bão số 9"}], 1)
    assert list(reader) == [{"text": "Bão số 9"}]


def test_a_very_long_stored_document_between_short_ones():
    rng = random.Random(15)
    # 1.5 MB of text that compresses poorly: its frame is longer than a uint16 length
    long_text = "".join(rng.choice("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặ ") for _ in range(1_500_000))
    docs = [{"text": "Hà Nội"}, {"text": long_text, "para": 2}, None, {"text": "TP.HCM"}]
    reader, buf = write_stored(docs, 5)
    assert _stored_tail(buf)[1] == 4  # a frame longer than a uint16 length
    assert list(reader) == docs + [None]


def _seed_sentences(n: int) -> list[str]:
    """``n`` sentences of the seed articles' words in a random order: Vietnamese text without
    ../shared/data."""
    words = [w for path in sorted(SEEDS.glob("*.txt")) for w in path.read_text(encoding="utf-8").split()]
    rng = random.Random(13)
    return [" ".join(rng.choices(words, k=rng.randint(5, 80))) for _ in range(n)]


@pytest.mark.parametrize("source", [
    pytest.param(lambda: _seed_sentences(3000), id="seed words"),
    pytest.param(lambda: dantri_texts()[:3000], id="dantri", marks=pytest.mark.slow),  # ../shared/data
])
def test_stored_paragraphs_written_as_they_come_after_the_dictionary(monkeypatch, source):
    """Vietnamese paragraphs through the trained dictionary: the documents held to train it,
    those written as they come after it, documents without stored fields among them; and they
    take less than half their pickles."""
    import pickle

    import vnsearch.compact

    texts = source()
    # trained on the first ~1,500 (zstd trains a dictionary on four times its size or more)
    monkeypatch.setattr(vnsearch.compact, "SAMPLE", 5 * vnsearch.compact.DICTIONARY)
    docs = [None if i % 97 == 5 else {"article_id": f"news_{i // 20:04d}", "kind": "p", "para": i % 20 + 1,
                                      "text": text} for i, text in enumerate(texts)]
    reader, buf = write_stored(docs, len(docs))
    assert _stored_tail(buf)[2] == 2  # a trained dictionary
    pickled = sum(len(pickle.dumps(d, pickle.HIGHEST_PROTOCOL)) for d in docs if d is not None)
    assert len(buf) < 0.5 * pickled
    assert list(reader) == docs
    assert [reader[i] for i in range(len(docs) - 1, -1, -7)] == docs[::-1][::7]


def test_stored_fields_of_another_format_are_refused():
    _, buf = write_stored([{"text": "Bão số 9"}], 1)
    with pytest.raises(ValueError, match="not vnsearch's stored fields"):
        StoredColumn().reader(BufferFile(buf[:-4] + b"vnZ0"), 0, len(buf), 1)
    with pytest.raises(ValueError, match="damaged stored fields"):
        StoredColumn().reader(BufferFile(buf), 0, len(buf), 2)


def test_a_stored_document_changed_by_its_reader_reads_the_same_again():
    doc = {"text": "Bão số 9"}
    column = StoredColumn()
    f = io.BytesIO()
    writer = column.writer(StructFile(f))
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


def test_a_buffered_writer_fed_by_threads_keeps_each_unique_document_once(tmp_path):
    # Whoosh's test_buffered_threads with the codec, the names taken in turn instead of at
    # random (its 25 random picks among 4 names miss one about once in 300 runs, so
    # bench/whoosh_suite.py leaves it out): 5 threads update 25 times, the writer commits
    # every 10 documents, and each name is in the index once
    from whoosh import fields, writing

    schema = fields.Schema(name=fields.ID(unique=True, stored=True))
    ix = whoosh_index.create_in(str(tmp_path), schema)
    w = writing.BufferedWriter(ix, limit=10, writerargs={"codec": CompactCodec()})
    names = "alfa bravo charlie delta".split()

    def update(k: int) -> None:
        for i in range(5):
            w.update_document(name=names[(k + i) % 4])
            time.sleep(0.002 * ((3 * k + i) % 4))

    threads = [threading.Thread(target=update, args=(k,)) for k in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    w.close()
    with ix.reader() as r:
        assert r.doc_count() == 4
        assert sorted(fields_["name"] for fields_ in r.all_stored_fields()) == names
        assert all(isinstance(seg.codec(), CompactCodec) for seg in ix._segments())


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
    # the compact index's postings are read without W3's matcher (``postings_arrays``); a term
    # or field it lacks is no postings, as through the matcher
    assert ours._terms.postings_arrays is not None
    for fieldname, text in (("no such field", "bão"), ("folded", "khongcotu")):
        for reader in (ours, theirs):
            assert scoring._leaf_postings(reader, fieldname, text)[0].tolist() == []
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


class _ExtentsOfHashTable:
    """W3's hash table of whole term infos (offsets and lengths in them), answering as schema
    14's term dictionary does: (the term info without them, offset, length)."""

    def __init__(self, table):
        self._table = table

    @staticmethod
    def _entry(value):
        terminfo = CompactTermInfo.from_bytes(value)
        if terminfo.is_inlined():
            return value, 0, 0
        return terminfo.to_bytes(extent=False), terminfo._offset, terminfo._length

    def __getitem__(self, key):
        return self._entry(self._table[key])

    def items(self):
        return ((k, self._entry(v)) for k, v in self._table.items())

    def items_from(self, key):
        return ((k, self._entry(v)) for k, v in self._table.items_from(key))

    def __contains__(self, key):
        return key in self._table

    def __getattr__(self, name):  # the rest: the table's own
        return getattr(self._table, name)


class _Schema11Terms(CompactTermsReader):
    def __init__(self, codec, dbfile, length, postfile):
        W3TermsReader.__init__(self, codec, dbfile, length, postfile)  # W3's hash table
        self._tindex = _ExtentsOfHashTable(self._tindex)


class _Schema11FieldWriter(CompactFieldWriter):
    """Whole term infos (their offsets and lengths too) in W3's hash table."""

    def __init__(self, codec, storage, segment):
        W3FieldWriter.__init__(self, codec, storage, segment)

    _add_term = TermAtATimeFieldWriter._add_term


class _Schema11Codec(CompactCodec):
    """What schema 11 wrote and read: compact postings and term infos in W3's hash table of
    terms."""

    def field_writer(self, storage, segment):
        return _Schema11FieldWriter(self, storage, segment)

    def terms_reader(self, storage, segment):
        storage = _in_place(storage)
        name = segment.make_filename(self.TERMS_EXT)
        return _Schema11Terms(self, storage.open_file(name), storage.file_length(name),
                              segment.open_file(storage, self.POSTS_EXT))


@pytest.mark.parametrize("codec, version", [(TermAtATimeW3Codec, 10), (_Schema11Codec, 11), (CompactCodec, 12),
                                            (CompactCodec, 13), (CompactCodec, 14),
                                            (CompactCodec, 15)])
def test_an_index_of_a_previous_format_asks_for_a_rebuild(tmp_path, monkeypatch, codec, version):
    """What the previous versions wrote: W3 segments with schema 10 in the marker, compact
    segments with W3's term table with schema 11; schema 12's stored fields (deflated with
    zlib) are refused by this version's reader (``test_stored_fields_of_another_format_are_refused``),
    its marker asks for the rebuild first; so does schema 13's (postings blocks zlib'd with a
    header: ``test_a_zlib_block_of_schema_13_is_named_as_damage``) and schema 14's (term infos
    with their offsets in b"VNT2": ``test_a_term_dictionary_of_schema_14_is_refused``); schema
    15's one-posting blocks read by this version would take their empty gaps' width byte for
    data, so its marker is what keeps them from being read."""
    import vnsearch.indexer

    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    index_dir = tmp_path / "index"
    with monkeypatch.context() as m:
        m.setattr(vnsearch.indexer, "CompactCodec", codec)
        vnsearch.update_index(str(corpus), str(index_dir))
    assert SCHEMA_VERSION == 16
    if codec is _Schema11Codec:  # read as this version's format, its term table is refused
        with pytest.raises(ValueError, match="not vnsearch's term dictionary"):
            CompactCodec().terms_reader(*_segment_storage(index_dir))
    marker = json.loads((index_dir / MARKER).read_text())
    marker["schema_version"] = version
    (index_dir / MARKER).write_text(json.dumps(marker))
    r = run("query", "hộ tịch", "--index", str(index_dir))
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert f"schema {version}, this one reads 16" in r.stderr
    assert r.stderr.strip().endswith("`vnsearch index --rebuild`"), r.stderr
    assert run("index", "--rebuild", "--index", str(index_dir)).exit_code == 0
    ix = whoosh_index.open_dir(str(index_dir))
    assert all(type(s.codec()) is CompactCodec for s in ix._segments())
    assert run("query", "hộ tịch", "--index", str(index_dir)).exit_code == 0


def _segment_storage(index_dir) -> tuple:
    """(the storage of the index's one segment's files, the segment)."""
    ix = whoosh_index.open_dir(str(index_dir))
    (segment,) = ix._segments()
    return segment.open_compound_file(ix.storage), segment


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
    sole=st.booleans(),
)
def test_a_term_info_reads_back_as_w3s_does(weight, df, lengths, maxweight, ids, extent, sole):
    infos = []
    for cls in (W3TermInfo, CompactTermInfo):
        info = cls()
        if cls is CompactTermInfo:
            info._sole = sole  # postings of one block, its header left to the term info
        info._weight, info._df, info._maxweight = weight, df, maxweight
        info._minlength, info._maxlength = min(lengths), max(lengths)
        info._minid, info._maxid = ids
        info.set_extent(*extent)
        infos.append(cls.from_bytes(info.to_bytes()))
    w3, ours = infos
    w3._length = w3._length[0]  # W3 reads its length back as a 1-tuple
    ours_vars = dict(vars(ours))
    assert ours_vars.pop("_sole") is sole
    assert ours_vars == vars(w3)
    assert len(CompactTermInfo.to_bytes(ours)) < len(W3TermInfo.to_bytes(w3))


@pytest.mark.parametrize("weight, maxweight, lengths, ids, one", [
    (2.0, 2.0, (14, 14), (5, 5), True),  # "tịch" twice in one paragraph of 14 words
    (0.5, 0.5, (9, 9), (0, 0), True),  # a float weight
    (-1.0, 0.0, (9, 9), (7, 7), False),  # a negative weight: its largest is 0
    (2.0, 2.0, (14, 30), (5, 5), True),  # lengths of one byte each (14, 30: other bytes)
])
def test_a_one_posting_term_info_is_written_once(weight, maxweight, lengths, ids, one):
    """Schema 16: the term info of one posting writes its weight, field length and document
    once (they are the largest weight, the shortest and longest length, the first and last
    document), and reads back as the long form does."""
    from vnsearch.compact import _TI_ONE

    info = CompactTermInfo()
    info._sole = True
    info._weight, info._df, info._maxweight = weight, 1, maxweight
    info._minlength, info._maxlength = lengths
    info._minid, info._maxid = ids
    info.set_extent(1234, 5)
    data = info.to_bytes(extent=False)
    assert bool(data[0] & _TI_ONE) is (one and lengths[0] == lengths[1])
    back = CompactTermInfo.from_bytes(data, (1234, 5))
    w3 = W3TermInfo.from_bytes(W3TermInfo.to_bytes(info))
    w3._length = w3._length[0]
    back_vars = dict(vars(back))
    assert back_vars.pop("_sole") is True
    assert back_vars == vars(w3)


@pytest.mark.parametrize("weight", [1.0, 3.0, 0.0, 0.5, 70_000.0])
def test_a_one_posting_block_is_its_positions_alone(weight):
    """Schema 16: a term of one posting (a word in one paragraph) writes no document gap (an
    empty array is nothing, not a width byte) and no whole weight (the term info's largest
    weight is it)."""
    fmt = formats.Positions()
    poses = list(range(0, 3 * int(max(weight, 1)), 3))[:3]
    postings = [(41946, weight, fmt.encode(poses))]
    buf, terminfo = write_term(fmt, postings, 1024)
    block = buf[7:]
    if weight in (1.0, 3.0, 70_000.0) and len(poses) == weight:
        assert len(block) == 1 + 1 + len(poses)  # flags, the gaps' width byte, the gaps
    matcher = matcher_of(buf, terminfo, fmt)
    assert read_all(matcher) == [(d, f32(w), v) for d, w, v in postings]
    ids, weights = matcher.arrays()
    assert ids.tolist() == [41946] and weights.tolist() == [f32(weight)]


# ------------------------------------------------------------------ gathered postings


class _DocLengths:
    """A segment's field lengths that ``add_gathered`` asks for document by document."""

    def doc_field_length(self, docnum, fieldname):
        return 1 + docnum % 7 * 3


class _Lengths(_DocLengths):
    """A segment's field lengths as ``add_gathered`` reads them: a length column of the first
    ``len(raw)`` documents' length bytes (0: no length), ``doc_field_length`` for the others.
    (Whoosh's ``W3TermInfo.add_block`` fails on a term whose first block has no lengths.)"""

    def __init__(self, raw: bytes):
        self._raw = raw

    def _cached_reader(self, name, column):
        return SimpleNamespace(_dbfile=SimpleNamespace(get=lambda pos, n: self._raw[pos:pos + n]), _basepos=0,
                               _count=len(self._raw))


def _gathered_files(fields, lengths, blocklimit) -> dict[str, bytes]:
    """The postings and terms files ``add_gathered`` writes of ``fields``: {name: [(btext,
    (ids, weights, counts, gaps))]}."""
    from whoosh.fields import TEXT, Schema
    from whoosh.filedb.filestore import RamStorage

    storage = RamStorage()
    codec = CompactCodec(blocklimit=blocklimit)
    segment = codec.new_segment(storage, "MAIN")
    writer = codec.field_writer(storage, segment)
    schema = Schema(pos=TEXT(phrase=True), freq=TEXT(phrase=False))
    writer.add_gathered(schema, lengths, sorted(fields.items()))
    writer.close()
    return {name.rsplit(".", 1)[1]: storage.open_file(name).read() for name in storage.list()}


def _uint(top: int):
    """Integers up to ``top``, often one at a width's edge (255 and 256, 65,535 and 65,536)."""
    edges = [x for x in (0, 1, 255, 256, 65_535, 65_536, 2**32 - 1) if x <= top]
    return st.one_of(st.sampled_from(edges), st.integers(0, top))


@st.composite
def gathered_term(draw, positional: bool):
    """A lane's term as ``Lane.terms`` yields it: of 1, 2, a few, about a block's or several
    blocks' postings; weights its counts (1 or more), boosted to floats or other integers, or
    any floats; document and position gaps that take 1, 2 or 4 bytes."""
    n = draw(st.sampled_from([1, 1, 2, 3, 5, 17, 127, 128, 129, 300]))
    apart = draw(st.sampled_from([1, 300, 70_000, 2**32 // 300 - 1]))  # the largest gap between documents
    ids = np.cumsum(draw(st.lists(_uint(apart).map(lambda x: max(x, 1)), min_size=n, max_size=n))) - 1
    counts = np.array(draw(st.lists(st.sampled_from([1, 1, 1, 2, 3, 9]), min_size=n, max_size=n)), dtype=np.int64)
    boost = draw(st.sampled_from([1.0, 1.0, 0.5, 3.0, 0.1, None]))
    if boost is None:
        weights = np.array(draw(st.lists(st.one_of(st.floats(0, 1e4), st.sampled_from([np.nan, np.inf, 2.0**40])),
                                         min_size=n, max_size=n)), dtype=np.float64)
    else:
        weights = counts.astype(np.float64) * boost
    gaps = None
    if positional:
        widest = draw(st.sampled_from([200, 60_000, 2**32 - 1]))
        total = int(counts.sum())
        gaps = np.array(draw(st.lists(_uint(widest), min_size=total, max_size=total)), dtype=np.int64)
    return ids, weights, counts, gaps


def gathered_terms(positional: bool):
    return st.dictionaries(st.binary(min_size=1, max_size=3), gathered_term(positional), max_size=5).map(
        lambda terms: sorted(terms.items()))


@settings(max_examples=60, deadline=None)
@given(pos=gathered_terms(True), freq=gathered_terms(False), blocklimit=st.sampled_from([CODEC_BLOCK, 4]),
       lengths=st.sampled_from([_DocLengths(), _Lengths(bytes((1, 2, 0, 90, 3)) + bytes(range(1, 250, 3)))]))
def test_small_terms_are_written_as_the_arrays_path_writes_them(pos, freq, blocklimit, lengths):
    """Terms of one block written over lists (``_write_small``) are byte for byte what
    ``_write_arrays`` writes of them: the postings file and the term dictionary."""
    fields = {"pos": pos, "freq": freq}
    small = []
    write_small = CompactFieldWriter._write_small
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(CompactFieldWriter, "_write_small",
                   lambda self, *args: small.append(write_small(self, *args)) or small[-1])
        ours = _gathered_files(fields, lengths, blocklimit)
        mp.setattr(compact, "SMALL_TERM", 0)
        theirs = _gathered_files(fields, lengths, blocklimit)
    assert ours == theirs
    # every term of one block written over lists, but those of weights not numbers or beyond ±2**31
    limit = min(blocklimit, compact.SMALL_TERM)
    assert small == [bool(np.isfinite(weights).all() and np.abs(weights).max() < 2**31)
                     for _, terms in sorted(fields.items()) for _, (ids, weights, *_) in terms if len(ids) <= limit]


# ------------------------------------------------------------------ the term dictionary


def _tables(items, block_terms):
    """(ours, W3's): a ``TermDictReader`` and W3's ``OrderedHashReader`` of the same sorted
    (key, value) pairs."""
    from whoosh.filedb.filestore import RamStorage
    from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter

    from vnsearch.termdict import TermDictReader, TermDictWriter

    storage = RamStorage()
    for name, writer in (("ours", TermDictWriter(storage.create_file("ours"), block_terms)),
                         ("w3", OrderedHashWriter(storage.create_file("w3")))):
        writer.extras["fieldmap"] = {"f": 0}
        for key, value in items:
            writer.add(key, value)
        writer.close()
    ours = TermDictReader(storage.open_file("ours"), storage.file_length("ours"))
    w3 = OrderedHashReader(storage.open_file("w3"), storage.file_length("w3"))
    assert ours.extras["fieldmap"] == w3.extras["fieldmap"]
    return ours, w3


def _same_answers(ours, w3, probes):
    """Every look-up and ordered walk of ``probes`` answers on ``ours`` what it answers on W3's."""
    for key in probes:
        assert ours.get(key) == w3.get(key), key
        assert (key in ours) == (key in w3), key
        pos = w3.closest_key_pos(key)
        rank = ours.closest(key)
        assert (rank is None) == (pos is None), key
        if pos is not None:
            assert ours.entry(rank)[0] == w3.key_at(pos), key
        assert list(islice(ours.items_from(key), 40)) == list(islice(w3.items_from(key), 40)), key


def _value(key: bytes) -> bytes:
    return b"%d:" % len(key) + key[::-1]


# keys made of Vietnamese term bytes: multi-byte UTF-8 letters sharing their first bytes
# (ộ E1 BB 99, ồ E1 BB 93, ị E1 BB 8B), the compound and reading separators (no empty key:
# W3's writer refuses it, and a term's key holds at least its field's number)
_PIECES = ["h", "ộ", "ồ", "o", "_", "t", "ịch", "ich", "|", "\x00\x01", "\x00\x02", "\xff"]
vn_keys = st.lists(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8).map(lambda p: "".join(p).encode("utf-8")),
                   max_size=300, unique=True).map(sorted)


@settings(max_examples=60, deadline=None)
@given(keys=vn_keys, probes=st.lists(st.binary(max_size=6), max_size=20),
       block_terms=st.sampled_from([1, 2, 3, 5, 32]))
def test_the_term_dictionary_answers_as_whooshs_hash_table(keys, probes, block_terms):
    ours, w3 = _tables([(k, _value(k)) for k in keys], block_terms)
    assert list(ours.items()) == list(w3.items())
    assert len(ours) == len(keys)
    _same_answers(ours, w3, keys + probes + [k + b"\x00" for k in keys] + [k[:-1] for k in keys])


def test_the_term_dictionary_at_its_block_boundaries():
    words = ["an", "ba", "bão", "hồ_tịch|hồ_tịch", "ho_tich|hồ_tịch", "ho_tich|hộ_tịch", "ho_tich|họ_tịch",
             "hộ", "hộ_chiếu", "hộ_khẩu", "hộ_tịch", "hộ_tịch_viên", "hồ", "hồ_sơ", "hổ", "z"]
    keys = sorted(b"\x00\x00" + w.encode("utf-8") for w in words)
    ours, w3 = _tables([(k, _value(k)) for k in keys], 4)
    block = {k: i // 4 for i, k in enumerate(keys)}
    assert list(ours.items()) == list(w3.items())

    # a prefix whose terms run across a block boundary
    prefix = b"\x00\x00" + "hộ".encode("utf-8")
    found = list(takewhile(lambda kv: kv[0].startswith(prefix), ours.items_from(prefix)))
    assert found == list(takewhile(lambda kv: kv[0].startswith(prefix), w3.items_from(prefix)))
    assert len({block[k] for k, _ in found}) == 2 and len(found) == 5
    # the readings of one folded compound ("ho_tich|"), also across a boundary
    prefix = b"\x00\x00ho_tich|"
    found = [k for k, _ in takewhile(lambda kv: kv[0].startswith(prefix), ours.items_from(prefix))]
    assert found == [b"\x00\x00" + w.encode("utf-8") for w in ("ho_tich|họ_tịch", "ho_tich|hồ_tịch", "ho_tich|hộ_tịch")]
    assert len({block[k] for k in found}) == 2

    # a term absent between two blocks: after the last key of one, before the first of the next
    last_of_first, first_of_second = keys[3], keys[4]
    between = last_of_first + b"\x00"
    assert last_of_first < between < first_of_second
    assert between not in ours and ours.get(between) is None
    with pytest.raises(KeyError):
        ours[between]
    assert ours.entry(ours.closest(between))[0] == first_of_second == w3.closest_key(between)

    # the first and the last term, and what lies before and after them
    assert ours[keys[0]] == _value(keys[0]) and ours[keys[-1]] == _value(keys[-1])
    assert ours.closest(b"") == 0 and ours.closest(keys[-1]) == len(keys) - 1
    assert ours.closest(keys[-1] + b"\x00") is None and list(ours.items_from(keys[-1] + b"\x00")) == []
    assert ours.entry(len(keys)) is None
    _same_answers(ours, w3, keys + [between, b"", b"\x00", b"\x00\x00", b"\x00\x00ho_tich", b"\xff"])


def _extents_table(items, block_terms, start=7):
    """A ``TermDictReader`` written with extents: (key, value, extent length) items, the first
    extent at ``start``."""
    from whoosh.filedb.filestore import RamStorage

    from vnsearch.termdict import TermDictReader, TermDictWriter

    storage = RamStorage()
    writer = TermDictWriter(storage.create_file("ours"), block_terms, extents=True)
    offset = start
    for key, value, length in items:
        writer.add(key, value, (offset, length))
        offset += length
    writer.close()
    return TermDictReader(storage.open_file("ours"), storage.file_length("ours"))


@settings(max_examples=25, deadline=None)
@given(keys=vn_keys, lengths=st.lists(st.sampled_from([0, 1, 3, 255, 256, 70_000, 2**32 - 1]), min_size=300,
                                      max_size=300),
       block_terms=st.sampled_from([1, 3, 16]))
def test_term_extents_read_back_from_their_lengths(keys, lengths, block_terms):
    """Schema 15: a term's postings offset is not written; it is where the term before ended
    (each block keeps its first one), whatever the lengths (0: an inlined term; offsets past
    4 GB)."""
    items = [(k, _value(k), n) for k, n in zip(keys, lengths)]
    ours = _extents_table(items, block_terms)
    assert ours.has_extents
    expected, offset = [], 7
    for k, v, n in items:
        expected.append((k, (v, offset, n)))
        offset += n
    assert list(ours.items()) == expected
    for rank, (k, entry) in enumerate(expected):
        assert ours[k] == entry and ours.entry(rank) == (k, entry)
        assert list(islice(ours.items_from(k), 3)) == expected[rank:rank + 3]


def test_term_extents_that_do_not_follow_each_other_are_refused():
    from whoosh.filedb.filestore import RamStorage

    from vnsearch.termdict import TermDictWriter

    writer = TermDictWriter(RamStorage().create_file("t"), 4, extents=True)
    writer.add(b"\x00\x00ho", b"info", (10, 5))
    with pytest.raises(ValueError, match="not where the one before ended"):
        writer.add(b"\x00\x00" + "hộ".encode("utf-8"), b"info", (16, 5))


def test_a_term_dictionary_of_schema_14_is_refused():
    """Schema 13's and 14's term dictionary (b"VNT2", term infos with their offsets) is refused as
    another version's; its index's marker asks for the rebuild first."""
    from vnsearch.termdict import TermDictReader

    ours = _extents_table([(b"\x00\x00a%03d" % i, b"v", 3) for i in range(40)], 8)
    data = ours.dbfile.get(0, 10**6)
    old = b"VNT2" + data[4:-4] + b"VNT2"
    with pytest.raises(ValueError, match="not vnsearch's term dictionary"):
        TermDictReader(BufferFile(old), len(old))


def test_an_empty_term_dictionary():
    ours, w3 = _tables([], 32)
    assert list(ours.items()) == [] and ours.get(b"a") is None and ours.closest(b"") is None


@pytest.mark.parametrize("sample", [200_000, 4 * 1024 * 1024])
def test_term_blocks_written_before_and_after_their_trained_dictionary(monkeypatch, sample):
    """Enough terms for zstd to train a dictionary on their blocks: the blocks held until it is
    trained and (a small ``SAMPLE``) those written as they come after it read back as W3's."""
    import vnsearch.termdict
    from vnsearch.termdict import _TAIL
    from vnsearch.zdict import TRAINED

    monkeypatch.setattr(vnsearch.termdict, "SAMPLE", sample)
    # Vietnamese keys of one to four seed words, in three fields
    sentences = [s.split() for s in _seed_sentences(20000)]
    keys = sorted({bytes((0, n % 3)) + " ".join(s[n % 5:n % 5 + n % 4 + 1]).encode("utf-8")
                   for n, s in enumerate(sentences)})
    assert len(keys) > 15000
    ours, w3 = _tables([(k, _value(k)) for k in keys], BLOCK_TERMS)
    data = ours.dbfile.get(0, 10**9)
    assert _TAIL.unpack(data[-_TAIL.size:])[5] == TRAINED
    assert list(ours.items()) == list(w3.items())
    rng = random.Random(3)
    _same_answers(ours, w3, rng.sample(keys, 300) + [k + b"\x00" for k in rng.sample(keys, 100)])


def test_a_damaged_term_dictionary_is_named_as_damage():
    from vnsearch.termdict import TermDictReader

    ours, _ = _tables([(b"\x00\x00a%03d" % i, b"v") for i in range(100)], 8)
    data = ours.dbfile.get(0, 10**6)
    with pytest.raises(ValueError, match="damaged term dictionary"):
        TermDictReader(BufferFile(data[:-3]), len(data) - 3)  # cut: no tail
    reader = TermDictReader(BufferFile(data), len(data))
    unpack = reader._unpack
    block = unpack(data[4:reader._starts[1]])  # the first block's frame
    # the first block: its lengths' width, the bytes each key after the first shares with the
    # one before it (7), the rests' lengths (7), the infos' lengths (8)
    assert block[:23] == b"\x01" + b"\x05" * 7 + b"\x01" * 7 + b"\x01" * 8
    cut = bytearray(block)
    cut[15] = 0x7F  # the first info's length, past the block's end
    reader._unpack = lambda frame: bytes(cut) if frame == data[4:reader._starts[1]] else unpack(frame)
    with pytest.raises(ValueError, match="damaged term dictionary"):
        list(reader.items())
    frames = bytearray(data)
    frames[5:reader._starts[1]] = b"\xff" * (reader._starts[1] - 5)  # a frame that is no zstd frame
    reader = TermDictReader(BufferFile(bytes(frames)), len(frames))
    with pytest.raises(ValueError, match="damaged term dictionary: block 0"):
        list(reader.items())


def _dantri_keys() -> list[bytes]:
    """The kind of terms a dantri index holds, made without pyvi: each syllable of dantri's
    first 3,000 lines (exact, folded) in two fields, and each pair of neighbouring syllables as
    a compound and as its reading ("ho_tich|hộ_tịch") in two others: some 100,000 keys, as
    many as the two segments of the dantri index hold."""
    from vnsearch.text import fold

    syllables, pairs = set(), set()
    for line in dantri_texts()[:3000]:
        words = re.findall(r"\w+", line.lower())
        syllables.update(words)
        pairs.update(zip(words, words[1:]))
    folded = {s: fold(s) for s in syllables}
    exact = {s.encode("utf-8") for s in syllables}
    compounds = {f"{a}_{b}".encode("utf-8") for a, b in pairs}
    readings = {f"{folded[a]}_{folded[b]}|{a}_{b}".encode("utf-8") for a, b in pairs}
    return [pack_ushort(n) + t for n, terms in enumerate((compounds, exact, set(map(str.encode, folded.values())),
                                                         readings)) for t in sorted(terms)]


@pytest.mark.slow  # reads ../shared/data, 5 s
def test_the_term_dictionary_of_a_dantri_sized_set_answers_as_w3s():
    keys = _dantri_keys()
    assert len(keys) > 80_000
    rng = random.Random(15)
    ours, w3 = _tables([(k, _value(k)) for k in keys], BLOCK_TERMS)
    assert list(ours.keys()) == list(w3.keys())  # W3's order: the order the terms came in
    assert ours.dbfile.get(0, 10**9) != w3.dbfile.get(0, 10**9)
    sample = rng.sample(keys, 2000)
    absent = [k[:-1] + b"\x00" for k in sample] + [k + b"a" for k in sample]
    prefixes = [k[:n] for k in rng.sample(keys, 300) for n in (2, 3, 4, 6)]
    _same_answers(ours, w3, sample + absent + prefixes)


def _info(terminfo) -> dict:
    """A term info's statistics (where its postings lie, and how, is each format's own)."""
    return {k: v for k, v in vars(terminfo).items() if k not in ("_offset", "_length", "_sole")}


def test_cursors_and_prefixes_read_as_from_w3s_index(tmp_path):
    """What Whoosh's reader and vnsearch ask of the term table (cursors, prefixes, lexicons,
    frequencies), on an index of the seeds and a field of one term, against W3's index."""
    from whoosh.fields import ID

    schema = build_schema()
    schema.add("lone", ID())
    readers = []
    for name, codec in (("ours", CompactCodec(blocklimit=CODEC_BLOCK)),
                        ("w3", TermAtATimeW3Codec(blocklimit=CODEC_BLOCK))):
        os.makedirs(tmp_path / name)
        ix = whoosh_index.create_in(str(tmp_path / name), schema)
        writer = ix.writer(codec=codec)
        for article in read_corpus(str(SEEDS)):
            _add_article(writer, article)
        writer.add_document(lone="một")
        writer.commit()
        readers.append(ix.reader())
    ours, w3 = readers
    assert isinstance(ours._terms, CompactTermsReader)
    fields = sorted({f for f, _ in w3.all_terms()})
    assert "lone" in fields and len(fields) > 4
    for field in fields:
        lexicon = list(w3.lexicon(field))
        assert list(ours.lexicon(field)) == lexicon
        assert [(t, _info(i)) for t, i in ours.iter_field(field)] == [(t, _info(i)) for t, i in w3.iter_field(field)]
        for a, b in ((ours.cursor(field), w3.cursor(field)),):
            walked = []
            while a.is_valid():
                assert a.text() == b.text() and _info(a.term_info()) == _info(b.term_info())
                walked.append(a.text())
                a.next(), b.next()
            assert not b.is_valid() and len(walked) == len(lexicon)
            for term in lexicon[::7] + [b"", b"zzz", "hộ", "ho"]:
                assert a.find(term) == b.find(term)
            assert a.first() == b.first()
        for term in lexicon[::11]:
            text = term.decode("utf-8")
            for n in (1, 2, len(text)):
                assert list(ours.expand_prefix(field, text[:n])) == list(w3.expand_prefix(field, text[:n]))
            assert ours.doc_frequency(field, text) == w3.doc_frequency(field, text)
            assert ours.frequency(field, text) == w3.frequency(field, text)
            assert (field, text) in ours
        assert ours.doc_frequency(field, "không_có") == 0 and ("lone", "không_có") not in ours
        assert ours.most_frequent_terms(field, 5) == w3.most_frequent_terms(field, 5)
    assert list(ours.lexicon("lone")) == ["một".encode("utf-8")]
    assert list(ours.terms_within("folded", "bao", 1)) == list(w3.terms_within("folded", "bao", 1))
    assert list(ours.all_terms()) == list(w3.all_terms())
    ours.close()
    w3.close()
