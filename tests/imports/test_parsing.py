"""Cell values as partnering platforms and Excel write them."""

import datetime as dt

import pytest

from events.imports import guess_date_order, guess_mapping, parse_date, parse_time_range, split_person_name


@pytest.mark.parametrize(
    "text",
    [
        "2026-10-08",
        "2026/10/08",
        "08/10/2026",
        "8.10.2026",
        "8 Oct 2026",
        "Thu 8 Oct 2026",
        "2026年10月8日",
        "2026/10/08 (木)",
        dt.datetime(2026, 10, 8, 0, 0),
        dt.date(2026, 10, 8),
    ],  # fmt: skip
)
def test_dates(text):
    assert parse_date(text) == dt.date(2026, 10, 8)


@pytest.mark.parametrize("text", ["31/02/2026", "next Tuesday", "2026-13-01"])
def test_bad_dates(text):
    with pytest.raises(ValueError, match="is not a date"):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("10:00", dt.time(10), None),
        ("10.30", dt.time(10, 30), None),
        ("2:30 pm", dt.time(14, 30), None),
        ("10時30分", dt.time(10, 30), None),
        ("10:00-10:30", dt.time(10), dt.time(10, 30)),
        ("10:00 〜 10:45", dt.time(10), dt.time(10, 45)),
        ("１０：００", dt.time(10), None),  # full-width digits from Japanese input
        (dt.time(9, 15), dt.time(9, 15), None),
    ],
)
def test_times(text, start, end):
    assert parse_time_range(text) == (start, end)


@pytest.mark.parametrize(
    ("text", "given", "family", "native"),
    [
        ("佐藤 健", "健", "佐藤", "佐藤 健"),
        ("佐藤 健 様", "健", "佐藤", "佐藤 健"),
        ("Ken Sato", "Ken", "Sato", ""),
        ("SATO Ken", "Ken", "Sato", ""),
        ("Dr Ken Sato", "Ken", "Sato", ""),
    ],
)
def test_contact_person_names(text, given, family, native):
    parts = split_person_name(text)
    assert (parts["given_name"], parts["family_name"], parts["name_native"]) == (given, family, native)


def test_japanese_headers_are_recognised():
    mapping = guess_mapping("meetings", ["日付", "時間", "テーブル", "担当者", "会社名", "ステータス", "Our delegate"])
    assert mapping == {
        "date": "日付",
        "time": "時間",
        "table": "テーブル",
        "contact": "担当者",
        "company_native": "会社名",
        "status": "ステータス",
        "delegates": "Our delegate",
    }


@pytest.mark.parametrize(
    ("values", "order"),
    [
        (["08/10/2026", "23/10/2026"], "dmy"),
        (["10/08/2026", "10/23/2026"], "mdy"),
        (["10/08/2026"], "dmy"),  # ambiguous: the UK, European and Japanese order
        (["2026-10-23", "8 Oct 2026"], "dmy"),
        (["13/10/2026", "10/13/2026"], "dmy"),  # contradictory: day first, the bad rows are reported
        ([], "dmy"),
    ],
)
def test_guess_date_order(values, order):
    assert guess_date_order(values) == order


def test_month_first_parsing():
    assert parse_date("10/08/2026", month_first=True) == dt.date(2026, 10, 8)
    assert parse_date("10/08/2026") == dt.date(2026, 8, 10)
    assert parse_date("2026-10-08", month_first=True) == dt.date(2026, 10, 8)
    assert parse_date("Oct 8, 2026", month_first=True) == dt.date(2026, 10, 8)
