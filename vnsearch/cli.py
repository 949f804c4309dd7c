"""The `vnsearch` command: parse arguments, call the library, print. No search logic here.

Exit codes follow grep and ripgrep: 0 something found (or done), 1 nothing found, 2 an error,
with a one-line message on stderr.
"""

from __future__ import annotations

import json
import os
import sys

import click

from . import __version__
from .errors import VnsearchError
from .indexer import index_exists, update_index
from .search import search

CORPUS_OPTION = click.option(
    "--corpus",
    envvar="VNSEARCH_CORPUS",
    default="seeds",
    show_default=True,
    type=click.Path(),
    help="Folder or file of articles (.txt, .jsonl, .jsonl.gz). Env: VNSEARCH_CORPUS.",
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


def _use_color(choice: str) -> bool:
    if choice == "auto":
        return sys.stdout.isatty() and "NO_COLOR" not in os.environ
    return choice == "always"


class UserError(click.ClickException):
    """A one-line message on stderr and exit 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"vnsearch: {self.format_message()}", err=True)


class _Group(click.Group):
    """Turns library errors into one line and exit 2: a traceback never reaches the user."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except VnsearchError as e:
            raise UserError(str(e))
        except KeyboardInterrupt:
            raise UserError("interrupted")
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


def _run_update(corpus: str, index_dir: str, rebuild: bool = False):
    progress = _Progress("Indexing")
    try:
        return update_index(
            corpus,
            index_dir,
            rebuild=rebuild,
            note=lambda m: click.echo(f"vnsearch: {m}", err=True),
            progress=progress,
        )
    finally:
        progress.close()


# Long options only: a query's exclusions start with - ("-hồ", "-nước") and must not be read as
# short options.
@click.group(cls=_Group)
@click.version_option(__version__, prog_name="vnsearch")
def cli() -> None:
    """Full-text search for Vietnamese news, with or without diacritics."""


@cli.command("index")
@CORPUS_OPTION
@INDEX_OPTION
@click.option("--rebuild", is_flag=True, help="Start from scratch instead of updating.")
def index_command(corpus: str, index_dir: str, rebuild: bool) -> None:
    """Build the index, or update it with what changed in the corpus."""
    report = _run_update(corpus, index_dir, rebuild)
    click.echo(report.summary())


def _print_hit(number: int, hit, color: bool) -> None:
    if color:
        pieces, last = [], 0
        for s, e in hit.spans:
            pieces.append(hit.snippet_plain[last:s] + click.style(hit.snippet_plain[s:e], fg="red", bold=True))
            last = e
        pieces.append(hit.snippet_plain[last:])
        snippet = "".join(pieces)
        title = click.style(hit.title, bold=True)
        where = click.style(f"{hit.article_id} ¶{hit.paragraph}", fg="green")
    else:
        snippet, title, where = hit.snippet, hit.title, f"{hit.article_id} ¶{hit.paragraph}"
    date = f"  {hit.date}" if hit.date else ""
    # color=: click strips escape codes from non-terminals unless told they are wanted
    click.echo(f"{number}. {title}", color=color)
    click.echo(f"   {where}  score {hit.score:.2f}{date}", color=color)
    click.echo(f"   {snippet}", color=color)


@cli.command("query", context_settings={"ignore_unknown_options": True})
@click.argument("words", nargs=-1, required=True, type=click.UNPROCESSED)
@CORPUS_OPTION
@INDEX_OPTION
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=1), help="How many results.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")
@COLOR_OPTION
def query_command(words: tuple[str, ...], corpus: str, index_dir: str, limit: int, as_json: bool, color: str) -> None:
    """Search for WORDS: words, "a phrase", -exclude, a OR b, title:word.

    A word starting with - is an exclusion, not an option, unless it is one of the options
    below; after -- everything is query text."""
    text = " ".join(words)
    if not index_exists(index_dir):
        click.echo(f"vnsearch: no index at {index_dir}; building it from {corpus}", err=True)
        report = _run_update(corpus, index_dir)
        click.echo(f"vnsearch: {report.summary()}", err=True)
    results = search(text, index_dir, limit=limit)
    if as_json:
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
    else:
        if results.interpreted_as:
            click.echo(f"Kết quả cho: {results.interpreted_as}")
        use_color = _use_color(color)
        for number, hit in enumerate(results.hits, 1):
            if number > 1:
                click.echo()
            _print_hit(number, hit, use_color)
        if not results.hits:
            click.echo("vnsearch: nothing found", err=True)
    sys.exit(0 if results.hits else 1)


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


def main() -> None:
    """Console entry point (``vnsearch`` and ``python -m vnsearch``)."""
    cli(prog_name="vnsearch")
