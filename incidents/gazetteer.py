"""Place names across scripts: a search in Arabic finds a place recorded in Latin letters, and the other way round.

A record's place names are stored for the search with the other script's name of each place this table knows, and
its usual Latin spelling (`other_script_names`): بغداد finds an incident in "Baghdād", "Mosul" one recorded only as
الموصل or as "Qaḑā’ al Mawşil". Keys are
compared as the search compares words (`normalise_search`): Arabic without its article, Latin without accents.
Only place fields are read (a title's "hit" is not the town of Hīt). The table holds the provinces and main towns of
the countries the data covers; add a line to add a place (then `manage.py recompute_figures` re-indexes).
"""

from sources.text import normalise_search

# Arabic name: its Latin spellings (transliterations and English names).
PLACES = {
    # Iraq: governorates
    "بغداد": ["baghdad"], "نينوى": ["ninawa", "nineveh", "ninewa", "ninawa governorate"], "الأنبار": ["anbar"],
    "صلاح الدين": ["salah ad din", "salahuddin", "salah al din", "saladin"], "ديالى": ["diyala"], "كركوك": ["kirkuk"],
    "بابل": ["babil", "babylon"], "أربيل": ["arbil", "erbil", "irbil"], "كربلاء": ["karbala"], "واسط": ["wasit"],
    "البصرة": ["basrah", "basra"], "النجف": ["najaf"], "ذي قار": ["dhi qar"], "السليمانية": ["sulaymaniyah", "sulaimaniya"],
    "دهوك": ["dahuk", "duhok", "dohuk"], "ميسان": ["maysan"], "القادسية": ["qadisiyah", "qadisiya"], "المثنى": ["muthanna"],
    # Iraq: towns
    "الموصل": ["mosul", "mawsil"], "الفلوجة": ["fallujah", "falluja"], "بعقوبة": ["baqubah", "baquba"], "الرمادي": ["ramadi"],
    "تلعفر": ["tall afar", "tal afar", "tel afar"], "القائم": ["qaim"], "سامراء": ["samarra"], "تكريت": ["tikrit"],
    "سنجار": ["sinjar"], "هيت": ["hit"], "حديثة": ["haditha"], "بيجي": ["bayji", "baiji"], "الحويجة": ["hawijah", "hawija"],
    "القيارة": ["qayyarah"], "الحلة": ["hillah", "hilla"], "الكوت": ["kut"], "الناصرية": ["nasiriyah"], "العمارة": ["amarah"],
    "المقدادية": ["miqdadiyah", "muqdadiya"], "خانقين": ["khanaqin"], "الطارمية": ["tarmiya", "tarmiyah"], "التاجي": ["taji"],
    # Syria
    "حلب": ["aleppo", "halab"], "الرقة": ["raqqa", "raqqah"], "إدلب": ["idlib"], "دمشق": ["damascus", "dimashq"],
    "حمص": ["homs", "hims"], "حماة": ["hama", "hamah"], "دير الزور": ["deir ez zor", "dayr az zawr", "deir ezzor"],
    "الحسكة": ["hasakah", "hasaka"], "درعا": ["daraa", "dara a"], "اللاذقية": ["latakia", "ladhiqiyah"],
    "منبج": ["manbij"], "عين العرب": ["ayn al arab", "kobani", "kobane"], "الباب": ["al bab"],
    # Yemen
    "صنعاء": ["sanaa", "sana a"], "عدن": ["aden"], "تعز": ["taiz", "taizz"], "الحديدة": ["hudaydah", "hodeidah", "hudayda"],
    "صعدة": ["saada", "sadah", "sa dah"], "مأرب": ["marib"],
    # Libya, Somalia, Afghanistan
    "طرابلس": ["tripoli", "tarabulus"], "بنغازي": ["benghazi", "banghazi"], "سرت": ["sirte", "surt"],
    "مقديشو": ["mogadishu", "muqdisho"], "كابل": ["kabul"], "قندهار": ["kandahar", "qandahar"],
}

# Normalised: words of one script → the other script's name, as stored.
_TO_OTHER: dict[tuple[str, ...], str] = {}
for _arabic, _latin in PLACES.items():
    _arabic_words = tuple(normalise_search(_arabic).split())
    _TO_OTHER[_arabic_words] = normalise_search(_latin[0])
    for _spelling in _latin:  # the Arabic name, and the usual Latin one ("Mawşil" is found as "Mosul" too)
        _TO_OTHER[tuple(normalise_search(_spelling).split())] = f"{normalise_search(_arabic)} {normalise_search(_latin[0])}"
_LONGEST = max(len(key) for key in _TO_OTHER)


def other_script_names(*place_names: str) -> str:
    """The other script's names of the places these names contain ("Qaḑā’ al Mawşil" → "موصل"), as stored words."""
    found = []
    for name in place_names:
        words = normalise_search(name).split()
        for start in range(len(words)):
            for length in range(min(_LONGEST, len(words) - start), 0, -1):
                other = _TO_OTHER.get(tuple(words[start:start + length]))
                if other is not None:
                    found.append(other)
                    break
    return " ".join(dict.fromkeys(found))
