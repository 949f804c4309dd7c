"""Issue 15: a cold `vnsearch query` loads what answering it needs and nothing else (the index
writer, the corpus readers, the web stack, Whoosh's query machinery are for other commands).
Each check runs a fresh interpreter and reads its ``sys.modules``."""

import json
import os
import subprocess
import sys

import pytest

from .conftest import SEEDS

# What a query never uses: building and updating, reading corpora and web pages, serving,
# scikit-learn (pyvi's own tokenizer), Whoosh's searcher and query objects, and the standard
# modules Whoosh imports for what a query never runs (``lazy.lean_imports``): URL fetching for a
# function no Whoosh code calls, hashlib (OpenSSL) for W3's hash tables, html for its
# highlighter, queue for its multiprocessing writer.
NOT_FOR_A_QUERY = (
    "vnsearch.indexer", "vnsearch.corpus", "vnsearch.parallel", "vnsearch.add", "vnsearch.catalog",
    "vnsearch.evaluate", "vnsearch.web", "vnsearch.webpage", "multiprocessing", "fastapi", "starlette",
    "uvicorn", "jinja2", "trafilatura", "sklearn", "sklearn_crfsuite", "whoosh.searching", "whoosh.query",
    "urllib.request", "http.client", "email", "ssl", "hashlib", "_hashlib", "html", "queue",
    "vnsearch.dates",  # date patterns: only for --since/--until
)


def _loaded(code: str) -> tuple[set[str], subprocess.CompletedProcess]:
    """The modules loaded by a fresh interpreter once ``code`` has run (a SystemExit, as the
    CLI ends with, included), and the run itself."""
    script = (
        "import json, sys\n"
        "try:\n" + "".join(f"    {line}\n" for line in code.splitlines()) + "except SystemExit:\n    pass\n"
        "print('MODULES ' + json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    line = [x for x in run.stderr.splitlines() if x.startswith("MODULES ")]
    assert line, run.stderr
    return set(json.loads(line[-1][len("MODULES "):])), run


def _under(modules: set[str], names) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_importing_the_command_loads_no_engine():
    modules, _ = _loaded("import vnsearch.cli")
    assert _under(modules, ("whoosh", "numpy", "pycrfsuite", *NOT_FOR_A_QUERY)) == []


def test_importing_the_package_loads_no_engine():
    modules, _ = _loaded("import vnsearch")
    assert _under(modules, ("whoosh", "numpy", "pycrfsuite", *NOT_FOR_A_QUERY)) == []


def _query(index_dir: str, text: str) -> tuple[set[str], subprocess.CompletedProcess]:
    return _loaded(
        "from vnsearch.cli import cli\n"  # not main(): it would end the process at once
        f"cli(['query', {text!r}, '--index', {index_dir!r}, '--color', 'never'], prog_name='vnsearch')"
    )


def test_a_query_loads_only_what_it_uses(seed_index):
    modules, run = _query(seed_index, "hộ tịch")
    assert "**hộ tịch**" in run.stdout  # it did answer
    assert {"whoosh.index", "numpy", "vnsearch.search.searcher"} <= modules  # the check sees them
    assert _under(modules, NOT_FOR_A_QUERY) == []


def test_a_query_typed_with_its_marks_loads_no_reading_of_other_words(seed_index):
    """Typo correction, Telex/VNI decoding and readings by context are for words the index
    lacks and unaccented pairs; articles' evidence for --by-article: imported when used."""
    optional = ("vnsearch.spelling", "vnsearch.keyboard", "vnsearch.context", "vnsearch.search.article_rank")
    modules, run = _query(seed_index, "hộ tịch")
    assert "**hộ tịch**" in run.stdout
    assert _under(modules, optional) == []
    modules, run = _query(seed_index, "ho tich")  # unaccented: read by its pairs
    assert "vnsearch.context" in modules and "**hộ tịch**" in run.stdout
    modules, run = _query(seed_index, "hooj tichj")  # Telex
    assert "vnsearch.keyboard" in modules and "**hộ tịch**" in run.stdout
    modules, _ = _query(seed_index, "xyzzy")  # a word the index lacks: a typo looked for
    assert "vnsearch.spelling" in modules
    modules, _ = _loaded(
        "from vnsearch.cli import cli\n"
        f"cli(['query', 'hộ tịch', '--by-article', '--index', {seed_index!r}], prog_name='vnsearch')"
    )
    assert "vnsearch.search.article_rank" in modules


def test_a_one_word_query_needs_no_word_segmentation_model(seed_index):
    modules, run = _query(seed_index, "tịch")
    assert "**tịch**" in run.stdout
    assert _under(modules, ("pycrfsuite",)) == []  # one syllable: pyvi's CRF has nothing to decide
    modules, _ = _query(seed_index, "hộ tịch")
    assert _under(modules, ("pycrfsuite",)) != []  # two: it decides whether they are one word


def test_whoosh_without_urllib_still_fetches_urls_and_urllib_loads_whole(tmp_path):
    """whoosh.compat's urlretrieve (no Whoosh code calls it) imports urllib.request when called;
    a later ``import urllib.request`` gets the real module, not the stand-in. The same for the
    other modules Whoosh imports for what a query never runs (``lazy._DEFERRED``)."""
    source, target = tmp_path / "a.txt", tmp_path / "b.txt"
    source.write_text("hộ tịch", encoding="utf-8")
    modules, run = _loaded(
        "import vnsearch.store, whoosh.compat\n"
        "assert 'urllib.request' not in sys.modules and 'whoosh.index' in sys.modules\n"
        f"whoosh.compat.urlretrieve({source.as_uri()!r}, {str(target)!r})\n"
        "import urllib.request\n"
        "print(urllib.request.Request.__name__, urllib.request.urlopen.__module__)"
    )
    assert run.stdout.split() == ["Request", "urllib.request"], run.stderr
    assert target.read_text(encoding="utf-8") == "hộ tịch"
    modules, run = _loaded(
        "import vnsearch.store, whoosh.codec.whoosh3, whoosh.compat, whoosh.filedb.filetables as ft\n"
        "assert not {'hashlib', 'html', 'queue'} & set(sys.modules), sorted(sys.modules)\n"
        "import hashlib\n"
        "print(ft.md5_hash(b'abc') == int(hashlib.md5(b'abc').hexdigest(), 16) & 0xffffffff)\n"
        "print(whoosh.compat.htmlescape('<a \"b\">', quote=False))\n"
        "import queue, html\n"
        "print(whoosh.compat.queue.Empty is queue.Empty, type(queue).__name__, html.escape('<'))\n"
        "print(hashlib.__file__.endswith('hashlib.py'), ft.md5 is not hashlib.md5)"
    )
    assert run.stdout.splitlines() == ["True", '&lt;a "b"&gt;', "True module &lt;", "True True"], run.stderr


def test_what_whoosh_and_the_tagger_use_later_still_works_and_loads_whole(tmp_path):
    """The modules a query leaves unloaded (``lazy._DEFERRED``: Whoosh's metaphone,
    fuzzy terms, temporary storage, random names, dates; pycrfsuite's temporary files, dump and
    log parsers; numpy's linear algebra and ctypes) are not loaded by importing Whoosh, pycrfsuite and numpy
    after vnsearch, answer as they do without vnsearch when used, and any later ``import`` gets
    the real module."""
    deferred = ["whoosh.lang.dmetaphone", "whoosh.automata.lev", "whoosh.support.levenshtein",
                "tempfile", "shutil", "random", "calendar", "fractions", "bz2", "lzma", "pycrfsuite._logparser",
                "pycrfsuite._dumpparser", "numpy.linalg", "numpy._typing",
                "ctypes"]
    uses = (
        "import io, types\n"
        "import whoosh.analysis, whoosh.codec.base, whoosh.filedb.compound, whoosh.filedb.filestore\n"
        "import whoosh.reading, whoosh.util, whoosh.util.times, pycrfsuite, numpy\n"
        f"print('BEFORE', sorted(set({deferred!r}) & set(sys.modules)))\n"
        "print([t.text for t in whoosh.analysis.StemmingAnalyzer()('running cats')])\n"
        "print(whoosh.analysis.morph.double_metaphone('Smith'))\n"
        "print(whoosh.reading.distance('kitten', 'sitting'))\n"
        "print(whoosh.codec.base.lev.levenshtein_automaton('ab', 1).to_dfa().accept('abc'))\n"
        "print(len(whoosh.util.random_name(12)), len(whoosh.util.random_bytes(5)))\n"
        "print(whoosh.util.times.adatetime(2024, 2).ceil().day)\n"
        f"store = whoosh.filedb.filestore.FileStorage({str(tmp_path)!r}).temp_storage('t.tmp')\n"
        "print(store.folder.startswith(pycrfsuite._pycrfsuite.tempfile.gettempdir()))\n"
        "out = io.BytesIO(); whoosh.filedb.compound.copyfileobj(io.BytesIO(b'abc'), out); print(out.getvalue())\n"
        "crf = pycrfsuite._pycrfsuite\n"
        "print(crf._logparser.TrainLogParser().iterations, crf._dumpparser.ParsedDump().header)\n"
        "print(whoosh.fields.long_to_datetime(whoosh.fields.datetime_to_long(whoosh.util.times.datetime(2024, 2, 29))))\n"
        "print((numpy.matrix([[2, 1], [0, 3]]) ** 3).tolist(), numpy.roots([1, -3, 2]).tolist())\n"
        "print(numpy.polyfit([0, 1, 2], [1, 3, 5], 1).round(9).tolist(), numpy.linalg.inv([[2.0]]).tolist())\n"
        "pointer = numpy.zeros(1).ctypes.data_as(numpy.ctypeslib.ctypes.c_void_p)\n"
        "print(numpy.arange(6).reshape(2, 3).ctypes.shape[:], pointer.value > 0)\n"
        "import numpy.typing, numpy.linalg\n"
        "real_linalg = type(numpy.linalg) is types.ModuleType and numpy.linalg.__file__.endswith('__init__.py')\n"
        "print(real_linalg, numpy.typing.NDArray)\n"
        "import random, tempfile, calendar, shutil, pycrfsuite._logparser, whoosh.lang.dmetaphone, whoosh.automata.lev\n"
        "real = [random, tempfile, calendar, shutil, pycrfsuite._logparser, whoosh.lang.dmetaphone, whoosh.automata.lev]\n"
        "print(all(type(m) is types.ModuleType and m.__file__ for m in real), whoosh.lang.dmetaphone.double_metaphone('cat'))\n"
        # what a stand-in must never be: kept in an object that is pickled (a schema's analyzers)
        "import pickle, whoosh.fields as f, whoosh.analysis as a\n"
        "analyzers = [a.StemmingAnalyzer(), a.FancyAnalyzer(), a.LanguageAnalyzer('en'), a.StemFilter(),\n"
        "             a.DoubleMetaphoneFilter(), a.StandardAnalyzer() | a.DoubleMetaphoneFilter(combine=True)]\n"
        "schema = f.Schema(**{f'f{i}': f.TEXT(analyzer=x) for i, x in enumerate(analyzers)}, d=f.DATETIME, n=f.NUMERIC)\n"
        "back = pickle.loads(pickle.dumps(schema))\n"
        "print([t.text for t in back['f0'].analyzer('running cats')], back.names() == schema.names())"
    )
    _, plain = _loaded(uses)  # Whoosh and pycrfsuite alone: every module loaded as they ask
    _, lean = _loaded("import vnsearch.store, vnsearch.search.searcher, vnsearch.segment\n" + uses)
    expected = plain.stdout.splitlines()
    assert expected[0] != "BEFORE []" and len(expected) == 17, plain.stderr
    assert lean.stdout.splitlines() == ["BEFORE []", *expected[1:]], lean.stderr


def _main(*args: str) -> subprocess.CompletedProcess:
    """``vnsearch ARGS`` through the console entry point, in a process whose atexit handler
    says whether Python's finalization ran."""
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('FINALIZED', file=sys.stderr))\n"
        f"sys.argv = ['vnsearch', *{list(args)!r}]\n"
        "from vnsearch.cli import main\n"
        "main()"
    )
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)


def test_a_query_process_ends_without_finalization_after_all_its_output(seed_index):
    from click.testing import CliRunner

    from vnsearch.cli import cli

    for text, code in (("hộ tịch", 0), ("xyzzy", 1)):
        args = ["query", text, "--index", seed_index, "--color", "never"]
        run, expected = _main(*args), CliRunner().invoke(cli, args)
        assert run.returncode == expected.exit_code == code
        assert run.stdout == expected.stdout and (code == 1 or "**hộ tịch**" in run.stdout)
        assert "FINALIZED" not in run.stderr
    run = _main("query", "--index", seed_index, "--", "-hộ")  # an error: one line, exit 2
    assert run.returncode == 2 and run.stderr.startswith("vnsearch: the query has nothing to find (it only excludes)")
    assert run.stderr.count("\n") == 1 and "FINALIZED" not in run.stderr


def test_commands_that_write_end_with_finalization(seed_index, tmp_path):
    run = _main("index", "--index", str(tmp_path / "ix"), "--corpus", str(SEEDS))
    assert run.returncode == 0 and "FINALIZED" in run.stderr
    run = _main("stats", "--index", seed_index)
    assert run.returncode == 0 and "FINALIZED" in run.stderr


def test_a_query_process_starts_no_blas_threads(seed_index):
    """numpy's OpenBLAS starts a thread per core at import, which spin while they wait;
    vnsearch does no linear algebra, and its command asks for none (a value set by the user
    wins: OPENBLAS_NUM_THREADS)."""
    if not os.path.isdir("/proc/self/task") or (os.cpu_count() or 1) < 2:
        pytest.skip("needs Linux's /proc and two cores (OpenBLAS starts no thread on one)")
    code = (
        "import os, sys\n"
        "from vnsearch.cli import cli\n"
        f"try:\n    cli(['query', 'hộ tịch', '--index', {seed_index!r}], prog_name='vnsearch')\n"
        "except SystemExit:\n    pass\n"
        "print('THREADS', len(os.listdir('/proc/self/task')), file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert "THREADS 1" in run.stderr.splitlines()
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**env, "OPENBLAS_NUM_THREADS": "2"}, timeout=120)
    assert "THREADS 2" in run.stderr.splitlines()  # the user's setting, and the check sees threads


def test_a_query_runs_without_the_cyclic_collector_and_leaves_it_as_it_was(seed_index):
    """Python's cyclic garbage collector is off while the query command runs (its passes over
    a cold process's modules found nothing to free), and as it was after."""
    code = (
        "import gc, importlib\n"
        "searcher = importlib.import_module('vnsearch.search.searcher')\n"
        "seen, search = [], searcher.Searcher.search\n"
        "def spy(self, *args, **kwargs):\n"
        "    seen.append(gc.isenabled())\n"
        "    return search(self, *args, **kwargs)\n"
        "searcher.Searcher.search = spy\n"
        "from vnsearch.cli import cli\n"
        "for collecting in (True, False):\n"
        "    gc.enable() if collecting else gc.disable()\n"
        "    try:\n"
        f"        cli(['query', 'hộ tịch', '--index', {seed_index!r}], prog_name='vnsearch')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "    print('RUN', collecting, seen[-1], gc.isenabled())\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert [line for line in run.stdout.splitlines() if line.startswith("RUN")] == [
        "RUN True False True", "RUN False False False"], run.stderr
