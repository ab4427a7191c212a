"""Template filters for records' words in the reader's language (`incidents.translated.in_language`).

`{{ incident|translated:"title" }}` is the text, marked as English with a small note where an Arabic page has no
Arabic text for it yet; `{{ incident|translated_text:"title" }}` is the plain text (for attributes and <title>).
On English pages both are exactly the English field, escaped as `{{ incident.title }}` would be.
"""

from django import template
from django.utils.html import escape, format_html
from django.utils.translation import gettext

from ..translated import in_language

register = template.Library()


@register.filter
def translated(record, field):
    """The field's text in the page's language, with the note "(no Arabic text yet)" when it falls back to English."""
    words = in_language(record, field)
    if not words.fallback:
        return escape(words.text)
    return format_html('<span lang="en" dir="ltr">{}</span> <small class="untranslated">{}</small>',
                       words.text, gettext("(no Arabic text yet)"))


@register.filter
def translated_text(record, field):
    """The field's plain text in the page's language (the English text where there is no Arabic one)."""
    return in_language(record, field).text


_TEXT_INPUTS = {"text", "search", "email", "url"}


@register.filter
def dir_auto(field):
    """A form field drawn with dir="auto" when people type text into it: Arabic words typed into an English page (or
    English into an Arabic one) run in their own direction. Other widgets (dates, numbers, choices) as they are."""
    widget = field.field.widget
    if getattr(widget, "input_type", None) in _TEXT_INPUTS or widget.__class__.__name__ == "Textarea":
        return field.as_widget(attrs={"dir": "auto"})
    return field
