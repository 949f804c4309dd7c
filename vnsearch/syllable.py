"""Well-formed Vietnamese syllables: initial consonant, rime, tone.

Used to tell a syllable from a foreign word or a typing accident: a Telex or VNI decoding
("hooj" → hộ) is kept only when it is a syllable, and a word that is no syllable ("covid",
"samsumg") may be corrected at a larger edit distance. Pure string code; the grammar is the
standard one (initials, the ~150 rimes with their vowel marks, and the rule that a rime ending
in p, t, c or ch carries only the sắc or nặng tone), with the spelling rules of c/k/q,
g/gh, ng/ngh and gi.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import NamedTuple

from .text import TONE_MARKS, fold

# Tone names by their combining mark; "" is ngang (no mark).
TONES = {"\u0301": "sắc", "\u0300": "huyền", "\u0309": "hỏi", "\u0303": "ngã", "\u0323": "nặng"}
TONE_MARK = {name: mark for mark, name in TONES.items()}

INITIALS = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)

_RIMES = """
a ac ach ai am an ang anh ao ap at au ay
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e ec em en eng eo ep et
ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
y yêm yên yêng yêt yêu
o oc oi om on ong op ot oong ooc
ô ôc ôi ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u ua uc ui um un ung up ut uôc uôi uôm uôn uông uôt
ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt
oe oen oeo oet
uân uâng uât uây uê uêch uên uênh uêt uy uya uych uyên uyêt uynh uyt uyu uơ
"""
RIMES = frozenset(_RIMES.split())
# After "qu" the u is the initial's: the rime is one without a medial u ("quốc" = qu + ôc).
_QU_RIMES = frozenset(
    {r[1:] for r in RIMES if r[0] == "u" and len(r) > 1 and r[1] in "âêyơ"}
    | {r for r in RIMES if r[0] in "aăeê"}
    | {"i", "ich", "in", "inh", "it", "ôc"}
)
_STOPPED = ("p", "t", "c", "ch")  # finals that allow only sắc and nặng
_FRONT = ("i", "e", "ê", "y")  # vowels before which k, gh, ngh are written (and c, g, ng are not)
VOWELS = frozenset("aăâeêioôơuưy")


class Syllable(NamedTuple):
    initial: str
    rime: str  # lowercase, vowel marks kept, no tone
    tone: str  # "" (ngang) or one of TONES' names


def split_tone(syllable: str) -> tuple[str, str]:
    """(the syllable without its tone mark, NFC; the tone's name or "")."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [c for c in decomposed if c in TONE_MARKS]
    if len(tones) > 1:
        return syllable, "?"
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    return bare, TONES[tones[0]] if tones else ""


@lru_cache(maxsize=50_000)
def parse(word: str) -> Syllable | None:
    """The initial, rime and tone of a lowercase syllable, or None when ``word`` is not a
    well-formed Vietnamese syllable ("for", "covid", "tp", "chòe" is one, "chóe" too)."""
    bare, tone = split_tone(unicodedata.normalize("NFC", word))
    if tone == "?" or not bare:
        return None
    for initial in INITIALS:
        if not bare.startswith(initial):
            continue
        rime = bare[len(initial):]
        if _well_formed(initial, rime, tone):
            return Syllable(initial, rime, tone)
    return None


def _well_formed(initial: str, rime: str, tone: str) -> bool:
    if initial == "qu":
        if rime not in _QU_RIMES:
            return False
    elif rime not in RIMES:
        if not (initial == "g" and rime.startswith("i") and rime in RIMES):
            return False
    if rime.endswith(_STOPPED) and tone not in ("sắc", "nặng"):
        return False
    front = rime.startswith(_FRONT)
    if initial in ("k", "gh", "ngh") and not front:
        return False
    if initial in ("c", "ng") and front:
        return False
    if initial == "g" and front and not rime.startswith("i"):
        return False  # "ge" is written "ghe"; "gì"/"gìn" are the exceptions (g + i)
    if rime.startswith("yê") and initial not in ("", "qu"):
        return False  # "yên", but "quyên" is qu + yên above and "tiên" is t + iên
    return True


def is_syllable(word: str) -> bool:
    """True for a well-formed Vietnamese syllable, lowercase, any tone ("hộ", "quốc", "gì",
    "nghiêng"); False for foreign words, abbreviations and numbers ("for", "tp", "covid19")."""
    return parse(word) is not None


_FOLDED_RIMES = frozenset(fold(r) for r in RIMES)
_FOLDED_QU_RIMES = frozenset(fold(r) for r in _QU_RIMES)
_FOLDED_INITIALS = tuple(dict.fromkeys(fold(i) for i in INITIALS))


@lru_cache(maxsize=50_000)
def could_be_syllable(word: str) -> bool:
    """True for a syllable, or a syllable typed without its diacritics ("nghieng", "duong"):
    an initial and a rime once the marks are dropped. "covid", "tp", "samsung" are not."""
    if is_syllable(word):
        return True
    bare = fold(word)
    for initial in _FOLDED_INITIALS:
        if bare.startswith(initial):
            rime = bare[len(initial):]
            if rime in (_FOLDED_QU_RIMES if initial == "qu" else _FOLDED_RIMES):
                return True
    return False


def place_tone(bare: str, tone: str) -> str:
    """The toneless syllable ``bare`` with ``tone`` on its main vowel, in the new tone-mark
    style the index uses (hoà, thuỷ): the vowel with a quality mark (ơ of ươ, ê of iê); else,
    before a final consonant or in oa/oe/uy, the last vowel; else the first of two vowels, the
    middle of three. The u of "qu" and the i of "gi" + vowel belong to the initial."""
    if not tone:
        return bare
    start = 2 if bare.startswith(("qu", "gi")) and len(bare) > 2 and bare[2] in VOWELS else 0
    vowels = [i for i in range(start, len(bare)) if bare[i] in VOWELS]
    if not vowels:
        return bare
    marked = [i for i in vowels if bare[i] in "ăâêôơư"]
    # the nucleus: the first run of vowels (trailing i/y/o/u after it are part of it too)
    if marked:
        target = marked[-1]
    elif vowels[-1] < len(bare) - 1:  # a final consonant follows
        target = vowels[-1]
    elif len(vowels) == 1:
        target = vowels[0]
    elif len(vowels) == 2:
        pair = bare[vowels[0]] + bare[vowels[1]]
        target = vowels[1] if pair in ("oa", "oe", "uy") else vowels[0]
    else:
        target = vowels[1]
    marked_letter = unicodedata.normalize("NFC", bare[target] + TONE_MARK[tone])
    return bare[:target] + marked_letter + bare[target + 1:]
