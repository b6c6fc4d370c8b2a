"""Name keys: one spelling for a Korean name in Hangul and its romanizations (cases/names.py)."""

import pytest

from cases import names


@pytest.mark.parametrize(
    ("hangul", "expected"),
    [
        ("김", "gim"),
        ("순옥", "sunok"),
        ("철", "cheol"),
        ("희", "hui"),
        ("닭", "dak"),  # a double final
        ("값", "gap"),
        ("쌍", "ssang"),
        ("뷁", "bwek"),  # ㅂ ㅞ ㄺ: b, we, k
        ("Kim 김", "Kim gim"),  # other characters as they are
    ],
)
def test_hangul_is_romanized_syllable_by_syllable(hangul, expected):
    assert names.romanize(hangul) == expected


def test_the_tables_cover_every_jamo():
    assert (len(names.INITIALS), len(names.VOWELS), len(names.FINALS)) == (19, 21, 28)
    assert names.romanize_syllable(chr(names.HANGUL_LAST)) == "hit"  # 힣


@pytest.mark.parametrize(
    "spellings",
    [
        [
            "김순옥",
            "Kim Sun-ok",
            "KIM Sunok",
            "Gim Sun Ok",
            "kim sun-ok",
            "Sun-ok Kim",
            "Kim Sun'ok",
        ],
        [
            "이영철",
            "Lee Young-chul",
            "Yi Yeongcheol",
            "Rhee Yong Chol",
            "Ri Yŏng-ch'ŏl",
            "I Yeongcheol",
        ],
        ["박영희", "Park Young-hee", "Bak Yeonghui", "Pak Yŏng-hŭi"],
        ["최선희", "Choi Sun-hee", "Choe Seonhui", "Ch'oe Sŏn-hŭi"],
        ["정은", "Jung Eun", "Chŏng Ŭn", "Jeong Eun"],
        ["안철수", "Ahn Cheol-soo", "An Ch'ŏl-su"],
    ],
)
def test_the_spellings_of_one_name_share_a_key(spellings):
    keys = {spelling: names.name_key(spelling) for spelling in spellings}
    assert len(set(keys.values())) == 1, keys


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("김순옥", "박순옥"),
        ("Kim Sun-ok", "Kim Mi-ra"),
        ("Witness 12", "Witness 13"),
        ("이영철", "이영희"),
    ],
)
def test_different_names_keep_different_keys(one, other):
    assert names.name_key(one) != names.name_key(other)


def test_an_empty_name_has_an_empty_key():
    assert names.name_key("") == names.name_key("  - ") == names.name_key(None) == ""


def test_no_spelling_is_two_family_names():
    sounds = {}
    for canonical, *spellings in names.SURNAMES:
        for spelling in (canonical, *spellings):
            sounds.setdefault(names.skeleton(spelling), set()).add(names.skeleton(canonical))
    assert {sound: found for sound, found in sounds.items() if len(found) > 1} == {}
