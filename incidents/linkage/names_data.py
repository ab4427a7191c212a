"""The tables behind incidents/linkage/names.py: letter foldings, particles, the article, titles.

Keys are written in a small alphabet shared by both scripts (see names.py): consonant classes in lowercase
(b t s j h x d z r c g f k l m n), "a" for a word-initial vowel or ʿayn, and the long vowels / glides "W" and "Y".
"""

# normalise_arabic: letter variants folded to one form, before diacritics are stripped.
ARABIC_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",  # alef forms
    "ة": "ه",  # ta marbuta
    "ى": "ي", "ی": "ي", "ې": "ي", "ۍ": "ي",  # alef maqsura, Persian/Urdu ya
    "ؤ": "و",  # hamza on waw
    "ئ": "ي",  # hamza on ya
    "ء": "",  # hamza on the line
    "ک": "ك", "ڪ": "ك",  # Persian kaf
    "ہ": "ه", "ە": "ه", "ۀ": "ه",  # Urdu/Kurdish ha
    "ـ": "",  # tatweel
})

# Marks that stand in a name between letters of one word: dropped without splitting the word
# (Sa'id, Ma‘mun, ʿAbd).
WORD_INNER_MARKS = frozenset("'’‘`ʿʾʼʻ´")

# to_arabic_key: each Arabic letter to its class in the key alphabet. Alef and ʿayn are vowels ("" inside a word,
# "a" at its start); waw and ya are long vowels or glides (W, Y), dropped at a word's end.
ARABIC_TO_KEY = {
    "ا": "", "ع": "", "ب": "b", "پ": "b", "ت": "t", "ث": "t", "ط": "t", "ج": "j", "چ": "c", "گ": "j",
    "ح": "h", "ه": "h", "خ": "x", "د": "d", "ض": "d", "ذ": "z", "ز": "z", "ظ": "z", "ر": "r", "س": "s", "ص": "s",
    "ش": "c", "غ": "g", "ف": "f", "ڤ": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "و": "W", "ي": "Y",
}
ARABIC_VOWEL_LETTERS = frozenset("اع")
ARABIC_GLIDES = frozenset("وي")

# to_latin_key: consonant digraphs first, then single letters.
LATIN_DIGRAPHS = {"kh": "x", "sh": "c", "ch": "c", "th": "t", "dh": "z", "gh": "g", "ph": "f", "dj": "j", "ck": "k"}
LATIN_TO_KEY = {
    "b": "b", "p": "b", "t": "t", "d": "d", "s": "s", "z": "z", "j": "j", "g": "j", "h": "h", "r": "r", "f": "f",
    "v": "f", "k": "k", "q": "k", "c": "k", "l": "l", "m": "m", "n": "n", "x": "ks", "w": "W", "y": "Y",
}
LATIN_VOWELS = frozenset("aeiou")

# name_parts: particles, in their normalised spellings (after normalise_arabic). Each maps to its canonical name.
# abu/umm (kunya) and abd (the compound ʿAbd + name) bind to the next part and stay in its key; bin/bint (nasab)
# are kept as marks but left out of the key, since lists write "Ahmed bin Khalid" and "Ahmed Khalid" alike.
PARTICLES = {
    "abu": "abu", "abou": "abu", "abo": "abu", "aboo": "abu", "abi": "abu", "ابو": "abu", "ابي": "abu", "ابا": "abu",
    "umm": "umm", "um": "umm", "om": "umm", "omm": "umm", "oum": "umm", "ام": "umm",
    "abd": "abd", "abdul": "abd", "abdel": "abd", "abdal": "abd", "abdol": "abd", "abdil": "abd", "abdu": "abd",
    "abed": "abd", "عبد": "abd",
    "bin": "bin", "ben": "bin", "ibn": "bin", "bn": "bin", "بن": "bin", "ابن": "bin",
    "bint": "bint", "bent": "bint", "binti": "bint", "بنت": "bint",
}
KEYED_PARTICLES = frozenset({"abu", "umm", "abd"})

# The article, standing alone (al-, el-) or, in Arabic script, attached (ال).
LATIN_ARTICLES = frozenset({"al", "el", "ul", "il", "aal"})
# The article assimilated to a "sun letter" (ar-Rahman, ad-Din): an article only before a word starting so.
SUN_ARTICLES = {
    "ar": "r", "er": "r", "ur": "r", "as": "s", "es": "s", "us": "s", "ash": "sh", "esh": "sh", "ush": "sh",
    "ad": "d", "ed": "d", "ud": "d", "an": "n", "en": "n", "un": "n", "at": "t", "et": "t", "ut": "t",
    "az": "z", "ez": "z", "uz": "z", "ath": "th", "adh": "dh",
}
# Arabic words that begin with ا ل but not with the article (after normalisation: إلهام → الهام).
ARABIC_NOT_ARTICLE = frozenset({"الياس", "الهام", "الفت", "اليسار", "الين"})

# Words that are titles or honorifics, not names: dropped (after normalise_arabic, article already split off).
TITLES = frozenset({
    "haj", "hajj", "haji", "hajji", "hajja", "hajjeh", "sheikh", "shaikh", "shaykh", "sheikha", "dr", "doctor", "mr",
    "mrs", "ms", "حاج", "الحاج", "حاجه", "الحاجه", "شيخ", "الشيخ", "دكتور", "الدكتور", "د",
})

# The second word of the compounds in -ad-Din (Nour al-Din, Salah Eddine, نور الدين), joined to the word before.
DIN_WORDS = frozenset({"din", "deen", "dine", "eddin", "eddine", "uddin", "addin", "iddin", "aldin", "eldin", "دين"})

# How an Arabic word's last letter (after normalisation) may be read in Latin: F (-a / -ah), I (-i), U (-u), C (none).
ARABIC_TAILS = {
    "ه": frozenset("F"), "ا": frozenset("F"), "ي": frozenset("IF"), "و": frozenset("UC"),
}
