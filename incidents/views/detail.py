"""`/incidents/<code>/`: everything about one incident, for a reader who has never heard of it."""

import copy

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_lazy, pgettext

from sources.models import Report
from sources.public import public_report
from sources.text import quote_context

from .. import asof, changelog, choices, citations, display, positions, protection, sdg, services
from ..cache import fragment_key
from ..methodology_versions import current_methodology
from ..models import (
    CasualtyFigure,
    ExternalIdentifier,
    Incident,
    IncidentReport,
    OfficialStatement,
    Position,
    Victim,
)
from ..services import REPORTED_ENVELOPES
from ..timeline import build_timeline

# The ranges shown above the figures table: (label, derived field prefix, always shown).
HEADLINE_RANGES = [
    (gettext_lazy("Civilians reported killed"), "reported_killed", True),
    (gettext_lazy("Civilian deaths conceded"), "conceded_killed", True),
    (gettext_lazy("Civilians reported injured"), "reported_injured", False),
    (gettext_lazy("Civilian injuries conceded"), "conceded_injured", False),
    (gettext_lazy("Children reported killed"), "children_killed", False),
    (gettext_lazy("Women reported killed"), "women_killed", False),
]

MAP_ZOOM = {
    choices.GeoPrecision.EXACT: 18, choices.GeoPrecision.WITHIN_100M: 17, choices.GeoPrecision.STREET: 16,
    choices.GeoPrecision.NEIGHBOURHOOD: 15, choices.GeoPrecision.TOWN: 13, choices.GeoPrecision.CITY: 12,
    choices.GeoPrecision.DISTRICT: 10, choices.GeoPrecision.PROVINCE: 8, choices.GeoPrecision.COUNTRY: 6,
}


def incident_detail(request, code):
    if not request.GET:
        return _current_page(request, code)
    incident = Incident.objects.published().select_related("conflict").filter(code=code).first()
    if incident is None:
        return _not_current(request, code)
    if request.GET.get("as_of") and request.GET.get("known_on"):
        notice = gettext("“As recorded on” and “as known on” are two different views: open one at a time. "
                         "The current record is shown.")
        return render(request, "incidents/incident_detail.html", {**incident_page(request, incident), "as_of_notice": notice})
    if request.GET.get("as_of"):
        return _as_of(request, incident, request.GET["as_of"])
    if request.GET.get("known_on"):
        return _known_on(request, incident, request.GET["known_on"])
    return render(request, "incidents/incident_detail.html", incident_page(request, incident))


def _current_page(request, code):
    """The incident page as most readers open it (no view of the past), drawn once per data version: any write to
    public data moves the version, so the page is never older than the record (incidents.cache)."""
    published = Incident.objects.published()
    key = fragment_key(published.db, "incident_page", code, request.build_absolute_uri(), timezone.localdate().isoformat(),
                       get_language())
    html = cache.get(f"ct:page:{key}") if key else None
    if html is not None:
        return HttpResponse(html)
    incident = published.select_related("conflict").filter(code=code).first()
    if incident is None:
        return _not_current(request, code)
    response = render(request, "incidents/incident_detail.html", incident_page(request, incident))
    if key:
        cache.set(f"ct:page:{key}", response.content.decode(), settings.CASUALTYTRACKER_AGGREGATE_CACHE_SECONDS)
    return response


def _known_on(request, incident, value):
    """`?known_on=YYYY-MM-DD`: the figures and positions derived only from what had been stated by that day."""
    try:
        day = asof.parse_day(value)
    except asof.BadDate as error:
        return render(request, "incidents/incident_detail.html", {**incident_page(request, incident), "as_of_notice": str(error)})
    context = incident_page(request, incident, known_on=day)
    context["citation"].update({
        "permalink": f"{context['citation']['permalink']}?known_on={day.isoformat()}",
        "version": gettext("%(version)s, figures and positions as known on %(day)s") % {
            "version": context["citation"]["version"], "day": asof.in_words(day)},
    })
    return render(request, "incidents/incident_detail.html", {**context, "known_on": day, "known_on_words": asof.in_words(day)})


def _as_of(request, incident, value):
    """`?as_of=YYYY-MM-DD`: the record as published at the end of that day (incidents.asof), with a banner."""
    try:
        day = asof.parse_day(value)
    except asof.BadDate as error:
        # The current record, with the reason the date was not used: a query string never breaks the page.
        return render(request, "incidents/incident_detail.html", {**incident_page(request, incident), "as_of_notice": str(error)})
    found = asof.snapshot(incident, day, history_fields=changelog.INCIDENT_FIELDS)
    if isinstance(found, str):
        return render(request, "incidents/incident_detail.html", {**incident_page(request, incident), "as_of_notice": found})
    context = incident_page(request, found.incident, snapshot=found)
    context["changes"] = [change for change in context["changes"] if change.day <= day]
    context["citation"].update({
        "permalink": f"{context['citation']['permalink']}?as_of={day.isoformat()}",
        "version": gettext("as recorded on %(day)s (the published record at the end of that day)") % {"day": asof.in_words(day)},
        "updated": timezone.localdate(found.history[-1]["history_date"]),
    })
    return render(request, "incidents/incident_detail.html", {**context, "as_of": day, "as_of_words": asof.in_words(day)})


def _as_known_on(incident: Incident, day) -> Incident:
    """A copy of the incident whose derived figures are those derived from what was stated by `day`."""
    known = copy.copy(incident)
    for field, value in services.derive_figures(incident, known_on=day).items():
        setattr(known, field, value)
    return known


def _not_current(request, code):
    """An old code redirects, a retracted record shows its notice, anything else does not exist for the public."""
    # A retracted record keeps its address and its public reason; nothing else of it is shown.
    retracted = (
        Incident.objects.retracted().filter(code=code)
        .only("code", "title", "title_ar", "date_start", "date_end", "date_precision", "retraction_reason", "updated_at", "version")
        .first()
    )
    if retracted is not None:
        return render(request, "incidents/incident_detail.html", {
            "incident": retracted, "retracted": True, "citation": _citation(request, retracted),
        })
    # Drafts and records in review have no address; a published or retracted record answers to its old codes too.
    addressable = Incident.objects.published_or_retracted()
    current = addressable.by_code(code).exclude(code=code).values_list("code", flat=True).first()
    if current is not None:
        return redirect("incident_detail", code=current, permanent=True)
    upper = code.upper()
    if upper != code and addressable.by_code(upper).exists():
        return redirect("incident_detail", code=upper, permanent=True)
    raise Http404("No published incident has this code.")


def _citation(request, incident) -> dict:
    return {
        "permalink": request.build_absolute_uri(incident.get_absolute_url()),
        "updated": timezone.localdate(incident.updated_at),
        "accessed": timezone.localdate(),
        "version": incident.version,
        "methodology": current_methodology(),
    }


def _coordinates(incident) -> dict | None:
    """The point as a reader reads it, and a map link zoomed no closer than the point is known."""
    if incident.latitude is None or incident.longitude is None:
        return None
    latitude, longitude = (format(value.normalize(), "f") for value in (incident.latitude, incident.longitude))
    zoom = MAP_ZOOM.get(incident.geo_precision, 10)
    return {
        "latitude": latitude,
        "longitude": longitude,
        "text": f"{latitude}, {longitude}",
        "map_url": f"https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}#map={zoom}/{latitude}/{longitude}",
    }


def _with_context(item, report):
    """Attach the report and, where its text is stored and its source may be named, the quote in its sentence."""
    item.public_report = report
    item.context = None
    if report is not None and report.text and item.quote and not public_report(report).confidential:
        item.context = quote_context(item.quote, report.text)
    return item


def _statement_groups(statements) -> list[dict]:
    """Per issuer, the current position first and the superseded statements below; issuers by latest statement."""
    by_issuer: dict[int, list] = {}
    for statement in statements:
        by_issuer.setdefault(statement.issuer_id, []).append(statement)
    groups = []
    for issued in by_issuer.values():
        issued.sort(key=lambda s: (s.stated_on, s.pk), reverse=True)
        groups.append({"issuer": issued[0].issuer, "current": issued[0], "superseded": issued[1:]})
    # Latest position first; on one day, in the order the statements were recorded (the order the report gives them).
    groups.sort(key=lambda g: (-g["current"].stated_on.toordinal(), g["current"].pk))
    return groups


def _words_only_claims(figures) -> dict[str, list[str]]:
    """Per headline range, the reported claims in words only, as "another source: “dozens”, no number"."""
    prefixes = {(outcome, *whom.values()): prefix for prefix, outcome, whom in REPORTED_ENVELOPES}
    found: dict[str, list[str]] = {}
    for figure in figures:
        prefix = prefixes.get((figure.outcome, *(getattr(figure, name) for name in choices.CIVILIANS)))
        if figure.basis != choices.Basis.REPORTED or prefix is None or figure.count_min is not None or figure.count_max is not None:
            continue
        report = getattr(figure, "public_report", None)
        who = figure.attributed_to or (report.source.public_name if report is not None else "")
        words = gettext("“%(quote)s”, no number") % {"quote": figure.quote} if figure.quote else str(display.NO_NUMBER)
        found.setdefault(prefix, []).append(gettext("%(who)s: %(words)s") % {"who": who, "words": words} if who else words)
    return found


def _range_note(shown: dict, words_only: list[str]) -> str:
    """Why a headline is not a closed number: "open-ended …", "another source (residents): “dozens”, no number"."""
    notes = []
    if shown["open"]:
        notes.append(gettext("%(at_least)s: the highest figure is open-ended, no source gives an upper bound")
                     % {"at_least": display.at_least(shown["low"])})
    if shown["unquantified"]:
        has_number = shown["low"] is not None or shown["high"] is not None
        notes.extend(gettext("another source — %(words)s") % {"words": words} if has_number else words
                     for words in words_only or [str(display.NO_NUMBER)])
    return pgettext("separator between notes", "; ").join(notes)


def _published_related(incident) -> list:
    """The published records linked to this one as possibly the same event (drafts and retracted ones never shown)."""
    return list(Incident.objects.published().filter(related=incident).only("code", "title", "title_ar", "date_start", "date_precision", "date_end"))


def incident_page(
    request, incident: Incident, snapshot: "asof.Snapshot | None" = None, known_on=None, related=None,
) -> dict:
    """Everything the page shows, in a fixed number of queries whatever the number of claims.

    With a `snapshot` (incidents.asof), the rows are those of the record as it stood on a past day ("as recorded on").
    With `known_on` (a date), the claims, statements, derived figures and positions are those stated by the end of
    that day ("as known on": `services.derive_figures` and `positions.derive_positions` with the same day).
    """
    if snapshot is None:
        links = list(
            IncidentReport.objects.filter(incident=incident).select_related("report__source")
            .order_by("report__published_on", "report_id")
        )
        figures = CasualtyFigure.objects.published().filter(incident=incident).defer("notes", "excluded_reason")
        statements = OfficialStatement.objects.published().filter(incident=incident).select_related("issuer")
        if known_on is None:
            current = Position.objects.published().filter(incident=incident).select_related("actor__parent")
        else:
            figures, statements = figures.filter(services.known_by(known_on)), statements.filter(services.known_by(known_on))
            current = positions.with_actors(positions.derive_positions(incident, known_on=known_on))
            incident = _as_known_on(incident, known_on)
        figures, statements, current = list(figures), list(statements), list(current)
        roles = list(incident.belligerent_roles.select_related("actor").order_by("role", "actor__name"))
        history, protected = changelog.history_rows(incident), None
        incident = protection.shown(incident)  # the public point only, never the exact one
    else:
        links, figures, statements = snapshot.links, snapshot.figures, snapshot.statements
        roles, history, protected = snapshot.roles, snapshot.history, snapshot.protection
        current = positions.with_actors(positions.positions_from(statements, figures, incident_id=incident.pk))
    reports = {link.report_id: link.report for link in links}
    # Every cited report is linked to the incident (services.link_cited_reports); this only guards a gap.
    missing = {item.report_id for item in [*figures, *statements] if item.report_id and item.report_id not in reports}
    if missing:
        reports.update({report.pk: report for report in Report.objects.filter(pk__in=missing).select_related("source")})

    statements_by_id = {statement.pk: statement for statement in statements}
    for statement in statements:
        _with_context(statement, reports.get(statement.report_id))
        statement.conceded = []
    for figure in figures:
        _with_context(figure, reports.get(figure.report_id))
        figure.report = figure.public_report  # read by the timeline without a query
        if figure.statement_id in statements_by_id:
            figure.statement = statements_by_id[figure.statement_id]
            figure.statement.conceded.append(figure)

    victims = list(Victim.objects.published().filter(incident=incident).defer("notes"))
    external_ids = list(ExternalIdentifier.objects.filter(incident=incident))
    for identifier in external_ids:
        identifier.citation = citations.dataset_citation(identifier.dataset)

    ranges = []
    words_only = _words_only_claims(figures)
    for label, prefix, always in HEADLINE_RANGES:
        shown = display.range_of(incident, prefix)
        if always or shown["low"] is not None or shown["high"] is not None or shown["unquantified"]:
            ranges.append({
                **shown, "label": label, "prefix": prefix, "conceded": prefix.startswith("conceded"),
                "text": display.format_figure(incident, prefix), "note": _range_note(shown, words_only.get(prefix, [])),
            })

    groups = _statement_groups(statements)
    return {
        "incident": incident,
        "roles": roles,
        "ranges": ranges,
        "reported": [f for f in figures if f.basis == choices.Basis.REPORTED],
        "conceded": [f for f in figures if f.basis == choices.Basis.CONCEDED],
        "estimates": [f for f in figures if f.basis == choices.Basis.ESTIMATE],
        "statement_groups": groups,
        "positions": [position for position in current if position.stance],
        "concessions_by_actor": [position for position in current if position.has_concession],
        "links": links,
        "related": related if related is not None else _published_related(incident),
        "victims": victims,
        # The documented deaths among them, by SDG 16.1.2 category (`incidents.sdg`: the table's own rule).
        "sdg": sdg.in_short(sdg.sdg_table(Incident.objects.filter(pk=incident.pk))) if victims else [],
        "sdg_total": sum(1 for victim in victims if victim.outcome == choices.Outcome.KILLED),
        "external_ids": external_ids,
        "timeline": build_timeline(
            incident, reports=[link.report for link in links], figures=figures, statements=statements, history=history,
        ),
        "changes": changelog.load_changelog(
            incident, public_figure_ids={f.pk for f in figures}, public_victim_ids={v.pk for v in victims},
            incident_rows=history, protection=protected,
        ),
        "citation": _citation(request, incident),
        "coordinates": _coordinates(incident),
        "geo_definition": choices.GEO_PRECISION_DEFINITIONS.get(incident.geo_precision, ""),
        "date_definition": choices.DATE_PRECISION_DEFINITIONS.get(incident.date_precision, ""),
    }
