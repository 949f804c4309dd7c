import json
import os

import pytest

import vnsearch
from vnsearch import IndexUnavailable, update_index
from vnsearch.indexer import MARKER

from .conftest import SEED_000, write_articles


def ids(index_dir, q):
    return {h.article_id for h in vnsearch.search(q, index_dir, limit=50).hits if not h.partial}


def test_incremental_add_edit_delete_and_no_change(seed_corpus, tmp_path):
    index_dir = str(tmp_path / "ix")
    first = update_index(str(seed_corpus), index_dir)
    assert (first.added, first.created, first.paragraphs) == (2, True, 15)

    write_articles(seed_corpus, {"new": "Bão số 9\nCơn bão đổ bộ vào miền Trung."})
    r = update_index(str(seed_corpus), index_dir)
    assert (r.added, r.updated, r.removed, r.unchanged, r.paragraphs) == (1, 0, 0, 2, 1)
    assert ids(index_dir, "\"cơn bão\"") == {"new"}

    write_articles(seed_corpus, {"new": "Bão số 9\nMưa lũ kéo dài ở Quảng Bình."})
    r = update_index(str(seed_corpus), index_dir)
    assert (r.added, r.updated, r.unchanged) == (0, 1, 2)
    assert ids(index_dir, "\"cơn bão\"") == set()  # the old text is gone
    assert ids(index_dir, "\"mưa lũ\"") == {"new"}

    (seed_corpus / "new.txt").unlink()
    r = update_index(str(seed_corpus), index_dir)
    assert (r.removed, r.unchanged) == (1, 2)
    assert ids(index_dir, "\"mưa lũ\"") == set()


def test_second_run_without_change_analyses_and_writes_nothing(seed_corpus, tmp_path, monkeypatch):
    index_dir = str(tmp_path / "ix")
    update_index(str(seed_corpus), index_dir)
    before = sorted(os.listdir(index_dir))

    from vnsearch import segment

    def fail(*args, **kwargs):
        raise AssertionError("re-analysed an unchanged article")

    monkeypatch.setattr(segment, "segment", fail)
    monkeypatch.setattr(segment, "segment_many", fail)
    monkeypatch.setattr(segment, "segment_many_raw", fail)
    monkeypatch.setattr(segment, "_segment_raw", fail)
    segment.forget()
    r = update_index(str(seed_corpus), index_dir)
    assert (r.unchanged, r.paragraphs, r.changed) == (2, 0, False)
    assert sorted(os.listdir(index_dir)) == before  # no new segment, no new generation


def test_rebuild_replaces_everything(seed_corpus, tmp_path):
    index_dir = str(tmp_path / "ix")
    update_index(str(seed_corpus), index_dir)
    r = update_index(str(seed_corpus), index_dir, rebuild=True)
    assert (r.added, r.paragraphs) == (2, 15)
    assert len(vnsearch.search("hộ tịch", index_dir, limit=100).hits) == vnsearch.search("hộ tịch", index_dir).total


def test_a_folder_that_is_not_an_index_is_never_touched(seed_corpus, tmp_path):
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "cat.jpg").write_bytes(b"\xff\xd8")
    for rebuild in (False, True):
        with pytest.raises(IndexUnavailable, match="not a vnsearch index"):
            update_index(str(seed_corpus), str(foreign), rebuild=rebuild)
    assert os.listdir(foreign) == ["cat.jpg"]
    with pytest.raises(IndexUnavailable, match="not a vnsearch index"):
        vnsearch.search("hộ", str(foreign))


def test_index_of_another_version_asks_for_rebuild(seed_corpus, tmp_path):
    index_dir = tmp_path / "ix"
    update_index(str(seed_corpus), str(index_dir))
    (index_dir / MARKER).write_text(json.dumps({"format": "vnsearch", "schema_version": 0}))
    with pytest.raises(IndexUnavailable, match="--rebuild"):
        vnsearch.search("hộ", str(index_dir))
    update_index(str(seed_corpus), str(index_dir), rebuild=True)
    assert ids(str(index_dir), "hộ tịch") >= {SEED_000}


def test_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(IndexUnavailable, match="vnsearch index"):
        vnsearch.search("hộ", str(tmp_path / "none"))


def test_article_without_body_is_found_by_title(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.jsonl").write_text('{"id": "t1", "title": "Chỉ có tiêu đề về bão", "body": ""}\n', encoding="utf-8")
    update_index(str(tmp_path / "c"), str(tmp_path / "ix"))
    assert ids(str(tmp_path / "ix"), "tiêu đề") == {"t1"}


def test_parallel_build_holds_every_article_and_updates_incrementally(seed_corpus, tmp_path, monkeypatch):
    import vnsearch.indexer as indexer

    monkeypatch.setattr(indexer, "PARALLEL_MIN_PARAGRAPHS", 1)  # the multiprocess writer, even for seeds
    write_articles(seed_corpus, {f"extra{i}": f"Bài {i}\nĐoạn về hộ tịch số {i}.\nĐoạn hai." for i in range(150)})
    index_dir = str(tmp_path / "ix")
    r = update_index(str(seed_corpus), index_dir)
    assert (r.added, r.paragraphs) == (152, 315)
    assert vnsearch.search('"hộ tịch số"', index_dir, limit=500).total == 150
    (seed_corpus / "extra7.txt").unlink()
    r = update_index(str(seed_corpus), index_dir)
    assert (r.removed, r.unchanged) == (1, 151)
    assert vnsearch.search('"hộ tịch số"', index_dir, limit=500).total == 149


def test_a_second_writer_is_refused_and_the_first_loses_nothing(seed_corpus, tmp_path):
    from whoosh import index as whoosh_index

    index_dir = str(tmp_path / "ix")
    update_index(str(seed_corpus), index_dir)
    write_articles(seed_corpus, {"new": "Bão số 9\nCơn bão đổ bộ vào miền Trung."})
    first = whoosh_index.open_dir(index_dir).writer()  # another update holds the index
    try:
        with pytest.raises(IndexUnavailable, match="another vnsearch process is updating"):
            update_index(str(seed_corpus), index_dir)
        assert ids(index_dir, "hộ tịch") >= {SEED_000}  # queries keep working meanwhile
    finally:
        first.cancel()
    r = update_index(str(seed_corpus), index_dir)  # the next run finishes the job
    assert (r.added, r.unchanged) == (1, 2)


def test_two_parallel_builds_number_the_documents_alike(seed_corpus, tmp_path, monkeypatch):
    # Whoosh's workers took batches from one queue as they came free, so which worker wrote
    # which documents, the document numbers, and with them the order of tied scores and the
    # float32 average field lengths, changed from build to build (dantri-titles MRR@10 0.7246
    # and 0.7241 from the same code). Batch n now goes to worker n mod procs.
    import vnsearch.indexer as indexer

    monkeypatch.setattr(indexer, "PARALLEL_MIN_PARAGRAPHS", 1)
    write_articles(seed_corpus, {f"extra{i:03}": f"Bài {i}\nĐoạn về hộ tịch số {i}.\nĐoạn hai." for i in range(400)})

    def numbering(index_dir):
        update_index(str(seed_corpus), index_dir)
        with indexer.open_index(index_dir).searcher() as s:
            return [(d.get("article_id"), d.get("para")) for d in s.reader().all_stored_fields()]

    first = numbering(str(tmp_path / "a"))
    assert len(first) == 2 + 15 + 400 * 3
    assert numbering(str(tmp_path / "b")) == first
