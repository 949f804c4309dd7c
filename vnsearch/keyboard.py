"""Vietnamese typed with the input method switched off: Telex and VNI keystrokes → syllables.

Telex (``hooj`` → hộ, ``tichj`` → tịch, ``dduowngf`` → đường, ``nhw`` → như) writes the marks
with letters: aa â, ee ê, oo ô, aw ă, ow ơ, uw ư (uow ươ, a lone w ư), dd đ; tones s sắc,
f huyền, r hỏi, x ngã, j nặng (z none). VNI (``ho65`` → hộ, ``tich5`` → tịch, ``d9uong72``
→ đường) writes them with digits: 1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng, 6 circumflex (â ê ô),
7 horn (ơ ư), 8 breve (ă), 9 đ, 0 none. As in Unikey, a tone or mark key may come anywhere
after the vowel it applies to (``tichj``, ``tijch``), and a tone key typed twice is the letter
itself (``mass`` → "mas", no syllable).

``decode`` gives the well-formed syllables a typed word can be, most likely first, or nothing
when the word uses no key at all or decodes to no syllable ("for", "covid19"). Whether to read
a query word so is the caller's rule: only when the index lacks the word as typed and holds the
decoding ("mass" is an English word in a news archive; "ho" is a syllable).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .syllable import is_syllable, place_tone
from .text import normalize

_TELEX_TONES = {"s": "sắc", "f": "huyền", "r": "hỏi", "x": "ngã", "j": "nặng", "z": ""}
_VNI_TONES = {"1": "sắc", "2": "huyền", "3": "hỏi", "4": "ngã", "5": "nặng", "0": ""}
_CIRCUMFLEX = {"a": "â", "e": "ê", "o": "ô"}
_BREVE = {"a": "ă"}
_HORN = {"u": "ư", "o": "ơ"}
_VOWELS = set("aeiouy")
_TELEX_WORD = re.compile(r"[a-z]{2,9}")
_VNI_WORD = re.compile(r"[a-z]+[0-9a-z]*")


@lru_cache(maxsize=20_000)
def decode(word: str) -> tuple[str, ...]:
    """The syllables ``word`` can be when typed in Telex or VNI, most likely first; () when
    it uses no key or gives no well-formed syllable. Lowercase NFC, the index's tone style."""
    w = word.lower()
    out = [s for s in telex(w) + vni(w) if s != w]
    return tuple(dict.fromkeys(out))


def telex(word: str) -> tuple[str, ...]:
    """Telex decodings of one typed word (see the module's doc)."""
    w = word.lower()
    if not _TELEX_WORD.fullmatch(w):
        return ()
    used = False
    if w.startswith("dd"):
        head_d, w, used = "đ", w[2:], True
    else:
        head_d = ""
    letters: list[str] = []
    tone = ""
    last_tone_key = ""
    horn = 0
    seen_vowel = False
    for ch in w:
        if seen_vowel and ch in _TELEX_TONES:
            if ch == last_tone_key:  # the same tone key twice: the letter itself (Unikey)
                return ()
            tone, last_tone_key, used = _TELEX_TONES[ch], ch, True
            continue
        if ch == "w":
            used = True
            if any(c in "uoa" for c in letters):
                horn += 1
                continue
            letters.append("ư")  # a lone w: "nhw" → như
            seen_vowel = True
            continue
        if ch in _VOWELS:
            seen_vowel = True
        letters.append(ch)
    bare = head_d + "".join(letters)
    if horn > 1 and not (horn == 2 and "uo" in bare):
        return ()  # two w's only for ươ ("chuwowng" as "chuowng")
    circ = _circumflex(bare)
    used = used or circ[0] != bare
    bases = []
    for b in circ:
        horned = _with_horn(b) if horn else [b]
        bases.extend(h for h in horned if "ươ" in h) if horn == 2 else bases.extend(horned)
    if not used:
        return ()
    return _valid(bases, tone)


def _circumflex(bare: str) -> list[str]:
    """aa ee oo → â ê ô; also a doubled vowel after the final consonant, as Unikey reads
    "cana" → cân. Both readings of "oo" when "oong"/"ooc" could be meant (xoong)."""
    m = re.search(r"([aeo])\1", bare)
    if m:
        marked = bare[:m.start()] + _CIRCUMFLEX[m.group(1)] + bare[m.end():]
        return [marked, bare] if bare[m.start():].startswith(("oong", "ooc")) else [marked]
    m = re.search(r"([aeo])(n|ng|nh|c|ch|m|p|t|u|i|y)\1$", bare)
    if m:
        return [bare[:m.start()] + _CIRCUMFLEX[m.group(1)] + m.group(2)]
    return [bare]


def _with_horn(bare: str) -> list[str]:
    """The places a w (Telex) or 7/8 (VNI) can put a horn or a breve, most likely first:
    uo → ươ, then u → ư, o → ơ, a → ă."""
    out = []
    i = bare.find("uo")
    if i >= 0:
        out.append(bare[:i] + "ươ" + bare[i + 2:])
        out.append(bare[:i] + "uơ" + bare[i + 2:])
    for letter, marked in (("u", "ư"), ("o", "ơ"), ("a", "ă")):
        j = bare.find(letter)
        if j >= 0:
            out.append(bare[:j] + marked + bare[j + 1:])
    return out


def _valid(bases: list[str], tone: str) -> tuple[str, ...]:
    out = []
    for b in bases:
        s = normalize(place_tone(b, tone))
        if is_syllable(s) and s not in out:
            out.append(s)
    return tuple(out)


def vni(word: str) -> tuple[str, ...]:
    """VNI decodings of one typed word (see the module's doc)."""
    w = word.lower()
    if not _VNI_WORD.fullmatch(w) or not any(c.isdigit() for c in w) or len(w) > 10:
        return ()
    letters = "".join(c for c in w if not c.isdigit())
    first_vowel = next((i for i, c in enumerate(w) if c in _VOWELS), None)
    if first_vowel is None:
        return ()
    tone = None
    marks = []
    for i, c in enumerate(w):
        if not c.isdigit():
            continue
        if c in _VNI_TONES:
            if i < first_vowel or tone is not None:
                return ()  # a tone before any vowel, or two tones ("u23" is a team, not ủ)
            tone = _VNI_TONES[c]
        else:
            marks.append(c)
    if len(marks) != len(set(marks)):
        return ()
    bases = [letters]
    for mark in marks:
        if mark == "9":
            bases = ["đ" + b[1:] for b in bases if b.startswith("d")]
        elif mark == "6":
            bases = [b[:i] + _CIRCUMFLEX[c] + b[i + 1:] for b in bases for i, c in enumerate(b) if c in _CIRCUMFLEX]
        elif mark == "7":
            bases = [h for b in bases for h in _with_horn(b) if "ă" not in h]
        elif mark == "8":
            bases = [b[:i] + "ă" + b[i + 1:] for b in bases for i, c in enumerate(b) if c == "a"]
        if not bases:
            return ()
    return _valid(bases, tone or "")
