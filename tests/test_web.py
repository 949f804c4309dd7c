"""`vnsearch serve` (issue 14): the JSON API and the pages, through FastAPI's test client."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from urllib.parse import quote

import pytest
from click.testing import CliRunner

import vnsearch
from vnsearch.cli import cli

from .conftest import SEED_000, SEED_004, SEEDS
from .web_corpus import HOSTILE_ID, PATH_ID, make_corpus

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from vnsearch.web import create_app  # noqa: E402
from vnsearch.web.app import MAX_QUERY_CHARS  # noqa: E402


@pytest.fixture(scope="module")
def web_index(tmp_path_factory) -> str:
    corpus = make_corpus(tmp_path_factory.mktemp("web") / "corpus")
    index_dir = tmp_path_factory.mktemp("web-index")
    vnsearch.update_index(str(corpus), str(index_dir))
    return str(index_dir)


@pytest.fixture(scope="module")
def client(web_index):
    with TestClient(create_app(web_index)) as c:
        yield c


@pytest.fixture(scope="module")
def seed_client(seed_index):
    with TestClient(create_app(seed_index)) as c:
        yield c


def cli_json(*args) -> dict:
    r = CliRunner().invoke(cli, list(args))
    assert r.exit_code in (0, 1), r.output
    return json.loads(r.stdout)


# --------------------------------------------------------------------------- API


def test_api_search_is_the_json_of_vnsearch_query(seed_client, seed_index):
    r = seed_client.get("/api/search", params={"q": "hộ tịch"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["results"][0]["article_id"] == SEED_004 and body["results"][0]["paragraph"] == 5
    assert body == cli_json("query", "hộ tịch", "--json", "--index", seed_index)


def test_api_search_takes_the_options_of_vnsearch_query(seed_client, seed_index):
    params = {"q": "ho tich", "since": "2020", "until": "2020-12", "source": "kien giang", "sort": "date",
              "by_article": "true", "limit": 3}
    body = seed_client.get("/api/search", params=params).json()
    assert body["interpreted_as"] == "hộ tịch"
    assert [h["article_id"] for h in body["results"]] == [SEED_004]
    assert body["results"][0]["also"]  # its next best paragraphs
    assert body == cli_json("query", "ho tich", "--since", "2020", "--until", "2020-12", "--source", "kien giang",
                            "--sort", "date", "--by-article", "--limit", "3", "--json", "--index", seed_index)


def test_api_offset_pages_through_the_same_ranking(seed_client):
    first = seed_client.get("/api/search", params={"q": "hội nghị", "limit": 4}).json()["results"]
    second = seed_client.get("/api/search", params={"q": "hội nghị", "limit": 2, "offset": 2}).json()
    assert len(first) == 4
    assert [(h["article_id"], h["paragraph"]) for h in second["results"]] == \
        [(h["article_id"], h["paragraph"]) for h in first[2:4]]
    assert second["offset"] == 2


def test_api_topic_filter_and_facets(client):
    q = '"sơ tán"'  # the storm reports only
    body = client.get("/api/search", params={"q": q, "by_article": "true", "limit": 100, "facets": "true"}).json()
    facets = body["facets"]
    assert facets["articles"] == 14 and facets["complete"]
    assert {"topic": "Thời sự", "articles": 9} in facets["topics"]
    assert {"topic": "Thể thao", "articles": 5} in facets["topics"]
    assert {"source": "Tuổi Trẻ", "articles": 7} in facets["sources"]
    assert {"year": "2020", "articles": 7} in facets["years"]
    # the topic filter, diacritics and case ignored as for sources
    body = client.get("/api/search", params={"q": q, "by_article": "true", "topic": "the thao"}).json()
    assert sorted(h["article_id"] for h in body["results"]) == [f"storm-{i:02d}" for i in range(9, 14)]
    assert body["total"] == 5


def test_api_article_is_vnsearch_show_json(seed_client, seed_index):
    r = seed_client.get(f"/api/articles/{SEED_000}")
    assert r.status_code == 200
    assert r.json() == cli_json("show", SEED_000, "--json", "--index", seed_index)
    assert r.json()["date"] == "2024-07-10"


def test_api_article_id_that_is_a_path(client):
    r = client.get("/api/articles/" + quote(PATH_ID, safe=""))
    assert r.status_code == 200 and r.json()["title"] == "Mạo hiểm rừng Đa Mi"
    assert client.get("/api/articles/" + quote(PATH_ID)).json()["id"] == PATH_ID


def test_api_stats_is_vnsearch_stats_json(seed_client, seed_index):
    r = seed_client.get("/api/stats")
    assert r.status_code == 200
    assert r.json() == cli_json("stats", "--json", "--index", seed_index)
    assert r.json()["articles"] == 2


@pytest.mark.parametrize(
    "params, words",
    [
        ({"q": "bão", "since": "yesterday"}, "yesterday"),
        ({"q": "bão", "until": "2021-13"}, "2021-13"),
        ({"q": "bão", "limit": 0}, "limit"),
        ({"q": "bão", "limit": 101}, "limit"),
        ({"q": "bão", "offset": -1}, "offset"),
        ({"q": "bão", "offset": 100_000}, "offset"),
        ({"q": "bão", "sort": "random"}, "random"),
        ({"q": "bão", "by_article": "perhaps"}, "by_article"),
        ({}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "bão " * (MAX_QUERY_CHARS // 4 + 1)}, "characters"),
    ],
)
def test_api_bad_parameters_are_400_with_a_message(client, params, words):
    r = client.get("/api/search", params=params)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["status"] == 400 and words in error["message"]


def test_api_unknown_article_and_path_are_404_json(client):
    r = client.get("/api/articles/no-such-article")
    assert r.status_code == 404 and "no-such-article" in r.json()["error"]["message"]
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["status"] == 404


def test_api_503_while_the_index_cannot_be_read(tmp_path):
    index_dir = tmp_path / "ix"
    vnsearch.update_index(str(SEEDS), str(index_dir))
    app = create_app(str(index_dir))
    with TestClient(app) as c:
        assert c.get("/api/search", params={"q": "hộ tịch"}).status_code == 200
        (index_dir / ".vnsearch").write_text('{"format": "vnsearch", "schema_version": 1}')
        for name in index_dir.iterdir():
            if name.suffix == ".toc":  # a new generation that another version wrote
                name.rename(index_dir / "_MAIN_99.toc")
        r = c.get("/api/search", params={"q": "hộ tịch"})
        assert r.status_code == 503
        assert "vnsearch index --rebuild" in r.json()["error"]["message"]
        assert c.get("/api/stats").status_code == 503
        page = c.get("/", params={"q": "hộ tịch"})
        assert page.status_code == 503 and "text/html" in page.headers["content-type"]


def test_openapi_describes_the_api(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/search", "/api/articles/{article_id}", "/api/stats"} <= set(spec["paths"])
    names = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "limit", "offset", "since", "until", "source", "topic", "sort", "by_article"} <= names


# --------------------------------------------------------------------------- pages


def test_search_page_groups_by_article_and_marks_words(seed_client):
    r = seed_client.get("/", params={"q": "hộ tịch"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<html lang="vi">' in html
    assert "<mark>hộ tịch</mark>" in html
    assert html.count('class="hit"') == 2  # two articles, each once
    assert f'href="/articles/{SEED_004}?q=h%E1%BB%99+t%E1%BB%8Bch#p5"' in html
    assert "Liên quan nhất" in html and "Mới nhất" in html and "Thời gian" in html and "Nguồn" in html


def test_search_page_says_how_it_read_an_unaccented_query(seed_client):
    html = seed_client.get("/", params={"q": "ho tich"}).text
    assert re.search(r"Kết quả cho: <a href=\"/\?q=h%E1%BB%99\+t%E1%BB%8Bch\"[^>]*><strong>hộ tịch</strong>", html)
    assert 'href="/?q=ho+tich&amp;as_typed=1"' in html  # the query searched as typed
    html = seed_client.get("/", params={"q": "ho tich", "as_typed": "1"}).text
    assert "Có phải bạn muốn tìm" in html and "<strong>hộ tịch</strong>" in html


def test_search_page_reads_telex_and_says_did_you_mean(seed_client):
    # issue 13: Telex typed with the input method off, and a typo, on the page and in the API
    html = seed_client.get("/", params={"q": "hooj tichj"}).text
    assert re.search(r"Kết quả cho: <a [^>]*><strong>hộ tịch</strong>", html)
    html = seed_client.get("/", params={"q": "Kien Giangg"}).text
    assert "Có phải bạn muốn tìm" in html and "<strong>Kien giang</strong>" in html
    body = seed_client.get("/api/search", params={"q": "Kien Giangg"}).json()
    assert body["suggestion"] == "Kien giang" and body["total"] > 0


def test_search_page_paginates_and_keeps_the_state_in_the_url(client):
    html = client.get("/", params={"q": "bão", "sort": "date"}).text
    assert html.count('class="hit"') == 10
    assert "Trang sau" in html
    assert 'href="/?q=b%C3%A3o&amp;sort=date&amp;page=2"' in html
    page2 = client.get("/", params={"q": "bão", "sort": "date", "page": 2}).text
    first = set(re.findall(r'href="/articles/([^"?]+)\?', html))
    second = set(re.findall(r'href="/articles/([^"?]+)\?', page2))
    assert second and not first & second
    assert "Trang trước" in page2


def test_search_page_facets_filter_by_year_then_month(client):
    html = client.get("/", params={"q": "bão"}).text
    assert 'href="/?q=b%C3%A3o&amp;since=2021&amp;until=2021"' in html
    html = client.get("/", params={"q": "bão", "since": "2021", "until": "2021"}).text
    assert "Năm 2021" in html and "tháng 2/2021" in html
    dates = re.findall(r'<time datetime="(\d{4})', html)
    assert dates and set(dates) == {"2021"}


def test_search_page_bad_date_is_a_400_page(client):
    r = client.get("/", params={"q": "bão", "since": "hôm qua"})
    assert r.status_code == 400 and "<html" in r.text
    assert "Không đọc được ngày “hôm qua”" in r.text  # the page speaks Vietnamese
    assert 'href="/?q=b%C3%A3o"' in r.text  # and offers the search without the date


def test_home_page_shows_what_the_index_holds(seed_client):
    html = seed_client.get("/").text
    assert "Tìm kiếm" in html and "<strong>2</strong> bài viết" in html


def test_article_page_marks_the_query_and_links_the_original(client):
    r = client.get("/articles/storm-03", params={"q": "bao so"})
    assert r.status_code == 200
    assert "<mark>Bão số</mark> 4" in r.text  # the title, typed without diacritics
    assert "<mark>bão số</mark> 4" in r.text
    assert 'href="https://example.vn/bao-so-4"' in r.text
    assert client.get("/articles/" + quote(PATH_ID, safe="")).status_code == 200


def test_unknown_article_page_is_404(client):
    r = client.get("/articles/no-such-article")
    assert r.status_code == 404 and "Không tìm thấy" in r.text


# --------------------------------------------------------------------------- safety

HOSTILE_MARKUP = ("<script>alert", "<img", "<svg", "<b onmouseover", "href=\"javascript")


def _no_markup_from_data(html: str) -> None:
    for needle in HOSTILE_MARKUP:
        assert needle not in html, needle


def test_hostile_article_is_escaped_everywhere(client):
    pages = [
        client.get("/", params={"q": "bão gió mạnh"}).text,
        client.get("/", params={"q": "bão", "sort": "date"}).text,
        client.get(f"/articles/{HOSTILE_ID}", params={"q": "bão"}).text,
        client.get(f"/articles/{HOSTILE_ID}").text,
    ]
    assert HOSTILE_ID in pages[0]
    for html in pages:
        _no_markup_from_data(html)
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in pages[2]
    assert "&lt;img src=x onerror=alert(&#39;para&#39;)&gt;" in pages[3]
    assert "Xem bài gốc" not in pages[3]  # a javascript: URL is shown as text, never linked
    # the API returns the data as it is: JSON, not HTML
    assert client.get(f"/api/articles/{HOSTILE_ID}").json()["url"] == "javascript:alert('url')"


def test_hostile_query_is_escaped(client):
    q = "\"><script>alert(1)</script> bão <img src=x onerror=alert(2)>"
    html = client.get("/", params={"q": q}).text
    _no_markup_from_data(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    html = client.get("/articles/storm-01", params={"q": q}).text
    _no_markup_from_data(html)


def test_requests_do_not_reach_files_outside_the_index(client):
    for path in ["/static/../../setup.cfg", "/static/%2e%2e/%2e%2e/setup.cfg", "/static/..%2f..%2fsetup.cfg",
                 "/articles/..%2f..%2fsetup.cfg", "/api/articles/../../../etc/passwd",
                 "/api/articles/%2e%2e%2f%2e%2e%2fetc%2fpasswd"]:
        r = client.get(path)
        assert r.status_code == 404, path
        assert "[metadata]" not in r.text and "root:" not in r.text
    assert client.get("/static/style.css").status_code == 200


# --------------------------------------------------------------------------- the command


def test_serve_command_is_listed_and_the_query_path_does_not_import_the_web_stack():
    r = CliRunner().invoke(cli, ["serve", "--help"])
    assert r.exit_code == 0 and "--host" in r.output and "--port" in r.output
    code = ("import sys, vnsearch.cli, vnsearch; "
            "print(sorted(m for m in ('fastapi', 'starlette', 'uvicorn', 'jinja2', 'vnsearch.web') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_serve_builds_a_missing_index_and_warns_about_other_hosts(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr("vnsearch.web.serve", lambda index_dir, host, port: calls.append((index_dir, host, port)))
    index_dir = tmp_path / "ix"
    r = CliRunner().invoke(cli, ["serve", "--corpus", str(SEEDS), "--index", str(index_dir), "--port", "0"])
    assert r.exit_code == 0, r.output
    assert "building it from" in r.stderr and vnsearch.index_exists(str(index_dir))
    assert calls == [(str(index_dir), "127.0.0.1", 0)]
    assert "not only on this machine" not in r.stderr
    r = CliRunner().invoke(cli, ["serve", "--index", str(index_dir), "--host", "0.0.0.0", "--port", "0"])
    assert r.exit_code == 0 and "listening on 0.0.0.0, not only on this machine" in r.stderr


def test_serve_on_a_port_in_use_is_one_line_and_exit_2(seed_index, monkeypatch):
    monkeypatch.setattr("vnsearch.web.serve", lambda *a, **k: pytest.fail("served on a port in use"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = CliRunner().invoke(cli, ["serve", "--index", seed_index, "--port", str(port)])
    assert r.exit_code == 2
    assert r.stderr.strip().splitlines() == [
        f"vnsearch: cannot listen on 127.0.0.1:{port} (Address already in use): give another --port or --host"]


def test_pages_may_load_only_their_own_script_and_style(client):
    for path in ("/?q=b%C3%A3o", f"/articles/{HOSTILE_ID}", "/articles/nope"):
        policy = client.get(path).headers["content-security-policy"]
        assert "script-src 'self'" in policy and "default-src 'none'" in policy


def test_a_server_on_this_machine_answers_only_its_own_names(web_index):
    with TestClient(create_app(web_index, allowed_hosts=["127.0.0.1", "localhost"])) as c:
        assert c.get("/api/stats", headers={"host": "127.0.0.1:8000"}).status_code == 200
        assert c.get("/api/stats", headers={"host": "localhost:8000"}).status_code == 200
        assert c.get("/api/stats", headers={"host": "rebind.attacker.example"}).status_code == 400


def test_facets_of_a_large_result_say_they_count_only_the_best(web_index, monkeypatch):
    from vnsearch.web import app as app_module

    monkeypatch.setattr(app_module, "FACET_DEPTH", 5)  # "bão" (as typed: not bảo, bao) is in
    # 15 articles: the 14 storm reports and the hostile one
    with TestClient(create_app(web_index)) as c:
        facets = c.get("/api/search", params={"q": "bão", "facets": "true"}).json()["facets"]
        assert facets["articles"] == 5 and not facets["complete"]
        html = c.get("/", params={"q": "bão"}).text
        assert "Ít nhất <strong>5</strong> bài viết" in html and "Số đếm trong 5 bài liên quan nhất" in html
    with TestClient(create_app(web_index)) as c:
        monkeypatch.setattr(app_module, "FACET_DEPTH", 200)
        assert "<strong>15</strong> bài viết" in c.get("/", params={"q": "bão"}).text
