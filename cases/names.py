"""Name keys: one spelling for the ways a Korean name is written.

A pseudonym may be typed in Hangul (김순옥), in the Revised Romanization (Gim
Sunok), in McCune-Reischauer (Kim Sun'ok, Ch'ŏl) or in the spellings people use
(Kim Sun-ok, Lee, Park, Choi). `name_key()` maps all of them to one string, so
that the duplicate checks (`cases.merging.similar_persons`, `cases.duplicates`)
find the same person whatever the script. The key is deliberately lossy (어/오,
g/k, j/ch, r/l meet): it shortlists candidates for a person to compare, and
never decides on its own.

No dependency: the romanizations on PyPI either follow pronunciation rules
across syllables (박영희 → bagyeonghui), which names do not, or are GPL.
Hangul syllables are arithmetic (Unicode 16.0, section 3.12).
"""

import re
import unicodedata

HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
# The Revised Romanization of the 19 initial consonants, 21 vowels and 28 finals
# (none, then ㄱ ㄲ ㄳ ㄴ ㄵ ㄶ ㄷ ㄹ ㄺ ㄻ ㄼ ㄽ ㄾ ㄿ ㅀ ㅁ ㅂ ㅄ ㅅ ㅆ ㅇ ㅈ ㅊ ㅋ ㅌ ㅍ ㅎ), in
# Unicode's order; "-" is nothing (the silent ㅇ, no final).
INITIALS = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "-", "j", "jj"]
INITIALS += ["ch", "k", "t", "p", "h"]
VOWELS = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo"]
VOWELS += ["u", "wo", "we", "wi", "yu", "eu", "ui", "i"]
FINALS = ["-", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p"]
FINALS += ["l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]


def is_hangul(character):
    return HANGUL_FIRST <= ord(character) <= HANGUL_LAST


def romanize_syllable(syllable):
    """One Hangul syllable in the Revised Romanization, as a name is written
    (no sound changes across syllables): 김 → gim, 옥 → ok, 철 → cheol."""
    index = ord(syllable) - HANGUL_FIRST
    initial, rest = divmod(index, 21 * 28)
    vowel, final = divmod(rest, 28)
    return "".join(
        part for part in (INITIALS[initial], VOWELS[vowel], FINALS[final]) if part != "-"
    )


def romanize(text):
    """Hangul syllables in the Revised Romanization, syllable by syllable; any
    other character as it is: 김순옥 → gimsunok, 김 순옥 → gim sunok."""
    return "".join(romanize_syllable(c) if is_hangul(c) else c for c in text)


# The spellings of one sound, in the order they are rewritten. Vowels first
# (ŏ and ŭ have already lost their breve): 영 is yeong, yŏng, young, yong.
VOWEL_SPELLINGS = [
    ("eo", "o"),
    ("eu", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ou", "o"),
    ("ui", "i"),
    ("ae", "e"),
    # 어 is written eo, ŏ, o and u (철: cheol, ch'ŏl, chol, chul): o and u meet.
    ("u", "o"),
]
# Then consonants: RR writes the voiced letter, McCune-Reischauer the voiceless.
CONSONANT_SPELLINGS = [("sh", "s"), ("j", "ch"), ("g", "k"), ("d", "t"), ("b", "p"), ("r", "l")]
# An h after a vowel and before none is a spelling habit (Ahn, Sohn, Noh, Oh).
SILENT_H = re.compile(r"(?<=[aeiouwy])h(?![aeiouwy])")
DOUBLED = re.compile(r"(.)\1+")


def skeleton(word):
    """A Latin word's sound, as far as Korean romanizations tell it apart:
    Yŏng-ch'ŏl, Yeongcheol and Young-chul all give "yonkchol"."""
    word = unicodedata.normalize("NFKD", word.lower())
    word = "".join(c for c in word if c.isalnum() and not unicodedata.combining(c))
    for spelling, sound in VOWEL_SPELLINGS:
        word = word.replace(spelling, sound)
    word = SILENT_H.sub("", word)
    for spelling, sound in CONSONANT_SPELLINGS:
        word = word.replace(spelling, sound)
    word = word.replace("chch", "ch").replace("tch", "ch")
    return DOUBLED.sub(r"\1", word)


# Family names and the ways they are spelt; the first spelling is the Revised
# Romanization, which Hangul becomes. North Korea keeps the initial r (리, 류, 림).
SURNAMES = [
    ("gim", "kim", "ghim"),
    ("i", "lee", "yi", "rhee", "ri", "li", "rhie", "yie", "ree"),
    ("bak", "park", "pak", "bahk", "parc"),
    ("choe", "choi", "chwe", "choy", "chey"),
    ("jeong", "jung", "chung", "cheong", "chong", "joung"),
    ("gang", "kang"),
    ("jo", "cho"),
    ("yun", "yoon", "youn"),
    ("jang", "chang"),
    ("im", "lim", "rim", "yim", "leem"),
    ("han", "hahn"),
    ("o", "oh"),
    ("seo", "suh", "sur", "seoh"),
    ("sin", "shin", "sheen"),
    ("gwon", "kwon", "kweon"),
    ("hwang",),
    ("an", "ahn"),
    ("song",),
    ("yu", "yoo", "you", "ryu", "lyu", "rhyu"),
    ("jeon", "jun", "chun", "chon", "jon"),
    ("hong",),
    ("go", "ko", "koh"),
    ("mun", "moon"),
    ("yang", "ryang"),
    ("son", "sohn"),
    ("bae", "pae", "bai"),
    ("baek", "paek", "paik", "baik"),
    ("heo", "hur", "huh", "her"),
    ("nam",),
    ("no", "noh", "roh", "ro"),
    ("ha",),
    ("gwak", "kwak"),
    ("seong", "sung"),
    ("cha",),
    ("ju", "joo", "choo"),
    ("u", "woo", "wu"),
    ("gu", "koo", "ku"),
    ("min",),
    ("na", "ra"),
    ("jin", "chin"),
    ("ji", "chi"),
    ("eom", "um", "uhm"),
    ("chae",),
    ("won",),
    ("bang", "pang"),
    ("gong", "kong"),
    ("hyeon", "hyun"),
    ("ham",),
    ("byeon", "byun", "pyon", "pyun"),
    ("ryeom", "yeom", "yum"),
    ("do", "doh"),
    ("seok", "suk"),
    ("gil", "kil"),
    ("pyo",),
    ("myeong", "myung"),
]


def _surname_table():
    table = {}
    for canonical, *spellings in SURNAMES:
        for spelling in (canonical, *spellings):
            table.setdefault(skeleton(spelling), skeleton(canonical))
    return table


SURNAME_SOUNDS = _surname_table()


def words(name):
    """The name's words, Hangul romanized; a Hangul word's first syllable is a word
    of its own (the family name of 김순옥, as in "Kim Sun-ok")."""
    result = []
    for word in name.split():
        if len(word) > 1 and is_hangul(word[0]) and is_hangul(word[1]) and not result:
            result.append(romanize_syllable(word[0]))
            word = word[1:]
        result.append(romanize(word))
    return result


def name_key(name):
    """The key of a name: equal for the spellings of one name in Hangul and Latin.

    Kim Sun-ok, KIM Sunok, Gim Sun Ok, Sun-ok Kim and 김순옥 all give "kimsonok".
    The family name is read first, or last when only the last word is one.
    """
    sounds = [skeleton(word) for word in words(name or "")]
    sounds = [sound for sound in sounds if sound]
    if len(sounds) > 1 and sounds[0] not in SURNAME_SOUNDS and sounds[-1] in SURNAME_SOUNDS:
        sounds = [sounds[-1], *sounds[:-1]]
    if sounds:
        sounds[0] = SURNAME_SOUNDS.get(sounds[0], sounds[0])
    return "".join(sounds)
