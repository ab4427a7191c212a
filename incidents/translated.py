"""A record's words in the reader's language: the Arabic field on Arabic pages where an editor has written it.

Records are written in English; editors may add an Arabic title and summary to an incident (`title_ar`,
`summary_ar`) and an Arabic name to an actor, conflict or source (`name_ar`). `in_language` is the one rule every
page uses: on an Arabic page the Arabic text if there is one, else the English text flagged `fallback` so the page
says that no Arabic text exists yet. English pages always read the English fields. The API and the exports keep the
English fields as they are and carry the Arabic ones as extra fields.
"""

from dataclasses import dataclass

from django.utils.translation import get_language


@dataclass(frozen=True)
class Words:
    """Text to show, the language it is in, and whether it stands in for a missing translation."""

    text: str
    language: str
    fallback: bool

    def __str__(self):
        return self.text


def _value(record, field: str) -> str:
    if isinstance(record, dict):  # rows read with .values() (index pages): "name", "parent__name"…
        return record.get(field) or ""
    return getattr(record, field, "") or ""


def in_language(record, field: str, language: str | None = None) -> Words:
    """`record.field` in `language` (default: the active one): `field_ar` on Arabic pages when it is filled in,
    otherwise the English `field`, flagged as a fallback when Arabic was wanted. English text that is itself empty
    is no fallback: there is nothing to translate."""
    language = (language or get_language() or "en").split("-")[0]
    english = _value(record, field)
    if language == "ar":
        arabic = _value(record, f"{field}_ar").strip()
        if arabic:
            return Words(arabic, "ar", False)
        return Words(english, "en", bool(english))
    return Words(english, "en", False)


class ArabicFieldsAdminMixin:
    """Admin forms: the records' Arabic fields (`…_ar`) are typed right to left, marked as Arabic."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name.endswith("_ar"):
            formfield.widget.attrs.update({"dir": "rtl", "lang": "ar"})
        return formfield
