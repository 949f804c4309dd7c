"""Saved news pages (.html) into articles: title, main text, date and site.

Main-content extraction is trafilatura's (with htmldate for dates): it is maintained, it is the
extractor the web-corpus field benchmarks against, and it finds the article body of a portal
page without per-site rules, leaving menus, share buttons, comment counters and related-article
lists out. What it leaves for us: portal chrome lines it kept anyway (``corpus.is_chrome``) and
Vietnamese dates written only in the text ("Thứ Hai, 05/03/2024 08:30", "ngày 25 tháng 9 năm
2020"), which htmldate does not read.
"""

from __future__ import annotations

import logging
import re

import trafilatura

from .corpus import Article, clean_lines, derived_id, is_chrome
from .dates import date_in_lines, is_timestamp_line, iso_date
from .text import nfc

for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

_TAGS = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]+>", re.IGNORECASE | re.DOTALL)
_BREAKS = re.compile(r"</?(?:p|div|br|li|h\d|span|time|header|section|article|td|tr)\b[^>]*>", re.IGNORECASE)


def _visible_lines(html: str) -> list[str]:
    """The page's text, one line per block element: where a date only in the text is found."""
    import html as html_lib

    text = _TAGS.sub(" ", _BREAKS.sub("\n", html))
    return clean_lines(html_lib.unescape(text).splitlines())


def parse_html(html: str, fallback_id: str, origin: str = "", file: str = "") -> Article | None:
    """The article in a saved page, or None when the page has no article text."""
    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
        deduplicate=False,
    )
    if doc is None:
        return None
    meta = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    paragraphs = [p for p in clean_lines((meta.get("text") or "").split("\n")) if not is_chrome(p)]
    title = nfc((meta.get("title") or "").strip())
    if paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    if not title and paragraphs:
        title, paragraphs = paragraphs[0], paragraphs[1:]
    if not title:
        return None
    date = iso_date(meta.get("date"))
    if date is None:
        lines = _visible_lines(html)
        stamps = [line for line in lines if is_timestamp_line(line)]
        date = date_in_lines(stamps[:3] + paragraphs[:3])
    url = meta.get("url") or None
    return Article(
        id=fallback_id or derived_id(url, title, tuple(paragraphs)),
        title=title,
        paragraphs=tuple(paragraphs),
        date=date,
        source=nfc(meta.get("sitename") or meta.get("hostname") or "") or None,
        url=url,
        topic=(meta.get("categories") or [None])[0] if isinstance(meta.get("categories"), list) else None,
        origin=origin,
        file=file,
    )
