"""Drawing the synthetic incidents and everything on them from one seeded random generator."""

import datetime
import hashlib
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.text import slugify

from sources.choices import ReportKind, SourceKind
from sources.models import Report, Source
from sources.text import normalise_search

from .. import choices
from ..codes import reserve_ids
from ..models import (
    Actor,
    ActorAlias,
    BelligerentRoleLink,
    CasualtyFigure,
    Conflict,
    Incident,
    IncidentReport,
    OfficialStatement,
    Victim,
)
from .tables import _Table
from .world import (
    _CLAIM_KINDS,
    _DATE_PRECISIONS,
    _GEO_PRECISIONS,
    _QUALIFIERS,
    _SOURCES,
    _STATUSES,
    ACTORS,
    AR_QUALIFIED,
    AR_WHAT,
    AR_WHO,
    ATTRIBUTIONS,
    CONFLICTS,
    COUNTRIES,
    EN_QUALIFIED,
    EN_WHAT,
    EN_WHO,
    EVENT_WORDS,
    EXCLUSION_REASONS,
    FAMILY_NAMES,
    FIRST_DAY,
    GIVEN_NAMES,
    GROUP_WHOM,
    HISTORY_REASON,
    LAST_DAY,
    PLACES,
    PRESS_DESKS,
    SOURCE_SLUG_PREFIX,
    SOURCES,
    STATEMENT_WORDS,
    _pick,
    _weighted,
    synthetic_code,
)

# --- Generating -------------------------------------------------------------------------------------------------------


# Causes of synthetic deaths, most by explosive weapons as in the airstrikes and shelling the generator writes.
SYNTHETIC_CAUSES = [choices.Cause.EXPLOSIVE] * 6 + [choices.Cause.SMALL_ARMS, choices.Cause.UNKNOWN, choices.Cause.UNKNOWN]


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


def _ensure_aliases(actor, aliases) -> None:
    """The actor's aliases, each once (an alias names one actor: one already taken is left to its actor)."""
    taken = set(ActorAlias.objects.values_list("name_normalised", flat=True))
    for alias in aliases:
        if normalise_search(alias) not in taken and normalise_search(alias) != actor.name_normalised:
            ActorAlias.objects.create(actor=actor, name=alias)
            taken.add(normalise_search(alias))


def _ensure_world() -> _World:
    """Conflicts, actors and sources: reused by name when they exist, created (with history) otherwise."""
    actor_ids = {}
    for key, (name, kind, country, parent, aliases) in ACTORS.items():
        actor = Actor.objects.filter(name=name).first()
        if actor is None:
            actor = Actor(name=name, slug=_free_slug(Actor, f"{SOURCE_SLUG_PREFIX}{slugify(name)}"), kind=kind, country=country,
                          parent_id=actor_ids.get(parent), description="Synthetic actor (manage.py generate_synthetic).")
            actor.save()
            Actor.history.bulk_history_create([actor], default_change_reason=HISTORY_REASON)
        _ensure_aliases(actor, aliases)
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
                self.figures.add(incident_id=pk, basis=choices.Basis.ESTIMATE, outcome="killed", **choices.CIVILIANS,
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
                incident_id=pk, report_id=report["id"], basis=choices.Basis.REPORTED, outcome=outcome, **GROUP_WHOM[group],
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
                    basis=choices.Basis.CONCEDED, outcome="killed", **choices.CIVILIANS,
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
                # Drawn from the incident's number, not the random stream, so the other draws stay those of the seed.
                cause=SYNTHETIC_CAUSES[(pk + len(given)) % len(SYNTHETIC_CAUSES)],
            )


