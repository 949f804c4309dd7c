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
from .indexer import UpdateReport, ensure_unlocked, index_exists, indexed_hashes, open_index, update_index

STDIN = "-"


@dataclass
class AddReport:
    added: list[str] = field(default_factory=list)  # ids written to the corpus
    unchanged: list[str] = field(default_factory=list)  # already there, the same
    renamed: dict[str, str] = field(default_factory=dict)  # id as read → id given (taken)
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


def add_articles(
    paths: list[str],
    corpus_dir: str,
    index_dir: str,
    note: Note = lambda message: None,
    stdin: bytes | None = None,
) -> AddReport:
    """Copy the articles in ``paths`` (files, folders, or "-" for ``stdin``) into
    ``corpus_dir`` and bring the index up to date. Raises CorpusError when an input does not
    exist or ``corpus_dir`` is not a folder, IndexUnavailable when the index cannot be written.
    An input that holds no readable article is reported through ``note``."""
    if os.path.exists(corpus_dir) and not os.path.isdir(corpus_dir):
        raise CorpusError(f"vnsearch add copies articles into a corpus folder, and {corpus_dir} is a file: give a folder with --corpus")
    articles = _read_inputs(paths, note, stdin)
    report = AddReport()
    if not articles:
        return report
    ensure_unlocked(index_dir)  # a refused add leaves the corpus as it was too
    os.makedirs(corpus_dir, exist_ok=True)
    known: dict[str, tuple[str, str]] = {}
    if index_exists(index_dir):
        known = indexed_hashes(open_index(index_dir))
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
        report.added.append(article.id)
    report.update = update_index(corpus_dir, index_dir, note=note)
    return report
