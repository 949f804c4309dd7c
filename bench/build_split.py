"""CPU seconds of the steps of a build, as a parallel worker adds documents: the first N dantri
articles added in jobs of M documents to one bulk writer (``BulkWriter.add_documents``, what
``parallel._Worker`` does with a job), then its commit, each step's functions timed by wrappers
(CPU, not profiled: a profiler inflates the small calls). A script, for finding where a build's
time goes (issue 15).

    python bench/build_split.py [--articles 600] [--job 100] [--corpus FILE]

Steps (nested ones indented): analyse = the lanes' terms of a job's values as numbers
(``lanebatch``: segmentation, of which tag is the batch tagger and syllabize pyvi's tokens; joins:
runs of words that are one word), Lane.add_tokens = gathering them, Lane._run = sorting a lane's
tokens into postings at commit, add_gathered = writing the terms (Lane._run included), stored
finish = the stored fields' zstd frames.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DANTRI = ROOT.parent / "shared" / "data" / "news" / "dantri.jsonl.gz"


class _Documents:
    """Stands in for a writer: keeps what ``indexer._add_article`` adds."""

    def __init__(self):
        self.documents = []

    def add_document(self, **fields):
        self.documents.append(fields)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=600)
    ap.add_argument("--job", type=int, default=100, help="documents a job (a parallel worker's: 100)")
    ap.add_argument("--corpus", type=Path, default=DANTRI)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from vnsearch import batchtag, bulk, compact, indexer, lanebatch, segment
    from vnsearch.corpus import read_corpus

    kept = _Documents()
    for article in itertools.islice(read_corpus(str(args.corpus)), args.articles):
        indexer._add_article(kept, article)
    spent: collections.Counter = collections.Counter()

    def timed(owner, name: str, label: str) -> None:
        f = getattr(owner, name)

        def wrapper(*a, **k):
            start = time.process_time()
            try:
                return f(*a, **k)
            finally:
                spent[label] += time.process_time() - start

        setattr(owner, name, wrapper)

    timed(lanebatch.LaneAnalyser, "analyse", "analyse")
    timed(segment, "segment_many_raw", "  segment")
    timed(batchtag.BatchTagger, "tag", "    tag")
    timed(segment, "syllabize", "    syllabize")
    timed(lanebatch, "joins", "  joins")
    timed(bulk.Lane, "add_tokens", "Lane.add_tokens")
    timed(bulk.Lane, "_run", "  Lane._run")
    timed(compact.CompactFieldWriter, "add_gathered", "add_gathered")
    timed(compact.StoredWriter, "finish", "stored finish")
    work = Path(tempfile.mkdtemp())
    try:
        folder = str(work / "index")
        writer = indexer._open_writer(indexer._create_index(folder), folder, parallel=False)
        documents = kept.documents
        start = time.process_time()
        for i in range(0, len(documents), args.job):
            writer.add_documents(documents[i:i + args.job])
        added = time.process_time()
        writer.commit()
        done = time.process_time()
    finally:
        shutil.rmtree(work)
    print(f"{args.articles} articles, {len(documents)} documents in jobs of {args.job}: "
          f"add {added - start:.2f} s, commit {done - added:.2f} s, in all {done - start:.2f} s (CPU)")
    for label, seconds in sorted(spent.items(), key=lambda x: -x[1]):
        print(f"  {label:16s} {seconds:.2f} s")


if __name__ == "__main__":
    main()
