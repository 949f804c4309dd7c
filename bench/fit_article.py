#!/usr/bin/env python
"""Fit the by-article statement profile offline, on one half of each collection's queries.

    python bench/fit_article.py dump ../shared/data/beir/dantri-titles queries /tmp/fit/dt-titles-q.pkl
    python bench/fit_article.py fit acc /tmp/fit/dt-titles-q.pkl /tmp/fit/vt-titles-q.pkl ...
    python bench/fit_article.py show /tmp/fit/*.pkl

``dump`` ranks every judged query as `vnsearch eval` does (Searcher.search, by article, plain
words) and keeps, for the candidate articles (the 200 best of each component, and the judged
ones), each component of the by-article score: the best paragraph's score over the query's
best, and whole-article BM25 lanes over the query's best, at several (k1, b), over whole
articles and over their openings (``lead1``: title and first paragraph; ``lead3``: first three).
``fit`` reranks from those numbers alone (milliseconds a profile): a coordinate search of the
lane weights, the length power and the passage weight that maximizes the sum of the EVEN query
ids' MRR@10 over the dumps given, then prints even / odd / all per dump for the current profile
(``ranking.DEFAULT_WEIGHTS``) and the fitted one. The odd ids are the check: a change that helps
only the even half is not a gain. ``acc`` fits the lanes of queries typed with diacritics (and
long unaccented ones read with them), ``plain`` the others; questions keep their own profile.
Options of ``fit``: --lanes a,b (only these lanes), --fix power,passage (not searched),
--start JSON (a profile to start from, in the form printed). A script, not a test.
"""

from __future__ import annotations

import argparse
import copy
import importlib
import json
import pickle
import re

import numpy as np

KB = [(1.2, 0.75), (2.0, 1.0), (0.9, 0.4), (1.2, 1.0), (3.0, 1.0)]
TOP = 200


def _lanes(AR, stats, opening, tokens, readings, k3):
    """Every lane, one value per article slot (see the module docstring)."""
    from vnsearch.schema import CONTENT_EXACT, CONTENT_FOLDED, CONTENT_WORDS

    terms = AR.query_terms(tokens, readings)
    accented = "words" in terms
    seen: dict = {}
    out = {}

    def words(over, name, k1, b, seen):
        singles = CONTENT_EXACT if name == "words" else CONTENT_FOLDED
        return (over.bm25(CONTENT_WORDS, terms[name], k1, b, k3, seen)
                + over.bm25(singles, terms[name + "_singles"], k1, b, k3, seen))

    for k1, b in KB:
        tag = f"{k1}/{b}"
        out["folded@" + tag] = stats.bm25(CONTENT_FOLDED, terms["folded"], k1, b, k3, seen)
        if accented:
            out["exact@" + tag] = stats.bm25(CONTENT_EXACT, terms["exact"], k1, b, k3, seen)
            out["words@" + tag] = words(stats, "words", k1, b, seen)
        out["fwords@" + tag] = words(stats, "fwords", k1, b, seen)
    for first, over in opening.items():
        name = "words" if accented else "fwords"
        for k1, b in [(1.2, 0.75), (2.0, 1.0)]:
            out[f"lead{first}@{k1}/{b}"] = words(over, name, k1, b, {})
    return out


def dump(collection: str, queries: str, out: str) -> None:
    from vnsearch import Searcher
    from vnsearch.evaluate import prepare_index, read_qrels, read_queries
    from vnsearch.schema import ARTICLE

    AR = importlib.import_module("vnsearch.search.article_rank")
    S = importlib.import_module("vnsearch.search.searcher")
    index_dir = prepare_index(f"{collection}/corpus.jsonl")
    qrels = read_qrels(f"{collection}/qrels/test.tsv")
    qs = read_queries(queries if "/" in queries else f"{collection}/{queries}.jsonl")
    cap: dict = {}
    opening: dict = {}
    evidence, combine, rank_articles = AR.article_evidence, AR.combine, S.Searcher._rank_articles

    def capture_evidence(stats, tokens, readings, lanes, length_ref, lead=None):
        if not opening:
            keep = AR.OPENING
            for first in (1, 3):
                AR.OPENING = first
                opening[first] = AR.ArticleStats(stats.cache, stats.title, lead=True)
            AR.OPENING = keep
        cap["lanes"] = _lanes(AR, stats, opening, tokens, readings, lanes.k3) if tokens else {}
        cap["n"] = len(tokens)
        return evidence(stats, tokens, readings, lanes, length_ref, lead)

    def capture_combine(passage, ev, weight=1.0):
        cap["passage"] = passage.copy()
        return combine(passage, ev, weight)

    def capture_rank(self, best, tiers, scores, aq, limit, partial_of):
        slots = self._cache.article_slots()[0]
        cap["cands"] = np.unique(slots[np.concatenate(tiers)]) if tiers else np.zeros(0, dtype=np.int64)
        cap["question"] = aq.is_question
        return rank_articles(self, best, tiers, scores, aq, limit, partial_of)

    AR.article_evidence, AR.combine, S.Searcher._rank_articles = capture_evidence, capture_combine, capture_rank
    rows = []
    with Searcher(index_dir) as s:
        cache = s._cache
        slots, n = cache.article_slots()
        slot_of = {s._reader.stored_fields(int(d))["article_id"]: int(slots[d])
                   for d in np.flatnonzero(cache.kind_mask(ARTICLE))}
        for qid, q in qs.items():
            if qid not in qrels:
                continue
            cap.clear()
            s.search(q, limit=10, one_per_article=True, syntax=False)
            rel = [slot_of[a] for a in qrels[qid] if a in slot_of]
            cands = cap.get("cands", np.zeros(0, dtype=np.int64))
            keep = set(rel) & set(cands.tolist())
            parts = {"passage": cap.get("passage", np.zeros(n)), **cap.get("lanes", {})}
            for v in parts.values():
                cv = v[cands]
                keep.update((cands[np.argpartition(-cv, TOP - 1)[:TOP]] if len(cv) > TOP else cands).tolist())
            keep = np.array(sorted(keep), dtype=np.int64)
            digits = re.findall(r"\d+", qid)
            row = {"qid": qid, "even": bool(digits) and int(digits[-1]) % 2 == 0, "n": cap.get("n", 0),
                   "question": cap.get("question"), "cands": keep, "rel": rel}
            for name, v in parts.items():
                top = float(v.max()) if len(v) else 0.0
                row[name] = (v[keep] / top if top > 0 else v[keep]).astype(np.float32)
            rows.append(row)
    with open(out, "wb") as f:
        pickle.dump(rows, f)
    print(collection, queries, len(rows), "queries dumped to", out)


def profile(lanes) -> dict:
    """An ``ArticleLanes`` as ``fit``'s profile (lane names of the dump)."""
    long = f"{lanes.long_k1}/{lanes.long_b}"
    return {"acc": {"folded@1.2/0.75": lanes.folded, "exact@1.2/0.75": lanes.exact, "words@1.2/0.75": lanes.words,
                    "words@" + long: lanes.words_long, "lead3@1.2/0.75": lanes.lead},
            "plain": {"folded@1.2/0.75": lanes.plain_folded, "fwords@1.2/0.75": lanes.plain_fwords,
                      "fwords@" + long: lanes.plain_fwords_long, "lead3@1.2/0.75": lanes.plain_lead},
            "power": lanes.length_power, "passage": lanes.passage}


def reciprocal_rank(row, prof, qprof, ref) -> float:
    p = qprof if row["question"] else prof
    cands = row["cands"]
    if not len(cands):
        return 0.0
    kind = "acc" if "words@1.2/0.75" in row else "plain"
    evidence = np.zeros(len(cands))
    for lane, w in p[kind].items():
        if w:
            evidence += w * row[lane]
    final = p["passage"] * row["passage"] + evidence * (row["n"] / ref) ** p["power"]
    for i, s in enumerate(cands[np.lexsort((cands, -final))[:10]].tolist()):
        if s in row["rel"]:
            return 1.0 / (i + 1)
    return 0.0


def halves(rows, prof, qprof, ref) -> tuple[float, float, float]:
    even = [reciprocal_rank(r, prof, qprof, ref) for r in rows if r["even"]]
    odd = [reciprocal_rank(r, prof, qprof, ref) for r in rows if not r["even"]]
    return float(np.mean(even)), float(np.mean(odd)), float(np.mean(even + odd))


def fit(kind: str, paths: list[str], lanes: str | None, fix: str, start: str | None) -> None:
    from vnsearch.search.ranking import DEFAULT_WEIGHTS as W

    data = {p: pickle.load(open(p, "rb")) for p in paths}
    current, question, ref = profile(W.article_statement), profile(W.article_question), W.article_length_ref
    sample = next(r for rows in data.values() for r in rows if r["cands"].size)
    names = sorted(k for k in sample if "@" in k and not (kind == "plain" and k.startswith(("words@", "exact@"))))
    if lanes:
        names = [k for k in names if k in lanes.split(",")]
    prof = copy.deepcopy(current)
    if start:
        prof.update(json.loads(start))
    for k in names:
        prof[kind].setdefault(k, 0.0)
    fixed = set(fix.split(",")) if fix else set()

    def even_sum(p):
        return sum(halves(rows, p, question, ref)[0] for rows in data.values())

    grids = {"power": [0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0], "passage": [0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0]}
    weights = [0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0]
    best = even_sum(prof)
    print(f"lanes {names}; start: even sum {best:.4f}")
    for rnd in range(3):
        moved = False
        for key in [k for k in ["power", "passage", *names] if k not in fixed]:
            holder = prof if key in grids else prof[kind]
            cur = holder[key]
            tried = []
            for v in grids.get(key, weights):
                holder[key] = v
                tried.append((round(even_sum(prof), 6), -abs(v - cur), v))
            total, _, v = max(tried)
            holder[key] = v if total > best + 1e-4 else cur
            if holder[key] != cur:
                best, moved = total, True
                print(f"round {rnd}: {key} {cur} -> {v}, even sum {best:.4f}", flush=True)
        if not moved:
            break
    print("fitted:", json.dumps({kind: {k: v for k, v in prof[kind].items() if v},
                                 "power": prof["power"], "passage": prof["passage"]}))
    for path, rows in data.items():
        a, b = halves(rows, current, question, ref), halves(rows, prof, question, ref)
        print(f"{path}: current {a[0]:.4f} / {a[1]:.4f} / {a[2]:.4f}  fitted {b[0]:.4f} / {b[1]:.4f} / {b[2]:.4f}"
              f"  odd {b[1] - a[1]:+.4f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("collection")
    d.add_argument("queries", help="a query file's name in the collection (queries-noaccent) or a path")
    d.add_argument("out")
    f = sub.add_parser("fit")
    f.add_argument("kind", choices=["acc", "plain"])
    f.add_argument("dumps", nargs="+")
    f.add_argument("--lanes")
    f.add_argument("--fix", default="")
    f.add_argument("--start")
    s = sub.add_parser("show")
    s.add_argument("dumps", nargs="+")
    args = ap.parse_args()
    if args.command == "dump":
        dump(args.collection, args.queries, args.out)
    elif args.command == "fit":
        fit(args.kind, args.dumps, args.lanes, args.fix, args.start)
    else:
        from vnsearch.search.ranking import DEFAULT_WEIGHTS as W
        for path in args.dumps:
            rows = pickle.load(open(path, "rb"))
            e, o, a = halves(rows, profile(W.article_statement), profile(W.article_question), W.article_length_ref)
            print(f"{path}: MRR@10 even {e:.4f} odd {o:.4f} all {a:.4f} (current profile, offline)")


if __name__ == "__main__":
    main()
