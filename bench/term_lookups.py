"""The cost of a cold process's first look-ups in the term dictionary: open an index and look
up 1,000 terms, in fresh processes (the OS's file cache warm, Python's not).

    python bench/term_lookups.py INDEX                  # picks the terms, saves them beside
    python bench/term_lookups.py INDEX --terms FILE     # the same terms on another index

The terms: 900 spread evenly over the index's terms (every field), and 100 absent ones (a
present term with "zq" appended). Each run times ``whoosh.index.open_dir`` and ``reader()``
(every segment's term dictionary opened), then ``doc_frequency`` and ``frequency`` of each term
(Whoosh imported before the clock starts). Prints the median and the fastest of the runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time


def child(index: str, terms_file: str) -> None:
    from whoosh import index as whoosh_index

    import vnsearch.compact  # noqa: F401  (the codec, unpickled with the table of contents)

    with open(terms_file, encoding="utf-8") as f:
        terms = json.load(f)
    t0 = time.perf_counter()
    ix = whoosh_index.open_dir(index)
    reader = ix.reader()
    t1 = time.perf_counter()
    found = 0
    for field, text in terms:
        found += reader.doc_frequency(field, text) > 0
        reader.frequency(field, text)
    t2 = time.perf_counter()
    print(json.dumps({"open_ms": (t1 - t0) * 1000, "lookups_ms": (t2 - t1) * 1000, "found": found}))


def pick_terms(index: str, n: int = 900, absent: int = 100) -> list[tuple[str, str]]:
    from whoosh import index as whoosh_index

    import vnsearch.compact  # noqa: F401

    with whoosh_index.open_dir(index).reader() as reader:
        terms = [(f, t.decode("utf-8")) for f, t in reader.all_terms()]
    step = max(1, len(terms) // n)
    picked = terms[::step][:n]
    return picked + [(f, t + "zq") for f, t in picked[::max(1, len(picked) // absent)][:absent]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("index")
    ap.add_argument("--terms", help="a terms file saved by an earlier run (default: pick and save them)")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.index, args.terms)
        return
    terms_file = args.terms
    if terms_file is None:
        terms_file = args.index.rstrip("/") + ".lookup-terms.json"
        with open(terms_file, "w", encoding="utf-8") as f:
            json.dump(pick_terms(args.index), f, ensure_ascii=False)
    runs = []
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, __file__, args.index, "--terms", terms_file, "--child"],
                             capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout))
    for key in ("open_ms", "lookups_ms"):
        values = [r[key] for r in runs]
        print(f"{key}: median {statistics.median(values):.2f}, fastest {min(values):.2f}")
    print(f"terms: {len(json.load(open(terms_file, encoding='utf-8')))}, found {runs[0]['found']}; "
          f"terms file {terms_file}")


if __name__ == "__main__":
    main()
