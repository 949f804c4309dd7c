"""Dates: the forms Vietnamese articles write them in, read into ISO ``YYYY-MM-DD``. Pure.

Three callers: the corpus reader (a date field of any common shape, or a date found in the
text of a plain-text article), and the query options ``--since`` / ``--until``.
"""

from __future__ import annotations

import datetime as dt
import re

from .text import fold

_YEAR = r"(?P<y>(?:19|20)\d\d)"
_DAY = r"(?P<d>[0-3]?\d)"
_MONTH = r"(?P<m>[01]?\d)"

# "28/09/2020", "28-9-2020", "28.09.2020" (day first, as Vietnamese writes it)
_DMY = re.compile(rf"(?<!\d){_DAY}\s*[/.\-]\s*{_MONTH}\s*[/.\-]\s*{_YEAR}(?!\d)")
# "2020-09-28", "2020/09/28T08:59"
_YMD = re.compile(rf"(?<!\d){_YEAR}[/\-.](?P<m>[01]?\d)[/\-.](?P<d>[0-3]?\d)(?!\d)")
# "ngày 25 tháng 9 năm 2020" (folded: "ngay 25 thang 9 nam 2020"); "ngày" may be missing
_WORDS = re.compile(rf"(?<!\d){_DAY}\s+thang\s+{_MONTH}\s*(?:nam|,|/)\s*{_YEAR}(?!\d)")
# "Sáng 10/7", "ngày 10/7", "chiều 25-9": day and month, the year elsewhere in the sentence
_DM = re.compile(
    rf"\b(?:ngay|sang|trua|chieu|toi|dem|hom)\s+{_DAY}\s*[/\-]\s*{_MONTH}(?![/\-.]?\d)"
)
_YEAR_ALONE = re.compile(r"(?<![\d/.\-])((?:19|20)\d\d)(?!\d|[/.\-]\d)")
# A line that is only a timestamp: "(08:59 | 28/09/2020)", "Thứ hai, 28/09/2020 - 08:59 AM",
# "Cập nhật: 28/09/2020", "2020-09-28 08:59". Letters allowed: weekday names, AM/PM, GMT+7.
_STAMP_WORDS = re.compile(
    r"\b(thu|hai|ba|tu|nam|sau|bay|chu|nhat|cn|am|pm|gmt|ngay|cap|nhat|dang|luc|gio|phut)\b"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _from_match(match) -> str | None:
    return _valid(int(match["y"]), int(match["m"]), int(match["d"]))


def iso_date(value) -> str | None:
    """A date field of a record ("2020-10-01", "2020-10-01T08:30:00+07:00", "01/10/2020",
    "ngày 1 tháng 10 năm 2020", a Unix time) as ``YYYY-MM-DD``; None when it holds no date."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            seconds = value / 1000 if value > 1e11 else value  # milliseconds, as JavaScript writes
            return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    folded = fold(str(value).strip().lower())
    for pattern in (_YMD, _DMY, _WORDS):
        match = pattern.search(folded)
        if match and (found := _from_match(match)):
            return found
    return None


def is_timestamp_line(line: str) -> bool:
    """A line that holds a date and nothing else a reader needs: a portal's publication stamp."""
    if len(line) > 60 or not (_DMY.search(line) or _YMD.search(line)):  # digits: no folding needed
        return False
    folded = fold(line.lower())
    rest = _STAMP_WORDS.sub(" ", _YMD.sub(" ", _DMY.sub(" ", folded)))
    return not re.search(r"[^\W\d_]{2,}", rest)  # no word left but weekday/AM/PM


def date_in_lines(lines: list[str]) -> str | None:
    """The article's date from its first lines (title, stamps, lead), in the order a reader
    would trust: a timestamp line, a full date in the text, then a day and month ("Sáng 10/7")
    whose year is written in the same sentence ("... 6 tháng đầu năm 2024")."""
    for line in lines:
        if is_timestamp_line(line):
            found = iso_date(line)
            if found:
                return found
    for line in lines:
        folded = fold(line.lower())
        for pattern in (_WORDS, _DMY):
            match = pattern.search(folded)
            if match and (found := _from_match(match)):
                return found
    for line in lines:
        for sentence in _SENTENCE_END.split(fold(line.lower())):
            match = _DM.search(sentence)
            years = _YEAR_ALONE.findall(sentence)
            if match and years:
                found = _valid(int(years[0]), int(match["m"]), int(match["d"]))
                if found:
                    return found
    return None


def date_bounds(value: str) -> tuple[str, str]:
    """A ``--since``/``--until`` value as the first and last day it names: "2021" → 2021-01-01
    .. 2021-12-31, "2021-03" → the month, "2021-03-05" or "5/3/2021" → that day.
    Raises ValueError with a message for people."""
    text = value.strip()
    if re.fullmatch(r"(?:19|20|21)\d\d", text):
        return f"{text}-01-01", f"{text}-12-31"
    month = re.fullmatch(r"(\d{4})-(\d{1,2})", text) or re.fullmatch(r"(\d{1,2})/(\d{4})", text)
    if month:
        y, m = (month[1], month[2]) if len(month[1]) == 4 else (month[2], month[1])
        first = _valid(int(y), int(m), 1)
        if first:
            nxt = dt.date(int(y) + (int(m) == 12), int(m) % 12 + 1, 1)
            return first, (nxt - dt.timedelta(days=1)).isoformat()
    day = iso_date(text)
    if day and re.fullmatch(r"[\d/.\-]+", text):
        return day, day
    raise ValueError(f"cannot read the date {value!r}: write it as 2021, 2021-03, 2021-03-05 or 5/3/2021")
