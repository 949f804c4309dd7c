import os
import shutil
from pathlib import Path

import pytest

import vnsearch

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED_DATA = ROOT.parent / "shared" / "data"

SEED_000 = "000_1e33087bd0e7e6fd"
SEED_004 = "004_a0258249716c4e6d"


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data, or skip the test cleanly when it is not there."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


def dantri_texts() -> list[str]:
    """Every title and paragraph line of the shared dantri corpus (skip when absent)."""
    import gzip
    import json

    out = []
    with gzip.open(shared_data("news", "dantri.jsonl.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            article = json.loads(line)
            out += [article["title"], *article["body"].split("\n")]
    return out


def write_articles(folder: Path, articles: dict[str, str]) -> Path:
    """Write {stem: text} as .txt articles into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for stem, body in articles.items():
        (folder / f"{stem}.txt").write_text(body, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> str:
    """An index of the repository's seeds, built once for the session."""
    index_dir = tmp_path_factory.mktemp("seed-index")
    vnsearch.update_index(str(SEEDS), str(index_dir))
    return str(index_dir)


@pytest.fixture
def seed_corpus(tmp_path) -> Path:
    """A private copy of the seeds that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def storm_index(tmp_path_factory) -> str:
    """Paragraphs about a storm (bão), protection (bảo vệ), and a wrapper (bao)."""
    corpus = write_articles(
        tmp_path_factory.mktemp("storm-corpus"),
        {
            "storm": "Bão số 9 đổ bộ miền Trung\nCơn bão mạnh gây mưa lớn ở các tỉnh miền Trung.",
            "protect": "Bảo vệ môi trường\nNgười dân chung tay bảo vệ rừng đầu nguồn.",
            "wrap": "Bao bì nhựa\nMỗi bao gạo được đóng gói cẩn thận.",
        },
    )
    index_dir = tmp_path_factory.mktemp("storm-index")
    vnsearch.update_index(str(corpus), str(index_dir))
    return str(index_dir)


@pytest.fixture(autouse=True)
def _no_env_leak(monkeypatch):
    for name in ("VNSEARCH_CORPUS", "VNSEARCH_INDEX", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    yield
    os.environ.pop("VNSEARCH_INDEX", None)
