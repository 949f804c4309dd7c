"""Segmentation of a corpus one text at a time (``segment.segment``: CRFsuite through
pycrfsuite) and in batches (``segment.segment_many``: the build's path, ``crf.py``): whether
every text gets the same pieces, and the CPU each takes. A script, for changes to the batch
tagger (issue 15), run on corpora too large for a test (vntc).

    python bench/segment_batch.py ../shared/data/news/vntc.jsonl.gz [--limit N] [--batch 1000]

Exit 0 when every text's pieces are the same, 1 otherwise (the first differing texts printed).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time

from vnsearch import segment
from vnsearch.corpus import read_corpus
from vnsearch.text import normalize


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--limit", type=int, default=None, help="articles (default: all)")
    parser.add_argument("--batch", type=int, default=1000, help="texts a batch (default 1000)")
    args = parser.parse_args()
    texts = []
    for article in itertools.islice(read_corpus(args.corpus), args.limit):
        texts.append(normalize(article.title))
        texts += [normalize(p) for p in article.paragraphs]
    one = many = 0.0
    different = 0
    for i in range(0, len(texts), args.batch):
        batch = texts[i:i + args.batch]
        start = time.process_time()
        expected = [segment.segment(t) for t in batch]
        middle = time.process_time()
        got = segment.segment_many(batch)
        one += middle - start
        many += time.process_time() - middle
        for text, a, b in zip(batch, expected, got):
            if a != b:
                different += 1
                if different <= 5:
                    print("different:", text[:200], file=sys.stderr)
    print(f"{len(texts)} texts: {different} segmented differently; CPU one at a time {one:.1f} s, "
          f"in batches of {args.batch} {many:.1f} s")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
