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

from whoosh.formats import Frequency, Positions, tokens
from whoosh.system import pack_uint

from .analysis import EXACT, FOLDED, READINGS, lane_terms

# Bump when the schema or the analysis chain changes what is indexed: an index written with
# another version must be rebuilt, and vnsearch says so instead of answering wrongly.
SCHEMA_VERSION = 16  # 3: words lane = readings, no exact positions; 4: title once per article;
# 5: the article's file is stored, dates are ISO, portal chrome is not indexed; 6: text keys;
# 7: punctuation takes no position (phrases match across it), topic indexed for topic:/--topic;
# 8: text lanes are LaneText fields (the table of contents names vnsearch.schema.LaneText);
# 9: runs of words that are one word indexed joined too (covid-19 → covid19, TP.HCM → tphcm), "TP." is TP;
# 10: a run's joined word adds nothing to the field's length (LanePositions, LaneFrequency)
# 11: the compact index format (compact.CompactCodec: binary postings blocks, stored fields
# compressed in blocks of documents)
# 12: the compact codec's term dictionary: sorted front-coded blocks (termdict.py), not W3's hash table
# 13: stored fields as a zstd frame a document with a dictionary trained per segment (compact.StoredColumn)
# 14: postings blocks as raw deflate at level 9 (no zlib header or checksum: compact.POSTINGS_LEVEL)
# 15: term infos without their postings offset: the term dictionary's extents (termdict, b"VNT3")
# 16: one-posting terms: no empty gaps array or whole weight in the block, the term info's numbers once (_TI_ONE)

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


# A field's length (BM25's length normalization, by paragraph and by article) is what Whoosh's
# writer adds up of the second value ``index`` yields for each term, its "freq"; the postings
# keep the weight and the value. The token of a run of words that is one word ("covid19" for
# "covid-19", "tphcm" for "TP.HCM") stands for words already counted: its occurrences as a run
# are left out of that freq, so joining adds no length and a paragraph scores its words as it
# would without the joined word (issue 13: "iPhone 12" lengthened every paragraph naming it).


def _counted(token) -> bool:
    """Whether a token counts in its field's length: not a run's joined word."""
    return not getattr(token, "variant", False)


class LanePositions(Positions):
    """Whoosh's Positions, with a joined run's token left out of the length (see above)."""

    def word_values(self, value, analyzer, **kwargs):
        poses: dict[str, list[int]] = {}
        weights: dict[str, float] = {}
        counted: dict[str, int] = {}
        kwargs["positions"] = True
        kwargs["boosts"] = True
        for t in tokens(value, analyzer, kwargs):
            poses.setdefault(t.text, []).append(t.pos)
            weights[t.text] = weights.get(t.text, 0.0) + t.boost
            counted[t.text] = counted.get(t.text, 0) + _counted(t)
        for w, poslist in poses.items():
            yield w, counted[w], weights[w] * self.field_boost, self.encode(poslist)


class LaneFrequency(Frequency):
    """Whoosh's Frequency, with a joined run's token left out of the length (see above)."""

    def word_values(self, value, analyzer, **kwargs):
        freqs: dict[str, int] = {}
        weights: dict[str, float] = {}
        counted: dict[str, int] = {}
        kwargs["boosts"] = True
        for t in tokens(value, analyzer, kwargs):
            freqs[t.text] = freqs.get(t.text, 0) + 1
            weights[t.text] = weights.get(t.text, 0.0) + t.boost
            counted[t.text] = counted.get(t.text, 0) + _counted(t)
        return ((w, counted[w], weights[w] * self.field_boost, pack_uint(freq)) for w, freq in freqs.items())


class LaneText(TEXT):
    """A text lane: Whoosh's TEXT field, whose ``index`` reads the terms of vnsearch's analyzers
    from ``analysis.lane_terms`` instead of a stream of Token objects. What it yields is what
    TEXT's ``index`` yields through its format (``LanePositions``, ``LaneFrequency``), tuple
    for tuple (``tests/test_analysis.py``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lane_format = {Positions: LanePositions, Frequency: LaneFrequency}.get(type(self.format))
        if lane_format is not None:
            self.format = lane_format(field_boost=self.format.field_boost)

    def index(self, value, **kwargs):
        terms = lane_terms(self.analyzer, value) if isinstance(value, str) and not kwargs else None
        if terms is None:
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        if type(self.format) is LanePositions:  # phrase lanes: the positions of each term
            positions: dict[str, list[int]] = {}
            runs: dict[str, int] = {}  # how many of them are a joined run's token
            for term, pos, run in terms:
                positions.setdefault(term, []).append(pos)
                if run:
                    runs[term] = runs.get(term, 0) + 1
            encode = self.format.encode
            for term, poslist in positions.items():
                yield (term.encode("utf-8"), len(poslist) - runs.get(term, 0), float(len(poslist)) * boost,
                       encode(poslist))
        elif type(self.format) is LaneFrequency:
            counts: dict[str, int] = {}
            runs = {}
            for term, _, run in terms:
                counts[term] = counts.get(term, 0) + 1
                if run:
                    runs[term] = runs.get(term, 0) + 1
            for term, freq in counts.items():
                yield term.encode("utf-8"), freq - runs.get(term, 0), float(freq) * boost, pack_uint(freq)
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
