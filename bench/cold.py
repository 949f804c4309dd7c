"""Cold `vnsearch query` processes, as `bench/run.py` times them (the first 20 queries of
news-short.txt, one `python -m vnsearch query Q --index INDEX` process each, the wall time
around it), for several checkouts alternated query by query: on a machine shared with other
jobs only figures taken side by side compare. Also each process's CPU time (user + system),
which moves less with the load. A script, not a test.

    python bench/cold.py --index INDEX [--corpus CORPUS] [--rounds 4] [NAME=PYTHON:DIR ...]

Each checkout is a Python (the environment its README install made) and the directory it runs
in (`python -m vnsearch` imports the checkout there); without any, this checkout with this
Python. Prints, for each, the wall and CPU p50 / p95 over all rounds and the wall p50 of each
round, and the load average (one minute) before and after each round.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

from run import COLD_RUNS, QUERIES, ROOT, percentile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--corpus")
    parser.add_argument("--queries", default=str(QUERIES))
    parser.add_argument("--count", type=int, default=COLD_RUNS, help="how many of the queries (bench/run.py's)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("checkouts", nargs="*", metavar="NAME=PYTHON:DIR")
    args = parser.parse_args()
    checkouts = {}
    for spec in args.checkouts or [f"this={sys.executable}:{ROOT}"]:
        name, _, where = spec.partition("=")
        python, _, directory = where.partition(":")
        checkouts[name] = (python, directory)
    queries = [q.strip() for q in open(args.queries, encoding="utf-8") if q.strip()][:args.count]
    extra = ["--corpus", args.corpus] if args.corpus else []
    wall = {name: [] for name in checkouts}
    cpu = {name: [] for name in checkouts}
    rounds = {name: [] for name in checkouts}
    loads = [os.getloadavg()[0]]
    for r in range(args.rounds):
        this_round = {name: [] for name in checkouts}
        order = list(checkouts) if r % 2 == 0 else list(checkouts)[::-1]
        for q in queries:
            for name in order:
                python, directory = checkouts[name]
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                t = time.perf_counter()
                subprocess.run([python, "-m", "vnsearch", "query", q, "--index", args.index, *extra],
                               cwd=directory, capture_output=True)
                ms = (time.perf_counter() - t) * 1000
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                wall[name].append(ms)
                this_round[name].append(ms)
                cpu[name].append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
        for name in checkouts:
            rounds[name].append(percentile(this_round[name], 50))
        loads.append(os.getloadavg()[0])
    for name in checkouts:
        print(f"{name}: wall p50 {percentile(wall[name], 50):.0f} ms, p95 {percentile(wall[name], 95):.0f} ms; "
              f"CPU p50 {percentile(cpu[name], 50):.0f} ms, p95 {percentile(cpu[name], 95):.0f} ms "
              f"({len(wall[name])} processes); wall p50 of each round: "
              + " ".join(f"{v:.0f}" for v in rounds[name]))
    print("load average (1 minute) before and after each round: " + " ".join(f"{v:.1f}" for v in loads))


if __name__ == "__main__":
    main()
