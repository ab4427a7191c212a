"""The one rule for a stored web address: blank, or starting with http:// or https:// (any letter case).

Why: a stored link becomes an `href` on public pages, so `javascript:`, `data:` or `vbscript:` in it is a stored
XSS that fires on click. The rule is enforced three times over, each for a path the others miss:
- `validate_web_address` is attached to every URL field (Report.url, Report.archive_url, Source.homepage,
  ExternalIdentifier.url), so the admin, every model form and anything calling full_clean() refuse it in words;
- `web_address_constraint` is a database CHECK on the same columns, so `.create()`, `.update()`, `bulk_create`, the
  imports and raw SQL cannot store it either;
- the `safe_url` template filter (incidents.templatetags.tracker) drops any other link at render time, should one
  ever get in (an old backup, a history row).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

WEB_SCHEMES = ("http://", "https://")


def is_web_address(text) -> bool:
    """True for an http(s) address: what may be stored in a URL field and become a link."""
    return isinstance(text, str) and text[:8].lower().startswith(WEB_SCHEMES) and len(text) > len("http://")


def validate_web_address(value) -> None:
    """Refuse anything but blank or an http(s) address (the field validator on every URL field)."""
    if value and not is_web_address(value):
        raise ValidationError(
            _("“%(value)s” is not a web address: it must start with http:// or https://."),
            code="web_address", params={"value": str(value)[:80]},
        )


def web_address_constraint(field: str, name: str) -> models.CheckConstraint:
    """The database's copy of the rule for one column: blank, or http:// or https:// in any letter case."""
    return models.CheckConstraint(
        condition=Q(**{field: ""}) | Q(**{f"{field}__istartswith": "http://"}) | Q(**{f"{field}__istartswith": "https://"}),
        name=name, violation_error_message=_("A web address must start with http:// or https://."),
    )


def blank_unsafe_web_addresses(model, fields: dict[str, tuple[str, ...]], log) -> int:
    """Blank every stored value of `fields` that breaks the rule (for the migration adding the CHECKs): never a deleted record.

    `fields` maps a URL column to the derived columns blanked with it (Report.url's url_normalised). Each repair is
    logged with the record's id and the old value, so an editor can put the right address back.
    """
    repaired = 0
    for field, derived in fields.items():
        safe = Q(**{field: ""}) | Q(**{f"{field}__istartswith": "http://"}) | Q(**{f"{field}__istartswith": "https://"})
        for pk, value in model.objects.exclude(safe).values_list("pk", field).iterator():
            log.warning("%s %s: blanked %s %r (not an http(s) address)", model._meta.label, pk, field, value[:200])
            repaired += model.objects.filter(pk=pk).update(**{name: "" for name in (field, *derived)})
    return repaired
