"""A small corpus for the web tests: the seeds, fourteen dated storm reports from two sources
in two topics (more than a page of results), an article whose id is a VNTC-style path, and a
hostile article whose every field is markup."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .conftest import SEEDS

HOSTILE_ID = "hostile"
HOSTILE = {
    "id": HOSTILE_ID,
    "title": "<script>alert('title')</script> Bão <img src=x onerror=alert('img')>",
    "body": [
        "Cơn bão <script>alert('body')</script> đổ bộ, <img src=x onerror=alert('para')> gió mạnh.",
        "<a href=\"javascript:alert('link')\">bấm vào đây</a> \"quoted\" & 'single'",
    ],
    "date": "2021-06-01",
    "source": "<b onmouseover=alert('source')>Nguồn</b>",
    "topic": "\"><svg onload=alert('topic')>",
    "url": "javascript:alert('url')",
}
PATH_ID = "test/Chinh tri Xa hoi/XH_NLD_T_ (8962).txt"  # VNTC's ids are file paths


def storm_articles() -> list[dict]:
    articles = []
    for i in range(14):
        month = 1 + i % 3
        articles.append({
            "id": f"storm-{i:02d}",
            "title": f"Bão số {i + 1} đổ bộ miền Trung",
            "body": [f"Cơn bão số {i + 1} gây mưa lớn ở các tỉnh miền Trung.", "Người dân được sơ tán."],
            "date": f"{2020 + i % 2}-{month:02d}-{10 + i:02d}",
            "source": "Tuổi Trẻ" if i % 2 else "dantri.com.vn",
            "topic": "Thời sự" if i < 9 else "Thể thao",
            "url": f"https://example.vn/bao-so-{i + 1}",
        })
    return articles


def make_corpus(folder: Path) -> Path:
    shutil.copytree(SEEDS, folder)
    with open(folder / "web.jsonl", "w", encoding="utf-8") as f:
        for article in [*storm_articles(), HOSTILE, {
            "id": PATH_ID, "title": "Mạo hiểm rừng Đa Mi", "body": ["Thác sương mù ở Hàm Thuận Bắc."],
        }]:
            f.write(json.dumps(article, ensure_ascii=False) + "\n")
    return folder
