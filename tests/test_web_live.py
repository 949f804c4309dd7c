"""`vnsearch serve` answers from each update of the index without a restart, and no request
fails while an update commits (issue 14)."""

from __future__ import annotations

import json
import shutil
import threading

import pytest

import vnsearch

from .conftest import SEEDS

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from vnsearch.web import create_app  # noqa: E402


def _batch(folder, name: str, count: int, word: str) -> None:
    with open(folder / f"{name}.jsonl", "w", encoding="utf-8") as f:
        for i in range(count):
            f.write(json.dumps({
                "id": f"{name}-{i}", "title": f"Tin {word} số {i}", "date": "2022-05-0%d" % (1 + i % 9),
                "body": [f"Đoạn {j} về {word} ở tỉnh thứ {i}, có {word} và mưa lớn." for j in range(6)],
            }, ensure_ascii=False) + "\n")


@pytest.fixture
def live_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    index_dir = tmp_path / "ix"
    vnsearch.update_index(str(corpus), str(index_dir))
    return corpus, index_dir


def test_an_update_is_answered_without_a_restart(live_corpus):
    corpus, index_dir = live_corpus
    app = create_app(str(index_dir))
    with TestClient(app) as client:
        assert client.get("/api/search", params={"q": "núi lửa"}).json()["total"] == 0
        assert client.get("/api/stats").json()["articles"] == 2
        (corpus / "volcano.txt").write_text("Núi lửa phun trào\nMột ngọn núi lửa phun trào ở Indonesia.", encoding="utf-8")
        vnsearch.update_index(str(corpus), str(index_dir))
        hits = client.get("/api/search", params={"q": "nui lua"}).json()["results"]
        assert hits[0]["article_id"] == "volcano"
        assert client.get("/api/articles/volcano").status_code == 200
        assert client.get("/api/stats").json()["articles"] == 3  # not the count of the old index
        (corpus / "volcano.txt").unlink()
        vnsearch.update_index(str(corpus), str(index_dir))
        assert client.get("/api/articles/volcano").status_code == 404
        assert app.state.live.reopened == 2


def test_no_request_fails_while_updates_commit(live_corpus):
    corpus, index_dir = live_corpus
    app = create_app(str(index_dir))
    errors: list[BaseException] = []
    done = threading.Event()
    # Requests run all the time, updates commit beside them. After each commit the update
    # waits until a search that started after it has been answered, so every state of the
    # index is seen by some request however the threads are scheduled (under load the
    # updates could all commit during one request, and the last state equals the first).
    turn = threading.Condition()
    commits = 0
    answered_after = -1  # the most commits a search had seen when it started, once answered

    def wait_for_an_answer() -> None:
        with turn:
            if not turn.wait_for(lambda: answered_after >= commits, timeout=60):
                raise AssertionError(f"no search answered after commit {commits} in 60 s")

    def update():
        nonlocal commits
        try:  # add and remove batches: new segments, merges, deletions; one rebuild
            wait_for_an_answer()
            for round_ in range(6):
                if round_ % 2 == 0:
                    _batch(corpus, f"flood{round_}", 40, "lũ lụt")
                else:
                    (corpus / f"flood{round_ - 1}.jsonl").unlink()
                vnsearch.update_index(str(corpus), str(index_dir), rebuild=round_ == 3)
                with turn:
                    commits += 1
                wait_for_an_answer()
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            done.set()

    statuses: list[int] = []
    totals: list[int] = []
    with TestClient(app) as client:
        worker = threading.Thread(target=update)
        worker.start()
        while not done.is_set():
            with turn:
                started_after = commits
            r = client.get("/api/search", params={"q": "lũ lụt", "limit": 5, "by_article": "true", "facets": "true"})
            statuses.append(r.status_code)
            if r.status_code == 200:
                totals.append(r.json()["total"])
                with turn:
                    answered_after = max(answered_after, started_after)
                    turn.notify_all()
            for path in ("/api/stats", "/api/articles/flood0-3", "/"):
                statuses.append(client.get(path, params={"q": "lu lut"} if path == "/" else None).status_code)
        worker.join()
        final = client.get("/api/search", params={"q": "lũ lụt"}).json()["total"]
    assert not errors
    bad = [s for s in statuses if s not in (200, 404)]  # flood0-3 comes and goes: 404 is an answer
    assert not bad, f"{len(bad)} of {len(statuses)} requests failed: {sorted(set(bad))}"
    # 40 flood articles come and go: the requests saw the index with and without them
    assert max(totals) - min(totals) >= 40, f"the requests never saw an update: totals {sorted(set(totals))}"
    assert app.state.live.reopened >= 6
    assert final == vnsearch.search("lũ lụt", str(index_dir)).total


def test_a_request_that_meets_removed_files_is_answered_from_the_new_index(live_corpus, monkeypatch):
    """What an update can do to a request in flight, made to happen every time: the files of
    the searcher it holds vanish (an error), or the newest generation cannot be opened yet."""
    from vnsearch.web import live as live_module

    corpus, index_dir = live_corpus
    live = live_module.LiveIndex(str(index_dir))
    assert live.run(lambda s, cache: s.search("hộ tịch").total) > 0
    (corpus / "volcano.txt").write_text("Núi lửa phun trào\nNúi lửa ở Indonesia.", encoding="utf-8")
    calls = []

    def work(searcher, cache):
        calls.append(searcher)
        if len(calls) == 1:  # the update commits while this request runs on the old searcher
            vnsearch.update_index(str(corpus), str(index_dir))
            raise FileNotFoundError("_MAIN_1.seg")
        return searcher.search("núi lửa").hits[0].article_id

    assert live.run(work) == "volcano"
    assert calls[0] is not calls[1]

    # without a newer generation the error is the request's own: it is not hidden
    with pytest.raises(FileNotFoundError):
        live.run(lambda s, cache: (_ for _ in ()).throw(FileNotFoundError("x")))

    # a generation whose files are still being renamed: the open is tried again
    real = live_module.Searcher
    failures = []

    def flaky(index_dir):
        if not failures:
            failures.append(1)
            raise OSError("_MAIN_3.toc: no such file")
        return real(index_dir)

    monkeypatch.setattr(live_module, "Searcher", flaky)
    (corpus / "volcano.txt").unlink()
    vnsearch.update_index(str(corpus), str(index_dir))
    assert live.run(lambda s, cache: s.search("núi lửa").total) == 0
    assert failures == [1]
