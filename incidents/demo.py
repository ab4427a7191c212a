"""The reference case, entered faithfully: one news report covering three incidents.

`data/seed/mosul-airstrike-article.txt` is stored as the report's text, so every
quote below is checked against it when saved. Each figure the article states is
its own claim; nothing is invented: where the article gives no number ("scores",
"at least some"), the claim has none; where it gives no place or day, the
precision says so.
"""

import datetime

from django.db import transaction

from sources.choices import ReportKind, SourceKind
from sources.models import Report, Source, SourceAlias

from . import choices
from .aliases import normalised_name
from .models import (
    Actor,
    ActorAlias,
    AggregateClaim,
    BelligerentRoleLink,
    CasualtyFigure,
    Conflict,
    ExternalIdentifier,
    Incident,
    OfficialStatement,
)
from .reference_case import ARTICLE_DATE, ARTICLE_OUTLET, ARTICLE_PATH, ARTICLE_TITLE
from .services import deferred_recompute, save_claim, save_statement
from .workflow import publish_aggregate_by_system, publish_by_system

DEMO_REASON = "demo data: the reference article"


def _saved(obj):
    """Validate like the admin does (constraints and quote checks), then save (claims and statements through their services)."""
    obj.full_clean()
    if isinstance(obj, CasualtyFigure):
        return save_claim(claim=obj)
    if isinstance(obj, OfficialStatement):
        return save_statement(statement=obj)
    obj.save()
    return obj


def _actor(name, slug, kind, parent=None, country=""):
    actor, _ = Actor.objects.get_or_create(
        slug=slug, defaults={"name": name, "kind": kind, "parent": parent, "country": country},
    )
    return actor


# Other names each record is known by, as sources and officials write them, by the record's name (the reference
# article's, and those the bundled UCDP file brings): the search, the admin's autocomplete and the imports find the
# record by any of them.
ACTOR_ALIASES = {
    "CJTF-OIR (US-led coalition)": [
        "Combined Joint Task Force – Operation Inherent Resolve", "Operation Inherent Resolve", "US-led coalition",
        "Global Coalition against Daesh", "Global Coalition to Defeat ISIS", "التحالف الدولي",
    ],
    "US forces": ["United States", "US military", "U.S. military", "American forces", "US Central Command", "CENTCOM",
                  "القوات الأمريكية"],
    "Iraqi security forces": ["ISF", "Iraqi forces", "Iraqi army", "القوات الأمنية العراقية"],
    "IS": ["Islamic State", "ISIS", "ISIL", "Daesh", "Islamic State of Iraq and the Levant", "Islamic State of Iraq and Syria",
           "الدولة الإسلامية", "داعش"],
    "Government of Iraq": ["Iraqi government", "حكومة العراق"],
    "al-Mahdi Army": ["Mahdi Army", "Jaysh al-Mahdi", "جيش المهدي"],
    "PKK": ["Kurdistan Workers' Party", "Partiya Karkerên Kurdistanê"],
}
SOURCE_ALIASES = {
    ARTICLE_OUTLET: ["Washington Post", "WaPo", "washingtonpost.com", "واشنطن بوست"],
    "Airwars": ["Airwars.org", "إيروورز"],
    "Uppsala Conflict Data Program (UCDP)": ["UCDP", "Uppsala Conflict Data Program", "UCDP GED"],
}


def load_demo_aliases() -> int:
    """The aliases of the demo's records that exist (once: an alias already recorded is left as it is); how many added.
    Called after the reference article, and by `load_demo` again after the UCDP import."""
    added = 0
    tables = ((Actor, ActorAlias, "actor", ACTOR_ALIASES), (Source, SourceAlias, "source", SOURCE_ALIASES))
    for model, alias_model, to_record, table in tables:
        for record in model.objects.filter(name__in=list(table)):
            for name in table[record.name]:
                if normalised_name(name) != record.name_normalised and not alias_model.objects.filter(
                        name_normalised=normalised_name(name)).exists():
                    alias_model.objects.create(**{to_record: record}, name=name)
                    added += 1
    return added


def _conflict(name, slug, description):
    conflict, _ = Conflict.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})
    return conflict


@transaction.atomic
def load_reference_article() -> Report:
    """Enter the reference article, its three incidents, figures, statements and aggregate claim (once)."""
    existing = Report.objects.filter(title=ARTICLE_TITLE, published_on=ARTICLE_DATE).first()
    if existing:
        add_arabic_words()  # a database loaded before the records had Arabic fields gets them now
        return existing

    wapo, _ = Source.objects.get_or_create(
        slug="washington-post",
        defaults={"name": ARTICLE_OUTLET, "kind": SourceKind.NEWS_OUTLET, "country": "US", "language": "en",
                  "homepage": "https://www.washingtonpost.com/"},
    )
    # Airwars is named as the claimant of the aggregate figure; UCDP rows cite its reports too.
    Source.objects.get_or_create(
        slug="airwars",
        defaults={"name": "Airwars", "kind": SourceKind.MONITORING_GROUP, "country": "GB", "language": "en",
                  "homepage": "https://airwars.org/",
                  "description": "U.K.-based group monitoring civilian harm from military action."},
    )
    report = _saved(Report(
        source=wapo, title=ARTICLE_TITLE, published_on=ARTICLE_DATE, language="en", author="Missy Ryan",
        kind=ReportKind.ARTICLE, text=ARTICLE_PATH.read_text(encoding="utf-8"),
        notes="Text as held in the project's reference file; the same story ran in syndication on 25-26 March 2017.",
    ))

    coalition = _actor("CJTF-OIR (US-led coalition)", "cjtf-oir", choices.ActorKind.COALITION)
    us_forces = _actor("US forces", "us-forces", choices.ActorKind.STATE_FORCES, parent=coalition, country="US")
    _actor("Iraqi security forces", "iraqi-security-forces", choices.ActorKind.STATE_FORCES, country="IQ")
    load_demo_aliases()
    iraq = _conflict("Coalition vs ISIS — Iraq", "coalition-vs-isis-iraq", "The US-led coalition's air campaign against ISIS in Iraq.")
    syria = _conflict("Coalition vs ISIS — Syria", "coalition-vs-isis-syria", "The US-led coalition's air campaign against ISIS in Syria.")
    yemen = _conflict("US counter-terrorism — Yemen", "us-counter-terrorism-yemen", "US strikes and raids in Yemen.")

    with deferred_recompute():
        incidents = [
            _mosul(report, iraq, coalition, us_forces),
            _syria_mosque(report, syria, us_forces),
            _yemen_raid(report, yemen, us_forces),
        ]
        publish_by_system(incident_ids=[incident.pk for incident in incidents], why=DEMO_REASON)
        aggregate = _saved(AggregateClaim(
            report=report, actor=coalition, attributed_to="Airwars", basis=choices.Basis.REPORTED,
            outcome=choices.Outcome.KILLED, **choices.CIVILIANS, count_min=1000, count_max=1000,
            qualifier=choices.Qualifier.ABOUT, stated_on=ARTICLE_DATE,
            period_start=datetime.date(2017, 3, 1), period_end=datetime.date(2017, 3, 31),
            area="Iraq and Syria", countries="IQ,SY",
            quote="1,000 civilians have died this month alone in strikes by the U.S.-led coalition in Iraq and Syria",
        ))
        publish_aggregate_by_system(claim=aggregate, why=DEMO_REASON)
    add_arabic_words()
    return report


# The reference case's words in Arabic, as an editor would add them (`incidents.translated`): the Arabic pages show
# them; the other incidents keep their English title there, marked as having no Arabic text yet.
ARABIC_NAMES = {
    Actor: {"cjtf-oir": "قوة المهام المشتركة – عملية العزم الصلب (التحالف بقيادة الولايات المتحدة)",
            "us-forces": "القوات الأمريكية", "iraqi-security-forces": "قوات الأمن العراقية"},
    Conflict: {"coalition-vs-isis-iraq": "التحالف ضد داعش — العراق", "coalition-vs-isis-syria": "التحالف ضد داعش — سوريا",
               "us-counter-terrorism-yemen": "مكافحة الإرهاب الأمريكية — اليمن"},
    Source: {"washington-post": "واشنطن بوست", "airwars": "إيروورز"},
}
MOSUL_TITLE_AR = "غارة جوية على حي الموصل الجديدة، غربي الموصل"
MOSUL_SUMMARY_AR = (
    "في 17 آذار/مارس 2017 أصابت غارة جوية للتحالف حي الموصل الجديدة في غرب الموصل. يقول السكان إن أكثر من 100 شخص "
    "قُتلوا في حدث واحد؛ وكان مسؤولو الإنقاذ العراقيون قد انتشلوا 83 جثة من مبنى مدمَّر حتى 25 آذار/مارس، ولم تكتمل أعمال "
    "الحفر. أقرّ التحالف بضرب الموقع، وفتح الجيش الأمريكي تحقيقًا أوليًّا."
)


def add_arabic_words() -> None:
    """Fill in the reference case's Arabic names, title and summary where they are still blank (idempotent)."""
    for model, names in ARABIC_NAMES.items():
        for slug, name_ar in names.items():
            model.objects.filter(slug=slug, name_ar="").update(name_ar=name_ar)
    mosul = Incident.objects.filter(external_ids__identifier="238475", title_ar="").first()
    if mosul is not None:
        mosul.title_ar, mosul.summary_ar = MOSUL_TITLE_AR, MOSUL_SUMMARY_AR
        mosul.save(keep_version=True, update_fields=["title_ar", "summary_ar"])


def _figure(incident, report, **fields):
    fields.setdefault("stated_on", ARTICLE_DATE)
    # The cause the admin offers for the incident's event type, as an editor entering the article would accept it.
    fields.setdefault("cause", choices.cause_for(incident.event_type))
    return _saved(CasualtyFigure(incident=incident, report=report, **fields))


def _mosul(report, conflict, coalition, us_forces):
    mosul = _saved(Incident(
        title="Airstrike on Mosul al-Jadida, west Mosul",
        summary=(
            "On 17 March 2017 a coalition airstrike hit the Mosul al-Jadida neighbourhood of west Mosul. "
            "Residents say more than 100 people were killed in a single event; Iraqi rescue officials had pulled "
            "83 bodies from a destroyed building by 25 March, with excavation unfinished. The coalition "
            "acknowledged striking the location and the U.S. military opened an initial investigation."
        ),
        date_start=datetime.date(2017, 3, 17), date_precision=choices.DatePrecision.DAY,
        country="IQ", admin1="Nīnawá", admin2="Mosul", locality="Mosul", neighbourhood="Mosul al-Jadida",
        place_name_ar="الموصل الجديدة",
        # UCDP's point for the event is Mosul town: the coordinates are the city's, not the building's.
        latitude="36.335000", longitude="43.118889", geo_precision=choices.GeoPrecision.CITY,
        event_type=choices.EventType.AIRSTRIKE, conflict=conflict,
        grade=choices.Grade.FAIR,
    ))
    BelligerentRoleLink.objects.create(incident=mosul, actor=coalition, role=choices.BelligerentRole.ACKNOWLEDGED)
    BelligerentRoleLink.objects.create(incident=mosul, actor=us_forces, role=choices.BelligerentRole.ACKNOWLEDGED)
    ExternalIdentifier.objects.create(incident=mosul, dataset=choices.Dataset.UCDP_GED, identifier="238475")
    _figure(mosul, report, attributed_to="residents", qualifier=choices.Qualifier.MORE_THAN, count_min=101,
            quote="residents say more than 100 people were killed in a single event")
    _figure(mosul, report, attributed_to="residents", qualifier=choices.Qualifier.EXACT, count_min=137, count_max=137,
            quote="residents claim a strike killed 137 civilians")
    _figure(mosul, report, attributed_to="Iraqi officials working on the rescue", qualifier=choices.Qualifier.AT_LEAST,
            count_min=83, quote="Iraqi officials working on the rescue said they had pulled 83 bodies … by sundown Saturday")
    for whom in (choices.WOMEN, choices.CHILDREN):
        _figure(mosul, report, attributed_to="Iraqi officials working on the rescue", **whom,
                qualifier=choices.Qualifier.UNQUANTIFIED, quote="83 bodies — including many women and children")
    _saved(OfficialStatement(
        incident=mosul, issuer=coalition, stated_on=ARTICLE_DATE, stance=choices.Stance.ACKNOWLEDGES_STRIKE, report=report,
        quote="at the location corresponding to allegations of civilian casualties",
        summary="An initial review showed the coalition struck ISIS fighters and equipment in west Mosul, at the "
                "request of Iraqi forces, at the location of the allegations. Civilian casualties not conceded.",
    ))
    _saved(OfficialStatement(
        incident=mosul, issuer=us_forces, stated_on=ARTICLE_DATE, stance=choices.Stance.INVESTIGATING, report=report,
        quote="The U.S. military is conducting an initial investigation into the incident.",
        summary="An initial investigation is under way.",
    ))
    return mosul


def _syria_mosque(report, conflict, us_forces):
    mosque = _saved(Incident(
        title="Strike on a mosque in Syria",
        summary=(
            "A separate attack in March 2017, alleged to have killed scores of civilians at a mosque in Syria, "
            "which the U.S. military is investigating. The article gives neither the day nor the place."
        ),
        date_start=datetime.date(2017, 3, 1), date_end=datetime.date(2017, 3, 25),
        date_precision=choices.DatePrecision.MONTH, country="SY", geo_precision=choices.GeoPrecision.COUNTRY,
        event_type=choices.EventType.AIRSTRIKE, event_type_inferred=True, conflict=conflict,
        grade=choices.Grade.WEAK,
    ))
    BelligerentRoleLink.objects.create(incident=mosque, actor=us_forces, role=choices.BelligerentRole.ALLEGED)
    _figure(mosque, report, attributed_to="allegations cited by the U.S. military", qualifier=choices.Qualifier.UNQUANTIFIED,
            quote="alleged to have killed scores of civilians at a mosque in Syria")
    _saved(OfficialStatement(
        incident=mosque, issuer=us_forces, stated_on=ARTICLE_DATE, stance=choices.Stance.INVESTIGATING, report=report,
        quote="the U.S. military is now investigating a separate attack this month",
        summary="The U.S. military is investigating the attack.",
    ))
    return mosque


def _yemen_raid(report, conflict, us_forces):
    raid = _saved(Incident(
        title="Navy SEAL raid in Yemen",
        summary=(
            "A U.S. Navy SEAL raid in Yemen in January 2017 in which military leaders have acknowledged "
            "the death of at least some civilians. The article gives neither the day nor the place."
        ),
        date_start=datetime.date(2017, 1, 1), date_end=datetime.date(2017, 1, 31),
        date_precision=choices.DatePrecision.MONTH, country="YE", geo_precision=choices.GeoPrecision.COUNTRY,
        event_type=choices.EventType.GROUND_RAID, conflict=conflict,
        grade=choices.Grade.CONFIRMED,
    ))
    BelligerentRoleLink.objects.create(incident=raid, actor=us_forces, role=choices.BelligerentRole.ACKNOWLEDGED)
    statement = _saved(OfficialStatement(
        incident=raid, issuer=us_forces, stated_on=ARTICLE_DATE, stance=choices.Stance.CREDIBLE, report=report,
        quote="Military leaders have also acknowledged the death of at least some civilians in a Navy SEAL raid in Yemen",
        summary="Civilian deaths acknowledged, without a number (date of the acknowledgement: as reported by 25 March 2017).",
    ))
    _figure(raid, report, statement=statement, basis=choices.Basis.CONCEDED, attributed_to="U.S. military leaders",
            qualifier=choices.Qualifier.UNQUANTIFIED, quote="acknowledged the death of at least some civilians")
    return raid
