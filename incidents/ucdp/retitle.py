"""Titles of incidents imported from UCDP before titles left out the date and the place: rewritten, with history.

The import used to write "<place>, <dates>: <who fought> (UCDP event <id>)". A title still in exactly that form — the
id one of the incident's own UCDP ids, the dates its own dates as the import wrote them — is the import's, never an
editor's, and is rewritten as the import now writes titles (`mapping.title_of`). Any other title is left as it is.
Run by migration 0029; takes the models as arguments, so it runs on the migration's models as on the live ones.
"""

import re

from django.db.models import F
from django.utils import timezone

from ..search import search_texts
from .mapping import DATASET, describe_dates, title_of

REASON = "Title without the date and place the list already shows (UCDP import titles, rewritten)"
GENERATED = re.compile(r"^(?P<place>.+?), (?P<dates>[^:]+): (?P<who>.+) \(UCDP event (?P<id>\d+)\)$")
BATCH = 2000


def generated_who(incident, ucdp_ids: set[str]) -> str | None:
    """The "who fought" words of a title the UCDP import wrote, or None when the title is not (any longer) the import's."""
    match = GENERATED.match(incident.title or "")
    if not match or match["id"] not in ucdp_ids or incident.date_start is None:
        return None
    if match["dates"] != describe_dates(incident.date_start, incident.date_end or incident.date_start):
        return None
    return match["who"]


def retitle_ucdp_incidents(*, incident_model, history_model, identifier_model) -> int:
    """Rewrite the import's own titles (`generated_who`) in batches, one history row each; the number rewritten."""
    now = timezone.now()
    copied = [field.attname for field in history_model._meta.concrete_fields if not field.attname.startswith("history_")]
    rewritten = 0
    candidates = incident_model.objects.filter(title__contains="(UCDP event ", external_ids__dataset=DATASET).distinct()
    ids = list(candidates.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        ucdp_ids: dict[int, set[str]] = {}
        for incident_id, identifier in identifier_model.objects.filter(incident_id__in=batch, dataset=DATASET).values_list(
            "incident_id", "identifier",
        ):
            ucdp_ids.setdefault(incident_id, set()).add(identifier)
        history = []
        for incident in incident_model.objects.filter(pk__in=batch).order_by("pk"):
            who = generated_who(incident, ucdp_ids.get(incident.pk, set()))
            if who is None:
                continue
            title = title_of(incident.event_type, who)
            if title == incident.title:
                continue
            old_title, incident.title = incident.title, title
            # The search words follow the title (`incidents.search`), as `Incident.save` keeps them.
            incident_model.objects.filter(pk=incident.pk, title=old_title).update(
                title=title, version=F("version") + 1, search_head=search_texts(incident)["search_head"],
            )
            history.append(history_model(
                **{name: getattr(incident, name) for name in copied},
                history_date=now, history_type="~", history_change_reason=REASON, history_user_id=None,
            ))
        history_model.objects.bulk_create(history)
        rewritten += len(history)
    return rewritten
