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
