"""The web application: a search page, article pages and a JSON API over one open index.

Only the library's public API is used: ``Searcher.search`` (through ``LiveIndex``, which
reopens the index after an update), ``Filters.parse``, ``catalog.article_view`` /
``index_stats``, ``SearchResults.to_dict``, ``facets``. Pagination is done here: the library
is asked for ``offset + limit`` results and the page is sliced from them.
"""

from __future__ import annotations

import inspect
import math
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import jinja2
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..catalog import article_view, index_stats
from ..errors import IndexUnavailable, QueryError
from ..facets import Facets, facet_counts, topic_matches
from ..highlight import mark_spans
from ..search import SORTS, Filters
from .live import LiveIndex

HERE = Path(__file__).resolve().parent
MAX_QUERY_CHARS = 500  # longer text is refused (400): no news query is that long
MAX_LIMIT = 100
MAX_OFFSET = 1000
PAGE_SIZE = 10  # articles per page of the search page
PASSAGES = 3  # paragraphs shown under each article
FACET_DEPTH = 200  # facets count the best this many articles of a query
FACET_CACHE = 64  # queries whose facets are kept per open index
# Filters.parse takes a topic once the library filters by topic; until then the topic is
# tested here on the articles returned, which is why a topic search fetches FACET_DEPTH.
LIBRARY_TOPIC = "topic" in inspect.signature(Filters.parse).parameters


class BadRequest(Exception):
    """A parameter that cannot be used: 400 with its message (and one in Vietnamese for the
    page, when there is one)."""

    def __init__(self, message: str, vi: str | None = None):
        super().__init__(message)
        self.vi = vi or message


class NotFound(Exception):
    """404 with its message."""


@dataclass
class Params:
    q: str = ""
    since: str | None = None
    until: str | None = None
    source: str | None = None
    topic: str | None = None
    sort: str = "relevance"
    as_typed: bool = False


@dataclass
class Outcome:
    """One search, as both the page and the API need it."""

    results: object  # SearchResults, hits already sliced to the page
    offset: int
    limit: int
    more: bool  # there is at least one result after this page
    facets: Facets | None = None
    # the accented reading of a query searched as typed, or the query with its typos corrected
    suggestion: str | None = None
    article_total: int | None = None  # articles matching, when known (below FACET_DEPTH)
    hits_meta: dict = field(default_factory=dict)  # article id → its record (topic)


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _check_query(q: str) -> str:
    if len(q) > MAX_QUERY_CHARS:
        raise BadRequest(f"the query is {len(q)} characters long: at most {MAX_QUERY_CHARS}",
                         f"Câu tìm kiếm dài {len(q)} ký tự: tối đa {MAX_QUERY_CHARS}.")
    return q.strip()


def _filters(p: Params) -> Filters:
    try:
        if LIBRARY_TOPIC:
            return Filters.parse(p.since, p.until, p.source, topic=p.topic)
        return Filters.parse(p.since, p.until, p.source)
    except QueryError as e:
        bad = next((v for v in (p.since, p.until) if v and not _is_date(v)), None)
        raise BadRequest(str(e), f"Không đọc được ngày “{bad}”: hãy viết 2021, 2021-03, 2021-03-05 hoặc 5/3/2021."
                         if bad else None)


def _is_date(value: str) -> bool:
    try:
        Filters.parse(since=value)
    except QueryError:
        return False
    return True


def _cached(cache: dict, key, make):
    lru = cache.setdefault("facets", OrderedDict())
    if key in lru:
        lru.move_to_end(key)
        return lru[key]
    value = lru[key] = make()
    while len(lru) > FACET_CACHE:
        lru.popitem(last=False)
    return value


def run_search(live: LiveIndex, p: Params, offset: int, limit: int, by_article: bool, with_facets: bool) -> Outcome:
    """The search behind both the page and ``/api/search``."""
    if p.sort not in SORTS:
        raise BadRequest(f"unknown sort {p.sort!r}: use one of {', '.join(SORTS)}")
    if not 0 <= offset <= MAX_OFFSET:
        raise BadRequest(f"offset must be between 0 and {MAX_OFFSET}")
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}")
    filters = _filters(p)
    post_topic = p.topic if not LIBRARY_TOPIC else None
    wanted = offset + limit + 1  # one more: is there a next page?
    passages = PASSAGES if by_article else 1

    def work(searcher, cache):
        def ask(n: int, one_per_article: bool, passages: int, sort: str = p.sort):
            return searcher.search(
                p.q, limit=n, one_per_article=one_per_article, restore_accents=not p.as_typed,
                filters=filters, sort=sort, passages=passages,
            )

        meta: dict[str, dict] = {}

        def record(article_id: str) -> dict:
            if article_id not in meta:
                meta[article_id] = searcher.article(article_id)
            return meta[article_id]

        results = ask(max(wanted, FACET_DEPTH) if post_topic else wanted, by_article, passages)
        if post_topic:
            results.hits = [h for h in results.hits if topic_matches(record(h.article_id).get("topic"), post_topic)]
            results.total = len(results.hits)
        facets = article_total = None
        if with_facets:
            def count():  # the best articles whatever the sort: one cache entry for both
                top = ask(FACET_DEPTH, True, 1, "relevance")
                ids = [h.article_id for h in top.hits if not h.partial]  # matches only
                if post_topic:
                    ids = [i for i in ids if topic_matches(record(i).get("topic"), post_topic)]
                # Every matching article is counted only when every matching paragraph was
                # among those the search grouped (it groups a bounded number of the best).
                return facet_counts(searcher, ids), top.total <= FACET_DEPTH

            key = (p.q, filters, post_topic, p.as_typed)
            facets, complete = _cached(cache, key, count)
            article_total = facets.articles if complete else None
        suggestion = results.suggestion  # "did you mean" (a typo)
        if p.as_typed:
            suggestion = searcher.search(p.q, limit=1, filters=filters).interpreted_as
        more = len(results.hits) > offset + limit
        results.hits = results.hits[offset:offset + limit]
        for h in results.hits:
            record(h.article_id)
        return Outcome(results, offset, limit, more, facets, suggestion, article_total, meta)

    try:
        return live.run(work)
    except QueryError as e:  # a query with nothing to find (only exclusions, only operators)
        raise BadRequest(str(e), "Truy vấn không có gì để tìm: hãy gõ ít nhất một từ, ví dụ: giá xăng -dầu")


# --------------------------------------------------------------------------- HTML helpers


def marked(value: str, spans) -> Markup:
    """``value`` escaped, with each span in <mark>."""
    out, last = [], 0
    for s, e in spans:
        out.append(escape(value[last:s]))
        out.append(Markup("<mark>") + escape(value[s:e]) + Markup("</mark>"))
        last = e
    out.append(escape(value[last:]))
    return Markup("").join(out)


def safe_url(url: str | None) -> str | None:
    """Only web links are linked: a javascript: or file: URL from an article is not."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def article_href(article_id: str, q: str = "") -> str:
    href = "/articles/" + quote(article_id, safe="")
    return href + ("?" + urlencode({"q": q}) if q else "")


def month_name(value: str) -> str:
    """2021-03 → tháng 3/2021."""
    year, _, month = value.partition("-")
    return f"tháng {int(month)}/{year}" if month.isdigit() else value


def vn_date(value: str | None) -> str:
    """2021-03-05 → 05/03/2021, as Vietnamese papers write dates."""
    if not value or len(value) != 10:
        return value or ""
    return f"{value[8:10]}/{value[5:7]}/{value[:4]}"


def number(n: int) -> str:
    """12345 → 12.345 (Vietnamese thousands separator)."""
    return f"{n:,}".replace(",", ".")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,  # every value from an article or a request is escaped
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(vn_date=vn_date, number=number, month_name=month_name)
    env.globals.update(marked=marked, safe_url=safe_url, article_href=article_href,
                       mark_spans=mark_spans, version=__version__)
    return env


class PageState:
    """The search page's URL: every link is this state with one thing changed."""

    KEYS = ("q", "since", "until", "source", "topic", "sort", "as_typed", "page")

    def __init__(self, values: dict):
        self.values = {k: v for k, v in values.items() if k in self.KEYS}

    def url(self, **changes) -> str:
        values = {**self.values, "page": None, **changes}  # a new filter starts at page 1
        values = {k: v for k, v in values.items() if v not in (None, "", False)}
        if values.get("sort") == "relevance":
            values.pop("sort")
        if values.get("page") == 1:
            values.pop("page")
        if values.get("as_typed") is True:
            values["as_typed"] = 1
        return "/?" + urlencode(values) if values else "/"

    def hidden(self) -> list[tuple[str, str]]:
        """The state the search box keeps when a new query is typed (filters and sort)."""
        return [(k, str(self.values[k])) for k in ("since", "until", "source", "topic", "sort")
                if self.values.get(k) and not (k == "sort" and self.values[k] == "relevance")]


def _date_choice(since: str | None, until: str | None) -> str | None:
    """The year or month a since/until pair selects (both the same), else None."""
    if since and since == until and len(since) in (4, 7):
        return since
    return None


# --------------------------------------------------------------------------- the app


# The pages load only their own stylesheet and script: even markup that escaped escaping could
# run nothing (defence in depth; /docs, FastAPI's, is left without it: it loads Swagger UI).
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def create_app(index_dir: str, allowed_hosts: list[str] | None = None) -> FastAPI:
    """The application over the index at ``index_dir`` (which must exist: ``vnsearch serve``
    builds it first when it is missing). ``allowed_hosts``: the Host headers answered (others
    get 400), so that a web page elsewhere cannot read a server on 127.0.0.1 through a
    domain name it points there (DNS rebinding); None answers any."""
    live = LiveIndex(index_dir)
    templates = Jinja2Templates(env=_environment())
    app = FastAPI(
        title="vnsearch",
        version=__version__,
        description="Full-text search of Vietnamese news, with or without diacritics.",
        # FastAPI's /docs and /redoc pages load their scripts from a CDN: blank pages offline
        # and under the pages' Content-Security-Policy. The description is /openapi.json.
        docs_url=None,
        redoc_url=None,
    )
    app.state.live = live
    if allowed_hosts is not None:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def error_json(status: int, message: str) -> JSONResponse:
        return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    def error_page(request: Request, status: int, message: str):
        if is_api(request):
            return error_json(status, message)
        return templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message, "state": PageState({})},
            status_code=status, headers=PAGE_HEADERS,
        )

    @app.exception_handler(BadRequest)
    async def _bad_request(request: Request, e: BadRequest):
        return error_page(request, 400, str(e) if is_api(request) else e.vi)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, e: NotFound):
        return error_page(request, 404, str(e))

    @app.exception_handler(IndexUnavailable)
    async def _unavailable(request: Request, e: IndexUnavailable):
        return error_page(request, 503, f"the index cannot be read: {e}")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, e: RequestValidationError):
        problems = "; ".join(
            f"{'.'.join(str(part) for part in err['loc'][1:])}: {err['msg']}" for err in e.errors()
        )
        return error_page(request, 400, problems or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, e: StarletteHTTPException):
        message = "no such page" if e.status_code == 404 else str(e.detail)
        return error_page(request, e.status_code, message)

    # ------------------------------------------------------------------ API

    @app.get("/api/search", tags=["api"], summary="Search (as `vnsearch query --json`)")
    def api_search(
        q: str = Query(..., description="Query text, with or without diacritics; syntax as `vnsearch query`."),
        limit: int = Query(10, ge=1, le=MAX_LIMIT),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
        since: str | None = Query(None, description="2021, 2021-03, 2021-03-05 or 5/3/2021"),
        until: str | None = Query(None),
        source: str | None = Query(None, description="Part of the source's name, case and diacritics ignored"),
        topic: str | None = Query(None, description="Part of the topic's name, case and diacritics ignored"),
        sort: str = Query("relevance", description="relevance or date"),
        by_article: bool = Query(False, description="One result per article, its best paragraphs in `also`"),
        facets: bool = Query(False, description="Add `facets`: years, months, sources, topics of the best articles"),
        as_typed: bool = Query(False, description="Do not read a query typed without diacritics in its accented form"),
    ):
        p = Params(_check_query(q), _clean(since), _clean(until), _clean(source), _clean(topic), sort, as_typed)
        if not p.q:
            raise BadRequest("q is empty: give the words to search for")
        out = run_search(live, p, offset, limit, by_article, facets)
        body = out.results.to_dict()
        if offset:
            body["offset"] = offset
        if out.facets is not None:
            # complete: every matching article counted, not only the best FACET_DEPTH
            body["facets"] = {**out.facets.to_dict(), "complete": out.article_total is not None}
        return body

    @app.get("/api/articles/{article_id:path}", tags=["api"], summary="One article (as `vnsearch show --json`)")
    def api_article(article_id: str):
        article = live.run(lambda searcher, cache: article_view(searcher, article_id))
        if article is None:
            raise NotFound(f"no article {article_id!r} in this index")
        return article.to_dict()

    def stats(searcher, cache):
        if "stats" not in cache:
            cache["stats"] = index_stats(index_dir)
        return cache["stats"]

    @app.get("/api/stats", tags=["api"], summary="What the index holds (as `vnsearch stats --json`)")
    def api_stats():
        return live.run(stats).to_dict()

    # ------------------------------------------------------------------ pages

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def search_page(
        request: Request,
        q: str = "",
        since: str | None = None,
        until: str | None = None,
        source: str | None = None,
        topic: str | None = None,
        sort: str = "relevance",
        page: int = Query(1, ge=1, le=MAX_OFFSET // PAGE_SIZE + 1),
        as_typed: bool = False,
    ):
        p = Params(_check_query(q), _clean(since), _clean(until), _clean(source), _clean(topic), sort, as_typed)
        state = PageState({**p.__dict__, "page": page})
        context = {"p": p, "state": state, "page": page, "date_choice": _date_choice(p.since, p.until),
                   "out": None, "stats": None, "error": None}
        status = 200
        if p.q:
            try:
                out = run_search(live, p, (page - 1) * PAGE_SIZE, PAGE_SIZE, True, True)
            except BadRequest as e:
                context["error"], status = e.vi, 400
            else:
                context["out"] = out
                if out.article_total is not None:
                    context["pages"] = max(1, math.ceil(out.article_total / PAGE_SIZE))
        else:
            context["stats"] = live.run(stats)
        return templates.TemplateResponse(request, "search.html", context, status_code=status, headers=PAGE_HEADERS)

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str, q: str = ""):
        q = _check_query(q)
        article = live.run(lambda searcher, cache: article_view(searcher, article_id))
        if article is None:
            raise NotFound(f"no article {article_id!r} in this index")
        return templates.TemplateResponse(
            request, "article.html",
            {"article": article, "q": q, "state": PageState({"q": q}), "url": safe_url(article.url)},
            headers=PAGE_HEADERS,
        )

    return app
