"""Writing checked ACLED rows: one draft incident per event, its ACLED id, its actors, ACLED's record and all-deaths claim."""

from functools import partial

from sources.choices import ReportKind, SourceKind
from sources.models import Report, Source

from .. import choices
from ..filetext import missing_columns
from ..imports.writing import RowLayout, _Writer
from ..models import BelligerentRoleLink, CasualtyFigure, ExternalIdentifier, Incident
from ..services import save_claim
from .rows import REQUIRED_COLUMNS, check_acled_row

DATASET = choices.Dataset.ACLED

ACLED_SOURCE = {
    "slug": "acled",
    "name": "ACLED",
    "kind": SourceKind.MONITORING_GROUP,
    "language": "en",
    "homepage": "https://acleddata.com/",
    "description": (
        "Armed Conflict Location & Event Data (ACLED): events of political violence and protest coded from news, "
        "monitoring and local partner reports. Its data may not be redistributed; the tracker keeps each event's id, "
        "its codes and its notes on the incident it imported."
    ),
}

MAX_ATTRIBUTION = CasualtyFigure._meta.get_field("attributed_to").max_length


def check_acled_header(header: list[str], report, user) -> None:
    """ACLED's layout: every required column present (named when missing)."""
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        report.file_errors.append(missing_columns("ACLED", missing))


class AcledWriter(_Writer):
    """Creates one incident per ACLED event: drafts, nothing inferred that ACLED does not say (cause stays unknown)."""

    def __init__(self, *, user, filename: str):
        super().__init__(user=user, filename=filename)
        self.reason = f"Imported from ACLED ({filename})"[:100]
        self.source: Source | None = None

    def acled(self) -> Source:
        if self.source is None:
            self.source = Source.objects.filter(slug=ACLED_SOURCE["slug"]).first() or Source.objects.create(**ACLED_SOURCE)
        return self.source

    def record(self, data: dict) -> Report:
        """The event's ACLED record, as a report with ACLED's notes as its text (one per event, found again by title)."""
        title = f"ACLED event {data['identifier']}"
        report = Report.objects.filter(source=self.acled(), title=title).first()
        if report is None:
            report = Report.objects.create(
                source=self.acled(), title=title, kind=ReportKind.DATASET_RECORD, language="en", text=data["notes"],
                published_on=None, notes=f"{self.reason}. ACLED lists as its sources: {data['sources'] or 'none given'}.",
            )
        return report

    def create(self, row) -> Incident:
        data = row.data
        incident = Incident(
            title=data["title"], summary=data["summary"], date_start=data["date_start"], date_end=None,
            date_precision=data["date_precision"], country=data["country"], admin1=data["admin1"], admin2=data["admin2"],
            locality=data["locality"], latitude=data["latitude"], longitude=data["longitude"],
            geo_precision=data["geo_precision"], event_type=data["event_type"], event_type_inferred=data["event_type_inferred"],
            created_by=self.user, updated_by=self.user,
        )
        incident._change_reason = self.reason
        incident.save()
        ExternalIdentifier.objects.create(incident=incident, dataset=DATASET, identifier=data["identifier"],
                                          source_codes=data["source_codes"])
        for name, role in data["belligerents"]:
            BelligerentRoleLink.objects.create(incident=incident, actor=self.actor(name), role=role)
        report = self.record(data)
        who = f"ACLED (sources: {data['sources']})" if data["sources"] else "ACLED"
        claim = CasualtyFigure(
            incident=incident, report=report, outcome=choices.Outcome.KILLED, **choices.ALL_DEATHS, basis=choices.Basis.REPORTED,
            count_min=data["fatalities"], count_max=data["fatalities"], count_best=data["fatalities"],
            qualifier=choices.Qualifier.ABOUT, attributed_to=who[:MAX_ATTRIBUTION],
            notes="ACLED fatalities: its conservative count of all deaths of the event, of any status.",
        )
        claim._change_reason = self.reason
        save_claim(claim=claim)
        row.figures = 1
        row.created = incident.code
        return incident


def acled_layout(*, all_events: bool = False) -> RowLayout:
    """ACLED's export read row by row; only civilian-targeting events unless `all_events`."""
    return RowLayout(name="acled", check_header=check_acled_header,
                     check_row=partial(check_acled_row, all_events=all_events), writer=AcledWriter)
