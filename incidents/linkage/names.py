"""Arabic-aware comparison of person names, for matching victim lists against recorded victims (issue 16, part 4).

Pure Python, no Django. The steps, each a function of its own:

1. ``normalise_arabic``: one spelling for letters that vary (alef forms, ta marbuta, alef maqsura, hamza carriers),
   no diacritics, tatweel, digits or punctuation; Latin letters lower-cased without accents.
2. ``name_parts``: the words of a name as ``NamePart``s, with the article (al-, el-, ال) taken off, titles dropped,
   and the particles bound to the name they qualify: kunya (Abu, Umm), the compound ʿAbd + name (Abd al-Rahman,
   Abdul Rahman, Abdulrahman and عبد الرحمن are one part), nasab (bin, ibn, bint: kept as a mark, left out of keys).
3. ``to_latin_key`` / ``to_arabic_key``: a key in one small alphabet for both scripts, so that transliterations of
   one name meet: consonants folded into classes (q/k, th/t, dh/z, sh/ch, doubled letters), short vowels dropped,
   long vowels and glides kept as W and Y (so Mahmoud/محمود stays apart from Mohammed/محمد), a word's final vowel
   and final h dropped (Fatima/Fatimah/فاطمة). A single Latin u/o or i/e may stand for a long vowel (Yusuf/يوسف):
   such a key also carries a marked form in which that vowel may be read long.
4. ``name_similarity``: parts in any order, each part matched to its best counterpart; the extra parts of the longer
   name (a missing middle name of a nasab chain) cost a little, a clash of parts a lot.
5. ``person_similarity``: the name score with sex, age and family group as tolerances and context, and what each
   field contributed, for the reviewer.

Thresholds are the constants below; the tests hold the library to them.
"""

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

from . import names_data as data

# Two spellings of one name score at least this; two different names score below NON_MATCH_THRESHOLD.
MATCH_THRESHOLD = 0.85
NON_MATCH_THRESHOLD = 0.7
# A part whose key equals the other's once a Latin single vowel is read as long (Yusuf / يوسف).
PROMOTED_SCORE = 0.95
# Parts whose keys differ: Levenshtein similarity r of the keys, scaled as max(0, (r - 0.5) / 0.5) * FUZZY_CAP.
FUZZY_CAP = 0.8
# Parts whose endings cannot be one (a consonant against the feminine -a / ة) score this fraction.
TAIL_MISMATCH_FACTOR = 0.6
# Parts that score below this are not paired at all.
PART_FLOOR = 0.3
# Each part of the longer name beyond the shorter one's count (a missing middle name) costs this much.
MISSING_PART_PENALTY = 0.08
# A one-part name against a longer one: weak evidence however well it matches.
SINGLE_PART_FACTOR = 0.9

# person_similarity: what a field adds to (positive) or takes from (negative) the name score.
SEX_CONFLICT_PENALTY = -0.5
AGE_CLOSE_YEARS = 2  # |Δage| up to this: no penalty
AGE_NEAR_YEARS = 5  # up to this: AGE_NEAR_PENALTY; beyond: AGE_FAR_PENALTY
AGE_NEAR_PENALTY = -0.1
AGE_FAR_PENALTY = -0.4
AGE_BAND_CONFLICT_PENALTY = -0.3
FAMILY_GROUP_BONUS = 0.05
# Age bands (incidents.choices.AgeBand values) as inclusive year ranges.
AGE_BANDS = {"child": (0, 17), "adult": (18, 64), "elderly": (65, 150)}
UNKNOWN_VALUES = frozenset({"", "unknown", None})

_MARKS = re.compile("[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
                    "\u08d3-\u08ff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_INNER_MARKS = re.compile("[" + "".join(sorted(data.WORD_INNER_MARKS)) + "]")
_NON_LETTERS = re.compile(r"[\W\d_]+")
_ARABIC_LETTER = re.compile(r"[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff]")


def _is_arabic(word: str) -> bool:
    return bool(_ARABIC_LETTER.search(word))


def normalise_arabic(text: str) -> str:
    """The text with one spelling per letter, lower-case, words separated by single spaces.

    Alef forms (أ إ آ ٱ) become ا, ة becomes ه, ى becomes ي, ؤ becomes و, ئ becomes ي, a lone hamza goes; diacritics
    (tashkeel and Latin accents), tatweel, digits (Arabic-Indic ones too) and other non-letters go, apostrophes
    and ʿayn marks without splitting the word (Sa'id), the rest (hyphens, dots) as word breaks.
    """
    if not text:
        return ""
    text = str(text)
    if not text.isascii():
        # NFKC takes presentation forms to letters; NFKD then splits hamza carriers and accented Latin letters into a
        # base letter and a mark; the marks go (as do tashkeel, shadda and the dagger alef), the letters are folded.
        text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
        text = _MARKS.sub("", text).translate(data.ARABIC_FOLD)
    text = _INNER_MARKS.sub("", text)  # Sa'id, ʿAbd: within the word
    return " ".join(_NON_LETTERS.sub(" ", text).casefold().split())


class NamePart(NamedTuple):
    """One part of a name: its particle ("abu", "umm", "abd", "bin", "bint" or "") and the word it qualifies."""

    particle: str
    stem: str

    def __str__(self) -> str:
        return f"{self.particle} {self.stem}".strip()


def _strip_article(word: str, following: str | None) -> tuple[str, bool]:
    """(the word without an attached Arabic article, whether the word itself is a standalone article)."""
    if word in data.LATIN_ARTICLES and following:
        return word, True
    sun = data.SUN_ARTICLES.get(word)
    if sun and following and following.startswith(sun):
        return word, True
    if word == "ال" and following:
        return word, True
    if word.startswith("ال") and len(word) >= 4 and word not in data.ARABIC_NOT_ARTICLE:
        return word[2:], False
    return word, False


_ABD_COMPOUND = re.compile(r"^abd(?:[aeiou]l|[aeiou](?P<sun>[bcdfghjklmnpqrstvwxyz])(?=(?P=sun))|[aeiou])?(?P<rest>(?=[a-z]*[^aeiouy])[a-z]{2,})$")


def _split_compounds(words: list[str]) -> list[str]:
    """Abdulrahman → abd rahman, عبدالرحمن → عبد رحمن (the Arabic article goes with the rest later)."""
    out = []
    for word in words:
        match = _ABD_COMPOUND.match(word)
        if match and word not in data.PARTICLES:
            out += ["abd", match.group("rest")]
        elif word.startswith("عبد") and len(word) > 4 and word[3:5] == "ال":
            out += ["عبد", word[3:]]
        else:
            out.append(word)
    return out


def name_parts(text: str) -> list[NamePart]:
    """The parts of a name: article off, titles dropped, particles bound to the following word.

    "Mohammed Abu Ali Al-Obeidi" → [("", "mohammed"), ("abu", "ali"), ("", "obeidi")];
    "Abd al-Rahman", "Abdul Rahman", "Abdulrahman", "عبد الرحمن" → [("abd", "rahman")] (or its Arabic stem).
    """
    words = _split_compounds(normalise_arabic(text).split())
    stems = []
    for i, word in enumerate(words):
        if word in data.TITLES:
            continue
        following = words[i + 1] if i + 1 < len(words) else None
        stem, is_article = _strip_article(word, following)
        if is_article or stem in data.TITLES:
            continue
        stems.append(stem)
    parts: list[NamePart] = []
    particle = ""
    for i, stem in enumerate(stems):
        if stem in data.DIN_WORDS and parts and not particle:
            last = parts.pop()  # Nour al-Din, Nour Eddine, نور الدين: one name, as Nureddin
            stem = last.stem + ("دين" if _is_arabic(last.stem) else "din")
            parts.append(NamePart(last.particle, stem))
            continue
        canonical = data.PARTICLES.get(stem)
        if canonical and i + 1 < len(stems) and not particle:
            particle = canonical
            continue
        parts.append(NamePart(particle, stem))
        particle = ""
    return parts


def _glide(vowels: str) -> str:
    """A run of vowels read as one long vowel or glide: Y for one with i/e, W for one with u/o, nothing for a/aa."""
    if set(vowels) & set("ie"):
        return "Y"
    if set(vowels) & set("ou"):
        return "W"
    return ""


def _latin_symbols(word: str) -> list[str]:
    """The key symbols of a Latin word; "u"/"i" (lower-case) mark a single short-or-long vowel (optional)."""
    word = "".join(ch for ch in word if "a" <= ch <= "z")
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if ch in data.LATIN_VOWELS:
            j = i
            while j < n and word[j] in data.LATIN_VOWELS:
                j += 1
            run = word[i:j]
            if i == 0:
                out.append("a")
                if len(run) > 1:
                    out.append(_glide(run[1:]))  # Aisha: a + Y
                elif j < n and run in "uoie":
                    out.append("u" if run in "uo" else "i")  # Omar, Iman: the vowel may be long
            elif j == n:  # final vowels are dropped, but a glide before the last stays (Alia, Louai)
                if len(run) > 2 or (len(run) == 2 and run[-1] == "a"):
                    out.append(_glide(run[:-1]))
            else:
                if len(run) > 1:
                    out.append(_glide(run))
                elif run != "a":
                    out.append("u" if run in "uo" else "i")
            i = j
            continue
        digraph = data.LATIN_DIGRAPHS.get(word[i:i + 2])
        if digraph:
            out.append(digraph)
            i += 2
            continue
        if ch in "wy" and i == n - 1 and i > 0:
            i += 1  # final -y / -w: a final long vowel
            continue
        out.append(data.LATIN_TO_KEY.get(ch, ""))
        i += 1
    return out


def _arabic_symbols(word: str) -> list[str]:
    out = []
    last = len(word) - 1
    for k, ch in enumerate(word):
        if ch in data.ARABIC_VOWEL_LETTERS:
            out.append("a" if k == 0 else "")
        elif ch in data.ARABIC_GLIDES and k == last and k > 0:
            continue  # a word's final long vowel
        else:
            out.append(data.ARABIC_TO_KEY.get(ch, ""))
    return out


class PartKey(NamedTuple):
    """A part's key (``strict``); the same with its single Latin vowels marked (``marked``: "u" may be read as W,
    "i" as Y, either as nothing); the classes its ending may be read as (``tail``)."""

    strict: str
    marked: str
    tail: frozenset


def _latin_tail(word: str) -> frozenset:
    """How a Latin word ends: F (-a, the feminine or long-a ending), I (-i, -y), U (-u, -o), C (a consonant);
    ambiguous endings (-ah, -eh, -e) give several."""
    word = "".join(ch for ch in word if "a" <= ch <= "z")
    if not word:
        return frozenset("FICU")
    last = word[-1]
    if last == "a":
        return frozenset("F")
    if last == "e":
        return frozenset("IF" if len(word) > 1 and word[-2] in data.LATIN_VOWELS else "FC")
    if last in "iy":
        return frozenset("I")
    if last in "ouw":
        return frozenset("UF")
    if last == "h" and len(word) > 1 and word[-2] in data.LATIN_VOWELS:
        return frozenset("FC")
    return frozenset("C")


def _arabic_tail(word: str) -> frozenset:
    """How an Arabic word ends: ه (from ة) or ا is F; ي (also from ى) I or F; و U or C (the silent waw of عمرو)."""
    return data.ARABIC_TAILS.get(word[-1:], frozenset("C"))


def _finish(symbols: list[str]) -> tuple[str, str]:
    """(strict key, marked key) from symbols: doubles collapsed, final h dropped."""
    seq = []
    for sym in "".join(symbols):
        if not seq or seq[-1] != sym:
            seq.append(sym)
    strict_positions = [k for k, sym in enumerate(seq) if sym not in "ui"]
    if len(strict_positions) > 1 and seq[strict_positions[-1]] == "h":
        seq = seq[: strict_positions[-1]]
    while seq and seq[-1] in "ui":
        seq.pop()
    strict = "".join(sym for sym in seq if sym not in "ui")
    return strict, "".join(seq)


@lru_cache(maxsize=65536)
def _word_key(word: str) -> tuple[str, str, frozenset]:
    if _is_arabic(word):
        return *_finish(_arabic_symbols(word)), _arabic_tail(word)
    return *_finish(_latin_symbols(word)), _latin_tail(word)


@lru_cache(maxsize=65536)
def part_key(part: NamePart) -> PartKey:
    """A part's key; a kunya or ʿAbd particle is part of it (ABU_, UMM_, ABD_: upper case, outside the key alphabet),
    bin/bint are not."""
    strict, marked, tail = _word_key(part.stem)
    if part.particle in data.KEYED_PARTICLES:
        prefix = f"{part.particle.upper()}_"
        strict, marked = prefix + strict, prefix + marked
    return PartKey(strict, marked, tail)


_OPTIONAL = {"u": "W", "i": "Y"}


def _reads_as(marked: str, strict: str) -> bool:
    """Whether a marked key reads as the strict key when each marked vowel is taken as long (W, Y) or as nothing."""
    if marked == strict:
        return True
    reachable = {0}  # positions in strict reached after each symbol of marked
    for sym in marked:
        long_form = _OPTIONAL.get(sym)
        following = set()
        for pos in reachable:
            if long_form is None:
                if pos < len(strict) and strict[pos] == sym:
                    following.add(pos + 1)
            else:
                following.add(pos)
                if pos < len(strict) and strict[pos] == long_form:
                    following.add(pos + 1)
        if not following:
            return False
        reachable = following
    return len(strict) in reachable


def _key_text(text: str, arabic: bool | None) -> str:
    keys = []
    for part in name_parts(text):
        if arabic is not None and _is_arabic(part.stem) != arabic:
            continue
        keys.append(part_key(part).strict)
    return " ".join(keys)


def to_latin_key(text: str) -> str:
    """The key of a name's Latin-script parts, one per part, space-separated ("Mohammed Al-Obeidi" → "mhmd abYd")."""
    return _key_text(text, arabic=False)


def to_arabic_key(text: str) -> str:
    """The key of a name's Arabic-script parts, in the same alphabet ("محمد العبيدي" → "mhmd abYd")."""
    return _key_text(text, arabic=True)


def name_key(text: str) -> str:
    """The key of every part of a name, whatever its script (for blocking and display)."""
    return _key_text(text, arabic=None)


@lru_cache(maxsize=262144)
def part_similarity(a: PartKey, b: PartKey) -> float:
    """1 for equal keys, PROMOTED_SCORE for keys equal once a single Latin vowel is read as long, else scaled fuzz;
    times TAIL_MISMATCH_FACTOR when the endings cannot be the same (Samir / Samira, سمير / سميرة)."""
    if a.strict == b.strict:
        score = 1.0
    elif _reads_as(a.marked, b.strict) or _reads_as(b.marked, a.strict):
        score = PROMOTED_SCORE
    else:
        ratio = Levenshtein.normalized_similarity(a.strict, b.strict)
        score = max(0.0, (ratio - 0.5) / 0.5) * FUZZY_CAP
    return score if a.tail & b.tail else score * TAIL_MISMATCH_FACTOR


@lru_cache(maxsize=65536)
def _keys(text: str) -> tuple[PartKey, ...]:
    return tuple(part_key(part) for part in name_parts(text))


def name_similarity(a: str, b: str) -> float:
    """How alike two names are, in [0, 1], parts in any order, either script on either side.

    Each part of the shorter name is paired with its best counterpart (greedily, best pairs first); the score is the
    mean of the paired parts' similarity over the shorter name's part count, less MISSING_PART_PENALTY for each part
    the longer one has beyond it, times SINGLE_PART_FACTOR when the shorter name is a single part.
    """
    keys_a, keys_b = _keys(a or ""), _keys(b or "")
    if not keys_a or not keys_b:
        return 0.0
    pairs = sorted(
        ((part_similarity(ka, kb), i, j) for i, ka in enumerate(keys_a) for j, kb in enumerate(keys_b)), reverse=True,
    )
    used_a, used_b, total = set(), set(), 0.0
    for score, i, j in pairs:
        if score < PART_FLOOR:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        total += score
    shorter, longer = sorted((len(keys_a), len(keys_b)))
    score = total / shorter * max(0.0, 1 - MISSING_PART_PENALTY * (longer - shorter))
    if shorter == 1 and longer > 1:
        score *= SINGLE_PART_FACTOR
    return round(min(1.0, score), 4)


def _field(person, name):
    if isinstance(person, Mapping):
        return person.get(name)
    return getattr(person, name, None)


def _known(value) -> bool:
    return value not in UNKNOWN_VALUES


def _age_contribution(age_a, age_b, band_a, band_b):
    """(value, weight) for age: the difference in years where both are known, else band against age or band."""
    if age_a is not None and age_b is not None:
        delta = abs(int(age_a) - int(age_b))
        if delta <= AGE_CLOSE_YEARS:
            return delta, 0.0
        return delta, AGE_NEAR_PENALTY if delta <= AGE_NEAR_YEARS else AGE_FAR_PENALTY
    for age, band in ((age_a, band_b), (age_b, band_a)):
        if age is not None and band in AGE_BANDS:
            low, high = AGE_BANDS[band]
            inside = low - AGE_CLOSE_YEARS <= int(age) <= high + AGE_CLOSE_YEARS
            return f"{age} ~ {band}", 0.0 if inside else AGE_BAND_CONFLICT_PENALTY
    if band_a in AGE_BANDS and band_b in AGE_BANDS:
        return f"{band_a} ~ {band_b}", 0.0 if band_a == band_b else AGE_BAND_CONFLICT_PENALTY
    return None, 0.0


def person_similarity(a, b) -> tuple[float, dict[str, tuple[object, float]]]:
    """(score in [0, 1], contributions) for two people, dicts or objects with name, name_ar, sex, age, age_band and
    family_group (any may be missing).

    contributions maps each field to (value, weight): the value compared (the name similarity, the two sexes, the
    age difference in years, the family groups' similarity; None where a side does not know it) and the weight it
    added to the score (the name similarity itself; a penalty, negative, for a conflict; a bonus for the same family
    group). The score is their sum, clipped to [0, 1].
    """
    names_a = [n for n in (_field(a, "name"), _field(a, "name_ar")) if n]
    names_b = [n for n in (_field(b, "name"), _field(b, "name_ar")) if n]
    name_score = max((name_similarity(x, y) for x in names_a for y in names_b), default=0.0)
    contributions: dict[str, tuple[object, float]] = {"name": (name_score, name_score)}

    sex_a, sex_b = _field(a, "sex"), _field(b, "sex")
    if _known(sex_a) and _known(sex_b):
        contributions["sex"] = (f"{sex_a} ~ {sex_b}", 0.0 if sex_a == sex_b else SEX_CONFLICT_PENALTY)
    else:
        contributions["sex"] = (None, 0.0)

    contributions["age"] = _age_contribution(_field(a, "age"), _field(b, "age"), _field(a, "age_band"), _field(b, "age_band"))

    family_a, family_b = _field(a, "family_group"), _field(b, "family_group")
    if family_a and family_b:
        family_score = name_similarity(family_a, family_b)
        contributions["family_group"] = (family_score, FAMILY_GROUP_BONUS if family_score >= MATCH_THRESHOLD else 0.0)
    else:
        contributions["family_group"] = (None, 0.0)

    score = sum(weight for _value, weight in contributions.values())
    return round(min(1.0, max(0.0, score)), 4), contributions
