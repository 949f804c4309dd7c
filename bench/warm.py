"""Warm query latency on an index built beforehand: `bench/run.py`'s loop (one Searcher, the
first 20 queries once to warm its caches, then the 300 queries of news-short.txt), wall and CPU
milliseconds a query. A script, not a test.

    python bench/warm.py --index INDEX                 # paragraphs, as bench/run.py's "warm query"
    python bench/warm.py --index INDEX --by-article
    python bench/warm.py --index INDEX --kinds         # also: quoted phrases and the others apart

For an A/B of query code on one machine shared with other work, run the old code and the new
alternately on the same index, several times (PYTHONPATH=<old checkout> python bench/warm.py
--index INDEX, then python bench/warm.py --index INDEX, ...): figures taken at different
moments do not compare, and CPU time moves less than wall time with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from serve import QUERIES, percentile  # bench/serve.py's queries and percentile (as bench/run.py's)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--queries", default=str(QUERIES))
    parser.add_argument("--by-article", action="store_true")
    parser.add_argument("--kinds", action="store_true", help="also the figures of quoted phrases and of the others")
    args = parser.parse_args()
    import vnsearch
    from vnsearch.search import Searcher

    queries = [q.strip() for q in open(args.queries, encoding="utf-8") if q.strip()]
    wall, cpu = [], []
    with Searcher(args.index) as searcher:
        for q in queries[:20]:
            searcher.search(q, one_per_article=args.by_article)
        for q in queries:
            c, t = time.process_time(), time.perf_counter()
            searcher.search(q, one_per_article=args.by_article)
            wall.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
    out = {"code": str(Path(vnsearch.__file__).parent.parent), "queries": len(queries),
           "wall_p50_ms": round(percentile(wall, 50), 2), "wall_p95_ms": round(percentile(wall, 95), 2),
           "cpu_p50_ms": round(percentile(cpu, 50), 2), "cpu_p95_ms": round(percentile(cpu, 95), 2)}
    if args.kinds:
        for kind, pick in (("phrases", lambda q: '"' in q), ("others", lambda q: '"' not in q)):
            times = [t for q, t in zip(queries, wall) if pick(q)]
            if times:
                out[kind] = {"queries": len(times), "wall_p50_ms": round(percentile(times, 50), 2),
                             "wall_p95_ms": round(percentile(times, 95), 2), "wall_sum_ms": round(sum(times))}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
