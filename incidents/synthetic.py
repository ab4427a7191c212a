"""Synthetic data: many realistic, reproducible incidents for benchmarks, demos and load tests (`manage.py generate_synthetic`).

The same number of incidents and the same seed give the same data: every choice is drawn from one
`random.Random(seed)`, in incident order, whatever the chunk size or database. Only the timestamps are the run's
time (created, updated, published, history dates); ids are whatever the database hands out.

What it writes (all recognisable: incident codes `SYN-0000001…`, source slugs `syn-…`, report URLs under
`https://<source>.example/syn/`):

- conflicts, actors (coalitions with their members as `Actor.parent`) and sources, reused by name when they exist;
- per incident: 1–5 linked reports (some shared with the previous incident, some from confidential sources), 1–8
  claims whose qualifier and numbers agree (`choices.QUALIFIER_BOUNDS`) with the words quoted verbatim in the
  report's stored text, belligerents with their roles, official statements (some conceding figures, conceded by
  their issuer) on some, named victims (public and private) on a few, and related links between nearby records;
- a mix of statuses (mostly published), date precisions and geo precisions (coordinates as precise as the precision says);
- one history row ("+", created) per record written, as an import writes them;

then the derived figures and positions by the one set-based rule (`services.recompute_many`), and the related
groups (`services.refresh_related_groups`). Rows go in by COPY on PostgreSQL and by large `bulk_create` batches on
SQLite. Existing synthetic data is refused unless `reset` removes it first (`remove_synthetic`), so running the
command twice with `--reset` gives the same data twice, as `load_demo` creates nothing twice.
"""

import datetime
import hashlib
import io
import random
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from sources.choices import ReportKind, SourceKind
from sources.models import Report, Source

from . import choices, services
from .codes import reserve_ids
from .models import (
    Actor,
    BelligerentRoleLink,
    CasualtyFigure,
    Conflict,
    ExternalIdentifier,
    Incident,
    IncidentAlias,
    IncidentReport,
    OfficialStatement,
    Position,
    Revision,
    Victim,
)

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

# Actors by key: (name, kind, country, parent key, aliases). Aliases are kept here until actors have them as rows
# (issue 12): then each list is written by one line in `_ensure_world`.
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
# (outcome, group, weight) of a reported claim.
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


# --- Writing rows: COPY on PostgreSQL, bulk_create elsewhere ----------------------------------------------------------


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class _Table:
    """The rows of one model waiting to be written, as dicts of attribute names; defaults filled in once."""

    def __init__(self, model: type[models.Model], now: datetime.datetime, *, with_id: bool):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.defaults = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            elif f.has_default():
                self.defaults[f.attname] = f.get_default()
            elif f.null:
                self.defaults[f.attname] = None
            elif not f.primary_key:
                self.defaults[f.attname] = ""
        self.rows: list[dict] = []

    def add(self, **values) -> dict:
        row = {**self.defaults, **values}
        self.rows.append(row)
        return row

    def write(self) -> int:
        rows, self.rows = self.rows, []
        if not rows:
            return 0
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            attnames = [f.attname for f in self.fields]
            buffer.writelines("\t".join([_copy_text(row[name]) for name in attnames]) + "\n" for row in rows)
            buffer.seek(0)
            columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(f"COPY {connection.ops.quote_name(self.model._meta.db_table)} ({columns}) FROM STDIN", buffer)
        else:
            # bulk_create's work without its per-value SQL compiling: values prepared by their fields, one executemany.
            quote = connection.ops.quote_name
            columns = ", ".join(quote(f.column) for f in self.fields)
            sql = (f"INSERT INTO {quote(self.model._meta.db_table)} ({columns}) "
                   f"VALUES ({', '.join(['%s'] * len(self.fields))})")
            prepared = [(f.attname, f.get_db_prep_save) for f in self.fields]
            with connection.cursor() as cursor:
                cursor.executemany(sql, [[prep(row[name], connection) for name, prep in prepared] for row in rows])
        return len(rows)


# The tables a run loads. On PostgreSQL their foreign keys and non-unique indexes are set aside during the load and
# made again at the end: checking and indexing millions of rows at once is much faster than row by row, and a foreign
# key added back checks every row (a broken one would raise). Unique indexes stay (they are rules too), and so do the
# indexes by incident of the tables the recompute reads by incident.
LOADED = [Incident, Report, OfficialStatement, CasualtyFigure, IncidentReport, BelligerentRoleLink, Victim]
READ_BY_INCIDENT = [OfficialStatement, CasualtyFigure, IncidentReport]


def _loaded_tables() -> list[str]:
    models_ = [*LOADED, Incident.related.through, *(model.history.model for model in LOADED)]
    return [model._meta.db_table for model in models_]


def _set_aside() -> tuple[list, list, list]:
    """(name, table, definition) of the foreign keys and of the indexes that a load sets aside, and the names of the
    deferrable foreign keys of and to the tables these touch."""
    keep = [model._meta.db_table for model in READ_BY_INCIDENT]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conname, t.relname, pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "WHERE c.contype = 'f' AND t.relname = ANY(%s) AND pg_table_is_visible(t.oid) ORDER BY t.relname, c.conname",
            [_loaded_tables()],
        )
        foreign_keys = cursor.fetchall()
        # Dropping or adding a foreign key also alters the table it points to (actors, sources, users…).
        cursor.execute(
            "SELECT DISTINCT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid IN (c.conrelid, c.confrelid) "
            "WHERE c.contype = 'f' AND c.condeferrable AND pg_table_is_visible(t.oid) AND t.relname IN ("
            "  SELECT u.relname FROM pg_constraint f JOIN pg_class l ON l.oid = f.conrelid JOIN pg_class u ON u.oid = f.confrelid"
            "  WHERE f.contype = 'f' AND l.relname = ANY(%s) UNION SELECT unnest(%s::text[]))",
            [_loaded_tables(), _loaded_tables()],
        )
        referencing = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT i.relname, t.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_class t ON t.oid = x.indrelid LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0] "
            "WHERE t.relname = ANY(%s) AND pg_table_is_visible(t.oid) AND NOT x.indisunique AND NOT x.indisprimary "
            "AND NOT (t.relname = ANY(%s) AND a.attname = 'incident_id') ORDER BY t.relname, i.relname",
            [_loaded_tables(), keep],
        )
        indexes = cursor.fetchall()
    return foreign_keys, indexes, referencing


@contextmanager
def _constraints_set_aside(say: Callable[[str], None]):
    """On PostgreSQL, drop the loaded tables' foreign keys and secondary indexes for the block and make them again
    after it, from their own definitions; inside the caller's transaction, so a failure restores them. Elsewhere,
    nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    foreign_keys, indexes, referencing = _set_aside()
    quote = connection.ops.quote_name
    # The foreign keys of and to the tables these touch are checked at once, not at the commit: a table with checks
    # pending (rows an earlier step of the transaction deleted or inserted) can be neither altered nor indexed.
    # Only these: other deferred triggers (the data version's, `incidents.cache`) still run at the commit.
    checked_now = ", ".join(quote(name) for name in sorted({name for name, _t, _d in foreign_keys} | set(referencing)))
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {checked_now} IMMEDIATE")
        for name, table, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _table, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, _table, definition in indexes:
            cursor.execute(definition)
        for name, table, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute(f"SET CONSTRAINTS {checked_now} DEFERRED")
    say(f"rebuilt {len(indexes)} indexes and checked {len(foreign_keys)} foreign keys in {time.perf_counter() - started:,.1f} s")


def _analyze(models_: list) -> None:
    """Give the planner the new tables' statistics before the recompute reads them (incidents.dbstats: SQLite has
    none until ANALYZE runs)."""
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


# --- Removing earlier synthetic data ----------------------------------------------------------------------------------


def synthetic_incidents():
    return Incident.objects.filter(code__startswith=f"{CODE_PREFIX}-")


def synthetic_reports():
    return Report.objects.filter(source__slug__startswith=SOURCE_SLUG_PREFIX)


def remove_synthetic() -> int:
    """Delete every synthetic incident, what hangs on it and its history, and the synthetic sources' reports.

    Conflicts, actors and sources stay (the next run reuses them by name). Raises IntegrityError when a record
    that is not synthetic points to a synthetic one (e.g. an editor cited a synthetic report).
    """
    ids = synthetic_incidents().values("pk")
    count = synthetic_incidents().count()
    through = Incident.related.through
    hanging = [Position, Victim, CasualtyFigure, OfficialStatement, IncidentReport, BelligerentRoleLink,
               ExternalIdentifier, IncidentAlias, Revision]
    with transaction.atomic():
        through.objects.filter(Q(from_incident_id__in=ids) | Q(to_incident_id__in=ids))._raw_delete("default")
        for model in hanging:
            if hasattr(model, "history"):
                model.history.model.objects.filter(incident_id__in=ids)._raw_delete("default")
            model.objects.filter(incident_id__in=ids)._raw_delete("default")
        Incident.history.model.objects.filter(id__in=ids)._raw_delete("default")
        reports = synthetic_reports().values("pk")
        Report.history.model.objects.filter(id__in=reports)._raw_delete("default")
        Incident.objects.filter(pk__in=ids)._raw_delete("default")
        synthetic_reports()._raw_delete("default")
    return count


# --- Generating -------------------------------------------------------------------------------------------------------


@dataclass
class Result:
    incidents: int = 0
    rows: int = 0
    seconds_written: float = 0.0
    seconds_derived: float = 0.0
    seconds_total: float = 0.0
    counts: dict = field(default_factory=dict)


@dataclass
class _World:
    conflicts: list  # (Conflict, country, [actor ids], event-type weights)
    actor_ids: dict  # key → id
    sources: list  # Source rows in SOURCES order
    press: dict  # issuer key → Source
    places_by_country: dict
    province_centres: dict


def _ensure_world() -> _World:
    """Conflicts, actors and sources: reused by name when they exist, created (with history) otherwise."""
    actor_ids = {}
    for key, (name, kind, country, parent, _aliases) in ACTORS.items():
        actor = Actor.objects.filter(name=name).first()
        if actor is None:
            actor = Actor(name=name, slug=_free_slug(Actor, f"{SOURCE_SLUG_PREFIX}{slugify(name)}"), kind=kind, country=country,
                          parent_id=actor_ids.get(parent), description="Synthetic actor (manage.py generate_synthetic).")
            actor.save()
            Actor.history.bulk_history_create([actor], default_change_reason=HISTORY_REASON)
        # Issue 12: once actors have aliases, write `_aliases` here (one line).
        actor_ids[key] = actor.pk
    conflicts = []
    for name, country, keys, events in CONFLICTS:
        conflict = Conflict.objects.filter(name=name).first()
        if conflict is None:
            conflict = Conflict.objects.create(name=name, slug=_free_slug(Conflict, f"{SOURCE_SLUG_PREFIX}{slugify(name)}"),
                                               description="Synthetic conflict (manage.py generate_synthetic).")
            Conflict.history.bulk_history_create([conflict], default_change_reason=HISTORY_REASON)
        conflicts.append((conflict, country, [actor_ids[key] for key in keys], keys, _weighted(list(events.items()))))
    sources = [_source(name, kind, country, language, confidential) for name, kind, country, language, confidential, _w in SOURCES]
    press = {key: _source(name, SourceKind.MILITARY if key not in ("isf",) else SourceKind.GOVERNMENT, "", "en", False)
             for key, name in PRESS_DESKS.items()}
    places_by_country, members = {}, {}
    for place in PLACES:
        places_by_country.setdefault(place[0], []).append(place)
        members.setdefault((place[0], place[1]), []).append(place)
    province_centres = {key: (round(sum(p[5] for p in ps) / len(ps), 2), round(sum(p[6] for p in ps) / len(ps), 2))
                        for key, ps in members.items()}
    return _World(conflicts, actor_ids, sources, press, places_by_country, province_centres)


def _free_slug(model, slug: str) -> str:
    candidate, n = slug[:190], 2
    while model.objects.filter(slug=candidate).exists():
        candidate, n = f"{slug[:185]}-{n}", n + 1
    return candidate


def _source(name, kind, country, language, confidential) -> Source:
    slug = f"{SOURCE_SLUG_PREFIX}{slugify(name, allow_unicode=False) or 'ar-' + hashlib.sha1(name.encode()).hexdigest()[:8]}"
    source = Source.objects.filter(slug=slug).first()
    if source is None:
        source = Source.objects.create(
            name=name if not Source.objects.filter(name=name).exists() else f"{name} ({slug})", slug=slug, kind=kind,
            country=country, language=language, is_confidential=confidential,
            homepage=f"https://{slug}.example/", description="Synthetic source (manage.py generate_synthetic).",
        )
        Source.history.bulk_history_create([source], default_change_reason=HISTORY_REASON)
    return source


class _Generator:
    """Draws one incident after another from the seed and queues its rows; `flush` writes a chunk."""

    def __init__(self, world: _World, seed: int, now: datetime.datetime):
        self.world, self.rng, self.now = world, random.Random(seed), now
        self.incidents = _Table(Incident, now, with_id=True)
        self.reports = _Table(Report, now, with_id=True)
        self.statements = _Table(OfficialStatement, now, with_id=True)
        self.figures = _Table(CasualtyFigure, now, with_id=False)
        self.links = _Table(IncidentReport, now, with_id=False)
        self.roles = _Table(BelligerentRoleLink, now, with_id=False)
        self.victims = _Table(Victim, now, with_id=False)
        self.related = _Table(Incident.related.through, now, with_id=False)
        self.pools: dict[type, list[int]] = {Report: [], OfficialStatement: []}
        self.recent: list[tuple[int, str, list[int]]] = []  # (incident id, locality, report ids) of the last few incidents
        self.related_ids: list[int] = []
        self.written: dict[type, int] = {}

    def tables(self) -> list[_Table]:
        # In the order their foreign keys need.
        return [self.incidents, self.reports, self.statements, self.figures, self.links, self.roles, self.victims, self.related]

    def flush(self) -> int:
        total = 0
        for table in self.tables():
            count = table.write()
            self.written[table.model] = self.written.get(table.model, 0) + count
            total += count
        return total

    def chunk(self, first: int, count: int) -> list[int]:
        """Queue incidents first … first+count-1 (1-based ordinals); returns their ids."""
        ids = reserve_ids(Incident, count)
        for number, pk in zip(range(first, first + count), ids, strict=True):
            self.incident(number, pk)
        return ids

    def _next_id(self, model) -> int:
        """An id reserved for a row of `model` (reserved in blocks: one query per block, not per row)."""
        pool = self.pools[model]
        if not pool:
            pool.extend(reversed(reserve_ids(model, 5000)))
        return pool.pop()

    def _date(self, rng):
        start = FIRST_DAY + datetime.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days - 400))
        precision = _pick(rng, _DATE_PRECISIONS)
        end = None
        if precision == "days":
            end = start + datetime.timedelta(days=rng.randint(1, 5))
        elif precision == "week":
            start -= datetime.timedelta(days=start.weekday())
            end = start + datetime.timedelta(days=6)
        elif precision == "month":
            start = start.replace(day=1)
            end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        elif precision == "year":
            start, end = start.replace(month=1, day=1), start.replace(month=12, day=31)
        return start, end, precision

    def _place(self, rng, country):
        place = rng.choice(self.world.places_by_country[country])
        _c, admin1, admin2, locality, arabic, lat, lon, neighbourhoods, spellings = place
        precision = _pick(rng, _GEO_PRECISIONS)
        if precision in ("exact", "within_100m", "street", "neighbourhood") and not neighbourhoods:
            precision = "town"
        neighbourhood = rng.choice(neighbourhoods) if precision in ("exact", "within_100m", "street", "neighbourhood") else ""
        spelled = locality if rng.random() < 0.7 else rng.choice(spellings)
        values = {"country": country, "admin1": admin1, "admin2": admin2, "locality": spelled, "neighbourhood": neighbourhood,
                  "place_name_ar": arabic, "geo_precision": precision}
        if precision in ("exact", "within_100m", "street"):
            lat, lon = lat + rng.uniform(-0.03, 0.03), lon + rng.uniform(-0.03, 0.03)
        elif precision == "neighbourhood":
            k = neighbourhoods.index(neighbourhood)
            lat, lon = lat + 0.01 * (k % 3 - 1), lon + 0.01 * (k // 3 - 1)
        elif precision == "district":
            values["locality"], values["place_name_ar"] = "", ""
            lat, lon = round(lat, 1), round(lon, 1)
        elif precision == "province":
            values.update(locality="", admin2="", place_name_ar="")
            lat, lon = self.world.province_centres[(country, admin1)]
        elif precision == "country":
            values.update(locality="", admin2="", admin1="", place_name_ar=COUNTRIES[country][1])
            lat, lon = COUNTRIES[country][2:] if rng.random() < 0.7 else (None, None)
        if lat is not None:
            values["latitude"], values["longitude"] = Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")
        return values, place

    def incident(self, number: int, pk: int) -> None:
        rng, world = self.rng, self.world
        conflict, country, actor_ids, keys, events = rng.choice(world.conflicts)
        start, end, date_precision = self._date(rng)
        place_values, place = self._place(rng, country)
        event = _pick(rng, events)
        status = _pick(rng, _STATUSES)
        heavy = rng.random() < 0.06
        # Civilian deaths "really" caused: most incidents few, a long tail of many.
        truth = max(0, int(rng.lognormvariate(1.2, 1.1) * (4 if heavy else 1)))
        where = place_values["neighbourhood"] or place_values["locality"] or place_values["admin1"] or COUNTRIES[country][0]
        town = place_values["locality"] or place_values["admin1"] or COUNTRIES[country][0]
        english, arabic = EVENT_WORDS[event]
        if rng.random() < 0.1:
            title = f"{arabic} على {place[4]}"
        else:
            title = f"{english} on {where}, {town}" if where != town else f"{english} in {town}"
        summary = (f"Synthetic record. {english} in {town} ({COUNTRIES[country][0]}) reported on "
                   f"{start.isoformat()}; sources give differing figures. {place[4]}.")

        # Belligerents: one or two of the conflict's, mostly those who strike (the first ones listed).
        belligerents = [actor_ids[min(int(rng.expovariate(0.8)), len(actor_ids) - 1)]]
        if rng.random() < 0.2:
            other = rng.choice(actor_ids)
            if other not in belligerents:
                belligerents.append(other)
        for actor_id in belligerents:
            role = choices.BelligerentRole.ACKNOWLEDGED if rng.random() < 0.15 else choices.BelligerentRole.ALLEGED
            self.roles.add(incident_id=pk, actor_id=actor_id, role=role)

        n_reports = rng.randint(3, 5) if heavy else rng.choices([1, 2, 3], cum_weights=[60, 88, 100])[0]
        n_claims = rng.randint(5, 8) if heavy else rng.choices([1, 2, 3, 4], cum_weights=[45, 75, 92, 100])[0]
        # Official statements on some incidents (more on well documented ones), by a belligerent or its coalition.
        statements = []
        if rng.random() < (0.6 if heavy else 0.1):
            issuer_key = keys[actor_ids.index(belligerents[0])]
            parent = ACTORS[issuer_key][3]
            if parent and rng.random() < 0.5:
                issuer_key = parent
            if issuer_key in PRESS_DESKS:
                statements = self._statement_plan(rng, issuer_key, start)
        n_reports = min(n_reports, 5 - (1 if statements else 0))

        # Reports: new ones, or (sometimes) one the previous incident cites, linked only.
        own_reports, shared = [], []
        for _ in range(n_reports):
            if self.recent and self.recent[-1][2] and rng.random() < 0.08 and not shared:
                shared.append(rng.choice(self.recent[-1][2]))
                continue
            own_reports.append(self._report_plan(rng, number, len(own_reports), start, title))
        if not own_reports:
            own_reports.append(self._report_plan(rng, number, 0, start, title))

        # Claims: reported ones cite an own report; a few are the tracker's estimate; concessions come with statements.
        concessions = sum(1 for s in statements if s["concedes"])
        for _ in range(max(1, n_claims - concessions)):
            if rng.random() < 0.04:
                low = max(0, truth - rng.randint(0, 3))
                self.figures.add(incident_id=pk, basis=choices.Basis.ESTIMATE, outcome="killed", group="civilians",
                                 qualifier="between", count_min=low, count_max=low + rng.randint(0, 5),
                                 attributed_to="Casualty Tracker estimate", stated_on=None, quote="", report_id=None)
                continue
            report = rng.choice(own_reports)
            outcome, group = _pick(rng, _CLAIM_KINDS)
            base = truth if group in ("civilians", "undetermined") else max(0, truth // 3)
            if outcome == "injured":
                base = base * 2 + rng.randint(0, 3)
            values, quote = self._numbers(rng, base, outcome, group, report["language"])
            excluded = rng.random() < 0.04
            stated_on, stated_precision = self._stated(rng, report["published_on"])
            report["quotes"].append(quote)
            self.figures.add(
                incident_id=pk, report_id=report["id"], basis=choices.Basis.REPORTED, outcome=outcome, group=group,
                attributed_to=rng.choice(ATTRIBUTIONS), quote=quote, stated_on=stated_on, stated_on_precision=stated_precision,
                excluded=excluded, excluded_reason=rng.choice(EXCLUSION_REASONS) if excluded else "", **values,
            )

        report_ids = [report["id"] for report in own_reports]
        statement_reports = self._statements(rng, pk, number, statements, truth)
        for report in own_reports:
            self._queue_report(report)
        for report_id in [*report_ids, *statement_reports, *shared]:
            self.links.add(incident_id=pk, report_id=report_id,
                           note="Also covers this incident" if report_id in shared else "")

        if rng.random() < (0.3 if heavy else 0.04):
            self._victims(rng, pk, rng.choice(report_ids), truth)

        if self.recent and rng.random() < 0.02:
            same_place = [r for r in self.recent if r[1] == place[3]]
            other = rng.choice(same_place or self.recent)[0]
            self.related.add(from_incident_id=pk, to_incident_id=other)
            self.related.add(from_incident_id=other, to_incident_id=pk)
            self.related_ids += [pk, other]

        grade = ""
        if status != choices.Status.DRAFT or rng.random() < 0.5:
            if any(s["concedes"] for s in statements):
                grade = choices.Grade.CONFIRMED
            elif len(belligerents) > 1:
                grade = choices.Grade.CONTESTED
            else:
                grade = rng.choice([choices.Grade.FAIR, choices.Grade.FAIR, choices.Grade.DISCOUNTED]) if n_reports > 1 \
                    else choices.Grade.WEAK
        public_once = status in (choices.Status.PUBLISHED, choices.Status.RETRACTED)
        self.incidents.add(
            id=pk, code=synthetic_code(number), title=title[:300], summary=summary, date_start=start, date_end=end,
            date_precision=date_precision, event_type=event, conflict_id=conflict.pk, grade=grade, status=status,
            retraction_reason="Found to duplicate another record." if status == choices.Status.RETRACTED else "",
            published_at=self.now if public_once else None, **place_values,
        )
        self.recent = [*self.recent[-19:], (pk, place[3], report_ids)]

    def _report_plan(self, rng, number, index, start, title) -> dict:
        source = self.world.sources[_pick(rng, _SOURCES)]
        published = start + datetime.timedelta(days=rng.randint(0, 20))
        return {
            "id": self._next_id(Report), "source": source, "language": source.language, "published_on": published, "quotes": [],
            "title": title, "number": number, "index": index,
            "stored_text": rng.random() < 0.75,
            "kind": ReportKind.MONITOR_REPORT if source.kind == SourceKind.MONITORING_GROUP else (
                ReportKind.SOCIAL_POST if source.kind == SourceKind.SOCIAL_MEDIA else ReportKind.ARTICLE),
        }

    def _queue_report(self, report: dict) -> None:
        source = report["source"]
        url = f"https://{source.slug}.example/syn/{report['number']}-{report['index']}"
        if report["language"] == "ar":
            text = f"{report['title']}. " + "، و".join(report["quotes"]) + "."
        else:
            text = f"{report['title']}. According to the report, " + ". ".join(report["quotes"]) + "."
        self.reports.add(
            id=report["id"], source_id=source.pk, title=report["title"][:500], url=url, url_normalised=url,
            published_on=report["published_on"], language=report["language"], kind=report["kind"],
            text=text if report["stored_text"] else "",
        )

    def _numbers(self, rng, base, outcome, group, language) -> tuple[dict, str]:
        """A claim's numbers and its words, agreeing (`choices.QUALIFIER_BOUNDS`)."""
        qualifier = _pick(rng, _QUALIFIERS)
        n = max(1, round(base * rng.uniform(0.6, 1.4)))
        m = None
        best = None
        if qualifier in ("exact", "about"):
            low, high = n, n
        elif qualifier == "at_least":
            low, high = n, None
        elif qualifier == "more_than":
            low, high = n + 1, None
        elif qualifier == "up_to":
            low, high = None, n
        elif qualifier == "between":
            m = n + rng.randint(1, max(2, n // 2))
            low, high = n, m
            if rng.random() < 0.3:
                best = rng.randint(n, m)
        else:
            low, high = None, None
        templates, who, what = (AR_QUALIFIED, AR_WHO, AR_WHAT) if language == "ar" else (EN_QUALIFIED, EN_WHO, EN_WHAT)
        quote = templates[qualifier].format(n=n, m=m, who=who[group], what=what[outcome])
        return {"qualifier": qualifier, "count_min": low, "count_max": high, "count_best": best}, quote

    def _stated(self, rng, day):
        if rng.random() < 0.05:
            return None, choices.StatedPrecision.DAY
        r = rng.random()
        if r < 0.85:
            return day, choices.StatedPrecision.DAY
        if r < 0.95:
            return day.replace(day=1), choices.StatedPrecision.MONTH
        return day.replace(month=1, day=1), choices.StatedPrecision.YEAR

    def _statement_plan(self, rng, issuer_key, start) -> list[dict]:
        stances = rng.choice([["open"], ["investigating"], ["denies"], ["acknowledges_strike"], ["open", "credible"],
                              ["investigating", "not_credible"], ["acknowledges_strike", "credible"], ["no_comment"],
                              ["open", "duplicate"]])
        day, plan = start, []
        for stance in stances:
            day = day + datetime.timedelta(days=rng.randint(2, 120))
            plan.append({"issuer": issuer_key, "stance": stance, "day": min(day, LAST_DAY),
                         "concedes": stance in ("credible", "acknowledges_strike") and rng.random() < 0.6})
        return plan

    def _statements(self, rng, pk, number, plan, truth) -> list[int]:
        if not plan:
            return []
        issuer_key = plan[0]["issuer"]
        issuer_id = self.world.actor_ids[issuer_key]
        source = self.world.press[issuer_key]
        report_id = self._next_id(Report)
        ids = [self._next_id(OfficialStatement) for _ in plan]
        sentences = []
        for statement_id, step in zip(ids, plan, strict=True):
            words = STATEMENT_WORDS[step["stance"]]
            precision = choices.StatedPrecision.DAY if rng.random() < 0.9 else choices.StatedPrecision.MONTH
            day = step["day"] if precision == choices.StatedPrecision.DAY else step["day"].replace(day=1)
            self.statements.add(
                id=statement_id, incident_id=pk, issuer_id=issuer_id, stated_on=day, stated_on_precision=precision,
                stance=step["stance"], quote=words, summary=f"{ACTORS[issuer_key][0]}: {step['stance'].replace('_', ' ')}.",
                report_id=report_id, reason="Duplicate of an earlier allegation." if step["stance"] == "duplicate" else "",
            )
            sentences.append(words)
            if step["concedes"]:
                n = max(1, min(truth, round(truth * rng.uniform(0.2, 1.0))))
                at_least = rng.random() < 0.3
                quote = f"{'at least ' if at_least else ''}{n} civilians were unintentionally killed"
                sentences.append(f"{quote[0].upper()}{quote[1:]}.")
                self.figures.add(
                    incident_id=pk, report_id=report_id, statement_id=statement_id, conceded_by_id=issuer_id,
                    basis=choices.Basis.CONCEDED, outcome="killed", group="civilians",
                    qualifier="at_least" if at_least else "exact", count_min=n, count_max=None if at_least else n,
                    attributed_to=ACTORS[issuer_key][0], quote=quote, stated_on=day, stated_on_precision=precision,
                )
        url = f"https://{source.slug}.example/syn/statement-{number}"
        self.reports.add(
            id=report_id, source_id=source.pk, title=f"Statement on allegation of civilian harm ({plan[0]['day']:%d %B %Y})",
            url=url, url_normalised=url, published_on=plan[-1]["day"], language="en",
            kind=ReportKind.OFFICIAL_ASSESSMENT if len(plan) > 1 else ReportKind.PRESS_RELEASE, text=" ".join(sentences),
        )
        return [report_id]

    def _victims(self, rng, pk, report_id, truth) -> None:
        family, family_ar = rng.choice(FAMILY_NAMES)
        for _ in range(rng.randint(1, max(2, min(6, truth)))):
            given, given_ar, sex = rng.choice(GIVEN_NAMES)
            named = rng.random() < 0.7
            age = rng.randint(1, 80) if rng.random() < 0.6 else None
            band = choices.AgeBand.UNKNOWN if age is not None else rng.choice(
                [choices.AgeBand.CHILD, choices.AgeBand.ADULT, choices.AgeBand.ELDERLY])
            self.victims.add(
                incident_id=pk, report_id=report_id, name=f"{given} {family}" if named else "",
                name_ar=f"{given_ar} {family_ar}" if named else "", sex=sex, age=age, age_band=band,
                outcome=choices.Outcome.KILLED if rng.random() < 0.8 else choices.Outcome.INJURED,
                person_status=choices.PersonStatus.CIVILIAN, family_group=family,
                visibility=choices.Visibility.PUBLIC if rng.random() < 0.6 else choices.Visibility.PRIVATE,
            )


class SyntheticDataExists(Exception):
    """Synthetic incidents are already in the database (and no reset was asked for)."""

    def __init__(self, count: int):
        super().__init__(f"{count} synthetic incidents exist")
        self.count = count


def generate(*, incidents: int, seed: int, reset: bool = False, chunk: int = 20_000,
             progress: Callable[[str], None] | None = None) -> Result:
    """Write `incidents` synthetic incidents drawn from `seed`, then derive their figures, in one transaction.

    With `reset`, earlier synthetic data is removed first (`remove_synthetic`); without it, existing synthetic data
    is refused (`SyntheticDataExists`), so two runs never mix.
    """
    if incidents < 1:
        raise ValueError("Give a number of incidents of at least 1.")
    say = progress or (lambda message: None)
    result, now = Result(incidents=incidents), timezone.now()
    with transaction.atomic():
        if reset:
            removing = time.perf_counter()
            removed = remove_synthetic()
            if removed:
                say(f"removed {removed:,} earlier synthetic incidents in {time.perf_counter() - removing:,.1f} s")
        elif synthetic_incidents().exists():
            raise SyntheticDataExists(synthetic_incidents().count())
        started = time.perf_counter()
        generator = _Generator(_ensure_world(), seed, now)
        all_ids = []
        with _constraints_set_aside(say):
            for first in range(1, incidents + 1, chunk):
                count = min(chunk, incidents - first + 1)
                all_ids += generator.chunk(first, count)
                result.rows += generator.flush()
                elapsed = time.perf_counter() - started
                say(f"written {first + count - 1:,}/{incidents:,} incidents, {result.rows:,} rows "
                    f"({result.rows / elapsed:,.0f} rows/s)")
            _history(now)
            _analyze([Incident, Report, OfficialStatement, CasualtyFigure, IncidentReport, BelligerentRoleLink, Victim])
            result.seconds_written = time.perf_counter() - started
            say(f"history rows written ({result.seconds_written:,.1f} s so far)")
            derive_started = time.perf_counter()
            step = 50_000
            for start in range(0, len(all_ids), step):
                # One set-based recompute, run over slices only to show progress (it works in chunks anyway).
                services.recompute_many(all_ids[start:start + step], chunk=RECOMPUTE_CHUNK)
                done = min(start + step, len(all_ids))
                say(f"derived figures of {done:,}/{len(all_ids):,} incidents "
                    f"({done / (time.perf_counter() - derive_started):,.0f} incidents/s)")
            result.seconds_derived = time.perf_counter() - derive_started
        services.refresh_related_groups(incident_ids=sorted(set(generator.related_ids)))
        result.seconds_total = time.perf_counter() - started
    result.counts = {"claims": generator.written[CasualtyFigure], "reports": generator.written[Report]}
    return result


def _history(now) -> None:
    """One "+" history row for every synthetic row written (statements, claims, links... found by their incident)."""
    incidents = synthetic_incidents().values("pk")
    services.write_history(Incident, synthetic_incidents(), history_type="+", date=now, reason=HISTORY_REASON)
    services.write_history(Report, synthetic_reports(), history_type="+", date=now, reason=HISTORY_REASON)
    for model in (OfficialStatement, CasualtyFigure, IncidentReport, BelligerentRoleLink, Victim):
        services.write_history(model, model.objects.filter(incident_id__in=incidents), history_type="+", date=now,
                               reason=HISTORY_REASON)


# --- Reading back: a digest of the data, for "the same seed gives the same data" --------------------------------------

DIGESTED = {
    Incident: ["code", "title", "summary", "date_start", "date_end", "date_precision", "country", "admin1", "admin2", "locality",
               "neighbourhood", "place_name_ar", "latitude", "longitude", "geo_precision", "event_type", "conflict__name",
               "grade", "status", "retraction_reason", *services.DERIVED_FIELDS],
    Report: ["source__slug", "title", "url", "published_on", "language", "kind", "text"],
    CasualtyFigure: ["incident__code", "report__url", "statement__stance", "conceded_by__name", "basis", "outcome", "group",
                     "qualifier", "count_min", "count_max", "count_best", "stated_on", "stated_on_precision", "quote",
                     "attributed_to", "excluded", "excluded_reason"],
    OfficialStatement: ["incident__code", "issuer__name", "stated_on", "stated_on_precision", "stance", "quote", "report__url"],
    IncidentReport: ["incident__code", "report__url", "note"],
    BelligerentRoleLink: ["incident__code", "actor__name", "role"],
    Victim: ["incident__code", "name", "name_ar", "sex", "age", "age_band", "outcome", "visibility", "report__url"],
    Position: ["incident__code", "actor__name", *[f for f in ("stance", "stated_on", "conceded_killed_min", "conceded_killed_max")]],
}


def digest() -> str:
    """A hash of the synthetic data's content (no ids, no timestamps): equal for equal seeds and sizes."""
    hasher = hashlib.sha256()
    incidents = synthetic_incidents().values("pk")
    for model, fields in DIGESTED.items():
        if model is Incident:
            rows = synthetic_incidents()
        elif model is Report:
            rows = synthetic_reports()
        else:
            rows = model.objects.filter(incident_id__in=incidents)
        for row in sorted(rows.values_list(*fields), key=repr):
            hasher.update(repr(row).encode())
    related = Incident.related.through.objects.filter(from_incident_id__in=incidents)
    for pair in sorted(related.values_list("from_incident__code", "to_incident__code")):
        hasher.update(repr(pair).encode())
    return hasher.hexdigest()

