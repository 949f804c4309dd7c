"""pyvi's own ``ViTokenizer.tokenize`` over the first N titles and paragraphs of a corpus, as
``bench/run.py`` times it over the whole corpus (normalized text, one core): seconds a MB. A
script, for checking the "pyvi alone" figure of a run against a part of the same text (issue 15:
over the whole of vntc in one process pyvi took 3.1–3.8 s a MB, over its first 60,000 texts
2.0 s a MB).

    python bench/pyvi_rate.py ../shared/data/news/vntc.jsonl.gz --texts 60000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--texts", type=int, default=60_000)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.run import texts_of
    from vnsearch.text import normalize

    texts = []
    for text in texts_of(args.corpus):
        texts.append(normalize(text))
        if len(texts) >= args.texts:
            break
    from pyvi import ViTokenizer

    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    start, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        ViTokenizer.tokenize(text)
    wall = time.perf_counter() - start
    print(f"{len(texts)} texts, {mb:.1f} MB: {wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU, "
          f"{wall / mb:.2f} s a MB")


if __name__ == "__main__":
    main()
