"""Days typed in the filters: read in any of the site's written forms, shown back the way the site writes days.

The rule for reading and writing a day is `display.read_day` / `display.format_day`; this module only fits it to a
form field, a widget and a django-filter filter.
"""

import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy

from . import display


class DayInput(forms.TextInput):
    """A text box for a day, shown as the site writes it ("17 March 2017") whatever form the reader typed it in.

    Not `type="date"`: a browser's date picker writes the day in the browser's locale (03/17/2017 in the US), which
    is not how the pages write it; a typed day that cannot be read is shown back as typed, beside its error.
    """

    def __init__(self, attrs=None):
        super().__init__({"placeholder": gettext_lazy("e.g. 17 March 2017"), "autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return display.format_day(value)
        day = display.read_day(value) if isinstance(value, str) else None
        return display.format_day(day) if day else super().format_value(value)


class DayField(forms.DateField):
    widget = DayInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        day = display.read_day(value)
        if day is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return day


class DayFilter(django_filters.DateFilter):
    """A filter on a day typed as the site writes it, or in ISO 8601 (links and the API)."""

    field_class = DayField
