"""One factory per model; incidents are drafts by default.

Claims and statements are saved through their services, as the admin and the imports save them, so the
incident's derived figures are current after every factory call.
"""

import datetime

import factory
from django.utils.text import slugify

from incidents import choices, services
from incidents.models import (
    Actor,
    AggregateClaim,
    BelligerentRoleLink,
    CasualtyFigure,
    Conflict,
    ExternalIdentifier,
    Incident,
    OfficialStatement,
    Victim,
)
from sources.models import Report, Source


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    source = factory.SubFactory(SourceFactory)
    title = factory.Sequence(lambda n: f"Report {n}")
    url = factory.Sequence(lambda n: f"https://news.example.org/story/{n}")
    published_on = datetime.date(2017, 3, 25)


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conflict

    name = factory.Sequence(lambda n: f"Conflict {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Force {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    title = factory.Sequence(lambda n: f"Strike {n}")
    date_start = datetime.date(2017, 3, 17)
    country = "IQ"
    admin1 = "Nineveh"
    locality = "Mosul"
    latitude = 36.34
    longitude = 43.13
    event_type = choices.EventType.AIRSTRIKE
    status = choices.Status.DRAFT


class BelligerentRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BelligerentRoleLink

    incident = factory.SubFactory(IncidentFactory)
    actor = factory.SubFactory(ActorFactory)


class ExternalIdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalIdentifier

    incident = factory.SubFactory(IncidentFactory)
    dataset = choices.Dataset.UCDP_GED
    identifier = factory.Sequence(lambda n: str(900000 + n))


# Whom a claim counts, as the admin's form posts it for a claim of all civilians (`choices.CIVILIANS`), cause unknown.
FORM_WHOM = {"person_status": "civilian", "sex": "unknown", "age_group": "unknown", "profession": "", "cause": "unknown"}


class FigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CasualtyFigure

    incident = factory.SubFactory(IncidentFactory)
    report = factory.SubFactory(ReportFactory)
    attributed_to = "residents"
    count_min = 10
    count_max = 10
    basis = choices.Basis.REPORTED
    statement = None
    # A concession names who conceded it: its statement's issuer, else a new actor (pass conceded_by to choose).
    conceded_by = factory.LazyAttribute(
        lambda o: None if o.basis != choices.Basis.CONCEDED else o.statement.issuer if o.statement else ActorFactory()
    )
    # What the numbers say, unless a test gives the words' qualifier (the database refuses a mismatch).
    qualifier = factory.LazyAttribute(lambda claim: choices.qualifier_for(claim.count_min, claim.count_max))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.save_claim(claim=model_class(*args, **kwargs))


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficialStatement

    incident = factory.SubFactory(IncidentFactory)
    issuer = factory.SubFactory(ActorFactory)
    stated_on = datetime.date(2017, 3, 25)
    stance = choices.Stance.INVESTIGATING
    report = factory.SubFactory(ReportFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.save_statement(statement=model_class(*args, **kwargs))


class AggregateClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AggregateClaim
        skip_postgeneration_save = True

    report = factory.SubFactory(ReportFactory)
    period_start = datetime.date(2017, 3, 1)
    period_end = datetime.date(2017, 3, 31)
    area = "Iraq and Syria"
    count_min = 1000
    count_max = 1000
    qualifier = factory.LazyAttribute(lambda claim: choices.qualifier_for(claim.count_min, claim.count_max))

    @factory.post_generation
    def conflicts(self, create, extracted, **kwargs):
        if create and extracted:
            self.conflicts.set(extracted)


class VictimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Victim

    incident = factory.SubFactory(IncidentFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
