"""Issue 13: query words the index lacks, read as Telex/VNI or corrected; words it holds never
rewritten."""

from vnsearch.analysis import analyze
from vnsearch.interpret import fix_tokens, fix_word
from vnsearch.spelling import Corrector
from vnsearch.text import fold


class FakeLexicon:
    """An index holding these exact words with these paragraph counts."""

    def __init__(self, words):
        self.exact = dict(words)
        self.folded = {}
        for w, n in words.items():
            self.folded[fold(w)] = self.folded.get(fold(w), 0) + n
        self.corrector = Corrector.from_counts(self.folded.items())

    def folded_df(self, term):
        return self.folded.get(term, 0)

    def exact_df(self, term):
        return self.exact.get(term, 0)


LEX = FakeLexicon({"hộ": 50, "họ": 80, "tịch": 30, "đường": 40, "for": 3, "mass": 3, "covid": 4000,
                   "covit": 1, "samsung": 300, "chó": 10, "chòe": 3, "má": 5, "2020": 100})


def fixed(query):
    tokens, fixes = fix_tokens(analyze(query), LEX)
    return " ".join(t.exact for t in tokens), [(f.typed, f.reading, f.how) for f in fixes]


def test_telex_and_vni_are_read_as_the_syllables_the_index_holds():
    assert fixed("hooj tichj") == ("hộ tịch", [("hooj", "hộ", "keyboard"), ("tichj", "tịch", "keyboard")])
    assert fixed("ho65 tich5") == ("hộ tịch", [("ho65", "hộ", "keyboard"), ("tich5", "tịch", "keyboard")])
    assert fixed("dduowngf")[0] == "đường"


def test_words_the_index_holds_are_never_rewritten():
    # English words are real words; so are unaccented syllables and an indexed typo's twin
    assert fixed("for mass") == ("for mass", [])
    assert fixed("ho tich") == ("ho tich", [])
    assert fixed("chó") == ("chó", [])


def test_a_word_that_finds_nothing_is_corrected():
    assert fixed("Samsumg") == ("samsung", [("samsumg", "samsung", "typo")])


def test_typos_only_suggested_when_asked():
    tokens, fixes = fix_tokens(analyze("Samsumg"), LEX, correct=False)
    assert [t.exact for t in tokens] == ["samsumg"] and [f.how for f in fixes] == ["suggestion"]


def test_a_word_that_finds_almost_nothing_gets_a_suggestion_and_stays():
    # the archive has one "covit" (its own typo): it is searched, covid is suggested
    assert fixed("covit") == ("covit", [("covit", "covid", "suggestion")])


def test_numbers_and_codes_are_not_corrected():
    assert fixed("2021") == ("2021", [])
    assert fixed("u24") == ("u24", [])


def test_a_syllable_typed_with_its_marks_is_not_corrected():
    # "phố" is not in this index, "hộ" is one edit away: still, the user typed a real syllable
    assert fixed("phố") == ("phố", [])
    assert fixed("Sámsumg")[0] == "samsung"  # marks on a word that is no syllable: a typo


def test_nothing_near_enough_nothing_done():
    assert fix_word(analyze("xyzzyq")[0], LEX) is None


def test_index_lexicon_reads_the_index(tmp_path):
    import vnsearch
    from vnsearch.interpret import IndexLexicon
    from vnsearch.search import Searcher

    from .conftest import write_articles

    corpus = write_articles(
        tmp_path / "c",
        {
            "a": "Giá vàng tăng\nGiá vàng hôm nay tăng. Giá vàng SJC cao. Giá vàng thế giới.",
            "b": "Covid\nSố ca mắc covid giảm, covid đã được kiểm soát nhờ vắc xin.",
            "c": "Hộ tịch\nĐăng ký hộ tịch tại xã. Một đại gia vàng khác.",
        },
    )
    index_dir = str(tmp_path / "ix")
    vnsearch.update_index(str(corpus), index_dir)
    with Searcher(index_dir) as s:
        lex = IndexLexicon(s._cache, s._reader)
        assert lex.folded_df("covid") == 2 and lex.folded_df("covit") == 0  # a paragraph and a title
        assert lex.exact_df("hộ") == 2 and lex.exact_df("ho") == 0  # its paragraph and its title
        assert lex.corrector.correct("covit") == "covid"
        assert lex.corrector.correct("kovid") == "covid"
        assert lex.corrector.correct("covid") is None
        assert lex.pair_counts("gia", "vang") == {("giá", "vàng"): 3, ("gia", "vàng"): 1}  # the title is not a paragraph
        # document frequencies are remembered per lane and term: asked again, in any order,
        # each is its own (and what the reader says)
        asks = [("folded", "ho"), ("exact", "hộ"), ("folded", "gia"), ("exact", "ho"), ("exact", "giá"), ("folded", "hộ")]
        for lane, term in asks + asks[::-1] + asks:
            got = lex.folded_df(term) if lane == "folded" else lex.exact_df(term)
            fields = ("folded", "title_folded") if lane == "folded" else ("exact", "title_exact")
            assert got == sum(s._reader.doc_frequency(f, term) for f in fields), (lane, term)
        assert (lex.folded_df("ho"), lex.exact_df("ho"), lex.exact_df("hộ")) == (2, 0, 2)
