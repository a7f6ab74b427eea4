"""One organisation written many ways gives one key; near-namesakes give different ones."""

import pytest

from contacts.identity.names import name_keys, organisation_keys, query_keys


def shares_a_key(typed: str, *stored: str) -> bool:
    return bool(set(query_keys(typed)) & set(organisation_keys(*stored)))


@pytest.mark.parametrize(
    "typed",
    [
        "Ajinomoto Co., Inc.",
        "AJINOMOTO CO.,INC.",
        "味の素株式会社",
        "「味の素株式会社」",
        "味の素（株）",
        "㈱味の素",
        "Ａｊｉｎｏｍｏｔｏ",
    ],
)
def test_legal_forms_widths_brackets_and_scripts_are_set_aside(typed):
    assert shares_a_key(typed, "Ajinomoto", "味の素")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Takeda Pharmaceutical Company Limited", ("Takeda Pharmaceutical", "武田薬品工業")),
        ("武田薬品工業株式会社", ("Takeda Pharmaceutical", "武田薬品工業")),
        ("Sysmex K.K.", ("Sysmex", "シスメックス")),
        ("ｼｽﾒｯｸｽ株式会社", ("Sysmex", "シスメックス")),  # half-width katakana
        ("Chugai", ("中外",)),  # the reading of the native name
        ("Kyowa Kirin Co., Ltd.", ("協和キリン",)),
        ("国立大学法人東京大学", ("University of Tokyo", "東京大学")),
        ("Takeda Yakuhin Kōgyō", ("Takeda Pharmaceutical", "武田薬品工業")),  # long vowels, any spelling
    ],
)
def test_the_same_organisation_shares_a_key(typed, stored):
    assert shares_a_key(typed, *stored)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("武田食品", ("武田薬品",)),
        ("Takeda Foods", ("Takeda Pharmaceutical", "武田薬品工業")),
        ("Kyowa Hakko Bio", ("Kyowa Kirin", "協和キリン")),
        ("大塚化学", ("大塚製薬",)),
        ("Ono Pharmaceutical", ("Otsuka Pharmaceutical", "大塚製薬")),
    ],
)
def test_near_namesakes_do_not(typed, stored):
    assert not shares_a_key(typed, *stored)


def test_a_name_that_is_only_a_legal_form_is_kept():
    assert name_keys("Company") == {"n:company": "name"}
    assert name_keys("株式会社") == {"j:株式会社": "native name", "r:kabushikigaisha": "reading"}
