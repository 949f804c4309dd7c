"""`vnsearch add`, `show`, `stats`, and the query options of issue 5, through the CLI."""

import gzip
import json

import pytest
from click.testing import CliRunner

from vnsearch.cli import cli

from .conftest import SEED_000, SEED_004, SEEDS, shared_data

PAGES = SEEDS.parent / "tests" / "pages"


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


@pytest.fixture
def library(seed_corpus, tmp_path):
    """--corpus and --index options for a private copy of the seeds, indexed."""
    options = ["--corpus", str(seed_corpus), "--index", str(tmp_path / "ix")]
    assert run("index", *options).exit_code == 0
    return options


def test_add_a_saved_page_then_find_filter_and_show_it(library, seed_corpus):
    r = run("add", str(PAGES / "portal-meta-date.html"), *library)
    assert r.exit_code == 0, r.output
    assert r.stdout.split() == ["portal-meta-date"]
    assert (seed_corpus / "portal-meta-date.json").exists()  # copied into the corpus, as JSON
    r = run("query", "số hoá sổ hộ tịch", "--since", "2024-03", "--until", "2024-03-31", "--json", *library)
    assert {h["article_id"] for h in json.loads(r.stdout)["results"]} == {"portal-meta-date"}
    r = run("show", "portal-meta-date", "--index", library[3])
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "Đẩy mạnh đăng ký hộ tịch trực tuyến"
    assert "date: 2024-03-05" in lines and "source: Báo Pháp luật Việt Nam" in lines
    assert any(line.startswith("¶3 Ông Nguyễn Văn A") for line in lines)


def test_adding_the_same_article_again_changes_nothing(library):
    page = str(PAGES / "portal-text-date.html")
    assert run("add", page, *library).stdout.split() == ["portal-text-date"]
    r = run("add", page, *library)
    assert r.exit_code == 0 and r.stdout == ""
    assert "unchanged: portal-text-date" in r.stderr


def test_an_id_taken_by_another_article_gets_its_own(library, tmp_path):
    # a different article in a file named like a seed: the seed must not be replaced
    other = tmp_path / f"{SEED_000}.txt"
    other.write_text("Bài khác\nMột đoạn về đấu giá.", encoding="utf-8")
    r = run("add", str(other), *library)
    assert r.exit_code == 0, r.output
    [new_id] = r.stdout.split()
    assert new_id.startswith(SEED_000 + "-") and "taken" in r.stderr
    assert run("show", SEED_000, "--index", library[3]).stdout.startswith("Hội nghị trực tuyến toàn quốc")
    assert run("show", new_id, "--index", library[3]).stdout.startswith("Bài khác")


def test_add_from_stdin_names_it_from_the_title(library):
    text = "Bão số 9 đổ bộ miền Trung\nChiều 28/10/2020, bão số 9 đổ bộ vào Quảng Ngãi.\n"
    r = run("add", "-", *library, input=text.encode("utf-8"))
    assert r.exit_code == 0, r.output
    assert r.stdout.split() == ["bao-so-9-do-bo-mien-trung"]
    d = json.loads(run("show", "bao-so-9-do-bo-mien-trung", "--json", "--index", library[3]).stdout)
    assert d["date"] == "2020-10-28" and d["paragraphs"] == ["Chiều 28/10/2020, bão số 9 đổ bộ vào Quảng Ngãi."]


def test_add_a_jsonl_file_splits_it_into_articles(library, tmp_path, seed_corpus):
    records = [{"id": f"n{i}", "title": f"Tin {i}", "body": "Đoạn hộ tịch.", "date": f"2021-0{i}-01"} for i in (1, 2)]
    with gzip.open(tmp_path / "feed.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write("\n".join(json.dumps(r, ensure_ascii=False) for r in records))
    r = run("add", str(tmp_path / "feed.jsonl.gz"), *library)
    assert r.stdout.split() == ["n1", "n2"]
    assert sorted(p.name for p in seed_corpus.glob("n*.json")) == ["n1.json", "n2.json"]


def test_add_errors(library, tmp_path):
    r = run("add", str(tmp_path / "missing.html"), *library)
    assert r.exit_code == 2 and "no such file" in r.stderr
    (tmp_path / "x.docx").write_bytes(b"PK")
    r = run("add", str(tmp_path / "x.docx"), *library)
    assert r.exit_code == 1 and "no article could be read" in r.stderr
    r = run("add", str(PAGES / "portal-meta-date.html"), "--corpus", str(SEEDS / f"{SEED_004}.txt"), "--index", library[3])
    assert r.exit_code == 2 and "give a folder" in r.stderr


def test_add_while_another_update_runs_exits_2_and_writes_nothing(library, seed_corpus):
    from whoosh import index as whoosh_index

    before = sorted(p.name for p in seed_corpus.iterdir())
    writer = whoosh_index.open_dir(library[3]).writer()  # another process is updating
    try:
        r = run("add", str(PAGES / "portal-meta-date.html"), *library)
    finally:
        writer.cancel()
    assert r.exit_code == 2 and "another vnsearch process is updating" in r.stderr
    assert sorted(p.name for p in seed_corpus.iterdir()) == before


def test_show_unknown_id_exits_1(seed_index):
    r = run("show", "no-such-id", "--index", seed_index)
    assert r.exit_code == 1 and "no article" in r.stderr


def test_stats(seed_index):
    r = run("stats", "--json", "--index", seed_index)
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert (d["articles"], d["paragraphs"]) == (2, 15)
    assert (d["first_date"], d["last_date"], d["undated"]) == ("2020-09-28", "2024-07-10", 0)
    assert d["sources"] == [{"source": "Sở Tư Pháp - Kiên Giang", "articles": 1}]
    assert d["syllables"] > 100 and d["words"] > 100 and d["index_bytes"] > 0
    assert "articles    2" in run("stats", "--index", seed_index).stdout


def test_query_by_article_prints_paragraphs_under_each_article(seed_index):
    r = run("query", "hộ tịch", "--by-article", "--index", seed_index)
    assert r.exit_code == 0
    heads = [line for line in r.stdout.splitlines() if line[:1].isdigit()]
    assert len(heads) == 2  # two articles, each once
    assert sum(1 for line in r.stdout.splitlines() if line.lstrip().startswith("¶")) >= 3


def test_query_date_and_source_options(seed_index):
    r = run("query", "hội nghị", "--since", "2021", "--json", "--index", seed_index)
    assert {h["article_id"] for h in json.loads(r.stdout)["results"]} == {SEED_000}
    r = run("query", "hội nghị", "--source", "kien giang", "--json", "--index", seed_index)
    assert {h["article_id"] for h in json.loads(r.stdout)["results"]} == {SEED_004}
    r = run("query", "hội nghị", "--until", "2019", "--index", seed_index)
    assert r.exit_code == 1
    r = run("query", "hội nghị", "--sort", "date", "--by-article", "--json", "--index", seed_index)
    assert [h["article_id"] for h in json.loads(r.stdout)["results"]] == [SEED_000, SEED_004]


def test_bad_date_option_is_one_line_and_exit_2(seed_index):
    r = run("query", "hội nghị", "--since", "hôm qua", "--index", seed_index)
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and "2021-03-05" in r.stderr


@pytest.mark.slow
def test_dantri_since_2021_returns_only_2021(tmp_path):
    corpus = str(shared_data("news", "dantri.jsonl.gz"))
    options = ["--corpus", corpus, "--index", str(tmp_path / "ix")]
    assert run("index", *options).exit_code == 0
    d = json.loads(run("stats", "--json", "--index", options[3]).stdout)
    assert (d["articles"], d["undated"]) == (2653, 0)
    assert d["first_date"].startswith("2019") and d["last_date"].startswith("2021")
    r = run("query", "bão", "--since", "2021-01-01", "--limit", "200", "--by-article", "--json", *options)
    dates = [h["date"] for h in json.loads(r.stdout)["results"]]
    assert len(dates) > 10 and all(d.startswith("2021") for d in dates)
    r = run("query", "bão", "--limit", "200", "--by-article", "--json", *options)
    assert any(not h["date"].startswith("2021") for h in json.loads(r.stdout)["results"])
