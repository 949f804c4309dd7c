"""Hostile corpora: the run finishes, says what it skipped and why, and keeps what was fine."""

import json
import os

import pytest
from click.testing import CliRunner

import vnsearch
from vnsearch import corpus as corpus_module
from vnsearch.cli import cli
from vnsearch.indexer import indexed_hashes, open_index


def run(*args):
    return CliRunner().invoke(cli, list(args))


def held(index_dir) -> set[str]:
    return set(indexed_hashes(open_index(str(index_dir))))


def jsonl(records) -> str:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"


def test_every_hazard_at_once(tmp_path):
    c = tmp_path / "corpus"
    (c / "sub").mkdir(parents=True)
    (c / "good.txt").write_text("Bão số 9\nMưa lớn ở miền Trung.", encoding="utf-8")
    (c / "feed.jsonl").write_text(
        jsonl([{"id": "r1", "title": "Một", "body": "Đoạn"}]) + "{broken\n" + jsonl([{"id": "r3", "title": "Ba", "body": "Đoạn"}]),
        encoding="utf-8",
    )
    (c / "binary.txt").write_bytes(os.urandom(4096) + b"\x00")
    (c / "empty.txt").write_bytes(b"")
    with open(c / "huge.jsonl", "wb") as f:  # one 100 MB line
        f.write(b'{"id": "huge", "title": "x", "body": "' + b"a" * (100 * 1024 * 1024) + b'"}\n')
    os.symlink("..", c / "sub" / "up")  # a loop
    os.symlink("self.txt", c / "self.txt")  # a link to itself
    os.symlink("nowhere.txt", c / "dangling.txt")
    os.mkfifo(c / "pipe.txt")  # would block a naive reader forever
    index_dir = tmp_path / "ix"
    r = run("index", "--corpus", str(c), "--index", str(index_dir))
    assert r.exit_code == 0, r.output
    assert held(index_dir) == {"good", "r1", "r3"}
    why = {line.split(": ", 1)[1].split(":")[0].strip(): line for line in r.stderr.splitlines() if "skipped" in line}
    expected = {
        "binary.txt": "binary",
        "empty.txt": "empty",
        "feed.jsonl line 2": "Expecting",
        "huge.jsonl line 1": "longer than",
        "self.txt": "symbolic links",
        "dangling.txt": "a link to nothing",
        "pipe.txt": "not a regular file",
    }
    for name, reason in expected.items():
        [line] = [line for key, line in why.items() if key.endswith(name)]
        assert reason in line, line
    assert any("sub/up" in line and "loop" in line for line in r.stderr.splitlines())
    assert "Traceback" not in r.output


def test_nothing_readable_exits_1_and_leaves_the_index(tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.txt").write_text("Tiêu đề\nĐoạn.", encoding="utf-8")
    index_dir = str(tmp_path / "ix")
    vnsearch.update_index(str(good), index_dir)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.txt").write_bytes(b"\x00" * 100)
    (bad / "notes.docx").write_bytes(b"PK")
    r = run("index", "--corpus", str(bad), "--index", index_dir)
    assert r.exit_code == 1 and "left as it was" in r.stderr
    assert held(index_dir) == {"a"}
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("index", "--corpus", str(empty), "--index", index_dir).exit_code == 1
    assert held(index_dir) == {"a"}


def test_a_file_that_cannot_be_read_keeps_its_articles_until_it_is_gone(tmp_path):
    c = tmp_path / "corpus"
    c.mkdir()
    (c / "a.txt").write_text("Tiêu đề A\nĐoạn.", encoding="utf-8")
    (c / "feed.jsonl").write_text(jsonl([{"id": f"r{i}", "title": f"Tin {i}", "body": "Đoạn"} for i in range(3)]), encoding="utf-8")
    index_dir = str(tmp_path / "ix")
    vnsearch.update_index(str(c), index_dir)
    (c / "feed.jsonl").write_bytes(b"\x00\x01binary now")  # damaged on disk
    (c / "a.txt").write_text("Tiêu đề A\nĐoạn mới.", encoding="utf-8")
    r = vnsearch.update_index(str(c), index_dir)
    assert (r.updated, r.kept, r.removed) == (1, 3, 0)
    assert held(index_dir) == {"a", "r0", "r1", "r2"}
    (c / "feed.jsonl").unlink()  # really gone: its articles go
    r = vnsearch.update_index(str(c), index_dir)
    assert r.removed == 3 and held(index_dir) == {"a"}


def test_a_broken_line_keeps_the_other_lines_and_the_old_record(tmp_path):
    c = tmp_path / "corpus"
    c.mkdir()
    records = [{"id": f"r{i}", "title": f"Tin {i}", "body": "Đoạn"} for i in range(3)]
    (c / "feed.jsonl").write_text(jsonl(records), encoding="utf-8")
    index_dir = str(tmp_path / "ix")
    vnsearch.update_index(str(c), index_dir)
    lines = jsonl(records).splitlines()
    lines[1] = lines[1][:-5]  # r1's line cut short
    (c / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    notes = []
    r = vnsearch.update_index(str(c), index_dir, note=notes.append)
    assert any("feed.jsonl line 2" in n for n in notes)
    assert (r.unchanged, r.kept, r.removed) == (2, 1, 0)
    assert held(index_dir) == {"r0", "r1", "r2"}


def test_a_file_vanishing_mid_run_is_reported_and_its_articles_kept(tmp_path):
    c = tmp_path / "corpus"
    c.mkdir()
    for name in "abc":
        (c / f"{name}.txt").write_text(f"Tiêu đề {name}\nĐoạn.", encoding="utf-8")
    index_dir = str(tmp_path / "ix")
    vnsearch.update_index(str(c), index_dir)
    (c / "a.txt").write_text("Tiêu đề a\nĐoạn đã sửa.", encoding="utf-8")

    def progress(done, total):  # runs while the corpus is being read: c.txt goes now
        if (c / "c.txt").exists():
            (c / "c.txt").unlink()

    notes = []
    r = vnsearch.update_index(str(c), index_dir, note=notes.append, progress=progress)
    assert any("c.txt" in n and "vanished" in n for n in notes)
    assert (r.updated, r.kept) == (1, 1) and held(index_dir) == {"a", "b", "c"}
    r = vnsearch.update_index(str(c), index_dir)
    assert r.removed == 1 and held(index_dir) == {"a", "b"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_skipped(tmp_path):
    c = tmp_path / "corpus"
    c.mkdir()
    (c / "a.txt").write_text("Tiêu đề\nĐoạn.", encoding="utf-8")
    (c / "b.txt").write_text("Tiêu đề\nĐoạn.", encoding="utf-8")
    (c / "b.txt").chmod(0)
    notes = []
    assert [a.id for a in vnsearch.read_corpus(str(c), notes.append)] == ["a"]
    assert any("b.txt" in n and "ermission" in n for n in notes)


def test_a_permission_error_while_reading_is_skipped(tmp_path, monkeypatch):
    """The same as the test above where it cannot run (as root): the read itself fails."""
    c = tmp_path / "corpus"
    c.mkdir()
    (c / "a.txt").write_text("Tiêu đề\nĐoạn.", encoding="utf-8")
    (c / "b.txt").write_text("Tiêu đề\nĐoạn.", encoding="utf-8")
    real = corpus_module._read_bytes

    def read_bytes(path):
        if path.endswith("b.txt"):
            raise PermissionError(13, "Permission denied", path)
        return real(path)

    monkeypatch.setattr(corpus_module, "_read_bytes", read_bytes)
    notes, failed = [], set()
    assert [a.id for a in vnsearch.read_corpus(str(c), notes.append, failed)] == ["a"]
    assert any("b.txt: Permission denied" in n for n in notes) and failed == {"b.txt"}


def test_articles_under_a_folder_that_cannot_be_listed_are_kept():
    from vnsearch.indexer import _in

    failed = {"2021/", "feed.jsonl"}
    assert _in("2021/03/a.txt", failed) and _in("feed.jsonl", failed)
    assert not _in("2020/a.txt", failed) and not _in("2021.txt", failed) and not _in("", failed)


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists folders whatever their mode")
def test_an_unlistable_folder_keeps_its_articles(tmp_path):
    c = tmp_path / "corpus"
    (c / "sub").mkdir(parents=True)
    (c / "a.txt").write_text("Tiêu đề\nĐoạn.", encoding="utf-8")
    (c / "sub" / "b.txt").write_text("Tiêu đề\nĐoạn.", encoding="utf-8")
    index_dir = str(tmp_path / "ix")
    vnsearch.update_index(str(c), index_dir)
    (c / "sub").chmod(0)
    try:
        r = vnsearch.update_index(str(c), index_dir)
    finally:
        (c / "sub").chmod(0o755)
    assert r.kept == 1 and held(index_dir) == {"a", "b"}


def test_a_file_name_that_is_not_utf8(tmp_path):
    c = tmp_path / "corpus"
    c.mkdir()
    raw = os.path.join(os.fsencode(c), b"tin-\xff\xfe.txt")  # a name written under Windows-1258
    with open(raw, "wb") as f:
        f.write("Bão số 9\nMưa lớn.".encode("utf-8"))
    index_dir = str(tmp_path / "ix")
    r = run("index", "--corpus", str(c), "--index", index_dir)
    assert r.exit_code == 0, r.output
    assert held(index_dir) == {"tin-\ufffd\ufffd"}
    r = run("query", "bão", "--index", index_dir, "--corpus", str(c))
    assert r.exit_code == 0 and "tin-\ufffd\ufffd" in r.stdout


def test_the_progress_count_skips_what_the_reader_skips(tmp_path):
    """The count behind the progress bar walked and opened files on its own; a named pipe
    called .jsonl made it wait forever."""
    c = tmp_path / "corpus"
    c.mkdir()
    (c / "a.txt").write_text("Tiêu đề\nĐoạn.", encoding="utf-8")
    (c / "feed.jsonl").write_text(jsonl([{"id": "r1", "title": "T", "body": "B"}]), encoding="utf-8")
    os.mkfifo(c / "pipe.jsonl")
    os.symlink("..", c / "up")
    seen = []
    r = vnsearch.update_index(str(c), str(tmp_path / "ix"), progress=lambda done, total: seen.append(total))
    assert r.read == 2 and seen[-1] == 2
