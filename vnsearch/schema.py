"""The one Whoosh schema, and its version.

One document per paragraph (``kind`` "p") with the article's title copied in, so that BM25F can
weigh title matches; plus one record per article (``kind`` "a") holding its content hash, so
that an update knows what changed. Article records have no text fields and never match a
query. Both kinds carry ``article_id``, so deleting an article is one ``delete_by_term``.
"""

from __future__ import annotations

from whoosh.fields import ID, STORED, TEXT, Schema

from .analysis import EXACT, FOLDED, READINGS

# Bump when the schema or the analysis chain changes what is indexed: an index written with
# another version must be rebuilt, and vnsearch says so instead of answering wrongly.
SCHEMA_VERSION = 3  # 2: readings of compounds; 3: words lane = readings, no exact positions

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


def build_schema() -> Schema:
    return Schema(
        kind=ID(stored=True),
        article_id=ID(stored=True),
        para=STORED,  # 1-based paragraph number
        title=STORED,
        text=STORED,  # the paragraph, NFC, as shown
        date=ID(stored=True),
        source=ID(stored=True),
        url=STORED,
        topic=STORED,
        hash=STORED,  # article records only
        paragraphs=STORED,  # article records only: how many paragraphs
        **{
            # Positions only where phrases are matched: on folded syllables.
            CONTENT_EXACT: TEXT(analyzer=EXACT, phrase=False),
            CONTENT_FOLDED: TEXT(analyzer=FOLDED, phrase=True),
            CONTENT_WORDS: TEXT(analyzer=READINGS, phrase=False),
            TITLE_EXACT: TEXT(analyzer=EXACT, phrase=False),
            TITLE_FOLDED: TEXT(analyzer=FOLDED, phrase=True),
        },
    )
