"""What each public filter and sort means: the one FilterSet that pages, the API, exports and the map reuse.

Always apply it to `Incident.objects.published()`; it never widens what the
public may see. Invalid values become form errors (never a server error), and
the views show those errors instead of a list that silently ignores them.
"""

import re
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from sources.models import Source

from . import choices
from .aliases import find_many
from .cache import cached_aggregate
from .day_input import DayFilter, DayInput
from .display import country_name
from .models import Actor, Conflict, Incident, Position, Victim
from .params import BIGINT_MAX, BadParameter, whole_number
from .search import Query, match_text, with_relevance

MAX_COUNT = 2_147_483_647  # the largest figure the database stores
# An ISO 3166-1 alpha-2 code, in either case (the API schema states the same pattern: incidents/api/schema.py).
COUNTRY_CODE_PATTERN = "^[A-Za-z]{2}$"


@dataclass(frozen=True)
class Sort:
    """One order of the list; every order ends with the id so that it is total and pages are stable."""

    field: str
    descending: bool
    nullable: bool
    label: str
    kind: str = ""  # how the cursor reads the value, for a field that is not the model's (incidents.pagination)

    def order_by(self) -> list:
        """Unknown figures come last in both directions."""
        key = F(self.field).desc(nulls_last=True) if self.descending else F(self.field).asc(nulls_last=True)
        return [key, F("id").desc() if self.descending else F("id").asc()]


SORTS = {
    "-date": Sort("date_start", True, False, _("Date, newest first")),
    "date": Sort("date_start", False, False, _("Date, oldest first")),
    "-reported": Sort("reported_killed_max", True, True, _("Reported killed, most first")),
    "reported": Sort("reported_killed_max", False, True, _("Reported killed, fewest first")),
    "-conceded": Sort("conceded_killed_max", True, True, _("Conceded killed, most first")),
    "conceded": Sort("conceded_killed_max", False, True, _("Conceded killed, fewest first")),
    "-updated": Sort("updated_at", True, False, _("Last updated, most recent first")),
    "updated": Sort("updated_at", False, False, _("Last updated, least recent first")),
    "relevance": Sort("relevance", True, False, _("Best match first (with a search)"), kind="int"),
}
DEFAULT_SORT = "-date"
DEFAULT_SEARCH_SORT = "relevance"  # with a text search; without one, relevance means nothing and the default applies


class YesNoWidget(forms.Select):
    """A yes/no/any select whose values read well in a shared URL (?conceded=yes)."""

    TRUE, FALSE = ("yes", "true", "1"), ("no", "false", "0")

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=(("", _("Any")), ("yes", _("Yes")), ("no", _("No"))))

    def format_value(self, value):
        return {True: ["yes"], False: ["no"]}.get(value, [""])

    def value_from_datadict(self, data, files, name):
        """True, False, None for empty (any), or the words as given when they are neither, for the field to refuse."""
        value = str(data.get(name, ""))
        return True if value in self.TRUE else False if value in self.FALSE else None if value == "" else value


class YesNoField(forms.NullBooleanField):
    """Yes, no or any; other words are an error, never silently read as "any" (`?conceded=maybe`)."""

    widget = YesNoWidget

    def to_python(self, value):
        if value in (True, False, None):
            return value
        raise forms.ValidationError(_("Choose yes or no (or leave it empty for any)."), code="invalid")


class YesNoFilter(django_filters.BooleanFilter):
    field_class = YesNoField


class WholeNumberField(forms.IntegerField):
    """A count typed into a filter: plain digits 0–9 only, read by incidents.params (never '²', '١٢' or 4,000 digits)."""

    def to_python(self, value):
        value = "" if value is None else str(value).strip()
        if value in self.empty_values:
            return None
        try:
            return whole_number(value, minimum=self.min_value or 0, maximum=self.max_value or BIGINT_MAX, name=str(self.label or ""))
        except BadParameter as error:
            raise forms.ValidationError(error.messages, code=error.code) from error


class WholeNumberFilter(django_filters.NumberFilter):
    field_class = WholeNumberField

    def get_max_validator(self):
        return None  # the field's own max_value says it in words


def _published_countries() -> list[tuple[str, str]]:
    """Countries that have published incidents, for the select (cached per data version: a DISTINCT over every row)."""
    codes = Incident.objects.published().exclude(country="").order_by().values_list("country", flat=True).distinct()
    return cached_aggregate("published_countries", codes, _country_choices)


def _country_choices(codes) -> list[tuple[str, str]]:
    return sorted(((code, country_name(code)) for code in codes), key=lambda pair: pair[1])


def _has_aliases(model) -> bool:
    return any(field.name == "aliases" for field in model._meta.get_fields())


def _slugs_and_labels(queryset, to_field_name: str, label_from_instance) -> list[tuple[str, str]]:
    if _has_aliases(queryset.model):
        queryset = queryset.prefetch_related("aliases")  # for the labels only: the chosen value is looked up without
    return [(str(getattr(record, to_field_name)), label_from_instance(record)) for record in queryset]


class CachedChoiceIterator(forms.models.ModelChoiceIterator):
    """The options of a `CachedChoicesField`, read when the select is drawn."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from cached_aggregate(
            f"choices:{self.queryset.model._meta.label}:{self.field.to_field_name}", self.queryset,
            lambda queryset: _slugs_and_labels(queryset, self.field.to_field_name, self.field.label_from_instance),
        )

    def __len__(self):
        return sum(1 for _ in self)

    def __bool__(self):
        return self.field.empty_label is not None or self.queryset.exists()


class CachedChoicesField(forms.ModelChoiceField):
    """A select of public records whose options are read once per data version (every list page shows four of them),
    while the chosen value is still looked up in the queryset, so a record that stopped being public is refused.

    Actors and sources are also recognised by a name or alias however typed (`?belligerent=daesh`), and their
    options name a few aliases, so that a reader who knows only "ISIS" finds the Islamic State in the list."""

    iterator = CachedChoiceIterator
    SHOWN_ALIASES = 3

    def label_from_instance(self, obj):
        if not _has_aliases(self.queryset.model):
            return super().label_from_instance(obj)
        aliases = sorted((alias.name for alias in obj.aliases.all()), key=lambda name: (len(name), name))[: self.SHOWN_ALIASES]
        return f"{obj} ({', '.join(aliases)})" if aliases else str(obj)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            # Only a value that names no record is looked up again by alias (a NUL character or the like is refused).
            if error.code != "invalid_choice" or not value or not _has_aliases(self.queryset.model):
                raise
            found = find_many(self.queryset.model, [str(value)]).get(str(value))
            if found is None or not self.queryset.filter(pk=found.pk).exists():
                raise
            return found


# In the API schema a plain string: a slug, or (actors, sources) a name or alias however typed, so no list of values.
@extend_schema_field(OpenApiTypes.STR)
class CachedModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = CachedChoicesField


class CountryField(forms.MultipleChoiceField):
    """Any ISO 3166-1 alpha-2 code is accepted, listed or not, so a shared link never breaks on a stale list.

    Exactly two ASCII letters, as the API schema says: nothing is trimmed or case-folded first (Python would
    turn "ﬀ" into "FF").
    """

    def valid_value(self, value):
        return bool(re.fullmatch(COUNTRY_CODE_PATTERN, value))

    def clean(self, value):
        return [code.upper() for code in super().clean(value)]


class CountryFilter(django_filters.MultipleChoiceFilter):
    field_class = CountryField


class IncidentFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(
                _("The “from” date (%(start)s) is after the “to” date (%(end)s): swap them or correct one."),
                code="date_order", params={"start": start.isoformat(), "end": end.isoformat()},
            )
        return cleaned


def _date_widget():
    return DayInput()


DATE_ERRORS = {"invalid": _("Enter a real day as the site writes it, e.g. 17 March 2017, 17 Mar 2017, 17/03/2017 "
                            "(day before month) or 2017-03-17.")}


class IncidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_text", max_length=200, label=_("Search"),
        help_text=_("Words from titles, summaries or place names (Arabic script too), a code such as CT-000001, "
                    "or another dataset's id such as UCDP 238475."),
    )
    date_from = DayFilter(
        method="filter_date_from", widget=_date_widget(), error_messages=DATE_ERRORS, label=_("From"),
        help_text=_("Incidents that may have happened on or after this day."),
    )
    date_to = DayFilter(
        method="filter_date_to", widget=_date_widget(), error_messages=DATE_ERRORS, label=_("To"),
        help_text=_("Incidents that may have happened on or before this day."),
    )
    country = CountryFilter(
        field_name="country", choices=_published_countries, distinct=False, label=_("Country"),
        help_text=_("Choose one or several (on a computer, hold Ctrl or ⌘)."),
    )
    admin1 = django_filters.CharFilter(
        field_name="admin1", lookup_expr="iexact", max_length=120, label=_("Province or governorate"),
        help_text=_("First-order administrative division, as the records spell it (e.g. Nīnawá)."),
    )
    conflict = CachedModelChoiceFilter(
        field_name="conflict", to_field_name="slug", queryset=Conflict.objects.public(), empty_label=_("Any conflict"),
        label=_("Conflict"), help_text=_("The theatre or campaign."),
    )
    belligerent = CachedModelChoiceFilter(
        method="filter_belligerent", to_field_name="slug", queryset=Actor.objects.public(), empty_label=_("Any belligerent"),
        label=_("Belligerent"), help_text=_("Incidents in which this force is named as responsible, alleged or acknowledged."),
    )
    event_type = django_filters.MultipleChoiceFilter(
        field_name="event_type", choices=choices.EventType.choices, distinct=False,
        widget=forms.CheckboxSelectMultiple, label=_("Event type"), help_text=_("How the harm was caused; tick one or more."),
    )
    grade = django_filters.MultipleChoiceFilter(
        field_name="grade", choices=choices.Grade.choices, distinct=False, widget=forms.CheckboxSelectMultiple,
        label=_("Grade"), help_text=_("What the evidence says about civilian harm (see the methodology); tick one or more."),
    )
    stance = django_filters.MultipleChoiceFilter(
        method="filter_position", choices=choices.Stance.choices, distinct=False, widget=forms.CheckboxSelectMultiple,
        label=_("Current official position"),
        help_text=_("Incidents on which a belligerent's or official body's current position (its latest statement) is one "
                    "of these; tick one or more."),
    )
    stance_by = CachedModelChoiceFilter(
        method="filter_position", to_field_name="slug", queryset=Actor.objects.public(), empty_label=_("Any actor"),
        label=_("Position held by"),
        help_text=_("Only this actor's current position counts (with a stance ticked: incidents on which its current "
                    "position is one of them; alone: incidents on which it has taken a position)."),
    )
    conceded = YesNoFilter(
        method="filter_conceded", label=_("Deaths conceded by a belligerent"),
        help_text=_("Yes: a belligerent has conceded a number of civilian deaths. No: no conceded number."),
    )
    killed_min = WholeNumberFilter(
        field_name="reported_killed_max", lookup_expr="gte", min_value=0, max_value=MAX_COUNT,
        label=_("At least N reported killed"),
        help_text=_("At least this many civilians reported killed, counting the upper end of the reported range "
                    "(an incident reported as 83–137 matches 100)."),
    )
    source = CachedModelChoiceFilter(
        method="filter_source", to_field_name="slug", queryset=Source.objects.public(), empty_label=_("Any source"),
        label=_("Source"), help_text=_("Incidents covered by a report from this source."),
    )
    has_victims = YesNoFilter(
        method="filter_has_victims", label=_("Named victims"),
        help_text=_("Yes: the record lists at least one victim publicly (named, or known by role only)."),
    )
    victim = django_filters.CharFilter(
        method="filter_victim", max_length=200, label=_("Victim's name"),
        help_text=_("Part of a publicly named victim's name, in Latin or Arabic script (case does not matter)."),
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort", choices=[(key, sort.label) for key, sort in SORTS.items()], empty_label=None,
        label=_("Sort by"), help_text=_("Ties are broken by record number."),
    )

    class Meta:
        model = Incident
        fields = []
        form = IncidentFilterForm

    def __init__(self, data=None, *args, **kwargs):
        # The search, read once (its words, the belligerents they name); invalid text is refused by the form anyway.
        self.query = Query.of(str(data.get("q", ""))[:200] if data is not None else "")
        if data is not None and not data.get("sort") or data is not None and data.get("sort") == DEFAULT_SEARCH_SORT:
            # The sort select shows the order in force: best match first with words to rank by, the default without.
            data = data.copy()
            data["sort"] = DEFAULT_SEARCH_SORT if self.query.ranks else DEFAULT_SORT
        super().__init__(data, *args, **kwargs)

    @property
    def search_text(self) -> str:
        if self.is_bound and self.form.is_valid():
            return (self.form.cleaned_data.get("q") or "").strip()
        return ""

    @property
    def sort_key(self) -> str:
        """The order in force: the one asked for when valid, else the default (best match first for a text search)."""
        asked = self.form.cleaned_data.get("sort") if self.is_bound and self.form.is_valid() else ""
        if self.search_text and self.query.ranks:
            return asked or DEFAULT_SEARCH_SORT
        return DEFAULT_SORT if asked in ("", None, DEFAULT_SEARCH_SORT) else asked

    @property
    def sort_spec(self) -> Sort:
        return SORTS[self.sort_key]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.sort_key == "relevance":
            queryset = with_relevance(queryset, self.query)
        return queryset.order_by(*self.sort_spec.order_by())

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset, so the default applies too

    def filter_text(self, queryset, name, value):
        return match_text(queryset, self.query if self.query.text == value.strip() else value)

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(Q(date_end__gte=value) | Q(date_end__isnull=True, date_start__gte=value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(date_start__lte=value)

    def filter_position(self, queryset, name, value):
        """`stance` and `stance_by` together: one actor's current position, not one actor's stance and another's."""
        data = self.form.cleaned_data
        stances, actor = data.get("stance"), data.get("stance_by")
        if name == "stance_by" and stances:
            return queryset  # applied with the stance
        held = Position.objects.filter(incident=OuterRef("pk"))
        if stances:
            held = held.filter(stance__in=stances)
        if actor is not None:
            held = held.filter(actor=actor)
        elif not stances:
            return queryset
        return queryset.filter(Exists(held))

    def filter_belligerent(self, queryset, name, value):
        return queryset.naming(value)

    def filter_conceded(self, queryset, name, value):
        conceded = Q(conceded_killed_min__isnull=False) | Q(conceded_killed_max__isnull=False)
        return queryset.filter(conceded if value else ~conceded)

    def filter_source(self, queryset, name, value):
        if value.is_confidential:  # the choices never offer one; refuse it here too
            return queryset.none()
        return queryset.reported_by(value)

    def filter_victim(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        named = Victim.objects.published().filter(Q(name__icontains=text) | Q(name_ar__icontains=text))
        return queryset.filter(Exists(named.filter(incident=OuterRef("pk"))))

    def filter_has_victims(self, queryset, name, value):
        public = Exists(Victim.objects.published().filter(incident=OuterRef("pk")))
        return queryset.filter(public if value else ~public)

