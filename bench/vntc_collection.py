#!/usr/bin/env python
"""Usage: python bench/vntc_collection.py OUT_DIR [--articles 22000] [--seed 20261126]

A news known-item collection at archive scale, in BEIR layout, made from the shared vntc corpus
(../shared/data/news/vntc.jsonl.gz): OUT_DIR/vntc-titles (900 headlines of 6 to 25 words → their
own article, body only) and OUT_DIR/vntc-lead (800 lead paragraphs of 15 to 80 words → the rest
of their article), each over the same seeded sample of VnExpress and Tuổi Trẻ articles with at
least three paragraphs (their titles are headlines; Thanh Niên's and NLĐ's run into the lead).
Each has queries.jsonl and queries-noaccent.jsonl (every diacritic removed, đ → d). Write it
outside the repository (e.g. /tmp): it is derived data. Then, for example:
    vnsearch eval OUT_DIR/vntc-titles --queries OUT_DIR/vntc-titles/queries-noaccent.jsonl
"""
import argparse
import gzip
import json
import os
import random
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
VNTC = os.path.join(HERE, "..", "..", "shared", "data", "news", "vntc.jsonl.gz")


def unaccented(s: str) -> str:
    s = unicodedata.normalize("NFD", s).replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFC", "".join(ch for ch in s if unicodedata.category(ch) != "Mn"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--articles", type=int, default=22000)
    ap.add_argument("--seed", type=int, default=20261126)
    args = ap.parse_args()
    rows = []
    with gzip.open(VNTC, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d["source"] in ("vnexpress.net", "tuoitre.vn") and d["body"].strip() and d["body"].count("\n") >= 2:
                rows.append(d)
    random.Random(args.seed).shuffle(rows)
    rows = rows[:args.articles]
    for kind, n_queries in (("titles", 900), ("lead", 800)):
        out = os.path.join(args.out, f"vntc-{kind}")
        os.makedirs(os.path.join(out, "qrels"), exist_ok=True)
        candidates = []
        with open(os.path.join(out, "corpus.jsonl"), "w", encoding="utf-8") as f:
            for i, d in enumerate(rows):
                paras = [p for p in d["body"].split("\n") if p.strip()]
                doc_id = f"a{i:05d}"
                if kind == "titles":
                    body, query = paras, d["title"].strip()
                    ok = 6 <= len(query.split()) <= 25
                else:
                    query, body = paras[0], paras[1:]
                    ok = 15 <= len(query.split()) <= 80 and len(body) >= 2
                f.write(json.dumps({"_id": doc_id, "title": "", "text": "\n".join(body)}, ensure_ascii=False) + "\n")
                if ok:
                    candidates.append((doc_id, query))
        chosen = random.Random(7).sample(candidates, n_queries)
        with open(os.path.join(out, "queries.jsonl"), "w", encoding="utf-8") as q, \
                open(os.path.join(out, "queries-noaccent.jsonl"), "w", encoding="utf-8") as qn, \
                open(os.path.join(out, "qrels", "test.tsv"), "w", encoding="utf-8") as qrels:
            qrels.write("query-id\tcorpus-id\tscore\n")
            for j, (doc_id, text) in enumerate(chosen):
                q.write(json.dumps({"_id": f"q{j:04d}", "text": text}, ensure_ascii=False) + "\n")
                qn.write(json.dumps({"_id": f"q{j:04d}", "text": unaccented(text)}, ensure_ascii=False) + "\n")
                qrels.write(f"q{j:04d}\t{doc_id}\t1\n")
        print(f"{out}: {len(rows)} articles, {n_queries} queries")


if __name__ == "__main__":
    main()
