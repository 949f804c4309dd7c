"""The one Whoosh schema, and its version.

One document per paragraph (``kind`` "p": its text, indexed and stored) and one record per
article (``kind`` "a": its title, indexed once, and its metadata and content hash, stored).
Both carry ``article_id``, so deleting an article is one ``delete_by_term``, and ``akey``, a
number in a column (no postings) that search reads for all documents at once to give each
paragraph its article's title score.
"""

from __future__ import annotations

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema

from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from .analysis import EXACT, FOLDED, READINGS, lane_terms

# Bump when the schema or the analysis chain changes what is indexed: an index written with
# another version must be rebuilt, and vnsearch says so instead of answering wrongly.
SCHEMA_VERSION = 9  # 3: words lane = readings, no exact positions; 4: title once per article;
# 5: the article's file is stored, dates are ISO, portal chrome is not indexed; 6: text keys;
# 7: punctuation takes no position (phrases match across it), topic indexed for topic:/--topic;
# 8: text lanes are LaneText fields (the table of contents names vnsearch.schema.LaneText);
# 9: runs of words that are one word indexed joined too (covid-19 → covid19, TP.HCM → tphcm), "TP." is TP

PARAGRAPH = "p"
ARTICLE = "a"

# Text lanes: (field, analyzer). Paragraph text and title, each accent-exact and folded.
CONTENT_EXACT = "exact"
CONTENT_FOLDED = "folded"
# pyvi's compound words as "ho_tich|hộ_tịch": scored as words ("hộ_tịch" is the term
# "ho_tich|hộ_tịch"), and looked up by prefix for accent restoration ("ho_tich|" → readings).
CONTENT_WORDS = "words"
TITLE_EXACT = "title_exact"
TITLE_FOLDED = "title_folded"


class LaneText(TEXT):
    """A text lane: Whoosh's TEXT field, whose ``index`` reads the terms of vnsearch's analyzers
    from ``analysis.lane_terms`` instead of a stream of Token objects. What it yields is what
    TEXT's ``index`` yields, tuple for tuple (``tests/test_analysis.py``)."""

    def index(self, value, **kwargs):
        terms = lane_terms(self.analyzer, value) if isinstance(value, str) and not kwargs else None
        if terms is None:
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        if type(self.format) is Positions:  # phrase lanes: the positions of each term
            positions: dict[str, list[int]] = {}
            for term, pos in terms:
                positions.setdefault(term, []).append(pos)
            encode = self.format.encode
            for term, poslist in positions.items():
                yield term.encode("utf-8"), len(poslist), float(len(poslist)) * boost, encode(poslist)
        elif type(self.format) is Frequency:
            counts: dict[str, int] = {}
            for term, _ in terms:
                counts[term] = counts.get(term, 0) + 1
            for term, freq in counts.items():
                yield term.encode("utf-8"), freq, float(freq) * boost, pack_uint(freq)
        else:
            yield from super().index(value, **kwargs)


def build_schema() -> Schema:
    return Schema(
        kind=ID(stored=True),
        article_id=ID(stored=True),
        akey=COLUMN(NumericColumn("q")),  # indexer.article_key(article_id)
        para=STORED,  # 1-based paragraph number
        text=STORED,  # paragraphs: the paragraph, NFC, as shown
        title=STORED,  # the rest: article records only
        date=ID(stored=True),  # YYYY-MM-DD: filters read its terms in order
        source=ID(stored=True),
        file=STORED,  # the corpus file it came from: kept when that file cannot be read
        url=STORED,
        topic=ID(stored=True),  # as source: topic:/--topic read its terms
        hash=STORED,
        textkey=STORED,  # Article.text_key: the same article under another id or file
        paragraphs=STORED,  # how many
        **{
            # Positions only where phrases are matched: on folded syllables.
            CONTENT_EXACT: LaneText(analyzer=EXACT, phrase=False),
            CONTENT_FOLDED: LaneText(analyzer=FOLDED, phrase=True),
            CONTENT_WORDS: LaneText(analyzer=READINGS, phrase=False),
            TITLE_EXACT: LaneText(analyzer=EXACT, phrase=False),
            TITLE_FOLDED: LaneText(analyzer=FOLDED, phrase=True),
        },
    )
