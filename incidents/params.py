"""One reader for every whole number a URL carries (`?page_size=`, cursors' ids, `?year=`, `?zoom=`, filters).

Why one: `str.isdigit()` accepts '²' and Arabic-Indic digits, and `int()` then either raises (a 500) or reads a
number the user did not write; a 4,000-digit value makes `int()` refuse, and a number past 2^63 overflows the
database. Only plain ASCII digits, within stated bounds, are a number here; everything else is a `BadParameter`
whose message says which parameter and why, for a 400 (API) or the page's own "not valid" note (HTML pages).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

ASCII_DIGITS = re.compile(r"[0-9]{1,18}")  # 18 digits stay below 2^63 whatever the bounds say
SIGNED_ASCII_DIGITS = re.compile(r"(-?)([0-9]+)")  # read only to say "at least" or "at most" rather than "not a number"

# The largest number any parameter may name: a bigint column's maximum.
BIGINT_MAX = 2**63 - 1


class BadParameter(ValidationError):
    """A query-string parameter that is not what it must be; the message names it and says why."""


def is_whole_number(text) -> bool:
    """True when `text` is plain ASCII digits that fit a bigint (never '²', '١٢', '+1', ' 1' or 4,000 digits)."""
    return isinstance(text, str) and ASCII_DIGITS.fullmatch(text) is not None


def whole_number(text, *, minimum: int = 0, maximum: int = BIGINT_MAX, name: str) -> int:
    """The whole number `text` gives for the parameter `name`, from `minimum` to `maximum`, or raise BadParameter."""
    signed = SIGNED_ASCII_DIGITS.fullmatch(text) if isinstance(text, str) else None
    if signed is None:
        raise BadParameter(
            gettext("“%(name)s” must be a whole number written with the digits 0–9 (from %(minimum)s to %(maximum)s).")
            % {"name": name, "minimum": minimum, "maximum": maximum},
            code="invalid",
        )
    too_long = len(signed[2]) > 18  # never handed to int(): 4,000 digits would make it refuse
    value = None if too_long else int(text)
    if (too_long and signed[1]) or (value is not None and value < minimum):
        raise BadParameter(gettext("“%(name)s” must be at least %(minimum)s.") % {"name": name, "minimum": minimum}, code="min_value")
    if too_long or value > maximum:
        raise BadParameter(gettext("“%(name)s” must be at most %(maximum)s.") % {"name": name, "maximum": maximum}, code="max_value")
    return value
