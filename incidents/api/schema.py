"""What the OpenAPI schema says of the list filters: what IncidentFilter really accepts, so that the schema and the
behaviour agree (tests/test_api_schema_fuzz.py sends both what the schema allows and what it forbids).

drf-spectacular reads each filter's type but not its limits, so without this the schema allowed a 4,000-character
search, a negative `killed_min` or `country=Iraq`, all refused with a 400, and forbade the empty values that the
/incidents/ form itself sends for "any" (`?conceded=&sort=`), all accepted.
"""

from django_filters import MultipleChoiceFilter
from drf_spectacular.contrib.django_filters import DjangoFilterExtension

from ..filters import COUNTRY_CODE_PATTERN, CountryFilter, YesNoFilter, YesNoWidget


def filter_limits(filter_field) -> dict:
    """The JSON Schema limits of one filter's value, read from the form field's own arguments."""
    extra = filter_field.extra
    limits = {}
    if extra.get("max_length") is not None:
        limits["maxLength"] = extra["max_length"]
    if extra.get("min_value") is not None:
        limits["minimum"] = extra["min_value"]
    if extra.get("max_value") is not None:
        limits["maximum"] = extra["max_value"]
    return limits


class IncidentFilterExtension(DjangoFilterExtension):
    """drf-spectacular's own reading of a FilterSet, completed with the limits each filter enforces."""

    priority = 1  # chosen over the default extension for the same backend

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        for parameter in parameters:
            schema = parameter["schema"]
            value_schema = schema["items"] if schema.get("type") == "array" else schema
            if isinstance(filter_field, YesNoFilter):
                # Query strings carry words, not JSON booleans: the words the filter reads, and nothing else.
                value_schema.clear()
                value_schema.update({"type": "string", "enum": [*YesNoWidget.TRUE, *YesNoWidget.FALSE]})
            if isinstance(filter_field, CountryFilter):
                value_schema["pattern"] = COUNTRY_CODE_PATTERN
            value_schema.update(filter_limits(filter_field))
            if not isinstance(filter_field, MultipleChoiceFilter):
                # One value: empty means "any", as the /incidents/ form sends it. A list (country, grade…) is left out
                # instead; an empty item in it is refused.
                parameter["allowEmptyValue"] = True
        return parameters
