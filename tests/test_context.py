"""Issue 13: readings by context ("gia vang" → giá vàng, the archive's spelling of the pair)."""

from collections import Counter

from vnsearch.context import choose, count_pairs, sample

ARCHIVE = [
    "Giá vàng hôm nay tăng mạnh, giá vàng SJC lên đỉnh.",
    "Chuyên gia dự báo giá vàng tuần tới.",
    "Giá vàng thế giới giảm.",
    "Một đại gia vàng khác ở Hà Nội.",
    "Gia đình anh có nhiều vàng.",
]


def counts_from(texts):
    return lambda a, b: count_pairs(texts, a, b)


def test_count_pairs_counts_neighbouring_spellings_only():
    counts = count_pairs(ARCHIVE, "gia", "vang")
    assert counts == Counter({("giá", "vàng"): 4, ("gia", "vàng"): 1})  # "gia đình ... vàng" is no pair


def test_count_pairs_reads_spellings_case_tone_style_and_repeats():
    # the passages are scanned only when their folded words hold the pair: every writing of it
    # must still count ("GIÁ VÀNG", the old tone style, NFD text, "a a a" holding "a a" twice)
    texts = ["GIÁ VÀNG tăng", "Thủy lợi, thuỷ lợi", "Gia\u0301 va\u0300ng", "gia gia gia", "giá,vàng"]
    assert count_pairs(texts, "gia", "vang") == Counter({("giá", "vàng"): 3})
    assert count_pairs(texts, "thuy", "loi") == Counter({("thuỷ", "lợi"): 2})
    assert count_pairs(texts, "gia", "gia") == Counter({("gia", "gia"): 2})


def test_counting_stops_when_there_is_enough():
    read = []

    def texts():
        for t in ARCHIVE * 10:
            read.append(t)
            yield t

    counts = count_pairs(texts(), "gia", "vang", enough=6)
    assert sum(counts.values()) >= 6 and len(read) < len(ARCHIVE * 10)


def test_the_pair_the_archive_writes_wins():
    assert choose(["gia", "vang"], counts_from(ARCHIVE)) == ["giá", "vàng"]


def test_no_dominant_spelling_no_reading():
    texts = ["bảo vệ rừng", "bảo vệ môi trường", "bão vệ tinh", "bão vệ tinh đổ bộ"]
    assert choose(["bao", "ve"], counts_from(texts)) == [None, None]


def test_too_few_occurrences_no_reading():
    assert choose(["gia", "vang"], counts_from(ARCHIVE[1:3])) == [None, None]


def test_single_words_are_never_guessed():
    assert choose(["gia"], counts_from(ARCHIVE)) == [None]


def test_the_whole_phrase_decides_a_shared_word():
    # "ban" alone is bán/bàn/bạn; with "hang" it is bán hàng, with "be" it is bạn bè
    texts = ["bán hàng online"] * 5 + ["bạn bè thân"] * 5 + ["bàn ghế"] * 9
    assert choose(["ban", "hang"], counts_from(texts)) == ["bán", "hàng"]
    assert choose(["ban", "be"], counts_from(texts)) == ["bạn", "bè"]
    assert choose(["gia", "vang", "hom", "nay"], counts_from(ARCHIVE * 3))[:2] == ["giá", "vàng"]


def test_sample_spreads_over_the_candidates():
    assert sample(list(range(10)), 20) == list(range(10))
    picked = sample(list(range(1000)), 10)
    assert len(picked) == 10 and picked[0] == 0 and picked[-1] >= 900


def test_restore_by_context_fills_the_words_compounds_left():
    from vnsearch.analysis import analyze
    from vnsearch.context import restore_by_context

    texts = ARCHIVE * 3
    tokens = analyze("gia vang hom nay")
    out = restore_by_context(tokens, counts_from(texts))
    assert [t.exact for t in out] == ["giá", "vàng", "hôm", "nay"]
    assert [t.folded for t in out] == ["gia", "vang", "hom", "nay"]
    assert restore_by_context(analyze("gia, vang"), counts_from(texts)) is None  # not across punctuation
    assert restore_by_context(analyze("xyz abc"), counts_from(texts)) is None
