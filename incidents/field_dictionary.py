"""The field dictionary of the public data, generated from the models' help texts (never written twice).

Only fields the public can see are listed: editorial fields (notes, who edited, lock
versions, exclusion flags and reasons, victims' visibility, sources' confidentiality
settings, creation times) stay out. A field is marked derived when its help text says
"Derived." — the convention for values computed by `incidents.services`, never typed in.
"""

from dataclasses import dataclass

from django.db import models
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from sources.models import Report, Source

from .models import Actor, AggregateClaim, BelligerentRoleLink, CasualtyFigure, Conflict, ExternalIdentifier, Incident, OfficialStatement, Victim

PUBLIC_MODELS = [
    Incident, CasualtyFigure, AggregateClaim, OfficialStatement, Victim, ExternalIdentifier, BelligerentRoleLink,
    Actor, Conflict, Report, Source,
]

NOT_PUBLIC = {
    "id", "notes", "created_by", "updated_by", "version", "created_at", "excluded", "excluded_reason",
    "visibility", "is_confidential", "public_label", "url_normalised", "history",
}
DERIVED_MARK = "Derived."

_KINDS = {
    "CharField": gettext_lazy("text"), "TextField": gettext_lazy("text"), "SlugField": gettext_lazy("text (slug)"),
    "URLField": gettext_lazy("web address"), "DateField": gettext_lazy("date (YYYY-MM-DD)"),
    "DateTimeField": gettext_lazy("date and time (UTC)"), "BooleanField": gettext_lazy("yes / no"),
    "PositiveIntegerField": gettext_lazy("whole number ≥ 0"), "PositiveSmallIntegerField": gettext_lazy("whole number ≥ 0"),
    "IntegerField": gettext_lazy("whole number"), "DecimalField": gettext_lazy("decimal number"),
}


@dataclass(frozen=True)
class FieldEntry:
    name: str
    kind: str
    meaning: str
    derived: bool
    choices: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ModelEntry:
    name: str
    label: str
    anchor: str
    description: str
    fields: tuple[FieldEntry, ...]


def _kind(field: models.Field) -> str:
    if field.many_to_many:
        return gettext("links to %(records)s") % {"records": field.related_model._meta.verbose_name_plural}
    if field.is_relation:
        return gettext("link to %(record)s") % {"record": field.related_model._meta.verbose_name}
    if field.choices:
        return gettext("one of the values listed")
    return str(_KINDS.get(type(field).__name__) or _KINDS.get(field.get_internal_type(), field.get_internal_type()))


def _entry(field: models.Field) -> FieldEntry:
    meaning = str(field.help_text)
    return FieldEntry(
        name=field.name,
        kind=_kind(field),
        meaning=meaning,
        derived=is_derived(field),
        # A label that only repeats its value ("week (week)") is left out.
        choices=tuple(
            (str(value), "" if str(label) == str(value) else str(label)) for value, label in (field.choices or ()) if value != ""
        ),
    )


def is_derived(field: models.Field) -> bool:
    """A field the tracker derives: its help text (as written, in English) ends with "Derived."."""
    with translation.override("en"):
        return str(field.help_text).rstrip().endswith(DERIVED_MARK)


def public_fields(model: type[models.Model]) -> list[models.Field]:
    """The model's own fields the public can see, in declaration order."""
    return [
        field for field in model._meta.get_fields()
        if not field.auto_created and field.name not in NOT_PUBLIC and getattr(field, "help_text", "")
    ]


def field_dictionary() -> list[ModelEntry]:
    """Every public model with its public fields and what each means."""
    entries = []
    for model in PUBLIC_MODELS:
        meta = model._meta
        entries.append(ModelEntry(
            name=model.__name__,
            label=str(meta.verbose_name).capitalize(),
            anchor=f"field-{meta.model_name}",
            description=(model.__doc__ or "").strip() if not (model.__doc__ or "").startswith(f"{model.__name__}(") else "",
            fields=tuple(_entry(field) for field in public_fields(model)),
        ))
    return entries
