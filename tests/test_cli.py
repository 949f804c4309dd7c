import json
import shutil

from click.testing import CliRunner

import vnsearch
from vnsearch.cli import cli

from .conftest import SEED_004, SEEDS


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env)


def test_first_query_builds_the_index_and_says_so(tmp_path):
    corpus = tmp_path / "seeds"
    shutil.copytree(SEEDS, corpus)
    index_dir = tmp_path / "index"
    r = run("query", "hộ tịch", "--corpus", str(corpus), "--index", str(index_dir))
    assert r.exit_code == 0, r.output
    assert "building it" in r.stderr
    assert SEED_004 in r.stdout and "**hộ tịch**" in r.stdout
    r = run("query", "hộ tịch", "--corpus", str(corpus), "--index", str(index_dir))
    assert "building" not in r.stderr


def test_environment_variables_choose_corpus_and_index(tmp_path):
    env = {"VNSEARCH_CORPUS": str(SEEDS), "VNSEARCH_INDEX": str(tmp_path / "ix")}
    r = run("index", env=env)
    assert r.exit_code == 0 and "2 added" in r.stdout
    assert run("query", "ho tich", env=env).exit_code == 0


def test_json_output(seed_index):
    r = run("query", "ho tich", "--index", seed_index, "--json", "--limit", "3")
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert d["query"] == "ho tich" and len(d["results"]) == 3 and d["total"] >= 3
    assert d["results"][0]["article_id"] == SEED_004
    assert "**hộ tịch**" in d["results"][0]["snippet"]


def test_exit_1_when_nothing_found(seed_index):
    r = run("query", "xyzzy", "--index", seed_index)
    assert r.exit_code == 1 and r.stdout == ""


def test_exit_2_for_usage_errors(seed_index):
    assert run("query", "--index", seed_index).exit_code == 2  # no TEXT
    assert run("query", "hộ", "--limit", "0", "--index", seed_index).exit_code == 2
    assert run("frobnicate").exit_code == 2


def test_exit_2_for_missing_corpus(tmp_path):
    r = run("index", "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "ix"))
    assert r.exit_code == 2
    assert r.stderr.strip().count("\n") == 0 and "corpus not found" in r.stderr
    r = run("query", "hộ", "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "ix"))
    assert r.exit_code == 2


def test_exit_2_for_an_unreadable_index(tmp_path):
    index_dir = tmp_path / "ix"
    vnsearch.update_index(str(SEEDS), str(index_dir))
    for f in index_dir.glob("*.toc"):
        f.write_bytes(b"garbage")
    r = run("query", "hộ", "--index", str(index_dir))
    assert r.exit_code == 2
    assert "--rebuild" in r.stderr and "Traceback" not in r.output
    assert run("index", "--rebuild", "--corpus", str(SEEDS), "--index", str(index_dir)).exit_code == 0
    assert run("query", "hộ", "--index", str(index_dir)).exit_code == 0


def test_colour_only_when_asked_or_on_a_terminal(seed_index):
    plain = run("query", "hộ tịch", "--index", seed_index)
    assert "\x1b[" not in plain.stdout
    coloured = run("query", "hộ tịch", "--index", seed_index, "--color", "always")
    assert "\x1b[" in coloured.stdout and "**" not in coloured.stdout


def test_index_summary_line(tmp_path):
    r = run("index", "--corpus", str(SEEDS), "--index", str(tmp_path / "ix"))
    assert r.exit_code == 0
    # seed 000: 10 lines - title - "Ý kiến ()"; seed 004: 11 lines - 3 chrome lines - title - stamp
    assert r.stdout.startswith("2 added, 0 updated, 0 removed, 0 unchanged; 15 paragraphs")
    r = run("index", "--corpus", str(SEEDS), "--index", str(tmp_path / "ix"))
    assert r.stdout.startswith("0 added, 0 updated, 0 removed, 2 unchanged; 0 paragraphs")


def test_version():
    r = run("--version")
    assert r.exit_code == 0 and vnsearch.__version__ in r.stdout


def test_unaccented_query_says_how_it_was_read(seed_index):
    # a message: on stderr, in the language of every other message (issue 11)
    r = run("query", "ho tich", "--index", seed_index)
    assert r.exit_code == 0 and r.stdout.startswith("1. ") and "vnsearch: read as: hộ tịch\n" in r.stderr
    assert "read as" not in run("query", "hộ tịch", "--index", seed_index).stderr
    d = json.loads(run("query", "ho tich", "--index", seed_index, "--json").stdout)
    assert d["interpreted_as"] == "hộ tịch"
    assert "interpreted_as" not in json.loads(run("query", "hộ tịch", "--index", seed_index, "--json").stdout)


def test_a_leading_exclusion_is_query_text_not_an_option(seed_index):
    r = run("query", "-hồ", "hộ tịch", "--index", seed_index, "--json")
    assert r.exit_code == 0, r.output
    assert not any("Hồ" in h["text"] for h in json.loads(r.stdout)["results"])
    assert run("query", "hộ", "tịch", "--index", seed_index).exit_code == 0  # unquoted words


def test_usage_errors_exit_2_with_one_line(seed_index):
    # issue 11: these exited 1 ("nothing found")
    for args in (["--since", "2021", "--until", "2020", "--", "hộ tịch"], ["--", ""], ["--", "-hồ"],
                 ["--", "OR"], ["--count", "--ids", "--", "hộ tịch"]):
        r = run("query", "--index", seed_index, *args)
        assert r.exit_code == 2, (args, r.output)
        assert r.stderr.count("\n") == 1 and r.stderr.startswith("vnsearch: ")


def test_count_and_ids_print_only_matches(seed_index):
    r = run("query", "hộ tịch", "--index", seed_index, "--count")
    d = json.loads(run("query", "hộ tịch", "--index", seed_index, "--json", "--limit", "50").stdout)
    full = [h for h in d["results"] if not h["partial"]]
    assert r.exit_code == 0 and r.stdout == f"{d['total']}\n" and d["total"] == len(full)
    assert all("hộ" in h["text"].lower() and "tịch" in h["text"].lower() for h in full)
    r = run("query", "hộ tịch", "--index", seed_index, "--ids")
    assert r.stdout.splitlines() == list(dict.fromkeys(h["article_id"] for h in full))
    r = run("query", "xyzzy", "--index", seed_index, "--count")
    assert (r.exit_code, r.stdout) == (1, "0\n")
    by_article = run("query", "hộ tịch", "--index", seed_index, "--count", "--by-article")
    assert by_article.stdout == "2\n"


def test_partial_results_are_said_on_stderr_and_in_json(seed_index):
    # no paragraph of the seeds holds both "hộ tịch" and "xyzzy"
    r = run("query", "hộ tịch xyzzy", "--index", seed_index, "--json")
    d = json.loads(r.stdout)
    assert r.exit_code == 0 and d["partial"] is True and d["total"] == 0 and d["results"]
    assert all(h["partial"] for h in d["results"])
    assert "partial" in r.stderr
    r = run("query", "hộ tịch xyzzy", "--index", seed_index, "--sort", "date")
    assert r.exit_code == 1  # date order shows matches only


def test_the_count_before_partial_matches_agrees_with_its_number(seed_index):
    # "hoà giải cơ sở": one paragraph of seed 000 holds all of it, others part of it
    for query, line in (("hoà giải cơ sở", "1 paragraph holds the whole query"),
                        ("tư pháp hộ tịch", "{} paragraphs hold the whole query")):
        results = vnsearch.search(query, seed_index, limit=10)
        assert results.total >= 1 and any(h.partial for h in results.hits)
        assert (results.total == 1) == ("{}" not in line)
        r = run("query", query, "--index", seed_index, "--limit", "10")
        assert r.exit_code == 0 and line.format(results.total) in r.stderr, r.stderr


def test_the_update_summary_counts_paragraphs_in_words_that_agree(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "one.txt").write_text("Một đoạn\nChỉ một đoạn văn về hộ tịch.", encoding="utf-8")
    r = run("index", "--corpus", str(corpus), "--index", str(tmp_path / "ix"))
    assert r.exit_code == 0 and "; 1 paragraph indexed in " in r.stdout, r.stdout
    (corpus / "two.txt").write_text("Hai đoạn\nĐoạn thứ nhất.\nĐoạn thứ hai.", encoding="utf-8")
    r = run("index", "--corpus", str(corpus), "--index", str(tmp_path / "ix"))
    assert r.exit_code == 0 and "; 2 paragraphs indexed in " in r.stdout, r.stdout
