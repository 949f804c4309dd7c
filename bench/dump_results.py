"""Every result of the 300 news-short queries as JSON lines, for comparing two checkouts of
the query code on one index (byte-identical output = identical results). A script, not a test.

    PYTHONPATH=<old checkout> python bench/dump_results.py --index INDEX > old.jsonl
    python bench/dump_results.py --index INDEX > new.jsonl
    cmp old.jsonl new.jsonl

Each query is answered with several sets of options (paragraphs, by article with passages,
date order, no accent restoration), each hit in full (ids, scores, snippets, spans, the
article's other passages). ``--reverse`` asks the queries in the opposite order (the output
is still in file order), ``--twice`` asks every query twice and keeps the second answer:
results that depend on what the process answered before (a cache keyed wrongly) differ.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from serve import QUERIES

OPTIONS = (
    {},
    {"one_per_article": True},
    {"one_per_article": True, "passages": 3, "limit": 20},
    {"limit": 1},
    {"sort": "date", "limit": 5},
    {"restore_accents": False, "interpret": False},
)


def answer(searcher, q: str, options: dict) -> dict:
    try:
        r = searcher.search(q, **options)
    except Exception as e:  # a query error is a result too
        return {"error": f"{type(e).__name__}: {e}"}
    return asdict(r)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--queries", default=str(QUERIES))
    parser.add_argument("--reverse", action="store_true")
    parser.add_argument("--twice", action="store_true")
    args = parser.parse_args()
    from vnsearch.search import Searcher

    queries = [q.strip() for q in open(args.queries, encoding="utf-8") if q.strip()]
    jobs = [(i, o) for i in range(len(queries)) for o in range(len(OPTIONS))]
    if args.reverse:
        jobs.reverse()
    out: dict = {}
    with Searcher(args.index) as searcher:
        for i, o in jobs:
            out[i, o] = answer(searcher, queries[i], OPTIONS[o])
            if args.twice:
                out[i, o] = answer(searcher, queries[i], OPTIONS[o])
    for i, o in sorted(out):
        sys.stdout.write(json.dumps({"query": queries[i], "options": OPTIONS[o], "result": out[i, o]},
                                    ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
