"""Pure text rules shared by reports, figures and statements: URL identity and quote matching."""

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that track a click rather than name a document.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "igshid",
    "yclid", "_ga", "_gl", "ref_src", "cmpid", "ocid", "smid", "smtyp",
})
DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_url(url: str) -> str:
    """The identity of a document's URL: two spellings of one article give one string.

    Lower-cases scheme and host, treats http and https alike, drops "www.", default
    ports, the fragment, a trailing slash and tracking parameters (utm_*, fbclid,
    gclid…), and sorts the remaining query parameters.
    """
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "http":
        scheme = "https"
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    netloc = host
    if parts.port and parts.port != DEFAULT_PORTS.get(parts.scheme.lower()):
        netloc = f"{host}:{parts.port}"
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/")
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in TRACKING_PARAMS
    )
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


_TYPOGRAPHIC = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " ",
})
ELLIPSIS = re.compile(r"\s*(?:\u2026|\.\.\.|\[\u2026\]|\[\.\.\.\])\s*")


def normalise_for_match(text: str) -> str:
    """Text as compared for quotes: typographic quotes and dashes made plain, spaces collapsed, case folded."""
    text = unicodedata.normalize("NFKC", text or "").translate(_TYPOGRAPHIC)
    return re.sub(r"\s+", " ", text).strip().casefold()


def quote_in_text(quote: str, text: str) -> bool:
    """True when the quote occurs in the text; an ellipsis (… or ...) in the quote skips words, in order."""
    haystack = normalise_for_match(text)
    position = 0
    for part in ELLIPSIS.split(quote or ""):
        needle = normalise_for_match(part).strip(" \"'")
        if not needle:
            continue
        found = haystack.find(needle, position)
        if found < 0:
            return False
        position = found + len(needle)
    return True


# Punctuation that can end a sentence, and what may close it ("…civilians.”").
_SENTENCE_END = re.compile(r"[.!?\u2026\u061f]+[\"'\u201d\u2019\u00bb)\]]*(?=\s|$)")
# Words that end in a full stop without ending the sentence ("Gen. Townsend", "U.S. forces").
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "sgt", "capt", "cpl", "adm", "rep", "sen", "gov",
    "st", "no", "vs", "etc", "approx", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
})
CONTEXT_LIMIT = 400


def _normalise_with_positions(text: str) -> tuple[str, list[int], list[int]]:
    """`normalise_for_match` of the text, with where each output character starts and ends in the input.

    A character and the combining marks after it are normalised together, so
    "é" written as one or two code points compares alike, as it does for
    `quote_in_text`.
    """
    out, starts, ends = [], [], []
    i, length = 0, len(text)
    while i < length:
        j = i + 1
        while j < length and unicodedata.combining(text[j]):
            j += 1
        for char in unicodedata.normalize("NFKC", text[i:j]).translate(_TYPOGRAPHIC).casefold():
            if char.isspace():
                if not out or out[-1] == " ":
                    continue
                char = " "
            out.append(char)
            starts.append(i)
            ends.append(j)
        i = j
    return "".join(out), starts, ends


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The start of the sentence holding `start` and the end of the sentence holding `end`."""
    opening, closing = 0, len(text)
    for match in _SENTENCE_END.finditer(text):
        word = re.search(r"(\w+)$", text[:match.start()])
        if match.group().startswith(".") and word and (len(word.group(1)) == 1 or word.group(1).casefold() in _ABBREVIATIONS):
            continue  # "U.S. military", "Gen. Townsend"
        following = text[match.end():].lstrip()
        if following and following[0].islower():
            continue
        if match.end() <= start:
            opening = match.end()
        elif match.end() >= end:
            closing = match.end()
            break
    newline_before = text.rfind("\n", 0, start)
    if newline_before >= opening:
        opening = newline_before + 1
    newline_after = text.find("\n", end)
    if 0 <= newline_after < closing:
        closing = newline_after
    return opening, closing


def _clip(text: str, limit: int, *, keep_end: bool) -> str:
    """At most `limit` characters, cut at a word, with an ellipsis where the cut is."""
    if len(text) <= limit:
        return text
    if keep_end:
        cut = text[-limit:]
        return "…" + cut[cut.find(" ") + 1:] if " " in cut else "…" + cut
    cut = text[:limit]
    return (cut[:cut.rfind(" ")] if " " in cut else cut) + "…"


def quote_context(quote: str, text: str) -> list[tuple[str, bool]] | None:
    """The sentence(s) of `text` that hold `quote`, as (words, is_quoted) pieces in reading order.

    Matches as `quote_in_text` does (typographic quotes and dashes, spaces, case;
    an ellipsis in the quote skips words), so every quote that passed the check is
    found. The quoted words come from the text itself, not from the quote. Text
    before and after the quote is kept to its sentence, and clipped when a
    "sentence" runs on for paragraphs. None when the quote is not in the text.
    """
    haystack, starts, ends = _normalise_with_positions(text or "")
    spans, position = [], 0
    for part in ELLIPSIS.split(quote or ""):
        needle = _normalise_with_positions(part)[0].strip(" \"'")
        if not needle:
            continue
        found = haystack.find(needle, position)
        if found < 0:
            return None
        position = found + len(needle)
        spans.append((starts[found], ends[position - 1]))
    if not spans:
        return None
    opening, closing = _sentence_bounds(text, spans[0][0], spans[-1][1])
    pieces = [(_clip(text[opening:spans[0][0]].lstrip(), CONTEXT_LIMIT, keep_end=True), False)]
    for index, (start, end) in enumerate(spans):
        if index:
            pieces.append((text[spans[index - 1][1]:start], False))
        pieces.append((text[start:end], True))
    pieces.append((_clip(text[spans[-1][1]:closing].rstrip(), CONTEXT_LIMIT, keep_end=False), False))
    return [(words, quoted) for words, quoted in pieces if words]


# --- Search text: one normalisation for what is indexed and what is asked -------------------------

# Arabic letters written several ways: alef forms, ta marbuta, alef maqsura, hamza seats, Persian/Urdu forms.
_ARABIC_LETTERS = str.maketrans({
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627", "\u0672": "\u0627", "\u0673": "\u0627",
    "\u0629": "\u0647", "\u0649": "\u064a", "\u06cc": "\u064a", "\u06d2": "\u064a", "\u0626": "\u064a",
    "\u0624": "\u0648", "\u06a9": "\u0643", "\u06af": "\u0643", "\u0640": None,  # tatweel
})
# Harakat, Quranic marks, superscript alef: diacritics that vowel a word without changing it.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
# Apostrophes and transliteration marks inside a word (ʿAyn, Raqqa'): removed, not a word break.
_INNER_MARKS = re.compile("[\u02bb\u02bc\u02be\u02bf\u02c8\u2018\u2019'`\u00b4]")
# The Arabic article and the one-letter words written onto it (wa-, bi-, li-, fa-, ka-): الموصل = موصل, بالموصل = موصل.
_ARABIC_ARTICLE = re.compile("^(?:[\u0648\u0641]?[\u0628\u0643\u0644]?\u0627\u0644|[\u0648\u0641]?\u0644\u0644)(?=\\w\\w)")
_SEARCH_WORD = re.compile(r"[^\W_]+")


def _search_word(word: str) -> str:
    if "\u0600" <= word[0] <= "\u06ff":
        return _ARABIC_ARTICLE.sub("", word)
    return word


def normalise_search(text: str) -> str:
    """Text as the search compares it, for what is stored in the index and for what is asked.

    Baghdad, Baghdād and BAGHDAD give "baghdad"; بغداد, بَغْدَاد and بغـداد give "بغداد";
    أ إ آ become ا, ة becomes ه, ى becomes ي; the Arabic article (with و ب ل ف ك
    written onto it) is dropped, so الموصل and موصل are one word; transliteration
    marks (ʿ ʾ ') vanish inside words; digits of any script become 0–9; anything
    else that is not a letter or digit separates words. The result is the words
    separated by single spaces.
    """
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _ARABIC_MARKS.sub("", text.translate(_ARABIC_LETTERS))
    text = _INNER_MARKS.sub("", unicodedata.normalize("NFKC", text).casefold())
    words = []
    for word in _SEARCH_WORD.findall(text):
        word = "".join(str(unicodedata.digit(char)) if char.isdigit() else char for char in word)
        words.append(_search_word(word))
    return " ".join(words)


def search_words(text: str, limit: int = 12) -> list[str]:
    """The distinct words of a search, normalised, in the order typed, at most `limit`."""
    return list(dict.fromkeys(normalise_search(text).split()))[:limit]
