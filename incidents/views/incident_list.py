"""/incidents/: the published incidents, filtered (`IncidentFilter`), totalled by the database, paged by keyset."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.encoding import escape_uri_path
from django.utils.translation import get_language, gettext

from .. import choices, search
from ..cache import fragment_key
from ..display import country_name, format_day, list_separator
from ..filters import DEFAULT_SEARCH_SORT, DEFAULT_SORT, IncidentFilter
from ..models import Actor, Incident
from ..pagination import PAGE_SIZE, page_from_request
from ..totals import totals_of

ADVANCED_FILTERS = (
    "admin1", "conflict", "belligerent", "source", "killed_min", "conceded", "has_victims", "victim", "grade", "event_type",
    "stance", "stance_by",
)


def filter_context(request, filterset) -> dict:
    """What every page with the filter form shows: the form, whether it is valid, its errors by field label."""
    form = filterset.form
    valid = not filterset.is_bound or filterset.is_valid()
    field_errors = [
        (form[name].label, ", ".join(form.data.getlist(name)) if hasattr(form.data, "getlist") else form.data.get(name), errors)
        for name, errors in form.errors.items() if name in form.fields
    ]
    return {
        "filter": filterset, "form": form, "valid": valid, "field_errors": field_errors,
        "advanced_active": sum(1 for name in ADVANCED_FILTERS if any(request.GET.getlist(name))),
        "filters_active": sum(1 for name in form.fields if name != "sort" and any(request.GET.getlist(name))),
        "advanced_errors": any(name in form.errors for name in ADVANCED_FILTERS),
        "filters_in_use": describe_filters(form, getattr(filterset, "query", None)) if valid and filterset.is_bound else [],
        "filter_form_key": fragment_key(filterset.queryset.db, request.GET.urlencode(), get_language()),
        "filter_form_seconds": settings.CASUALTYTRACKER_AGGREGATE_CACHE_SECONDS,
        "default_sort": DEFAULT_SORT,
        "search_sort": DEFAULT_SEARCH_SORT,
    }


def without_empty_parameters(request) -> HttpResponseRedirect | None:
    """A redirect to the same address without its empty parameters (`?q=&grade=` → `?`), or None when it has none.

    Shared and typed links then carry only the filters in use. The other parameters keep their order and their
    spelling; the address redirected to has no empty parameter, so it is never redirected again.
    """
    pieces = request.META.get("QUERY_STRING", "").split("&")
    kept = [piece for piece in pieces if piece.partition("=")[2]]
    if len(kept) == len(pieces) or (pieces == [""]):
        return None
    query = "&".join(kept)
    return HttpResponseRedirect(escape_uri_path(request.path) + (f"?{query}" if query else ""))


def describe_filters(form, query=None) -> list[tuple[str, str]]:
    """The filters in force, in words, to say above the results what they are of (a search naming a belligerent by an
    alias says whom it found: "ISIS (incidents naming IS)")."""
    described = []
    for name, value in form.cleaned_data.items():
        if name == "sort" or value in (None, "", [], ()):
            continue
        field = form.fields[name]
        if name == "country":
            text = list_separator().join(country_name(code) for code in value)
        elif isinstance(value, bool):
            text = gettext("yes") if value else gettext("no")
        elif isinstance(value, list | tuple):
            labels = dict(field.choices)
            text = list_separator().join(str(labels.get(item, item)) for item in value)
        elif hasattr(value, "public_name"):
            text = value.public_name
        elif hasattr(value, "isoformat"):
            text = format_day(value)
        else:
            text = str(value)
        if name == "q" and query is not None and query.actor_groups:
            ids = set().union(*query.actor_groups)
            names = list(Actor.objects.public().filter(pk__in=ids).order_by("name").values_list("name", flat=True))
            if names:
                text = gettext("%(text)s (incidents naming %(names)s)") % {"text": text, "names": gettext(" or ").join(names)}
        described.append((str(field.label), text))
    return described


def _with_q(request, text: str) -> str:
    """The query string of this list with another search text (cursors and position dropped)."""
    params = request.GET.copy()
    for name in ("after", "before", "start"):
        params.pop(name, None)
    params["q"] = text
    return params.urlencode()


def incident_list(request):
    redirect = without_empty_parameters(request)
    if redirect:
        return redirect
    filterset = IncidentFilter(request.GET or None, queryset=Incident.objects.published())
    context = filter_context(request, filterset)
    context.update(sort=filterset.sort_key, sort_label=filterset.sort_spec.label, page_size=PAGE_SIZE, grades=choices.Grade.choices)
    if context["valid"]:
        page, message = page_from_request(request, filterset.qs.for_list().with_positions(), filterset.sort_spec, noun="incidents")
        totals = totals_of(filterset.qs)
        context.update(page=page, page_message=message, totals=totals, position=page.position(totals["all"]["incidents"]))
        if not page.rows and filterset.query.rest:
            respelt = search.suggestion(filterset.query)
            context["suggestion"] = respelt
            context["suggestion_query"] = _with_q(request, respelt) if respelt else ""
    return render(request, "incidents/incident_list.html", context)
