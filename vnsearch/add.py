"""Adding articles: copy them into the corpus folder under stable names, then update the index
in the same step (``vnsearch add``). Side effects: files in the corpus folder, the index.

Each article is written as one ``<id>.json`` in the corpus's own JSON format, whatever it came
as (web page, .txt in any encoding, a line of JSON Lines): one file per article, so a later edit
or removal is one file; UTF-8; and the name follows from the id, so adding the same article
again changes nothing. An id that the corpus already uses for another article from another
file gets a suffix from the new article's content ("bao-so-9-3fa2c1") instead of replacing it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field, replace

from .corpus import Article, Note, read_corpus, read_text_article
from .errors import CorpusError
from .indexer import (
    UpdateReport,
    _refuse_foreign_corpus,
    _same_path,
    ensure_unlocked,
    index_exists,
    indexed_records,
    open_index,
    recorded_corpus,
    resolve_corpus,
    update_index,
)

STDIN = "-"


@dataclass
class AddReport:
    added: list[str] = field(default_factory=list)  # ids written to the corpus
    unchanged: list[str] = field(default_factory=list)  # already there, the same
    renamed: dict[str, str] = field(default_factory=dict)  # id as read → id given (taken)
    # id as read → the id the same article already has (same URL, or same title and text)
    duplicates: dict[str, str] = field(default_factory=dict)
    corpus: str = ""  # the corpus folder written into
    update: UpdateReport | None = None


def file_name(article_id: str) -> str:
    """A stable file name for an id: the id itself when it is a plain name, else a cleaned
    form with a short hash of the id (so that different ids never share a file)."""
    if re.fullmatch(r"[\w\-][\w.\-]{0,99}", article_id) and not article_id.endswith("."):
        return f"{article_id}.json"
    clean = re.sub(r"[^\w.\-]+", "_", article_id).strip("._")[:80] or "article"
    digest = hashlib.blake2b(article_id.encode("utf-8"), digest_size=4).hexdigest()
    return f"{clean}-{digest}.json"


def _read_inputs(paths: list[str], note: Note, stdin: bytes | None) -> list[Article]:
    articles: list[Article] = []
    for path in paths:
        if path == STDIN:
            if stdin is None:
                raise CorpusError("nothing on standard input: pipe an article into `vnsearch add -`")
            articles.extend(read_text_article(stdin))
        elif not os.path.exists(path):
            raise CorpusError(f"no such file or folder: {path}")
        else:
            articles.extend(read_corpus(path, note))
    return articles


def _write(path: str, article: Article) -> None:
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(article.to_record(), f, ensure_ascii=False, indent=1)
        f.write("\n")
    os.replace(tmp, path)  # never a half-written article file in the corpus


def _url_key(url: str | None) -> str | None:
    """URLs that name the same page: scheme, "www.", a trailing slash and the fragment aside."""
    if not url:
        return None
    key = re.sub(r"^[a-z]+://(www\.)?", "", url.strip().lower()).split("#")[0].rstrip("/")
    return key or None


def add_articles(
    paths: list[str],
    corpus_dir: str | None,
    index_dir: str,
    note: Note = lambda message: None,
    stdin: bytes | None = None,
) -> AddReport:
    """Copy the articles in ``paths`` (files, folders, or "-" for ``stdin``) into
    ``corpus_dir`` (None: the index's own corpus, else ./seeds) and bring the index up to date.

    An article already in the index under another id (the same URL, or the same title and
    text) is not added again: ``report.duplicates`` names the id it has. Raises CorpusError
    when an input does not exist or the corpus is not a folder, CorpusMismatch when
    ``corpus_dir`` is not the index's own corpus and would remove most of it, IndexUnavailable
    when the index cannot be written. An input that holds no readable article is reported
    through ``note``."""
    recorded = recorded_corpus(index_dir)
    given = corpus_dir
    corpus_dir = resolve_corpus(corpus_dir, index_dir)
    if os.path.exists(corpus_dir) and not os.path.isdir(corpus_dir):
        if given is None:
            raise CorpusError(
                f"the index's corpus {corpus_dir} is a file: add articles to it yourself and run "
                "`vnsearch index`, or build an index from a folder"
            )
        raise CorpusError(f"vnsearch add copies articles into a corpus folder, and {corpus_dir} is a file: give a folder with --corpus")
    articles = _read_inputs(paths, note, stdin)
    report = AddReport(corpus=corpus_dir)
    if not articles:
        return report
    ensure_unlocked(index_dir)  # a refused add leaves the corpus as it was too
    if given is not None and not _same_path(given, recorded) and index_exists(index_dir) and os.path.isdir(given):
        _refuse_foreign_corpus(corpus_dir, index_dir, recorded)  # before anything is written
    os.makedirs(corpus_dir, exist_ok=True)
    records: dict[str, dict] = {}
    if index_exists(index_dir):
        records = indexed_records(open_index(index_dir))
    known = {i: (r.get("hash"), r.get("file", "")) for i, r in records.items()}
    same: dict[str, str] = {}  # url key or text key → id, for articles already indexed or added now
    for article_id, record in records.items():
        for key in (_url_key(record.get("url")), record.get("textkey")):
            if key:
                same.setdefault(key, article_id)
    taken: dict[str, str] = {}  # id → content hash, in this run
    for article in articles:
        digest = article.content_hash
        if taken.get(article.id) == digest:
            continue  # the same article given twice
        entry = known.get(article.id)
        if entry and entry[0] == digest:
            report.unchanged.append(article.id)
            taken[article.id] = digest
            continue
        keys = [k for k in (_url_key(article.url), article.text_key) if k]
        twin = next((same[k] for k in keys if k in same and same[k] != article.id), None)
        if twin is not None:
            report.duplicates[article.id] = twin
            continue
        if article.id in taken or (entry and entry[1] != file_name(article.id)):
            # the id belongs to another article: give this one its own
            new_id = f"{article.id}-{digest[:6]}"
            report.renamed[article.id] = new_id
            article = replace(article, id=new_id)
            if known.get(new_id, ("",))[0] == article.content_hash:
                report.unchanged.append(new_id)
                taken[new_id] = article.content_hash
                continue
        name = file_name(article.id)
        _write(os.path.join(corpus_dir, name), article)
        taken[article.id] = article.content_hash
        for k in keys:
            same.setdefault(k, article.id)
        report.added.append(article.id)
    report.update = update_index(corpus_dir, index_dir, note=note)
    return report
