"""Official positions over time: an assessment revised later replaces the current position; the earlier one stays."""

import datetime

from django.urls import reverse

from incidents import choices, services
from incidents.models import OfficialStatement
from tests import factories
from tests.test_admin import add_rows, form_data, incident_change_url


def test_assessment_revised_from_credible_to_not_credible(reviewer_client, client):
    coalition = factories.ActorFactory(name="CJTF-OIR coalition")
    incident = factories.IncidentFactory(status="published", title="Strike on a market")
    factories.StatementFactory(
        incident=incident, issuer=coalition, stated_on=datetime.date(2017, 5, 1), stance=choices.Stance.CREDIBLE,
        summary="Assessed credible: 4 civilians killed.",
    )
    incident.refresh_from_db()
    assert incident.latest_stance == choices.Stance.CREDIBLE

    # Months later the coalition revises its assessment; the reviewer records it as a new dated statement.
    data = form_data(reviewer_client.get(incident_change_url(incident)))
    add_rows(data, "statements", [{
        "issuer": coalition.pk, "stated_on": "2017-09-01", "stance": "not_credible",
        "summary": "On re-examination: assessed not credible.",
    }])
    response = reviewer_client.post(incident_change_url(incident), data)

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.latest_stance == choices.Stance.NOT_CREDIBLE
    assert list(OfficialStatement.objects.filter(incident=incident).order_by("stated_on").values_list("stance", flat=True)) == [
        choices.Stance.CREDIBLE, choices.Stance.NOT_CREDIBLE,
    ]

    # The public page shows the current position first and the earlier one as superseded.
    page = client.get(incident.get_absolute_url())
    groups = page.context["statement_groups"]
    assert [group["current"].stance for group in groups] == [choices.Stance.NOT_CREDIBLE]
    assert [s.stance for s in groups[0]["superseded"]] == [choices.Stance.CREDIBLE]
    assert "Earlier statements, superseded" in page.content.decode()

    # The list filters on the current position only.
    listed = client.get(reverse("incident_list"), {"stance": "not_credible"})
    assert incident.title in listed.content.decode()
    assert incident.title not in client.get(reverse("incident_list"), {"stance": "credible"}).content.decode()


def test_an_earlier_statement_entered_later_does_not_replace_the_current_position(db):
    incident = factories.IncidentFactory()
    issuer = factories.ActorFactory()
    factories.StatementFactory(incident=incident, issuer=issuer, stated_on=datetime.date(2017, 9, 1), stance=choices.Stance.NOT_CREDIBLE)

    factories.StatementFactory(incident=incident, issuer=issuer, stated_on=datetime.date(2017, 5, 1), stance=choices.Stance.CREDIBLE)

    incident.refresh_from_db()
    assert incident.latest_stance == choices.Stance.NOT_CREDIBLE


def test_deleting_the_revision_of_a_draft_restores_the_earlier_position(db):
    incident = factories.IncidentFactory()
    issuer = factories.ActorFactory()
    factories.StatementFactory(incident=incident, issuer=issuer, stated_on=datetime.date(2017, 3, 25), stance=choices.Stance.INVESTIGATING)
    revision = factories.StatementFactory(incident=incident, issuer=issuer, stated_on=datetime.date(2017, 6, 1), stance=choices.Stance.CREDIBLE)

    services.delete_statement(statement=revision)

    incident.refresh_from_db()
    assert incident.latest_stance == choices.Stance.INVESTIGATING
