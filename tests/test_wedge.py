"""An index nobody can wedge: failed first builds, the index's own corpus, damaged files,
read-only folders, failed writes, stale locks, one page added twice. Each test drives the real
command (CliRunner, or a child process where a process must fail for real)."""

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

import vnsearch
from vnsearch import IndexUnavailable
from vnsearch.cli import cli
from vnsearch.errors import CorpusMismatch
from vnsearch.indexer import MARKER, indexed_hashes, open_index

from .conftest import ROOT, SEED_000, SEED_004, SEEDS, write_articles

REBUILD = "vnsearch index --rebuild"


def run(*args, cwd=None, **kwargs):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, list(args), **kwargs)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(cli, list(args), **kwargs)
    finally:
        os.chdir(old)


def held(index_dir) -> set[str]:
    return set(indexed_hashes(open_index(str(index_dir))))


@pytest.fixture
def built(tmp_path):
    """A private corpus (the seeds) and its index."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    index_dir = tmp_path / "index"
    vnsearch.update_index(str(corpus), str(index_dir))
    return corpus, index_dir


# --------------------------------------------------------------------------- first runs


def test_a_failed_first_query_leaves_nothing_and_the_next_one_builds(tmp_path):
    r = run("query", "hộ tịch", cwd=tmp_path)  # a newcomer in an empty folder
    assert r.exit_code == 2 and "corpus not found" in r.stderr and "Traceback" not in r.output
    assert os.listdir(tmp_path) == []  # no index folder left behind
    shutil.copytree(SEEDS, tmp_path / "seeds")
    r = run("query", "hộ tịch", cwd=tmp_path)
    assert r.exit_code == 0, r.output
    assert SEED_004 in r.stdout
    assert run("stats", cwd=tmp_path).exit_code == 0


def test_a_half_created_index_is_no_index_yet_and_is_built_on_the_next_query(tmp_path):
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    # what a first build killed before its first commit leaves: the marker and Whoosh's empty TOC
    from whoosh import index as whoosh_index

    from vnsearch.schema import SCHEMA_VERSION, build_schema

    (index_dir / MARKER).write_text(json.dumps({"format": "vnsearch", "schema_version": SCHEMA_VERSION}))
    whoosh_index.create_in(str(index_dir), build_schema())
    r = run("stats", "--index", str(index_dir))
    assert r.exit_code == 2 and "no index" in r.stderr and "Traceback" not in r.output
    with pytest.raises(IndexUnavailable):
        vnsearch.index_stats(str(index_dir))
    r = run("query", "hộ tịch", "--index", str(index_dir), "--corpus", str(SEEDS))
    assert r.exit_code == 0 and "building it" in r.stderr
    assert held(index_dir) == {SEED_000, SEED_004}


# --------------------------------------------------------------------------- the index's corpus


def test_the_index_remembers_its_corpus_for_index_add_and_stats(built, tmp_path):
    corpus, index_dir = built
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    stats = run("stats", "--index", str(index_dir), "--json", cwd=elsewhere)
    assert json.loads(stats.stdout)["corpus"] == str(corpus.resolve())
    write_articles(corpus, {"bao": "Bão số 9\nCơn bão đổ bộ vào miền Trung."})
    # from another folder, without --corpus: the index's own corpus, not ./seeds
    r = run("index", "--index", str(index_dir), cwd=elsewhere)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("1 added, 0 updated, 0 removed, 2 unchanged")
    page = tmp_path / "page.txt"
    page.write_text("Giá xăng giảm\nGiá xăng giảm mạnh từ chiều nay.", encoding="utf-8")
    r = run("add", str(page), "--index", str(index_dir), cwd=elsewhere)
    assert r.exit_code == 0, r.output
    assert (corpus / "page.json").exists() and not (elsewhere / "seeds").exists()
    assert held(index_dir) == {SEED_000, SEED_004, "bao", "page"}


def test_a_foreign_corpus_that_would_empty_the_index_is_refused(built, tmp_path):
    corpus, index_dir = built
    other = write_articles(tmp_path / "other", {"x": "Tiêu đề\nMột đoạn."})
    before = held(index_dir)
    r = run("index", "--index", str(index_dir), "--corpus", str(other))
    assert r.exit_code == 2
    message = r.stderr.strip()
    assert "would remove 2 of its 2 articles" in message and "--rebuild --corpus" in message
    assert len(message.splitlines()) == 1
    assert held(index_dir) == before
    with pytest.raises(CorpusMismatch):
        vnsearch.update_index(str(other), str(index_dir))
    # add into a foreign folder: refused before a file is written
    page = tmp_path / "page.txt"
    page.write_text("Tiêu đề khác\nĐoạn khác.", encoding="utf-8")
    r = run("add", str(page), "--index", str(index_dir), "--corpus", str(other))
    assert r.exit_code == 2 and "would remove" in r.stderr
    assert sorted(os.listdir(other)) == ["x.txt"]
    # --rebuild starts over from it, and it becomes the index's corpus
    r = run("index", "--rebuild", "--index", str(index_dir), "--corpus", str(other))
    assert r.exit_code == 0, r.output
    assert held(index_dir) == {"x"}
    assert vnsearch.index_stats(str(index_dir)).corpus == str(other.resolve())


def test_the_same_corpus_given_explicitly_may_lose_articles(built):
    corpus, index_dir = built
    (corpus / f"{SEED_000}.txt").unlink()
    (corpus / f"{SEED_004}.txt").unlink()
    write_articles(corpus, {"only": "Tiêu đề\nMột đoạn."})
    r = run("index", "--index", str(index_dir), "--corpus", str(corpus))
    assert r.exit_code == 0, r.output
    assert held(index_dir) == {"only"}


# --------------------------------------------------------------------------- damage


def _segment(index_dir):
    return next(p for p in index_dir.iterdir() if p.suffix == ".seg")


def _truncate(path):
    with open(path, "r+b") as f:
        f.truncate(path.stat().st_size - 1000)


def _empty(path):
    path.write_bytes(b"")


def _overwrite(path):
    with open(path, "r+b") as f:
        f.seek(path.stat().st_size // 2)
        f.write(b"\xff" * 4096)


@pytest.mark.parametrize("damage", [_truncate, _empty, os.remove])
def test_a_damaged_index_is_named_on_every_read_command(built, damage):
    _, index_dir = built
    segment = _segment(index_dir)
    damage(segment)
    for args in (["query", "hộ tịch"], ["stats"], ["show", SEED_000], ["check"]):
        r = run(*args, "--index", str(index_dir))
        assert r.exit_code == 2, (args, r.output)
        assert "Traceback" not in r.output and "please report" not in r.output
        assert segment.name in r.stderr
        assert r.stderr.strip().endswith(f"`{REBUILD}`"), r.stderr
        if args[0] != "check":
            assert len(r.stderr.strip().splitlines()) == 1
    with pytest.raises(IndexUnavailable):
        vnsearch.search("hộ tịch", str(index_dir))
    with pytest.raises(IndexUnavailable):
        vnsearch.index_stats(str(index_dir))
    with pytest.raises(IndexUnavailable):
        vnsearch.get_article(str(index_dir), SEED_000)


def test_check_finds_a_block_overwritten_in_the_middle_of_a_segment(built):
    _, index_dir = built
    assert run("check", "--index", str(index_dir)).exit_code == 0
    segment = _segment(index_dir)
    _overwrite(segment)
    r = run("check", "--index", str(index_dir))
    assert r.exit_code == 2 and f"{segment.name} does not hold what was written" in r.stderr
    report = json.loads(run("check", "--index", str(index_dir), "--json").stdout)
    assert report["ok"] is False and report["problems"]


def test_check_reads_everything_when_no_checksums_were_recorded(built):
    _, index_dir = built
    (index_dir / "vnsearch-files.json").unlink()
    r = run("check", "--index", str(index_dir), "--json")
    assert r.exit_code == 0
    report = json.loads(r.stdout)
    assert report["verified_by"] == "reading" and report["documents"] == 2 + 15


def test_a_rebuild_repairs_a_damaged_index(built):
    corpus, index_dir = built
    _empty(_segment(index_dir))
    r = run("index", "--rebuild", "--index", str(index_dir))
    assert r.exit_code == 0, r.output
    assert run("check", "--index", str(index_dir)).exit_code == 0
    assert held(index_dir) == {SEED_000, SEED_004}


# --------------------------------------------------------------------------- failed writes


def _read_only(path):
    """Make ``path`` read-only for this process: a read-only bind mount as root (root writes
    through permission bits), permission bits otherwise. Yields, then undoes it."""
    if os.geteuid() != 0:
        os.chmod(path, 0o555)
        return lambda: os.chmod(path, 0o755)
    ok = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True).returncode == 0
    ok = ok and subprocess.run(["mount", "-o", "remount,ro,bind", str(path)], capture_output=True).returncode == 0
    if not ok:
        subprocess.run(["umount", str(path)], capture_output=True)
        pytest.skip("cannot make a read-only folder here (no bind mounts as root)")
    # lazy: this process may still map index files (in-process CliRunner runs); it detaches now
    return lambda: subprocess.run(["umount", "-l", str(path)], check=True)


def test_a_read_only_index_answers_queries_and_refuses_updates_in_one_line(built, tmp_path):
    corpus, index_dir = built
    write_articles(corpus, {"bao": "Bão số 9\nCơn bão đổ bộ vào miền Trung."})
    undo = _read_only(index_dir)
    try:
        for args in (["index"], ["add", str(corpus / "bao.txt")]):
            r = run(*args, "--index", str(index_dir))
            assert r.exit_code == 2, r.output
            assert "cannot write the index" in r.stderr and "left as it was" in r.stderr
            assert len(r.stderr.strip().splitlines()) == 1
        assert run("query", "hộ tịch", "--index", str(index_dir)).exit_code == 0
    finally:
        undo()
    assert held(index_dir) == {SEED_000, SEED_004}
    assert run("check", "--index", str(index_dir)).exit_code == 0


def _limit_file_size(limit):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_write_that_fails_half_way_leaves_the_old_index_and_no_stray_files(built, tmp_path):
    """A full disk, as the process sees it: writes beyond a size fail (RLIMIT_FSIZE)."""
    corpus, index_dir = built
    before = sorted(os.listdir(index_dir))
    big = "\n".join(f"Đoạn {i}: " + " ".join(f"từ{i}x{j} mới" for j in range(60)) for i in range(300))
    write_articles(corpus, {"big": "Bài rất dài\n" + big})
    child = subprocess.run(
        [sys.executable, "-m", "vnsearch", "index", "--index", str(index_dir)],
        capture_output=True, text=True, preexec_fn=_limit_file_size(64 * 1024), cwd=ROOT,
    )
    assert child.returncode == 2, child.stderr
    assert "cannot write the index" in child.stderr and "Traceback" not in child.stderr
    assert held(index_dir) == {SEED_000, SEED_004}
    assert sorted(os.listdir(index_dir)) == before
    assert run("check", "--index", str(index_dir)).exit_code == 0
    # with room again, the update completes
    assert run("index", "--index", str(index_dir)).exit_code == 0
    assert held(index_dir) == {SEED_000, SEED_004, "big"}


def test_a_lock_left_by_a_dead_process_is_taken_over(built):
    corpus, index_dir = built
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from whoosh import index
            ix = index.open_dir({str(index_dir)!r})
            lock = ix.lock("WRITELOCK")
            assert lock.acquire(False)
            print("locked", flush=True)
            time.sleep(600)
        """)],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    write_articles(corpus, {"bao": "Bão số 9\nCơn bão đổ bộ vào miền Trung."})
    r = run("index", "--index", str(index_dir))
    assert r.exit_code == 2 and "another vnsearch process is updating" in r.stderr
    holder.kill()
    holder.wait()
    r = run("index", "--index", str(index_dir))
    assert r.exit_code == 0, r.output
    assert "bao" in held(index_dir)


# --------------------------------------------------------------------------- one page, one article


PAGE = ROOT / "tests" / "pages" / "portal-meta-date.html"


def test_the_same_page_saved_twice_is_one_article(built, tmp_path):
    corpus, index_dir = built
    first = tmp_path / "page.html"
    second = tmp_path / "page (1).html"
    shutil.copy(PAGE, first)
    shutil.copy(PAGE, second)
    r = run("add", str(first), "--index", str(index_dir))
    assert r.exit_code == 0, r.output
    (added,) = r.stdout.split()
    r = run("add", str(second), "--index", str(index_dir))
    assert r.exit_code == 0, r.output
    assert r.stdout == "" and f"already in the corpus as {added}" in r.stderr
    assert len(held(index_dir)) == 3
    assert not (corpus / "page (1).json").exists()


def test_the_same_text_without_url_under_another_name_is_one_article(built, tmp_path):
    corpus, index_dir = built
    text = (SEEDS / f"{SEED_000}.txt").read_text(encoding="utf-8")
    copy = tmp_path / "copy.txt"
    copy.write_text(text.upper(), encoding="utf-8")  # case and file name differ, words do not
    r = run("add", str(copy), "--index", str(index_dir))
    assert r.exit_code == 0 and f"already in the corpus as {SEED_000}" in r.stderr
    assert held(index_dir) == {SEED_000, SEED_004}
