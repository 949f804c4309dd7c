#!/usr/bin/env python
"""Usage: python bench/eval_halves.py ../shared/data/beir/dantri-titles [queries queries-noaccent ...]

MRR@10 on even / odd / all query ids of a BEIR collection, for each query file, ranked
exactly as `vnsearch eval` ranks (Searcher.search, one_per_article, syntax=False)."""
import os
import re
import sys
import time

from vnsearch.evaluate import prepare_index, read_queries, read_qrels, reciprocal_rank
from vnsearch import Searcher
from vnsearch.errors import QueryError

coll = sys.argv[1]
files = sys.argv[2:] or ["queries", "queries-noaccent", "queries-toneswap"]
index_dir = prepare_index(os.path.join(coll, "corpus.jsonl"))
qrels = read_qrels(os.path.join(coll, "qrels", "test.tsv"))
def num(qid):
    m = re.findall(r"\d+", qid)
    return int(m[-1]) if m else hash(qid)
with Searcher(index_dir) as s:
    for f in files:
        queries = read_queries(os.path.join(coll, f + ".jsonl"))
        rr = {"even": [], "odd": []}
        lat = []
        for qid, text in queries.items():
            if qid not in qrels:
                continue
            t = time.perf_counter()
            try:
                ranked = [h.article_id for h in s.search(text, limit=10, one_per_article=True, syntax=False).hits]
            except QueryError:
                ranked = []
            lat.append(time.perf_counter() - t)
            rel = qrels[qid]
            rr["even" if num(qid) % 2 == 0 else "odd"].append(reciprocal_rank(ranked, rel, 10))
        allv = rr["even"] + rr["odd"]
        lat.sort()
        print(f"{os.path.basename(coll)}\t{f}\teven {sum(rr['even'])/len(rr['even']):.4f}\todd {sum(rr['odd'])/len(rr['odd']):.4f}\tall {sum(allv)/len(allv):.4f}\tp50 {lat[len(lat)//2]*1000:.1f} ms", flush=True)
