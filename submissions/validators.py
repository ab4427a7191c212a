"""The links a submitter may give: at most `MAX_LINKS`, each an http(s) address (`sources.validators`, the one rule for
a stored web address) of at most `MAX_LINK_LENGTH` characters, one per line."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sources.validators import validate_web_address

MAX_LINKS = 10
MAX_LINK_LENGTH = 2000
_well_formed = URLValidator(schemes=["http", "https"])


def split_links(text: str) -> list[str]:
    """The non-blank lines of the links box, stripped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def validate_links(text: str) -> None:
    """Refuse more than MAX_LINKS links, or any that is too long or not an http(s) web address, saying which."""
    links = split_links(text)
    if len(links) > MAX_LINKS:
        raise ValidationError(ngettext("Give at most %(max)d link.", "Give at most %(max)d links.", MAX_LINKS) % {"max": MAX_LINKS},
                              code="too_many_links")
    errors = []
    for number, link in enumerate(links, 1):
        if len(link) > MAX_LINK_LENGTH:
            errors.append(ValidationError(_("Link %(number)d is longer than %(max)d characters."), code="link_too_long",
                                          params={"number": number, "max": MAX_LINK_LENGTH}))
            continue
        try:
            validate_web_address(link)
            _well_formed(link)
        except ValidationError:
            errors.append(ValidationError(
                _("Link %(number)d is not a web address: each link must start with http:// or https://."),
                code="web_address", params={"number": number}))
    if errors:
        raise ValidationError(errors)
