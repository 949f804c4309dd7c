"""The `vnsearch` command: parse arguments, call the library, print. No search logic here.

Exit codes follow grep and ripgrep: 0 something found (or done), 1 nothing found, 2 an error,
with a one-line message on stderr.
"""

from __future__ import annotations

import functools
import gc
import json
import os
import sys

# numpy's OpenBLAS starts a thread per core when numpy is imported, and the threads spin while
# they wait for work: 40 ms of CPU in every process on this 2-core machine, and under load the
# main thread waits for them (numpy's import alone 232 ms wall instead of 158). vnsearch does
# no linear algebra (bincount, cumsum, sorting), so its processes ask for none. A value the
# user set wins. Here, not in the package: a program importing the library keeps its own.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import click  # noqa: E402

from . import __version__
from .errors import VnsearchError
from .search.results import SORTS

# Each command imports what it uses when it runs: `vnsearch query` loads neither the index
# writer and corpus readers (``indexer``) nor the web stack, `vnsearch index` not the search.

CORPUS_OPTION = click.option(
    "--corpus",
    envvar="VNSEARCH_CORPUS",
    default=None,
    type=click.Path(),
    help="Folder or file of articles (.txt, .html, .json, .jsonl, .jsonl.gz). "
    "Default: the corpus the index was built from, else ./seeds. Env: VNSEARCH_CORPUS.",
)
INDEX_OPTION = click.option(
    "--index",
    "index_dir",
    envvar="VNSEARCH_INDEX",
    default="index",
    show_default=True,
    type=click.Path(),
    help="Index folder. Env: VNSEARCH_INDEX.",
)
COLOR_OPTION = click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour matched words: auto colours on a terminal unless NO_COLOR is set.",
)


def _held_by(count: int, unit: str) -> str:
    """"1 paragraph holds", "4 articles hold": ``unit`` is plural ("paragraphs")."""
    return f"1 {unit[:-1]} holds" if count == 1 else f"{count} {unit} hold"


def _use_color(choice: str) -> bool:
    if choice == "auto":
        return sys.stdout.isatty() and "NO_COLOR" not in os.environ
    return choice == "always"


class UserError(click.ClickException):
    """A one-line message on stderr and exit 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"vnsearch: {self.format_message()}", err=True)


class Interrupted(UserError):
    """Ctrl-C: one line and exit 130 (128 + SIGINT), as shells and grep-like tools report it."""

    exit_code = 130


class _Group(click.Group):
    """Turns library errors into one line and exit 2: a traceback never reaches the user."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:  # `vnsearch query ... | head`: the reader has all it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(0)
        except VnsearchError as e:
            raise UserError(str(e))
        except KeyboardInterrupt:
            raise Interrupted("interrupted; the index was left as it was")
        except Exception as e:  # a bug, but the user still gets one line
            raise UserError(f"unexpected error: {type(e).__name__}: {e} (please report it)")


class _Progress:
    """A progress bar on stderr, only when stderr is a terminal and the run is not tiny."""

    def __init__(self, label: str):
        self.label = label
        self.bar = None
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < 200:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _run_update(corpus: str | None, index_dir: str, rebuild: bool = False):
    from .indexer import update_index

    progress = _Progress("Indexing")
    try:
        return update_index(
            corpus,
            index_dir,
            rebuild=rebuild,
            note=lambda m: click.echo(f"vnsearch: {m}", err=True),
            progress=progress if progress.enabled else None,  # no bar: no count of the corpus
        )
    finally:
        progress.close()


# Long options only: a query's exclusions start with - ("-hồ", "-nước") and must not be read as
# short options.
@click.group(cls=_Group)
@click.version_option(__version__, prog_name="vnsearch")
def cli() -> None:
    """Full-text search for Vietnamese news, with or without diacritics."""


def _note(message: str) -> None:
    click.echo(f"vnsearch: {message}", err=True)


@cli.command("index")
@CORPUS_OPTION
@INDEX_OPTION
@click.option("--rebuild", is_flag=True, help="Start from scratch instead of updating.")
def index_command(corpus: str, index_dir: str, rebuild: bool) -> None:
    """Build the index, or update it with what changed in the corpus.

    Files that cannot be read are reported and skipped; what the index holds from them is
    kept. Exits 1 when no article at all could be read (the index is then left as it was)."""
    report = _run_update(corpus, index_dir, rebuild)
    click.echo(report.summary())
    if not report.read:
        _note(f"no article could be read from {corpus}; the index was left as it was")
        sys.exit(1)


@cli.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@CORPUS_OPTION
@INDEX_OPTION
def add_command(paths: tuple[str, ...], corpus: str, index_dir: str) -> None:
    """Copy articles into the corpus folder and index them: files, folders, or - for one
    article on standard input (a web page, JSON, or text: title line, then paragraphs).

    Prints the id of each article added. Exits 1 when nothing could be read."""
    from .add import STDIN, add_articles

    stdin = sys.stdin.buffer.read() if STDIN in paths else None
    report = add_articles(list(paths), corpus, index_dir, note=_note, stdin=stdin)
    for old, new in report.renamed.items():
        _note(f"the id {old} is taken by another article: added as {new}")
    for article_id, twin in report.duplicates.items():
        _note(f"already in the corpus as {twin} (same URL or text): {article_id} not added")
    for article_id in report.added:
        click.echo(article_id)
    for article_id in report.unchanged:
        _note(f"already in the corpus, unchanged: {article_id}")
    if report.update is not None:
        _note(report.update.summary())
    if not report.added and not report.unchanged and not report.duplicates:
        _note("no article could be read from " + ", ".join(paths))
        sys.exit(1)


def _snippet(passage, color: bool) -> str:
    if not color:
        return passage.snippet
    pieces, last = [], 0
    for s, e in passage.spans:
        pieces.append(passage.snippet_plain[last:s] + click.style(passage.snippet_plain[s:e], fg="red", bold=True))
        last = e
    pieces.append(passage.snippet_plain[last:])
    return "".join(pieces)


def _print_hit(number: int, hit, color: bool, by_article: bool) -> None:
    title = click.style(hit.title, bold=True) if color else hit.title
    where = f"{hit.article_id}" if by_article else f"{hit.article_id} ¶{hit.paragraph}"
    where = click.style(where, fg="green") if color else where
    meta = "".join(f"  {v}" for v in (hit.date, hit.source) if v)
    # color=: click strips escape codes from non-terminals unless told they are wanted
    click.echo(f"{number}. {title}", color=color)
    click.echo(f"   {where}  score {hit.score:.2f}{meta}", color=color)
    if by_article:
        for passage in [hit, *hit.also]:
            click.echo(f"   ¶{passage.paragraph}  {_snippet(passage, color)}", color=color)
    else:
        click.echo(f"   {_snippet(hit, color)}", color=color)


def _without_collections(command):
    """Runs ``command`` with Python's cyclic garbage collector off (as it was, after).

    A query process allocates some hundred thousand objects that live until it ends (modules,
    numpy's and Whoosh's among them, then one query's arrays and tokens) and ends at once
    (``main``): the collector's 60-odd passes over them found nothing worth freeing and took
    about 5% of a cold query's CPU. An index built on first use is built with it on."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        collecting = gc.isenabled()
        gc.disable()
        try:
            return command(*args, **kwargs)
        finally:
            if collecting:
                gc.enable()
            else:
                gc.disable()

    return run


@cli.command("query", context_settings={"ignore_unknown_options": True})
@click.argument("words", nargs=-1, required=True, type=click.UNPROCESSED)
@CORPUS_OPTION
@INDEX_OPTION
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=1), help="How many results.")
@click.option("--since", metavar="DATE", help="Only articles dated on or after DATE (2021, 2021-03, 2021-03-05, 5/3/2021).")
@click.option("--until", metavar="DATE", help="Only articles dated on or before DATE (--until 2021: to its end).")
@click.option("--source", metavar="NAME", help="Only articles whose source contains NAME (\"Dân trí\", dantri, \"tuoi tre\").")
@click.option("--topic", metavar="NAME", help="Only articles whose topic contains NAME (\"thể thao\", the thao).")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True, help="Order of the results.")
@click.option("--by-article", is_flag=True, help="One result per article, its best paragraphs under it.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")
@click.option("--count", "count_only", is_flag=True, help="Print only the number of matches (paragraphs, or articles with --by-article).")
@click.option("--ids", "ids_only", is_flag=True, help="Print the id of every matching article, one a line.")
@click.option("--synonyms", "synonyms_file", metavar="FILE", envvar="VNSEARCH_SYNONYMS",
              help="A synonyms file (Solr format: \"a, b, c\" lines) added to the shipped list.")
@COLOR_OPTION
@_without_collections
def query_command(
    words: tuple[str, ...],
    corpus: str,
    index_dir: str,
    limit: int,
    since: str | None,
    until: str | None,
    source: str | None,
    topic: str | None,
    sort: str,
    by_article: bool,
    as_json: bool,
    count_only: bool,
    ids_only: bool,
    synonyms_file: str | None,
    color: str,
) -> None:
    """Search for WORDS: every word must be held (typed with diacritics: that spelling).
    "a phrase", -word or NOT word, a OR b, (grouping), title:word, source:dantri, topic:name.

    A word starting with - is an exclusion, not an option, unless it is one of the options
    below; after -- everything is query text."""
    from .search import Filters, Searcher
    from .store import index_exists, resolve_corpus
    from .synonyms import Synonyms

    global _READ_ONLY
    text = " ".join(words)
    if count_only and ids_only:
        raise UserError("--count and --ids are two different outputs: give one of them")
    filters = Filters.parse(since, until, source, topic)  # a bad date stops here, before any indexing
    synonyms = Synonyms.load(synonyms_file) if synonyms_file else None  # an unreadable file too
    if not index_exists(index_dir):
        _note(f"no index at {index_dir}; building it from {resolve_corpus(corpus, index_dir)}")
        gc.enable()  # (a build's processes and queues make cycles; ``_without_collections`` restores)
        report = _run_update(corpus, index_dir)
        _note(report.summary())
    else:
        _READ_ONLY = True  # (not after a build: its writer's processes and queues end as usual)
    with Searcher(index_dir, synonyms=synonyms) as searcher:
        if count_only:
            count = searcher.count(text, one_per_article=by_article, filters=filters)
            click.echo(count)
            sys.exit(0 if count else 1)
        if ids_only:
            ids = searcher.article_ids(text, filters=filters, sort=sort)
            for article_id in ids:
                click.echo(article_id)
            sys.exit(0 if ids else 1)
        results = searcher.search(
            text, limit=limit, filters=filters, sort=sort,
            one_per_article=by_article, passages=3 if by_article else 1,
        )
    if results.interpreted_as:
        _note(f"read as: {results.interpreted_as}")
    if results.suggestion:
        _note(f"did you mean: {results.suggestion}")
    if results.partial:
        _note(f"no {results.total_unit[:-1]} holds the whole query; showing the best partial matches")
    if as_json:
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
    else:
        use_color = _use_color(color)
        for number, hit in enumerate(results.hits, 1):
            if number > 1:
                click.echo()
            if hit.partial and not results.partial and not results.hits[number - 2].partial:
                _note(f"{_held_by(results.total, results.total_unit)} the whole query; below, partial matches")
            _print_hit(number, hit, use_color, by_article)
        if not results.hits:
            _note("nothing found")
    sys.exit(0 if results.hits else 1)


@cli.command("show")
@click.argument("article_id")
@INDEX_OPTION
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")
def show_command(article_id: str, index_dir: str, as_json: bool) -> None:
    """Print the article ARTICLE_ID: title, date, source, url, numbered paragraphs."""
    from .catalog import get_article

    article = get_article(index_dir, article_id)
    if article is None:
        _note(f"no article {article_id!r} in {index_dir}: ids are shown by `vnsearch query`")
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(article.title)
    for label, value in (("id", article.id), ("date", article.date), ("source", article.source),
                         ("url", article.url), ("topic", article.topic)):
        if value:
            click.echo(f"{label}: {value}")
    for number, paragraph in enumerate(article.paragraphs, 1):
        click.echo(f"\n¶{number} {paragraph}")


@cli.command("stats")
@INDEX_OPTION
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")
def stats_command(index_dir: str, as_json: bool) -> None:
    """Articles, paragraphs, distinct terms, date range, sources and size of the index."""
    from .catalog import index_stats

    stats = index_stats(index_dir)
    if as_json:
        click.echo(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2))
        return
    dates = f"{stats.first_date} to {stats.last_date}" if stats.first_date else "none"
    click.echo(f"articles    {stats.articles}")
    click.echo(f"paragraphs  {stats.paragraphs}")
    click.echo(f"terms       {stats.syllables} syllables (without diacritics), {stats.words} words")
    click.echo(f"dates       {dates}" + (f" ({stats.undated} articles undated)" if stats.undated else ""))
    click.echo(f"index size  {stats.index_bytes / 1e6:.1f} MB")
    click.echo(f"corpus      {stats.corpus or 'unknown (give --corpus to the next vnsearch index)'}")
    click.echo(f"sources     {len(stats.sources)}")
    for name, count in stats.sources:
        click.echo(f"  {count:>8}  {name}")


@cli.command("check")
@INDEX_OPTION
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")
def check_command(index_dir: str, as_json: bool) -> None:
    """Verify every index file against the checksum recorded when it was written.

    Exits 0 when the index is intact, 2 when it is damaged (naming each damaged file)."""
    from .indexer import REBUILD_HINT, check_index

    report = check_index(index_dir)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif report.ok:
        how = f"{report.files} files match their checksums" if report.verified_by == "digests" else (
            f"{report.documents} documents read (no checksums were recorded for this commit)")
        click.echo(f"{index_dir}: intact; {how}")
    for problem in report.problems:
        _note(f"{index_dir}: {problem}")
    if not report.ok:
        _note(f"the index is damaged: {REBUILD_HINT}")
        sys.exit(2)


@cli.command("eval")
@click.argument("dataset_dir", type=click.Path())
@click.option("--queries", "queries_path", type=click.Path(), help="Another queries file (BEIR queries.jsonl format).")
@click.option("--qrels", "qrels_path", type=click.Path(), help="Another judgments file (BEIR qrels .tsv format).")
@click.option("--k", default=10, show_default=True, type=click.IntRange(min=1), help="Cut-off rank of the metrics.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")
def eval_command(dataset_dir: str, queries_path: str | None, qrels_path: str | None, k: int, as_json: bool) -> None:
    """Measure ranking quality on a BEIR collection (corpus.jsonl, queries.jsonl, qrels/test.tsv)."""
    from .evaluate import evaluate  # only this command needs it

    report = evaluate(dataset_dir, queries_path, qrels_path, k=k)
    d = report.to_dict()
    if as_json:
        click.echo(json.dumps(d))
        return
    width = max(len(key) for key in d)
    for key, value in d.items():
        click.echo(f"{key:<{width}}  {value}")


@cli.command("serve")
@CORPUS_OPTION
@INDEX_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; another than this machine's own is reachable by others.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
def serve_command(corpus: str, index_dir: str, host: str, port: int) -> None:
    """A search page and a JSON API (/api/search, /api/articles/ID, /api/stats, /openapi.json) over the
    index, built from the corpus first when missing. Answers from each update of the index
    (`vnsearch index`, `add`) without a restart."""
    from .store import index_exists, resolve_corpus
    from .web import LOOPBACK, check_address, serve  # only this command loads the web stack

    check_address(host, port)
    if not index_exists(index_dir):
        _note(f"no index at {index_dir}; building it from {resolve_corpus(corpus, index_dir)}")
        _note(_run_update(corpus, index_dir).summary())
    if host not in LOOPBACK:
        _note(f"listening on {host}, not only on this machine: anyone who can reach it can search the index")
    shown = f"[{host}]" if ":" in host else host
    _note(f"serving {index_dir} on http://{shown}:{port} (Ctrl+C to stop)")
    serve(index_dir, host=host, port=port)


# Set by a command that reads the index and writes nothing but its output (``query``): the
# process then ends without Python's finalization (``main``).
_READ_ONLY = False


def main() -> None:
    """Console entry point (``vnsearch`` and ``python -m vnsearch``).

    After a read-only command the process ends at once (``os._exit``), once its output is
    flushed: Python's finalization, which unloads numpy, Whoosh and some 400 modules, took
    10 to 25 ms of a cold query and has nothing to do here (no file written, no lock, no
    thread, no atexit handler of ours)."""
    try:
        cli(prog_name="vnsearch")
    except SystemExit as e:
        if not _READ_ONLY or not (e.code is None or isinstance(e.code, int)):
            raise
        try:
            sys.stdout.flush()
        except BrokenPipeError:  # the reader has all it wanted, as in _Group
            pass
        try:
            sys.stderr.flush()
        except OSError:
            pass
        os._exit(e.code or 0)
