"""Relevance evaluation on BEIR-layout collections: reading them, the metrics, the run.

A collection folder holds ``corpus.jsonl`` (``_id``, ``title``, ``text``), ``queries.jsonl``
(``_id``, ``text``) and ``qrels/test.tsv`` (``query-id``, ``corpus-id``, ``score`` with a header).
Each document is indexed as an article (title, and its text split into paragraphs) through
the same code as ``vnsearch index``; documents are ranked by their best paragraph.

The metrics follow the standard definitions with binary relevance (a judgment with score >= 1
is relevant), as in BEIR / pytrec_eval:
  MRR@k     1 / rank of the first relevant document in the top k, 0 when there is none;
  Recall@k  relevant documents in the top k / all relevant documents of the query;
  nDCG@k    DCG@k / ideal DCG@k, with DCG = sum over ranks i of rel_i / log2(i + 1).
Each is averaged over the queries that have at least one relevant document.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from dataclasses import dataclass

from .corpus import Article
from .errors import CorpusError, QueryError
from .indexer import sync_articles
from .schema import SCHEMA_VERSION
from .search import Searcher
from .text import nfc

# --------------------------------------------------------------------------- metrics (pure)


def reciprocal_rank(ranked: list[str], relevant: set[str], k: int) -> float:
    for i, doc in enumerate(ranked[:k], 1):
        if doc in relevant:
            return 1.0 / i
    return 0.0


def recall(ranked: list[str], relevant: set[str], k: int) -> float:
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & relevant) / len(relevant)


def ndcg(ranked: list[str], relevant: set[str], k: int) -> float:
    dcg = sum(1.0 / math.log2(i + 1) for i, doc in enumerate(ranked[:k], 1) if doc in relevant)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(relevant), k) + 1))
    return dcg / ideal if ideal else 0.0


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


# --------------------------------------------------------------------------- BEIR files


def _jsonl(path: str):
    with open(path, encoding="utf-8-sig") as f:
        for lineno, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError as e:
                    raise CorpusError(f"{path} line {lineno} is not JSON: {e}")


def read_beir_corpus(path: str) -> list[Article]:
    articles = []
    for doc in _jsonl(path):
        paragraphs = tuple(nfc(p.strip()) for p in str(doc.get("text", "")).split("\n") if p.strip())
        articles.append(Article(str(doc["_id"]), nfc(str(doc.get("title") or "").strip()), paragraphs))
    return articles


def read_queries(path: str) -> dict[str, str]:
    return {str(q["_id"]): str(q["text"]) for q in _jsonl(path)}


def read_qrels(path: str) -> dict[str, set[str]]:
    """query id → the ids of its relevant documents (score >= 1)."""
    qrels: dict[str, set[str]] = {}
    with open(path, encoding="utf-8-sig") as f:
        for lineno, line in enumerate(f, 1):
            parts = line.rstrip("\n").split("\t")
            if lineno == 1 and parts[0] == "query-id" or not line.strip():
                continue
            if len(parts) < 3:
                raise CorpusError(f"{path} line {lineno}: expected query-id, corpus-id, score")
            qid, docid, score = parts[0], parts[1], parts[2]
            qrels.setdefault(qid, set())
            if float(score) >= 1:
                qrels[qid].add(docid)
    return qrels


# --------------------------------------------------------------------------- the run


@dataclass
class EvalReport:
    k: int
    mrr: float
    recall: float
    ndcg: float
    queries: int
    no_hit: int
    latency_ms_p50: float
    latency_ms_p95: float
    index_dir: str = ""

    def to_dict(self) -> dict:
        k = self.k
        return {
            f"mrr@{k}": round(self.mrr, 4),
            f"recall@{k}": round(self.recall, 4),
            f"ndcg@{k}": round(self.ndcg, 4),
            "queries": self.queries,
            "no_hit": self.no_hit,
            "latency_ms_p50": round(self.latency_ms_p50, 2),
            "latency_ms_p95": round(self.latency_ms_p95, 2),
        }


def _cache_root() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "vnsearch", "eval")


def _file_digest(path: str) -> str:
    h = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:20]


def prepare_index(corpus_path: str, cache_dir: str | None = None) -> str:
    """An index of a BEIR corpus, cached under a key made of the corpus content and the
    schema version: built once, reused while neither changes."""
    index_dir = os.path.join(cache_dir or _cache_root(), _file_digest(corpus_path))
    sync_articles(read_beir_corpus(corpus_path), index_dir)
    return index_dir


def evaluate(
    dataset_dir: str,
    queries_path: str | None = None,
    qrels_path: str | None = None,
    k: int = 10,
    cache_dir: str | None = None,
) -> EvalReport:
    """Index ``dataset_dir``'s corpus (cached), run every judged query, and score the ranking."""
    corpus_path = os.path.join(dataset_dir, "corpus.jsonl")
    queries_path = queries_path or os.path.join(dataset_dir, "queries.jsonl")
    qrels_path = qrels_path or os.path.join(dataset_dir, "qrels", "test.tsv")
    for path in (corpus_path, queries_path, qrels_path):
        if not os.path.isfile(path):
            raise CorpusError(f"{path} not found: give a BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv)")
    index_dir = prepare_index(corpus_path, cache_dir)
    queries = read_queries(queries_path)
    qrels = read_qrels(qrels_path)
    judged = [qid for qid in queries if qrels.get(qid)]
    mrr = rec = nd = 0.0
    no_hit = 0
    latencies = []
    with Searcher(index_dir) as searcher:
        for qid in judged:
            t0 = time.perf_counter()
            # BEIR queries are natural-language text, not query syntax: a quoted name in a
            # question is not a required phrase
            try:
                ranked = [h.article_id for h in searcher.search(queries[qid], limit=k, one_per_article=True,
                                                                 syntax=False).hits]
            except QueryError:  # no word in it: nothing found
                ranked = []
            latencies.append((time.perf_counter() - t0) * 1000)
            relevant = qrels[qid]
            no_hit += not ranked
            mrr += reciprocal_rank(ranked, relevant, k)
            rec += recall(ranked, relevant, k)
            nd += ndcg(ranked, relevant, k)
    n = len(judged) or 1
    return EvalReport(
        k, mrr / n, rec / n, nd / n, len(judged), no_hit,
        percentile(latencies, 50), percentile(latencies, 95), index_dir,
    )
