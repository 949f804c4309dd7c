"""An update reads only the corpus files whose stamp (size, times, inode) changed since the
last update (issue 15: the vntc no-op read and hashed 250 MB every time)."""

import os

import pytest

import vnsearch
from vnsearch import corpus, stamps, update_index
from vnsearch.indexer import indexed_hashes, open_index

from .conftest import write_articles


@pytest.fixture
def trusting(monkeypatch):
    """Files written a moment ago count as settled (the racy window is for real clocks)."""
    monkeypatch.setattr(stamps, "RACY_NS", 0)


def reads(monkeypatch) -> list[str]:
    """Record every file the corpus reader opens from now on."""
    opened: list[str] = []
    real = corpus._read_document

    def spy(path, *args):
        opened.append(os.path.basename(path))
        return real(path, *args)

    monkeypatch.setattr(corpus, "_read_document", spy)
    return opened


def test_an_unchanged_corpus_is_not_read_again(seed_corpus, tmp_path, monkeypatch, trusting):
    index_dir = str(tmp_path / "ix")
    update_index(str(seed_corpus), index_dir)
    opened = reads(monkeypatch)
    r = update_index(str(seed_corpus), index_dir)
    assert (r.unchanged, r.added, r.updated, r.removed) == (2, 0, 0, 0)
    assert opened == []


def test_only_the_changed_file_is_read_and_the_others_stay(seed_corpus, tmp_path, monkeypatch, trusting):
    index_dir = str(tmp_path / "ix")
    write_articles(seed_corpus, {"new": "Bão số 9\nCơn bão đổ bộ vào miền Trung."})
    update_index(str(seed_corpus), index_dir)
    write_articles(seed_corpus, {"new": "Bão số 9\nMưa lũ kéo dài ở Quảng Bình."})
    opened = reads(monkeypatch)
    r = update_index(str(seed_corpus), index_dir)
    assert (r.updated, r.unchanged, r.removed) == (1, 2, 0)
    assert opened == ["new.txt"]
    assert len(indexed_hashes(open_index(index_dir))) == 3
    assert {h.article_id for h in vnsearch.search('"mưa lũ"', index_dir).hits if not h.partial} == {"new"}


def test_same_size_and_modification_time_still_reads_a_rewritten_file(seed_corpus, tmp_path, trusting):
    # cp -p, rsync -t or an editor may put the old modification time back; the status-change
    # time cannot be set back.
    index_dir = str(tmp_path / "ix")
    path = write_articles(seed_corpus, {"new": "Bão số 9\nCơn bão đổ bộ."}) / "new.txt"
    update_index(str(seed_corpus), index_dir)
    before = os.stat(path)
    path.write_text("Bão số 9\nMưa lớn ở Huế.", encoding="utf-8")
    assert os.stat(path).st_size == before.st_size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    r = update_index(str(seed_corpus), index_dir)
    assert (r.updated, r.unchanged) == (1, 2)
    assert {h.article_id for h in vnsearch.search('"mưa lớn"', index_dir).hits if not h.partial} == {"new"}


def test_a_deleted_file_is_removed_without_reading_the_others(seed_corpus, tmp_path, monkeypatch, trusting):
    index_dir = str(tmp_path / "ix")
    write_articles(seed_corpus, {"new": "Bão số 9\nCơn bão đổ bộ."})
    update_index(str(seed_corpus), index_dir)
    (seed_corpus / "new.txt").unlink()
    opened = reads(monkeypatch)
    r = update_index(str(seed_corpus), index_dir)
    assert (r.removed, r.unchanged) == (1, 2)
    assert opened == []
    assert "new" not in indexed_hashes(open_index(index_dir))


def test_a_file_changed_within_the_clock_tick_of_the_last_update_is_read(seed_corpus, tmp_path, monkeypatch):
    # Without the racy window, a file written just after it was read, in the same tick of a
    # coarse clock, would look unchanged.
    index_dir = str(tmp_path / "ix")
    update_index(str(seed_corpus), index_dir)
    opened = reads(monkeypatch)
    update_index(str(seed_corpus), index_dir)
    assert len(opened) == 2


def test_a_record_of_another_generation_is_not_used(seed_corpus, tmp_path, monkeypatch, trusting):
    # an update killed between its commit and its record, or another writer since
    index_dir = str(tmp_path / "ix")
    update_index(str(seed_corpus), index_dir)
    saved = stamps.read(index_dir)
    write_articles(seed_corpus, {"new": "Bão số 9\nCơn bão đổ bộ."})
    update_index(str(seed_corpus), index_dir)
    with open(os.path.join(index_dir, stamps.FILE), "w", encoding="utf-8") as f:
        import json

        json.dump(saved, f)  # the old record, naming the old generation
    opened = reads(monkeypatch)
    (seed_corpus / "new.txt").unlink()
    r = update_index(str(seed_corpus), index_dir)
    assert (r.removed, r.unchanged) == (1, 2)
    assert sorted(opened) == sorted(os.listdir(seed_corpus))


def test_adding_a_file_reads_neither_the_others_nor_every_article_record(seed_corpus, tmp_path, monkeypatch, trusting):
    # vnsearch add on vntc: one new file beside 84,000 indexed articles
    from vnsearch import indexer

    index_dir = str(tmp_path / "ix")
    update_index(str(seed_corpus), index_dir)
    write_articles(seed_corpus, {"new": "Bão số 9\nCơn bão đổ bộ vào miền Trung."})

    def everything(ix):
        raise AssertionError("read every article record")

    monkeypatch.setattr(indexer, "indexed_hashes", everything)
    opened = reads(monkeypatch)
    r = update_index(str(seed_corpus), index_dir)
    assert (r.added, r.unchanged, r.removed) == (1, 2, 0)
    assert opened == ["new.txt"]
    monkeypatch.undo()
    assert len(indexed_hashes(open_index(index_dir))) == 3


def test_the_progress_count_of_an_unchanged_file_comes_from_the_record(tmp_path, trusting):
    # counting vntc's 84,000 lines for the progress bar read the whole file again
    import json

    from vnsearch.indexer import count_articles
    from vnsearch.integrity import latest_generation

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text("".join(json.dumps({"id": f"a{i}", "title": f"Bài {i}", "body": "Đoạn."}) + "\n"
                                            for i in range(3)), encoding="utf-8")
    index_dir = str(tmp_path / "ix")
    update_index(str(corpus), index_dir)
    record = stamps.read(index_dir)
    assert len(record["files"]["a.jsonl"][4]) == 3
    record["files"]["a.jsonl"][4].append(["a9", "0" * 32])  # a count only the record can give
    with open(os.path.join(index_dir, stamps.FILE), "w", encoding="utf-8") as f:
        json.dump(record, f)
    known = stamps.Stamps(index_dir, str(corpus), latest_generation(index_dir))
    assert count_articles(str(corpus), known) == 4
    assert count_articles(str(corpus)) == 3
