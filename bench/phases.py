"""CPU seconds of the phases of a one-process build, beside segmentation alone. A script.

    python bench/phases.py            # all of dantri (about a minute of CPU)
    python bench/phases.py --articles 300

Segmentation alone: ``vnsearch.segment.segment`` over the normalized titles and paragraphs.
``add_document``: Whoosh's writer given every article (analysis, stored fields, the posting
pool), segmentation included. ``commit``: the pool's sorted runs merged and written as postings,
the segment closed. The multiprocess writer is kept out (PARALLEL_MIN_PARAGRAPHS out of reach),
so that the numbers are one process's, comparable between runs and commits.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DANTRI = ROOT.parent / "shared" / "data" / "news" / "dantri.jsonl.gz"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, help="only the first N articles")
    ap.add_argument("--corpus", type=Path, default=DANTRI)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from vnsearch import indexer, text
    from vnsearch.corpus import read_corpus
    from vnsearch.segment import segment

    articles = list(itertools.islice(read_corpus(str(args.corpus)), args.articles))
    texts = [text.normalize(t) for a in articles for t in (a.title, *a.paragraphs)]
    c = time.process_time()
    for t in texts:
        segment(t)
    alone = time.process_time() - c
    work = Path(tempfile.mkdtemp(prefix="vnsearch-phases-"))
    try:
        index_dir = str(work / "index")
        ix = indexer._create_index(index_dir)
        writer = indexer._open_writer(ix, index_dir, parallel=False)
        c = time.process_time()
        for article in articles:
            indexer._add_article(writer, article)
        add = time.process_time() - c
        c = time.process_time()
        writer.commit()
        commit = time.process_time() - c
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(articles)} articles: segmentation alone {alone:.2f} s; add_document {add:.2f} s; "
          f"commit {commit:.2f} s; build {add + commit:.2f} s (CPU)")


if __name__ == "__main__":
    main()
