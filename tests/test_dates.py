import pytest

from vnsearch.dates import date_bounds, date_in_lines, is_timestamp_line, iso_date


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2020-10-01", "2020-10-01"),
        ("2024-03-05T08:30:00+07:00", "2024-03-05"),
        ("01/10/2020", "2020-10-01"),  # day first, as Vietnamese writes it
        ("1-10-2020 08:59", "2020-10-01"),
        ("ngày 25 tháng 9 năm 2020", "2020-09-25"),
        ("ngày 10/7/2024", "2024-07-10"),
        (1601510400, "2020-10-01"),  # Unix seconds
        (1601510400000, "2020-10-01"),  # JavaScript milliseconds
        ("31/02/2020", None),  # no such day
        ("hôm qua", None),
        (None, None),
    ],
)
def test_iso_date(value, expected):
    assert iso_date(value) == expected


@pytest.mark.parametrize(
    "line, stamp",
    [
        ("(08:59 | 28/09/2020)", True),  # seed 004's stamp
        ("Thứ Hai, 28/09/2020 - 08:59 AM", True),
        ("Cập nhật: 28/09/2020 08:59 GMT+7", True),
        ("Kiên Giang, ngày 25 tháng 9 năm 2020", False),  # a dateline names a place
        ("Chiều 28/10/2020, bão số 9 đổ bộ", False),
    ],
)
def test_timestamp_lines(line, stamp):
    assert is_timestamp_line(line) is stamp


def test_stamp_wins_over_dateline_and_text():
    lines = ["Hội nghị", "(08:59 | 28/09/2020)", "Kiên Giang, ngày 25 tháng 9 năm 2020"]
    assert date_in_lines(lines) == "2020-09-28"
    assert date_in_lines(lines[::2]) == "2020-09-25"


def test_day_and_month_take_the_year_of_their_sentence():
    lead = "- Sáng 10/7, tại Hà Nội, Bộ Tư pháp tổ chức hội nghị sơ kết 6 tháng đầu năm 2024. Năm 2023 thì khác."
    assert date_in_lines(["Tiêu đề", lead]) == "2024-07-10"
    # a year in another sentence is not this date's year
    assert date_in_lines(["Sáng 10/7, Bộ họp.", "Năm 2023 đã qua."]) is None


@pytest.mark.parametrize(
    "value, bounds",
    [
        ("2021", ("2021-01-01", "2021-12-31")),
        ("2020-02", ("2020-02-01", "2020-02-29")),
        ("12/2020", ("2020-12-01", "2020-12-31")),
        ("2021-03-05", ("2021-03-05", "2021-03-05")),
        ("5/3/2021", ("2021-03-05", "2021-03-05")),
    ],
)
def test_date_bounds(value, bounds):
    assert date_bounds(value) == bounds


@pytest.mark.parametrize("value", ["hôm qua", "2021-13", "32/1/2021", ""])
def test_bad_dates_say_how_to_write_them(value):
    with pytest.raises(ValueError, match="2021-03-05"):
        date_bounds(value)
