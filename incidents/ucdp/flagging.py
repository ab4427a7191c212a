"""The admin's duplicate check (`incidents.duplicates`) run on the incidents a UCDP import is about to create."""

import bisect
import datetime

from ..aliases import find_actors
from ..duplicates import DATE_TOLERANCE, period, possible_duplicates
from ..models import ExternalIdentifier, Incident
from .mapping import DATASET, incident_fields
from .reader import GedEvent

DUPLICATES_SHOWN = 5
PREFILTER_ROWS = 50_000
CHUNK = 500


def possible_duplicates_of(events: list[GedEvent], *, file_ids: set[str]) -> dict[int, list[str]]:
    """UCDP id → the possible duplicates ("CT-000012 (same day +3; …)") of the incident each event would become, by
    the admin's rule at the event's own precisions. Incidents carrying an id in `file_ids` (the same file's events,
    written by an earlier batch of the same import) are no candidates, so a preview and its import flag the same."""
    if not events:
        return {}
    actors = find_actors(sorted({name for event in events for name in event.sides_a + event.sides_b}))
    found, near_in_time = {}, _near_in_time(events)
    for event in events:
        names = dict.fromkeys(event.sides_a + event.sides_b)
        candidate = Incident(**incident_fields(event))
        if not near_in_time(candidate):
            continue
        belligerents = [actors[name].pk for name in names if name in actors]
        if listed := possible_duplicates(candidate, belligerent_ids=belligerents, limit=DUPLICATES_SHOWN + 10):
            found[event.id] = listed
    ours = set()
    for chunk in _chunks(sorted({c.incident.pk for listed in found.values() for c in listed})):
        rows = ExternalIdentifier.objects.filter(incident_id__in=chunk, dataset=DATASET).values_list("incident_id", "identifier")
        ours.update(incident_id for incident_id, identifier in rows if identifier in file_ids)
    flagged = {event_id: [c.summary for c in listed if c.incident.pk not in ours][:DUPLICATES_SHOWN] for event_id, listed in found.items()}
    return {event_id: listed for event_id, listed in flagged.items() if listed}


def _chunks(items: list, size: int = CHUNK):
    return [items[start:start + size] for start in range(0, len(items), size)]


def _near_in_time(events: list[GedEvent]):
    """A quick test that is true for every record the duplicate check could find (its periods, `duplicates.period`,
    within the widest slack of any other incident's): the check's queries (about 10 ms each) run only for those.
    With more than PREFILTER_ROWS incidents in the batch's years it tests nothing and every check runs."""
    slack = datetime.timedelta(days=max(tolerance.slack for tolerance in DATE_TOLERANCE.values()))
    first = min(event.date_start for event in events) - datetime.timedelta(days=400)
    last = max(event.date_end for event in events) + datetime.timedelta(days=400)
    rows = list(Incident.objects.filter(date_start__range=(first, last)).values_list("date_start", "date_end", "date_precision")[:PREFILTER_ROWS + 1])
    if len(rows) > PREFILTER_ROWS:
        return lambda candidate: True
    periods = sorted(period(Incident(date_start=start, date_end=end, date_precision=precision)) for start, end, precision in rows)
    starts, reach, latest = [p[0] for p in periods], [], datetime.date.min
    for _start, end in periods:
        latest = max(latest, end)
        reach.append(latest)

    def near(candidate: Incident) -> bool:
        low, high = period(candidate)
        index = bisect.bisect_right(starts, high + slack)  # the records that begin no later than the candidate ends
        return index > 0 and reach[index - 1] >= low - slack

    return near
