"""`vnsearch serve` latency: the 300 queries of news-short.txt through the app, warm, in-process
(FastAPI's test client: the app's own time, no network). A script, not a test.

    python bench/serve.py --index INDEX      # an index built beforehand (vnsearch index ...)

Per query, in this order: /api/search (as `vnsearch query --json`), the search page (ten
articles, three paragraphs each, and facets: a second search over the best 200 articles),
the page's next page (facets from the cache), and one article page. Prints p50 / p95 / max ms.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from urllib.parse import quote

QUERIES = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "queries" / "news-short.txt"


def percentile(values, p):
    ordered = sorted(values)
    return ordered[max(0, -(-p * len(ordered) // 100) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--queries", default=str(QUERIES))
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from vnsearch.web import create_app

    queries = [q.strip() for q in open(args.queries, encoding="utf-8") if q.strip()]
    times: dict[str, list[float]] = {"api": [], "page": [], "page 2": [], "article": []}
    with TestClient(create_app(args.index)) as client:
        client.get("/api/stats")  # open the index
        for q in queries:
            for name, path, params in (("api", "/api/search", {"q": q}), ("page", "/", {"q": q}),
                                       ("page 2", "/", {"q": q, "page": 2})):
                start = time.perf_counter()
                r = client.get(path, params=params)
                times[name].append((time.perf_counter() - start) * 1000)
                assert r.status_code == 200, (path, q, r.status_code)
                if name == "api":
                    first = r.json()["results"][:1]
            if first:
                start = time.perf_counter()
                r = client.get("/articles/" + quote(first[0]["article_id"], safe=""), params={"q": q})
                times["article"].append((time.perf_counter() - start) * 1000)
                assert r.status_code == 200
    print(f"{len(queries)} queries on {args.index}, warm, in-process")
    print(f"{'request':<10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, values in times.items():
        print(f"{name:<10} {percentile(values, 50):8.1f} {percentile(values, 95):8.1f} {max(values):8.1f}")


if __name__ == "__main__":
    main()
