"""The vnsearch benchmark: index build, incremental update and query latency, against pyvi
alone and SQLite FTS5 on the same text, in one run. A script, not a test.

    python bench/run.py                      # dantri (2,653 articles), the everyday corpus
    python bench/run.py --corpus vntc        # vntc (84,132 articles), the scale corpus
    python bench/run.py --skip-pyvi          # leave out the (slow) pyvi-only baseline
    python bench/run.py --breakdown          # also: index bytes by file kind and by field

Prints one table and writes it as JSON to bench/results/<corpus>.json. Figures of one run are
meant to be compared with each other only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
CORPORA = {"dantri": DATA / "news" / "dantri.jsonl.gz", "vntc": DATA / "news" / "vntc.jsonl.gz"}
QUERIES = DATA / "queries" / "news-short.txt"
COLD_RUNS = 20
_SYLLABLE = re.compile(r"\w+")


def percentile(values, p):
    ordered = sorted(values)
    rank = max(1, -(-p * len(ordered) // 100))
    return ordered[int(rank) - 1]


def texts_of(corpus: Path):
    """Every title and paragraph of the corpus, as the indexer sees them."""
    from vnsearch.corpus import read_corpus

    for article in read_corpus(str(corpus)):
        yield article.title
        yield from article.paragraphs


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def run_child(args, **kwargs) -> tuple[float, int, subprocess.CompletedProcess]:
    """(wall seconds, peak RSS in bytes, result) of a child process; its CPU seconds (user +
    system, workers included) in ``result.cpu_s``."""
    code = (
        "import resource, subprocess, sys, json;"
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN);"
        "print(json.dumps([r.returncode, r.stdout, r.stderr, u.ru_maxrss, u.ru_utime + u.ru_stime]))"
    )
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, **kwargs)
    wall = time.perf_counter() - t0
    rc, stdout, stderr, maxrss_kb, cpu = json.loads(out.stdout)
    if rc != 0:
        raise SystemExit(f"{' '.join(args)} failed ({rc}): {stderr.strip()}")
    result = subprocess.CompletedProcess(args, rc, stdout, stderr)
    result.cpu_s = cpu
    return wall, maxrss_kb * 1024, result


def vnsearch_cmd(*args):
    return [sys.executable, "-m", "vnsearch", *args]


def bench_pyvi(corpus: Path) -> tuple[float, float]:
    """(wall, CPU) seconds pyvi's own ViTokenizer.tokenize takes over the corpus text, on one core."""
    code = (
        "import sys, time; sys.path.insert(0, %r); from bench.run import texts_of;"
        "from pyvi import ViTokenizer; from vnsearch.text import normalize;"
        "texts = [normalize(t) for t in texts_of(%r)]; t0 = time.perf_counter(); c0 = time.process_time();"
        "[ViTokenizer.tokenize(t) for t in texts]; print(time.perf_counter() - t0, time.process_time() - c0)"
    ) % (str(ROOT), str(corpus))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall, cpu = out.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def bench_fts5(corpus: Path, queries: list[str], work: Path) -> dict:
    db = work / "fts5.db"
    t0 = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("CREATE VIRTUAL TABLE p USING fts5(article_id UNINDEXED, title, text, tokenize='unicode61 remove_diacritics 2')")
    from vnsearch.corpus import read_corpus

    rows = ((a.id, a.title, para) for a in read_corpus(str(corpus)) for para in a.paragraphs)
    con.executemany("INSERT INTO p VALUES (?, ?, ?)", rows)
    con.commit()
    build = time.perf_counter() - t0

    def fts_query(q: str) -> str:
        words = _SYLLABLE.findall(q)
        return " OR ".join('"%s"' % w for w in words) if words else '""'

    sql = "SELECT article_id, snippet(p, 2, '[', ']', '…', 20) FROM p WHERE p MATCH ? ORDER BY rank LIMIT 10"
    times = []
    for q in queries:
        t = time.perf_counter()
        con.execute(sql, (fts_query(q),)).fetchall()
        times.append((time.perf_counter() - t) * 1000)
    con.close()
    cold = []
    script = (
        "import sqlite3, sys; con = sqlite3.connect(sys.argv[1]);"
        "print(con.execute(%r, (sys.argv[2],)).fetchall()[:1])" % sql
    )
    for q in queries[:COLD_RUNS]:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", script, str(db), fts_query(q)], capture_output=True, check=True)
        cold.append((time.perf_counter() - t) * 1000)
    return {
        "build_s": build,
        "warm_p50_ms": percentile(times, 50),
        "warm_p95_ms": percentile(times, 95),
        "cold_p50_ms": percentile(cold, 50),
        "size_bytes": db.stat().st_size,
    }


def size_breakdown(index_dir: Path) -> dict:
    """Where the index's bytes are: by file kind (inside Whoosh's compound segment files) and,
    for the postings, by field (with postings and terms counted)."""
    from collections import Counter

    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(index_dir))
    kinds: Counter = Counter()
    for seg in ix._segments():
        storage = seg.open_compound_file(ix.storage) if seg.is_compound() else ix.storage
        for name in storage.list():
            if name.startswith(seg.make_filename("")):
                kinds[name[len(seg.make_filename("")):].lstrip(".")] += storage.file_length(name)
    fields: dict[str, list[int]] = {}
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            for (fieldname, _), info in leaf._terms.items():
                row = fields.setdefault(fieldname, [0, 0, 0])
                row[0] += 1
                row[1] += info.doc_frequency()
                if not info.is_inlined():
                    length = info.extent()[1]
                    row[2] += length[0] if isinstance(length, tuple) else length
    lengths = {k: v for k, v in kinds.items() if k.endswith("_len.col")}
    for k in lengths:
        del kinds[k]
    kinds["field lengths (.col)"] = sum(lengths.values())
    return {"files": dict(kinds.most_common()),
            "postings_by_field": {f: {"terms": t, "postings": p, "bytes": b} for f, (t, p, b) in
                                  sorted(fields.items(), key=lambda kv: -kv[1][2])}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", choices=sorted(CORPORA), default="dantri")
    ap.add_argument("--queries", type=Path, default=QUERIES)
    ap.add_argument("--skip-pyvi", action="store_true", help="leave out the pyvi-only baseline")
    ap.add_argument("--skip-fts5", action="store_true", help="leave out SQLite FTS5")
    ap.add_argument("--breakdown", action="store_true", help="also: index bytes by file kind and by field")
    ap.add_argument("--out", type=Path, help="JSON output (default bench/results/<corpus>.json)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    source = CORPORA[args.corpus]
    if not source.exists():
        raise SystemExit(f"{source} not found: the benchmark needs ../shared/data beside the project")
    queries = [q.strip() for q in args.queries.read_text(encoding="utf-8").splitlines() if q.strip()]

    texts = list(texts_of(source))
    text_bytes = sum(len(t.encode("utf-8")) for t in texts)
    syllables = sum(len(_SYLLABLE.findall(t)) for t in texts)
    paragraphs = sum(1 for a in __import__("vnsearch").read_corpus(str(source)) for _ in (a.paragraphs or [a.title]))
    del texts

    work = Path(tempfile.mkdtemp(prefix="vnsearch-bench-"))
    result: dict = {"corpus": args.corpus, "articles": None, "paragraphs": paragraphs, "syllables": syllables,
                    "text_bytes": text_bytes, "cpus": os.cpu_count()}
    try:
        corpus_dir = work / "corpus"
        corpus_dir.mkdir()
        os.symlink(source, corpus_dir / source.name)
        index_dir = work / "index"

        wall, rss, out = run_child(vnsearch_cmd("index", "--corpus", str(corpus_dir), "--index", str(index_dir)))
        result["articles"] = int(out.stdout.split()[0])
        result["build"] = {
            "wall_s": wall,
            "cpu_s": out.cpu_s,  # on a shared machine, steadier than wall
            "paragraphs_per_s": paragraphs / wall,
            "syllables_per_s": syllables / wall,
            "peak_rss_bytes": rss,
            "index_bytes": dir_size(index_dir),
            "index_over_text": dir_size(index_dir) / text_bytes,
        }
        if args.breakdown:
            result["size_breakdown"] = size_breakdown(index_dir)
        if not args.skip_pyvi:
            pyvi, pyvi_cpu = bench_pyvi(source)
            result["pyvi_only_s"] = pyvi
            result["pyvi_only_cpu_s"] = pyvi_cpu
            result["build_over_pyvi"] = result["build"]["wall_s"] / pyvi
            result["build_cpu_over_pyvi_cpu"] = result["build"]["cpu_s"] / pyvi_cpu

        (corpus_dir / "bench-new-article.txt").write_text(
            "Bài mới cho phép đo cập nhật\nMột bài báo mới được thêm vào kho để đo thời gian cập nhật chỉ mục.\n",
            encoding="utf-8",
        )
        wall, _, out = run_child(vnsearch_cmd("index", "--corpus", str(corpus_dir), "--index", str(index_dir)))
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        start = time.perf_counter() - t0
        result["incremental"] = {"wall_s": wall, "python_start_s": start, "summary": out.stdout.strip()}
        # nothing changed since: what `vnsearch index` costs when there is nothing to do
        wall, _, out = run_child(vnsearch_cmd("index", "--corpus", str(corpus_dir), "--index", str(index_dir)))
        result["noop"] = {"wall_s": wall, "summary": out.stdout.strip()}

        from vnsearch.search import Filters, Searcher

        with Searcher(str(index_dir)) as searcher:
            for q in queries[:20]:  # warm the caches as a long-running process would be
                searcher.search(q)
            times = []
            for q in queries:
                t = time.perf_counter()
                searcher.search(q)
                times.append((time.perf_counter() - t) * 1000)
            # the same queries with a date range, newest first, one hit per article (the first
            # call also reads every article's date: its cost is in max)
            since = Filters.parse(since="2021-01-01")
            filtered = []
            for q in queries:
                t = time.perf_counter()
                searcher.search(q, filters=since, sort="date", one_per_article=True, passages=3)
                filtered.append((time.perf_counter() - t) * 1000)
        result["warm"] = {"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95), "max_ms": max(times)}
        result["warm_filtered"] = {"p50_ms": percentile(filtered, 50), "p95_ms": percentile(filtered, 95), "max_ms": max(filtered)}

        def cold_queries() -> dict:
            cold = []
            for q in queries[:COLD_RUNS]:
                t = time.perf_counter()
                subprocess.run(vnsearch_cmd("query", q, "--index", str(index_dir), "--corpus", str(corpus_dir)),
                               capture_output=True)
                cold.append((time.perf_counter() - t) * 1000)
            return {"p50_ms": percentile(cold, 50), "p95_ms": percentile(cold, 95)}

        # As this environment runs them: where PYTHONDONTWRITEBYTECODE is set (this machine
        # sets it), each process compiles vnsearch's sources again; then with their bytecode
        # compiled, as a package installed by pip or any run where Python may write its caches
        # has it. The bytecode this script writes into the source tree is removed after.
        result["cold"] = cold_queries()
        result["cold"]["bytecode_written"] = not sys.flags.dont_write_bytecode
        pycache = set((ROOT / "vnsearch").rglob("__pycache__"))
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "vnsearch")], check=True)
        try:
            result["cold_compiled"] = cold_queries()
        finally:
            for d in (ROOT / "vnsearch").rglob("__pycache__"):
                if d not in pycache:
                    shutil.rmtree(d, ignore_errors=True)

        if not args.skip_fts5:
            fts = bench_fts5(source, queries, work)
            result["fts5"] = fts
            result["ratios"] = {
                "build": result["build"]["wall_s"] / fts["build_s"],
                "warm_p50": result["warm"]["p50_ms"] / fts["warm_p50_ms"],
                "warm_p95": result["warm"]["p95_ms"] / fts["warm_p95_ms"],
                "cold_p50": result["cold"]["p50_ms"] / fts["cold_p50_ms"],
            }
    finally:
        shutil.rmtree(work, ignore_errors=True)

    out_path = args.out or ROOT / "bench" / "results" / f"{args.corpus}.json"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(result))
    print(f"\nwritten to {out_path}")


def table(r: dict) -> str:
    b = r["build"]
    rows = [
        ("corpus", f"{r['corpus']}: {r['articles']} articles, {r['paragraphs']} paragraphs, {r['syllables']} syllables, {r['text_bytes'] / 1e6:.1f} MB text"),
        ("full build", f"{b['wall_s']:.1f} s wall, {b.get('cpu_s', 0):.1f} s CPU, {b['paragraphs_per_s']:.0f} paragraphs/s, {b['syllables_per_s']:.0f} syllables/s, peak RSS {b['peak_rss_bytes'] / 1e6:.0f} MB"),
        ("index size", f"{b['index_bytes'] / 1e6:.1f} MB = {b['index_over_text']:.2f} × the text"),
    ]
    if "pyvi_only_s" in r:
        rows.append(("pyvi alone, one core", f"{r['pyvi_only_s']:.1f} s; build / pyvi = {r['build_over_pyvi']:.2f}"
                     + (f" (CPU: {r['pyvi_only_cpu_s']:.1f} s; build / pyvi = {r['build_cpu_over_pyvi_cpu']:.2f})"
                        if "pyvi_only_cpu_s" in r else "")))
    i = r["incremental"]
    rows.append(("add one article", f"{i['wall_s']:.2f} s whole process (Python start alone {i['python_start_s']:.2f} s)"))
    if "noop" in r:
        rows.append(("update, nothing changed", f"{r['noop']['wall_s']:.2f} s whole process"))
    rows.append(("warm query (library)", f"p50 {r['warm']['p50_ms']:.1f} ms, p95 {r['warm']['p95_ms']:.1f} ms, max {r['warm']['max_ms']:.1f} ms"))
    if "warm_filtered" in r:
        w = r["warm_filtered"]
        rows.append(("warm, --since --sort date --by-article", f"p50 {w['p50_ms']:.1f} ms, p95 {w['p95_ms']:.1f} ms, max {w['max_ms']:.1f} ms"))
    rows.append(("cold `vnsearch query`", f"p50 {r['cold']['p50_ms']:.0f} ms, p95 {r['cold']['p95_ms']:.0f} ms"
                 + ("" if r["cold"].get("bytecode_written", True) else " (sources compiled in every process: PYTHONDONTWRITEBYTECODE)")))
    if "cold_compiled" in r:
        c = r["cold_compiled"]
        rows.append(("cold, bytecode compiled", f"p50 {c['p50_ms']:.0f} ms, p95 {c['p95_ms']:.0f} ms"))
    if "fts5" in r:
        f, x = r["fts5"], r["ratios"]
        rows.append(("SQLite FTS5", f"build {f['build_s']:.1f} s, warm p50 {f['warm_p50_ms']:.2f} ms / p95 {f['warm_p95_ms']:.2f} ms, cold p50 {f['cold_p50_ms']:.0f} ms"))
        rows.append(("vnsearch / FTS5", f"build {x['build']:.1f}×, warm p50 {x['warm_p50']:.1f}×, warm p95 {x['warm_p95']:.1f}×, cold p50 {x['cold_p50']:.1f}×"))
    if "size_breakdown" in r:
        sb = r["size_breakdown"]
        rows.append(("index bytes by file", ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sb["files"].items())))
        rows.append(("postings bytes by field", ", ".join(
            f"{f} {v['bytes'] / 1e6:.1f} MB ({v['bytes'] / max(1, v['postings']):.1f} B/posting)"
            for f, v in sb["postings_by_field"].items() if v["bytes"] >= 1e5)))
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"| {k:<{width}} | {v} |" for k, v in rows)


if __name__ == "__main__":
    main()
