"""JSON Lines as Django writes it, but with times to the microsecond (Django's encoder cuts them to milliseconds).

A backup must give back exactly what was stored: the history's timestamps, `updated_at` in the API and the order of
changes made within one millisecond. Read back by Django's own JSON Lines deserializer, which reads microseconds.
"""

import datetime

from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder


class ExactEncoder(DjangoJSONEncoder):
    """Dates and times in full ISO 8601, microseconds kept."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(jsonl.Serializer):
    def _init_options(self):
        self.options.setdefault("cls", ExactEncoder)
        super()._init_options()


Deserializer = jsonl.Deserializer
