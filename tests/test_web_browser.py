"""The search page in a real browser (issue 14): Debian's chromium driven by Playwright, against
`vnsearch serve`'s app in uvicorn. Skipped when playwright or /usr/bin/chromium is absent
(.ci/run installs both; Playwright's own browser download is never used)."""

from __future__ import annotations

import os
import socket
import threading
import time
from urllib.parse import parse_qs, urlparse

import pytest

import vnsearch

from .web_corpus import HOSTILE_ID, make_corpus

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.slow
sync_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("uvicorn")
if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from vnsearch.web import create_app

    corpus = make_corpus(tmp_path_factory.mktemp("browser") / "corpus")
    index_dir = tmp_path_factory.mktemp("browser-index")
    vnsearch.update_index(str(corpus), str(index_dir))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(str(index_dir)), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def dialogs():
    return []


def _page(browser, dialogs, **options):
    context = browser.new_context(**options)
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    return page


def _wait(page, expression: str, timeout: float = 10) -> None:
    """Poll ``expression`` with page.evaluate (wait_for_function evaluates strings, which the
    pages' Content-Security-Policy forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        time.sleep(0.05)


def _query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def test_without_javascript_the_page_is_links_and_a_form(server, browser, dialogs):
    page = _page(browser, dialogs, java_script_enabled=False)
    page.goto(server + "/")
    page.fill("input[name=q]", "so tan")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    assert _query(page.url) == {"q": "so tan"}
    assert page.locator(".hit").count() == 10
    assert "sơ tán" in [m.lower() for m in page.locator(".hit mark").all_inner_texts()]
    page.click("text=Trang sau")
    assert _query(page.url) == {"q": "so tan", "page": "2"}
    assert page.locator(".hit").count() > 0
    page.click(".facet >> text=Thể thao")
    assert _query(page.url) == {"q": "so tan", "topic": "Thể thao"}
    assert page.locator(".hit").count() == 5
    page.click(".hit h3 a >> nth=0")
    assert urlparse(page.url).path.startswith("/articles/storm-")
    assert page.locator("article.full mark").count() >= 1
    page.go_back()
    assert _query(page.url) == {"q": "so tan", "topic": "Thể thao"}
    page.context.close()


def test_with_javascript_no_full_reload_and_history_works(server, browser, dialogs):
    page = _page(browser, dialogs)
    page.goto(server + "/?q=h%E1%BB%99+t%E1%BB%8Bch")
    assert page.locator(".hit").count() == 2
    page.evaluate("window.__stay = 42")  # lost on any full page load
    page.fill("input[name=q]", "sơ tán")  # typed: search as you type
    _wait(page, "document.querySelectorAll('.hit').length === 10")
    assert page.evaluate("window.__stay") == 42
    assert _query(page.url) == {"q": "sơ tán"}
    page.click(".facet >> text=Năm 2021")
    _wait(page, "location.search.includes('since=2021')")
    page.wait_for_selector(".chosen >> text=Năm 2021")
    assert page.evaluate("window.__stay") == 42
    assert {page.locator("time").nth(i).get_attribute("datetime")[:4] for i in range(page.locator("time").count())} == {"2021"}
    page.go_back()
    _wait(page, "!location.search.includes('since=')")
    _wait(page, "document.querySelectorAll('.chosen').length === 0")
    assert _query(page.url) == {"q": "sơ tán"}
    assert page.evaluate("window.__stay") == 42
    assert page.console_errors == []  # the script runs under the pages' Content-Security-Policy
    page.context.close()


def test_hostile_article_runs_no_script(server, browser, dialogs):
    page = _page(browser, dialogs)
    page.goto(server + "/?q=" + "b%C3%A3o+gi%C3%B3+m%E1%BA%A1nh")
    title = page.locator(f".hit h3 a[href^='/articles/{HOSTILE_ID}']")
    assert "<script>alert('title')</script>" in title.inner_text()
    title.click()
    page.wait_for_selector("article.full")
    assert "<img src=x onerror=alert('para')>" in page.locator("article.full").inner_text()
    assert page.locator("article.full img, article.full script, article.full svg").count() == 0
    page.goto(server + "/?q=%3Cimg+src%3Dx+onerror%3Dalert(9)%3E+b%C3%A3o")
    page.wait_for_timeout(300)
    assert dialogs == []
    page.context.close()


@pytest.mark.parametrize("path", ["/?q=mi%E1%BB%81n+Trung", "/articles/storm-01?q=b%C3%A3o", "/"])
def test_readable_on_a_phone(server, browser, dialogs, path):
    page = _page(browser, dialogs, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page.goto(server + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the screen
    box = page.locator("input[name=q]").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["width"] >= 180
    font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p, main li')).fontSize)")
    assert font >= 14
    page.context.close()
