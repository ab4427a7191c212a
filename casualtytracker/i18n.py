"""The site's two languages in every page: the switcher's links, the hreflang alternates, and Arabic-Indic digits.

English pages live at today's addresses, Arabic ones under /ar/ (`casualtytracker/urls.py`). A page's other-language
address is the same view reversed in that language (`django.urls.translate_url`), with the same query string, so a
filtered list switches language and stays the same list. Digits: Arabic pages read Western digits unless
ARABIC_INDIC_DIGITS is on; then `indic_digits` rewrites the text of the page, never its markup, codes or form values.
"""

import re

from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language, override

LANGUAGE_DIRECTIONS = {"en": "ltr", "ar": "rtl"}


def language_url(request, code: str) -> str:
    """This page's address in language `code`, with its query string; that language's home page where no view
    answered the address (a 404)."""
    if request.resolver_match is None:
        with override(code):
            return reverse("home")
    return translate_url(request.get_full_path(), code)


def languages(request):
    """Template context: the active language's direction, and each language's link to this page (switcher, hreflang)."""
    current = get_language() or settings.LANGUAGE_CODE
    links = []
    for code, name in settings.LANGUAGES:
        url = language_url(request, code)
        links.append({
            "code": code, "name": name, "url": url,
            "absolute_url": request.build_absolute_uri(url), "current": code == current,
        })
    return {
        "LANGUAGE_DIRECTION": LANGUAGE_DIRECTIONS.get(current, "ltr"),
        "language_links": links,
        "default_language_url": next(link["absolute_url"] for link in links if link["code"] == settings.LANGUAGE_CODE),
    }


INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# Markup, comments, entities (&#8211;) and elements whose text is code or a value to copy: never rewritten.
_UNTOUCHED = re.compile(
    r"<(script|style|textarea|code|pre|kbd|samp)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>|&#?\w+;", re.IGNORECASE | re.DOTALL,
)
# A comma or point between digits becomes the Arabic thousands (٬) or decimal (٫) separator.
_SEPARATOR = re.compile(r"(?<=\d)[,.](?=\d)")


def _indic_text(text: str) -> str:
    text = _SEPARATOR.sub(lambda m: "٬" if m.group() == "," else "٫", text)
    return text.translate(INDIC_DIGITS)


def indic_digits(html: str) -> str:
    """The page with Arabic-Indic digits in its text nodes only: tags and their attributes (URLs, form values, data),
    <script>, <style>, <textarea>, <code>, <pre>, comments and character references are left as they are."""
    out, last = [], 0
    for match in _UNTOUCHED.finditer(html):
        out.append(_indic_text(html[last:match.start()]))
        out.append(match.group())
        last = match.end()
    out.append(_indic_text(html[last:]))
    return "".join(out)


class ArabicIndicDigitsMiddleware:
    """With ARABIC_INDIC_DIGITS on, an Arabic HTML page's text reads Arabic-Indic digits (`indic_digits`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.ARABIC_INDIC_DIGITS and get_language() == "ar" and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
        ):
            charset = response.charset or "utf-8"
            response.content = indic_digits(response.content.decode(charset)).encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
