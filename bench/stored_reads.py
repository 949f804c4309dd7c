"""Stored-field reads of a query, replayed: what reading candidate paragraphs costs in an index
format. A script, not a test.

    python bench/stored_reads.py INDEX [OTHER_INDEX ...]

Runs the 300 queries of ../shared/data/queries/news-short.txt on the first index, recording the
document numbers each query reads stored fields of (snippets, proximity, titles), then reads
those documents again, query by query, on every index given (built from the same corpus, so
the same numbers are the same paragraphs), on a fresh reader each pass. Prints, for each
index, the best of 5 passes: the total, and the p50 and p95 of a query.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT.parent / "shared" / "data" / "queries" / "news-short.txt"
PASSES = 5


def recorded_reads(index_dir: str, queries: list[str]) -> list[list[int]]:
    from vnsearch.search import Searcher

    reads: list[list[int]] = []
    with Searcher(index_dir) as searcher:
        searcher.search(queries[0])  # the searcher opens its reader on first use
        reader = searcher._reader
        read = reader.stored_fields

        def recording(docnum):
            reads[-1].append(docnum)
            return read(docnum)

        reader.stored_fields = recording
        for q in queries:
            reads.append([])
            searcher.search(q)
    return reads


def replay(index_dir: str, reads: list[list[int]]) -> tuple[float, float, float]:
    from whoosh import index as whoosh_index

    best = None
    for _ in range(PASSES):
        reader = whoosh_index.open_dir(index_dir).reader()
        per_query = []
        for docnums in reads:
            t = time.perf_counter()
            for d in docnums:
                reader.stored_fields(d)
            per_query.append((time.perf_counter() - t) * 1000)
        reader.close()
        per_query.sort()
        figures = (sum(per_query), statistics.median(per_query), per_query[int(len(per_query) * 0.95)])
        if best is None or figures[0] < best[0]:
            best = figures
    return best


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    sys.path.insert(0, str(ROOT))
    queries = [line.strip() for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    reads = recorded_reads(sys.argv[1], queries)
    print(f"{len(queries)} queries, stored-field reads a query: median {statistics.median(map(len, reads)):.0f}, "
          f"total {sum(map(len, reads))}")
    for index_dir in sys.argv[1:]:
        total, p50, p95 = replay(index_dir, reads)
        print(f"{index_dir}: all queries {total:.1f} ms; a query p50 {p50:.2f} ms, p95 {p95:.2f} ms "
              f"(best of {PASSES} passes)")


if __name__ == "__main__":
    main()
