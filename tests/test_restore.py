from dataclasses import replace

import vnsearch
from vnsearch.analysis import analyze
from vnsearch.restore import build_vocabulary, reading, restore_tokens

from .conftest import SEED_004, write_articles

VOCAB = build_vocabulary([("hộ_tịch", 12), ("hồ_tích", 1), ("đấu_giá", 5), ("tài_sản", 9), ("bảo_vệ", 3), ("bao_vây", 3)])


def test_dominant_reading_is_restored():
    assert reading("ho tich", VOCAB.get) == "hộ tịch"
    assert reading("dau gia tai san", VOCAB.get) == "đấu giá tài sản"


def test_no_clear_reading_no_restoration():
    vocab = build_vocabulary([("bảo_vệ", 3), ("bão_vệ", 3)])
    assert reading("bao ve", vocab.get) is None


def test_typed_diacritics_and_long_queries_are_left_alone():
    assert restore_tokens(analyze("hộ tich"), VOCAB.get) is None
    assert restore_tokens(analyze("ho tich la gi va o dau vay"), VOCAB.get) is None


def test_restoration_never_crosses_punctuation():
    assert reading("ho, tich", VOCAB.get) is None


def test_ho_tich_on_the_seeds_is_read_as_ho_tich(seed_index):
    results = vnsearch.search("ho tich", seed_index)
    assert results.interpreted_as == "hộ tịch"
    assert results.to_dict()["interpreted_as"] == "hộ tịch"
    assert results.hits[0].article_id == SEED_004


def test_likely_reading_first_other_readings_below(tmp_path):
    corpus = write_articles(
        tmp_path / "c",
        {
            "a1": "A\nĐăng ký hộ tịch tại xã.",
            "a2": "B\nSổ hộ tịch được số hoá.",
            "a3": "C\nCán bộ hộ tịch cấp xã.",
            "other": "D\nHồ tích nước mưa cho mùa khô, hồ tích nước.",
        },
    )
    index_dir = str(tmp_path / "ix")
    vnsearch.update_index(str(corpus), index_dir)
    results = vnsearch.search("ho tich", index_dir)
    order = [h.article_id for h in results.hits]
    assert results.interpreted_as == "hộ tịch"
    assert order[-1] == "other" and set(order) == {"a1", "a2", "a3", "other"}
    plain = vnsearch.search("ho tich", index_dir, restore_accents=False)
    assert plain.interpreted_as is None and plain.hits[0].article_id == "other"  # tf 2 wins unrestored


# --------------------------------------------------------------------------- long queries: read as the top articles write them

from vnsearch.analysis import text_tokens  # noqa: E402
from vnsearch.restore import read_by_feedback, wants_feedback  # noqa: E402


def _read(query: str, *texts: str, df=lambda reading: 1) -> str:
    return " ".join(read_by_feedback([t.folded for t in text_tokens(query)], [text_tokens(t) for t in texts], df))


def test_a_long_query_is_read_as_the_top_articles_write_it():
    # "ban" is bán at a market and bạn in a letter: the articles found decide, not the corpus
    market = "Người bán hàng cho biết giá rau hôm nay tăng mạnh. Bán hàng ế vì mưa."
    letter = "Bạn bè cho biết hôm nay bạn Hằng tặng quà. Bạn hằng mong gặp lại."
    assert _read("nguoi ban hang cho biet gia rau hom nay tang", market) == "người bán hàng cho biết giá rau hôm nay tăng"
    assert _read("ban hang cho biet hom nay", letter) == "bạn hằng cho biết hôm nay"


def test_pairs_decide_where_single_syllables_would_not():
    # "tang" alone is tăng more often in these texts, but "tặng quà" is the pair written
    texts = ["Giá tăng, lương tăng, thuế tăng.", "Anh tặng quà cho mẹ."]
    assert _read("anh tang qua cho me hom qua", *texts).startswith("anh tặng quà cho mẹ")


def test_the_corpus_breaks_a_tie_the_articles_leave():
    texts = ["Đi chợ mua cá.", "Đi chơi mua cà."]  # "ca" as cá once and cà once, no pair to choose
    often = {"cá": 50, "cà": 2}
    assert _read("ca", *texts, df=lambda r: often.get(r, 0)) == "cá"
    assert _read("ca", *texts, df=lambda r: {"cá": 2, "cà": 50}.get(r, 0)) == "cà"


def test_a_syllable_the_articles_lack_stays_as_typed():
    assert _read("gia vang xyz tang", "Giá vàng tăng mạnh.") == "giá vàng xyz tăng"


LONG = "nguoi ban hang o cho cho biet hom nay gia rau cu qua tang manh"  # 15 syllables


def test_only_long_unaccented_queries_are_read_from_the_articles():
    assert wants_feedback(analyze(LONG))
    assert not wants_feedback(analyze("ban hang o cho cho biet hom nay gia rau cu qua tang manh"))  # 14
    assert not wants_feedback(analyze("ban hang tang gia"))  # short: the corpus's compounds (above)
    assert not wants_feedback(analyze("người " + LONG[6:]))  # typed with a diacritic


def test_the_top_articles_reading_ranks_whole_articles(tmp_path):
    # x holds every syllable, in another reading, in the shortest text: unread, it wins; the
    # articles found write "bán hàng tăng giá" (y, z), and read so the query finds y first
    corpus = write_articles(
        tmp_path / "c",
        {
            "x": "X\nBạn Hằng tặng già rau củ quả. Chợ hôm nay đông, người mua nói gì?",
            "y": "Y\nNgười bán hàng tăng giá rau củ quả sau bão. Chợ hôm nay đông người mua, ai cũng nói giá cao.",
            "z": "Z\nBán hàng tăng giá dịp Tết. Nhiều người bán hàng tăng giá rau.",
        },
    )
    index_dir = str(tmp_path / "ix")
    vnsearch.update_index(str(corpus), index_dir)
    # (the query's adjacent pairs over whole articles are left out: x writes the query's folded
    # syllables in its order, and those pairs would put it first whatever the reading)
    with vnsearch.Searcher(index_dir, replace(vnsearch.Weights(), pairs=0)) as s:
        read = s.search("ban hang tang gia rau cu qua, cho hom nay dong nguoi mua noi gi", one_per_article=True)
        unread = s.search("ban hang tang gia rau cu qua, cho hom nay dong nguoi mua noi gi", one_per_article=True,
                          restore_accents=False)
    assert read.interpreted_as == "bán hàng tăng giá rau củ quả, chợ hôm nay đông người mua nói gì"
    assert read.hits[0].article_id == "y"
    assert unread.interpreted_as is None and unread.hits[0].article_id == "x"
    # the typed words still decide what matches, in any reading: only x holds them all (y lacks "gi")
    assert read.total == unread.total == 1


def test_the_reading_keeps_the_typed_case_and_punctuation(tmp_path):
    corpus = write_articles(tmp_path / "c", {"a": "A\nÔng Nguyễn Văn Hùng, Chủ tịch UBND tỉnh, cho biết hôm nay giá vàng tăng mạnh."})
    index_dir = str(tmp_path / "ix")
    vnsearch.update_index(str(corpus), index_dir)
    results = vnsearch.search("Ong Nguyen Van Hung, Chu tich UBND tinh, cho biet hom nay gia vang tang manh", index_dir)
    assert results.interpreted_as == "Ông Nguyễn Văn Hùng, Chủ tịch UBND tỉnh, cho biết hôm nay giá vàng tăng mạnh"
