"""The synthetic world: its naming, countries, places, conflicts, actors, sources and the words of its claims."""

import datetime
import random

from sources.choices import SourceKind

from .. import choices

CODE_PREFIX = "SYN"
SOURCE_SLUG_PREFIX = "syn-"
HISTORY_REASON = "Synthetic data (manage.py generate_synthetic)"
RECOMPUTE_CHUNK = 5000
FIRST_DAY, LAST_DAY = datetime.date(2014, 1, 1), datetime.date(2026, 10, 31)


def synthetic_code(number: int) -> str:
    """The code of the n-th synthetic incident: SYN-0000001."""
    return f"{CODE_PREFIX}-{number:07d}"



# --- The world: countries, places, conflicts, actors, sources -------------------------------------------------------

# code: (name, Arabic-script name, centroid latitude, longitude)
COUNTRIES = {
    "IQ": ("Iraq", "العراق", 33.2, 43.7),
    "SY": ("Syria", "سوريا", 35.0, 38.5),
    "YE": ("Yemen", "اليمن", 15.6, 47.6),
    "AF": ("Afghanistan", "افغانستان", 33.9, 67.7),
    "SO": ("Somalia", "الصومال", 5.2, 46.2),
    "LY": ("Libya", "ليبيا", 26.3, 17.2),
}

# (country, admin1, admin2, locality, locality in Arabic script, latitude, longitude, neighbourhoods, other spellings)
PLACES = [
    ("IQ", "Baghdād", "Karkh", "Baghdād", "بغداد", 33.3152, 44.3661, ["al-Manṣūr", "Karrada", "Sadr City", "al-Aʿẓamiyya"], ["Baghdad"]),
    ("IQ", "Nīnawā", "Mosul", "Mosul", "الموصل", 36.3400, 43.1300, ["Mosul al-Jadida", "al-Zanjili", "Old City", "al-Risala"], ["al-Mawṣil"]),
    ("IQ", "Nīnawā", "Tel Afar", "Tel Afar", "تلعفر", 36.3792, 42.4497, ["al-Qadisiya"], ["Tall ʿAfar"]),
    ("IQ", "al-Anbār", "Ramadi", "Ramadi", "الرمادي", 33.4258, 43.2997, ["al-Tamim", "al-Hawz"], ["al-Ramādī"]),
    ("IQ", "al-Anbār", "Falluja", "Falluja", "الفلوجة", 33.3500, 43.7833, ["al-Julan", "Nazzal"], ["al-Fallūja"]),
    ("IQ", "Ṣalāḥ ad-Dīn", "Tikrit", "Tikrit", "تكريت", 34.6071, 43.6782, ["al-Qadisiya"], ["Tikrīt"]),
    ("IQ", "Kirkūk", "Hawija", "Hawija", "الحويجة", 35.3167, 43.7667, [], ["al-Ḥawīja"]),
    ("SY", "al-Raqqa", "al-Raqqa", "al-Raqqa", "الرقة", 35.9528, 39.0079, ["al-Mashlab", "al-Rumaila", "al-Badu"], ["Raqqa", "ar-Raqqah"]),
    ("SY", "Ḥalab", "Jabal Semaan", "Ḥalab", "حلب", 36.2021, 37.1343, ["al-Shaar", "Bustan al-Qasr", "al-Sukkari"], ["Aleppo", "Halab"]),
    ("SY", "Idlib", "Idlib", "Idlib", "إدلب", 35.9306, 36.6339, ["al-Qusur"], ["Idlīb"]),
    ("SY", "Idlib", "Maarrat al-Numan", "Maʿarrat al-Nuʿmān", "معرة النعمان", 35.6433, 36.6708, [], ["Maarat al-Numan"]),
    ("SY", "Dayr al-Zawr", "al-Bukamal", "al-Bukamal", "البوكمال", 34.4536, 40.9367, [], ["Abu Kamal"]),
    ("SY", "Dayr al-Zawr", "Dayr al-Zawr", "Dayr al-Zawr", "دير الزور", 35.3359, 40.1408, ["al-Joura"], ["Deir ez-Zor"]),
    ("SY", "Ḥalab", "Manbij", "Manbij", "منبج", 36.5281, 37.9549, [], ["Manbij"]),
    ("YE", "Ṣanʿāʾ", "Amanat al-Asimah", "Ṣanʿāʾ", "صنعاء", 15.3694, 44.1910, ["al-Tahrir", "Shuʿub", "al-Sabʿin"], ["Sanaa", "Sana'a"]),
    ("YE", "al-Ḥudayda", "al-Hudayda", "al-Ḥudayda", "الحديدة", 14.7978, 42.9545, ["al-Hali", "al-Mina"], ["Hodeidah"]),
    ("YE", "Taʿizz", "al-Qahira", "Taʿizz", "تعز", 13.5795, 44.0209, ["al-Qahira"], ["Taiz"]),
    ("YE", "Ṣaʿda", "Ṣaʿda", "Ṣaʿda", "صعدة", 16.9402, 43.7639, ["Dahyan"], ["Saada"]),
    ("YE", "al-Bayḍāʾ", "Yakla", "Yakla", "يكلا", 14.3000, 45.1000, [], ["Yakla"]),
    ("YE", "Maʾrib", "Maʾrib", "Maʾrib", "مأرب", 15.4591, 45.3253, [], ["Marib"]),
    ("AF", "Nangarhār", "Achin", "Achin", "اچین", 34.1333, 70.7000, [], ["Achin"]),
    ("AF", "Helmand", "Lashkar Gāh", "Lashkar Gāh", "لشکرگاه", 31.5938, 64.3616, ["Bolan"], ["Lashkar Gah"]),
    ("AF", "Kunduz", "Kunduz", "Kunduz", "کندز", 36.7280, 68.8680, [], ["Qunduz"]),
    ("AF", "Kābul", "Kābul", "Kābul", "کابل", 34.5553, 69.2075, ["Dasht-e Barchi", "Karte Parwan"], ["Kabul"]),
    ("SO", "Lower Shabelle", "Marka", "Marka", "مركة", 1.7159, 44.7717, [], ["Merca"]),
    ("SO", "Banaadir", "Mogadishu", "Mogadishu", "مقديشو", 2.0469, 45.3182, ["Hodan", "Wadajir"], ["Muqdisho"]),
    ("SO", "Middle Juba", "Jilib", "Jilib", "جلب", 0.4883, 42.7854, [], ["Jilib"]),
    ("LY", "Ṭarābulus", "Tripoli", "Ṭarābulus", "طرابلس", 32.8872, 13.1913, ["Ain Zara", "Abu Salim", "Tajura"], ["Tripoli"]),
    ("LY", "Surt", "Sirte", "Surt", "سرت", 31.2089, 16.5887, [], ["Sirte"]),
    ("LY", "Banghāzī", "Benghazi", "Banghāzī", "بنغازي", 32.1167, 20.0667, ["al-Sabri"], ["Benghazi"]),
    ("LY", "Murzuq", "Murzuq", "Murzuq", "مرزق", 25.9155, 13.9184, [], ["Murzuk"]),
]

# Actors by key: (name, kind, country, parent key, aliases); `_ensure_world` writes the aliases as ActorAlias rows.
ACTORS = {
    "cjtf": ("Combined Joint Task Force – Operation Inherent Resolve", choices.ActorKind.COALITION, "",
             None, ["CJTF-OIR", "the U.S.-led coalition", "the Coalition", "التحالف الدولي"]),
    "us": ("United States forces", choices.ActorKind.STATE_FORCES, "US", "cjtf", ["US forces", "U.S. military", "القوات الأمريكية"]),
    "uk": ("United Kingdom forces", choices.ActorKind.STATE_FORCES, "GB", "cjtf", ["UK forces", "Royal Air Force", "RAF"]),
    "fr": ("French forces", choices.ActorKind.STATE_FORCES, "FR", "cjtf", ["Armée française", "Opération Chammal"]),
    "isf": ("Iraqi Security Forces", choices.ActorKind.STATE_FORCES, "IQ", None, ["ISF", "Iraqi forces", "القوات الأمنية العراقية"]),
    "isis": ("Islamic State", choices.ActorKind.NON_STATE, "", None, ["ISIS", "ISIL", "Daesh", "داعش"]),
    "sdf": ("Syrian Democratic Forces", choices.ActorKind.NON_STATE, "", None, ["SDF", "قوات سوريا الديمقراطية"]),
    "ru": ("Russian forces", choices.ActorKind.STATE_FORCES, "RU", None, ["Russian military", "القوات الروسية"]),
    "saa": ("Syrian Arab Army", choices.ActorKind.STATE_FORCES, "SY", None, ["Syrian government forces", "الجيش العربي السوري"]),
    "hts": ("Hayat Tahrir al-Sham", choices.ActorKind.NON_STATE, "", None, ["HTS", "هيئة تحرير الشام"]),
    "slc": ("Saudi-led coalition in Yemen", choices.ActorKind.COALITION, "", None, ["the Saudi-led coalition", "تحالف دعم الشرعية"]),
    "sa": ("Saudi Arabian forces", choices.ActorKind.STATE_FORCES, "SA", "slc", ["Royal Saudi Air Force"]),
    "ae": ("United Arab Emirates forces", choices.ActorKind.STATE_FORCES, "AE", "slc", ["UAE forces"]),
    "houthi": ("Ansar Allah (Houthis)", choices.ActorKind.NON_STATE, "", None, ["Houthis", "Ansar Allah", "أنصار الله"]),
    "aqap": ("Al-Qaeda in the Arabian Peninsula", choices.ActorKind.NON_STATE, "", None, ["AQAP", "تنظيم القاعدة في جزيرة العرب"]),
    "ana": ("Afghan National Army", choices.ActorKind.STATE_FORCES, "AF", None, ["ANA", "Afghan forces"]),
    "taliban": ("Taliban", choices.ActorKind.NON_STATE, "", None, ["Islamic Emirate of Afghanistan", "طالبان"]),
    "shabaab": ("al-Shabaab", choices.ActorKind.NON_STATE, "", None, ["Harakat al-Shabaab al-Mujahideen", "حركة الشباب"]),
    "sna": ("Somali National Army", choices.ActorKind.STATE_FORCES, "SO", None, ["SNA"]),
    "lna": ("Libyan National Army", choices.ActorKind.NON_STATE, "", None, ["LNA", "Haftar forces", "الجيش الوطني الليبي"]),
    "gna": ("Government of National Accord forces", choices.ActorKind.STATE_FORCES, "LY", None, ["GNA forces", "حكومة الوفاق"]),
    "tr": ("Turkish forces", choices.ActorKind.STATE_FORCES, "TR", None, ["Turkish Armed Forces", "القوات التركية"]),
}

# (name, country, belligerent keys: those that strike from the air first, event types with weights)
CONFLICTS = [
    ("Coalition vs ISIS — Iraq (synthetic)", "IQ", ["us", "uk", "fr", "cjtf", "isf", "isis"],
     {"airstrike": 6, "shelling": 2, "ground_raid": 1, "explosion": 1}),
    ("Coalition vs ISIS — Syria (synthetic)", "SY", ["us", "uk", "fr", "cjtf", "sdf", "isis"],
     {"airstrike": 6, "shelling": 2, "drone_strike": 1, "explosion": 1}),
    ("Russian military in Syria (synthetic)", "SY", ["ru", "saa", "hts", "tr"],
     {"airstrike": 5, "shelling": 3, "gunfire": 1}),
    ("Saudi-led coalition in Yemen (synthetic)", "YE", ["sa", "ae", "slc", "houthi"],
     {"airstrike": 6, "shelling": 2, "explosion": 1}),
    ("US forces in Yemen (synthetic)", "YE", ["us", "aqap"], {"drone_strike": 5, "ground_raid": 1, "airstrike": 2}),
    ("War in Afghanistan (synthetic)", "AF", ["us", "ana", "taliban"],
     {"airstrike": 4, "drone_strike": 3, "ground_raid": 1, "explosion": 2, "gunfire": 1}),
    ("US forces in Somalia (synthetic)", "SO", ["us", "sna", "shabaab"], {"airstrike": 3, "drone_strike": 4, "explosion": 1}),
    ("Libyan civil war (synthetic)", "LY", ["lna", "gna", "tr"], {"airstrike": 4, "drone_strike": 3, "shelling": 3}),
]

# (name, kind, country, language, confidential, weight): fictional publishers; the confidential ones stand for protected
# local sources, shown publicly only as "local source".
SOURCES = [
    ("Tigris Daily", SourceKind.NEWS_OUTLET, "IQ", "en", False, 8),
    ("Euphrates Monitor", SourceKind.MONITORING_GROUP, "SY", "en", False, 8),
    ("Levant Casualty Watch", SourceKind.MONITORING_GROUP, "SY", "en", False, 6),
    ("Al-Rafidain News", SourceKind.NEWS_OUTLET, "IQ", "ar", False, 6),
    ("شبكة أخبار الفرات", SourceKind.NEWS_OUTLET, "SY", "ar", False, 5),
    ("Sanaa Observer", SourceKind.NEWS_OUTLET, "YE", "en", False, 5),
    ("Yemen Civilian Harm Project", SourceKind.NGO, "YE", "en", False, 4),
    ("Helmand Herald", SourceKind.NEWS_OUTLET, "AF", "en", False, 4),
    ("Horn of Africa Wire", SourceKind.NEWS_OUTLET, "SO", "en", False, 4),
    ("Libya Observer Network", SourceKind.NEWS_OUTLET, "LY", "en", False, 4),
    ("International Wire Service", SourceKind.NEWS_OUTLET, "", "en", False, 7),
    ("Civilian Harm Monitor", SourceKind.MONITORING_GROUP, "", "en", False, 7),
    ("Mosul Residents' Page", SourceKind.SOCIAL_MEDIA, "IQ", "ar", False, 3),
    ("Raqqa Local Council", SourceKind.LOCAL_AUTHORITY, "SY", "ar", False, 2),
    ("Field contact A (protected)", SourceKind.COMMUNITY, "IQ", "ar", True, 2),
    ("Field contact B (protected)", SourceKind.COMMUNITY, "SY", "ar", True, 2),
    ("Field contact C (protected)", SourceKind.COMMUNITY, "YE", "ar", True, 1),
]
# Press desks: who publishes each issuer's statements (issuer key → source name).
PRESS_DESKS = {
    "cjtf": "CJTF-OIR press desk", "us": "US Central Command press desk", "uk": "UK Ministry of Defence press desk",
    "fr": "French Ministry of Armed Forces press desk", "isf": "Iraqi Joint Operations Command", "ru": "Russian Ministry of Defence",
    "saa": "Syrian Ministry of Defence", "sa": "Coalition Joint Incidents Assessment Team", "slc": "Coalition Joint Incidents Assessment Team",
    "ae": "Coalition Joint Incidents Assessment Team", "ana": "Afghan Ministry of Defence", "sna": "Somali Ministry of Defence",
    "gna": "GNA Ministry of Defence", "lna": "LNA media office", "tr": "Turkish Ministry of National Defence",
}

EVENT_WORDS = {
    "airstrike": ("Airstrike", "غارة جوية"), "drone_strike": ("Drone strike", "غارة بطائرة مسيرة"),
    "shelling": ("Shelling", "قصف مدفعي"), "ground_raid": ("Raid", "مداهمة"), "explosion": ("Explosion", "انفجار"),
    "gunfire": ("Gunfire", "إطلاق نار"), "other": ("Attack", "هجوم"),
}
FAMILY_NAMES = [("al-Jubouri", "الجبوري"), ("al-Obeidi", "العبيدي"), ("Hassan", "حسن"), ("al-Hamdani", "الحمداني"),
                ("al-Shammari", "الشمري"), ("al-Ahmad", "الأحمد"), ("Saleh", "صالح"), ("al-Khalil", "الخليل")]
GIVEN_NAMES = [("Ahmed", "أحمد", "male"), ("Fatima", "فاطمة", "female"), ("Omar", "عمر", "male"), ("Zainab", "زينب", "female"),
               ("Ali", "علي", "male"), ("Maryam", "مريم", "female"), ("Yusuf", "يوسف", "male"), ("Huda", "هدى", "female"),
               ("Khalid", "خالد", "male"), ("Nour", "نور", "female")]
ATTRIBUTIONS = ["residents", "local officials", "a hospital source", "civil defence", "witnesses", "a local council member",
                "medical sources", "relatives of the dead"]
STATEMENT_WORDS = {
    "open": "The allegation has been received and will be assessed.",
    "acknowledges_strike": "Coalition aircraft conducted a strike at the location corresponding to allegations of civilian casualties.",
    "denies": "No strikes were conducted in the area on that date.",
    "investigating": "A formal investigation into the allegations is under way.",
    "credible": "After review it was assessed that the strike unintentionally caused civilian casualties.",
    "not_credible": "After review the allegation was assessed as not credible.",
    "duplicate": "This allegation duplicates a case already assessed.",
    "no_comment": "We do not comment on ongoing operations.",
}
EXCLUSION_REASONS = ["Duplicates another claim of the same report.", "Refers to a different strike the same day.",
                     "Source later corrected the figure."]

# Weighted draws: (value, weight).
STATUSES = [(choices.Status.PUBLISHED, 82), (choices.Status.DRAFT, 9), (choices.Status.IN_REVIEW, 5), (choices.Status.RETRACTED, 4)]
DATE_PRECISIONS = [("day", 62), ("days", 10), ("week", 8), ("month", 13), ("year", 7)]
GEO_PRECISIONS = [("exact", 5), ("within_100m", 7), ("street", 10), ("neighbourhood", 15), ("town", 20), ("city", 20),
                  ("district", 10), ("province", 8), ("country", 5)]
QUALIFIERS = [("exact", 34), ("at_least", 20), ("more_than", 8), ("up_to", 5), ("about", 12), ("between", 12), ("unquantified", 9)]
# (outcome, group, weight) of a reported claim; each group is a set of SDG 16.1.2 categories (`GROUP_WHOM`).
CLAIM_KINDS = [("killed", "civilians", 62), ("injured", "civilians", 16), ("killed", "children", 8), ("killed", "women", 5),
               ("missing", "civilians", 3), ("killed", "combatants", 3), ("killed", "undetermined", 3)]

# How each qualifier is written: English and Arabic templates ({n}, {m}: numbers; {who}: the people; {what}: outcome).
EN_QUALIFIED = {
    "exact": "{n} {who} were {what}", "at_least": "at least {n} {who} were {what}", "more_than": "more than {n} {who} were {what}",
    "up_to": "up to {n} {who} were {what}", "about": "about {n} {who} were {what}", "between": "between {n} and {m} {who} were {what}",
    "unquantified": "dozens of {who} were {what}",
}
AR_QUALIFIED = {
    "exact": "{what} {n} من {who}", "at_least": "{what} ما لا يقل عن {n} من {who}", "more_than": "{what} أكثر من {n} من {who}",
    "up_to": "{what} ما يصل إلى {n} من {who}", "about": "{what} نحو {n} من {who}", "between": "{what} ما بين {n} و{m} من {who}",
    "unquantified": "{what} عشرات من {who}",
}
GROUP_WHOM = {
    "civilians": choices.CIVILIANS, "children": choices.CHILDREN, "women": choices.WOMEN,
    "combatants": choices.COMBATANTS,
    "undetermined": {**choices.CIVILIANS, "person_status": choices.ClaimStatus.UNKNOWN},
}
EN_WHO = {"civilians": "civilians", "children": "children", "women": "women", "combatants": "fighters", "undetermined": "people"}
AR_WHO = {"civilians": "المدنيين", "children": "الأطفال", "women": "النساء", "combatants": "المقاتلين", "undetermined": "الأشخاص"}
EN_WHAT = {"killed": "killed", "injured": "injured", "missing": "reported missing"}
AR_WHAT = {"killed": "قُتل", "injured": "أصيب", "missing": "فُقد"}


def _weighted(pairs):
    """Values and cumulative weights for `Random.choices`."""
    values = [pair[:-1] if len(pair) > 2 else pair[0] for pair in pairs]
    total, cumulative = 0, []
    for pair in pairs:
        total += pair[-1]
        cumulative.append(total)
    return values, cumulative


_STATUSES, _DATE_PRECISIONS, _GEO_PRECISIONS = _weighted(STATUSES), _weighted(DATE_PRECISIONS), _weighted(GEO_PRECISIONS)
_QUALIFIERS, _CLAIM_KINDS = _weighted(QUALIFIERS), _weighted(CLAIM_KINDS)
_SOURCES = _weighted([(index, source[-1]) for index, source in enumerate(SOURCES)])


def _pick(rng: random.Random, weighted) -> object:
    values, cumulative = weighted
    return rng.choices(values, cum_weights=cumulative)[0]


