"""The term-at-a-time writer writes Whoosh's W3 files byte for byte (issue 15): the index, and
so every ranking, is the one Whoosh's own posting-at-a-time writer makes."""

import os

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec

from vnsearch.codec import TermAtATimeW3Codec
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
