#!/usr/bin/env python
"""Offline check of a whole-article proximity feature (issue 12, leads at archive scale).

    python bench/sdm_offline.py dump ../shared/data/beir/dantri-lead ../shared/data/beir/dantri-lead/queries.jsonl /tmp/sdm/dl-q.pkl
    TOPS=20 CT=20 IDF=cand KINDS=ex python bench/sdm_offline.py fit /tmp/sdm/*.pkl

``dump`` ranks every judged query as `vnsearch eval` does (by article, plain words, limit 100)
and keeps, for each of the 100 first articles, its combined score, its length in syllables
and how often each of the query's adjacent syllable pairs (exact and folded, from
``analysis.analyze``; no pair across punctuation) occurs in the article's title and text
(``analysis.text_lines`` of the corpus's own text), with the pairs' article frequency over
the whole corpus. ``fit`` reranks the first TOP articles by score / best + w × pairs / best,
pairs = Σ idf × BM25-saturated pair frequency (k1, b over article length), idf from the
corpus (IDF=corpus) or from the first CT candidates (IDF=cand), for queries of at least
minlen syllables; it searches w, TOP, minlen on the EVEN query ids of the dumps given
together and prints even / odd / all before -> after for each. A script, not a test.
"""
import collections
import json
import math
import os
import pickle
import re
import sys

import numpy as np

from vnsearch import Searcher
from vnsearch.analysis import analyze, text_lines
from vnsearch.errors import QueryError
from vnsearch.evaluate import prepare_index, read_queries, read_qrels


def dump(coll, qfile, out):
    N = 100
    index_dir = prepare_index(os.path.join(coll, "corpus.jsonl"))
    qrels = read_qrels(os.path.join(coll, "qrels", "test.tsv"))
    qs = {k: v for k, v in read_queries(qfile).items() if k in qrels}
    def num(qid):
        m = re.findall(r"\d+", qid); return int(m[-1]) if m else hash(qid)
    def bigrams(q):
        toks = analyze(q)
        ex = [(a.exact, b.exact) for a, b in zip(toks, toks[1:]) if not b.gap]
        fo = [(a.folded, b.folded) for a, b in zip(toks, toks[1:]) if not b.gap]
        return len(toks), ex, fo
    qb = {qid: bigrams(q) for qid, q in qs.items()}
    need_ex = {" %s %s " % p for _, ex, _ in qb.values() for p in ex}
    need_fo = {" %s %s " % p for _, _, fo in qb.values() for p in fo}
    lines = {}
    df = collections.Counter()
    with open(os.path.join(coll, "corpus.jsonl")) as f:
        for line in f:
            d = json.loads(line)
            txt = ((d.get("title") or "") + "\n" + (d.get("text") or "")).strip()
            ex, fo = text_lines(txt)
            lines[d["_id"]] = (ex, fo)
    ndocs = len(lines)
    # df of needed bigrams: scan
    def dfs(need, which):
        c = dict.fromkeys(need, 0)
        for l in lines.values():
            w = l[which].split()
            for p in set(zip(w, w[1:])):
                k = " %s %s " % p
                if k in c:
                    c[k] += 1
        return c
    sys.stderr.write(f"{len(lines)} docs, {len(need_ex)}+{len(need_fo)} bigrams\n")
    rows = []
    with Searcher(index_dir) as s:
        for qid, q in qs.items():
            try:
                hits = s.search(q, limit=N, one_per_article=True, syntax=False).hits
            except QueryError:
                hits = []
            n, ex, fo = qb[qid]
            cands = []
            for h in hits:
                le, lf = lines.get(h.article_id, ("", ""))
                cands.append((h.article_id, float(h.score), le.count(" ") - 1,
                              [le.count(" %s %s " % p) for p in ex], [lf.count(" %s %s " % p) for p in fo]))
            rows.append({"qid": qid, "even": num(qid) % 2 == 0, "rel": set(qrels[qid]), "n": n,
                         "ex": ex, "fo": fo, "cands": cands})
    # df among whole corpus, only for bigrams of queries (substring scan; slow but once)
    dfe = dfs(need_ex, 0); dff = dfs(need_fo, 1)
    pickle.dump({"rows": rows, "dfe": dfe, "dff": dff, "ndocs": ndocs,
                 "avglen": sum(l[0].count(" ") - 1 for l in lines.values()) / ndocs}, open(out, "wb"))
    print("dumped", out, len(rows))


def fit(paths):
    CT = int(os.environ.get('CT', '20'))
    dumps = {p: pickle.load(open(p, "rb")) for p in paths}

    def feat(d, row, c, kind, k1=1.2, b=0.75, idfmode="corpus"):
        bg = row["ex"] if kind == "ex" else row["fo"]
        tfs = c[3] if kind == "ex" else c[4]
        df = d["dfe"] if kind == "ex" else d["dff"]
        N, avg = d["ndocs"], d["avglen"]
        s = 0.0
        if idfmode == "cand":
            NC = min(CT, len(row["cands"]))
            candf = {}
            for cc in row["cands"][:CT]:
                for q, t in zip(bg, cc[3] if kind == "ex" else cc[4]):
                    candf[q] = candf.get(q, 0) + (t > 0)
        norm = k1 * (1 - b + b * c[2] / avg)
        for p, tf in zip(bg, tfs):
            if not tf:
                continue
            if idfmode == "cand":
                n = candf[p]
                idf = math.log(1 + (NC - n + 0.5) / (n + 0.5))
            elif idfmode == "corpus":
                n = df.get(" %s %s " % p, 0)
                idf = math.log(1 + (N - n + 0.5) / (n + 0.5))
            else:
                idf = 1.0
            s += idf * tf * (k1 + 1) / (tf + norm)
        return s

    def prepare(d, kind, k1, b, idfmode):
        out = []
        for row in d["rows"]:
            cs = row["cands"]
            if not cs:
                out.append(None); continue
            sc = np.array([c[1] for c in cs]); sc = sc / sc.max() if sc.max() > 0 else sc
            f = np.array([feat(d, row, c, kind, k1, b, idfmode) for c in cs])
            f = f / f.max() if f.max() > 0 else f
            rel = np.array([c[0] in row["rel"] for c in cs])
            out.append((sc, f, rel))
        return out

    def mrr(d, pre, w, top, minlen):
        e, o = [], []
        for row, p in zip(d["rows"], pre):
            if p is None:
                rr = 0.0
            else:
                sc, f, rel = p
                final = sc.copy()
                if row["n"] >= minlen and w:
                    k = min(top, len(sc))
                    final[:k] = sc[:k] + w * f[:k]
                    final[k:] = -1e9 + sc[k:]
                order = np.argsort(-final, kind="stable")[:10]
                hit = np.flatnonzero(rel[order])
                rr = 1.0 / (hit[0] + 1) if len(hit) else 0.0
            (e if row["even"] else o).append(rr)
        return np.mean(e), np.mean(o), np.mean(e + o)

    TOPS = [int(x) for x in os.environ.get("TOPS", "20,50,100").split(",")]
    KINDS = os.environ.get("KINDS", "ex,fo").split(",")
    cfgs = []
    for kind in KINDS:
        for k1, b in [(1.2, 0.75), (0.9, 0.4), (2.0, 1.0)]:
            idfmode = os.environ.get("IDF", "corpus")
            pres = {p: prepare(d, kind, k1, b, idfmode) for p, d in dumps.items()}
            base = {p: mrr(d, pres[p], 0, 0, 99) for p, d in dumps.items()}
            for w in [0.05, 0.1, 0.15, 0.2, 0.3, 0.4]:
                for top in TOPS:
                    for minlen in [6, 12, 20, 30]:
                        r = {p: mrr(d, pres[p], w, top, minlen) for p, d in dumps.items()}
                        es = sum(r[p][0] - base[p][0] for p in r)
                        os_ = sum(r[p][1] - base[p][1] for p in r)
                        cfgs.append((es, os_, kind, k1, b, w, top, minlen, r, base))
    cfgs.sort(key=lambda c: -c[0])
    for es, os_, kind, k1, b, w, top, minlen, r, base in cfgs[:6]:
        print(f"{kind} k1={k1} b={b} w={w} top={top} minlen={minlen}: even sum {es:+.4f} odd sum {os_:+.4f}")
        for p in r:
            print(f"   {p.split('/')[-1]}: base {base[p][0]:.4f}/{base[p][1]:.4f}/{base[p][2]:.4f} -> {r[p][0]:.4f}/{r[p][1]:.4f}/{r[p][2]:.4f} odd {r[p][1]-base[p][1]:+.4f}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "dump":
        dump(*sys.argv[2:5])
    elif len(sys.argv) > 2 and sys.argv[1] == "fit":
        fit(sys.argv[2:])
    else:
        sys.exit(__doc__.split("\n\n")[1])
