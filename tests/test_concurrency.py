"""No lost edits: two people with the same incident open in the admin at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents import workflow
from incidents.models import CasualtyFigure, Incident
from tests import factories
from tests.test_admin import form_data, incident_change_url

CONFLICT = "Someone else saved this incident after you opened it."


def test_second_of_two_concurrent_saves_is_refused_with_what_changed(editor_client, reviewer_client):
    incident = factories.IncidentFactory(title="Strike in Mosul", summary="")
    url = incident_change_url(incident)
    first, second = form_data(editor_client.get(url)), form_data(reviewer_client.get(url))

    first["title"] = "Airstrike on Mosul al-Jadida"
    assert editor_client.post(url, first).status_code == 302
    second["summary"] = "Residents say more than 100 people were killed."
    response = reviewer_client.post(url, second)

    assert response.status_code == 200
    content = response.content.decode()
    assert CONFLICT in content
    assert "Saved meanwhile by editor" in content
    assert "Title: Strike in Mosul → Airstrike on Mosul al-Jadida" in content
    # What the second person typed is shown again, not lost.
    assert "Residents say more than 100 people were killed." in content
    incident.refresh_from_db()
    assert (incident.title, incident.summary) == ("Airstrike on Mosul al-Jadida", "")


def test_saving_again_after_the_conflict_keeps_what_the_form_shows(editor_client, reviewer_client):
    incident = factories.IncidentFactory(title="Strike in Mosul", summary="")
    url = incident_change_url(incident)
    first, second = form_data(editor_client.get(url)), form_data(reviewer_client.get(url))
    first["title"] = "Airstrike on Mosul al-Jadida"
    editor_client.post(url, first)
    second["summary"] = "Residents say more than 100 people were killed."
    refused = reviewer_client.post(url, second)

    again = form_data(refused)
    again["title"] = "Airstrike on Mosul al-Jadida"  # the reviewer takes the other change into their form
    response = reviewer_client.post(url, again)

    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.title, incident.summary) == ("Airstrike on Mosul al-Jadida", "Residents say more than 100 people were killed.")


def test_a_workflow_step_meanwhile_makes_the_open_form_stale(editor_client, reviewer):
    incident = factories.IncidentFactory(status="in_review")
    url = incident_change_url(incident)
    data = form_data(editor_client.get(url))
    workflow.transition_incident(incident=incident, name="publish", user=reviewer)

    data["title"] = "Edited while it was being published"
    response = editor_client.post(url, data)

    assert response.status_code == 200
    content = response.content.decode()
    assert CONFLICT in content
    assert "Status: in review → published" in content
    assert "Saved meanwhile by reviewer" in content


def test_a_post_without_the_version_is_refused(editor_client):
    incident = factories.IncidentFactory(title="Strike in Mosul")
    data = form_data(editor_client.get(incident_change_url(incident)))
    del data["base_version"]
    data["title"] = "Crafted"

    response = editor_client.post(incident_change_url(incident), data)

    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    assert Incident.objects.get(pk=incident.pk).title == "Strike in Mosul"


def test_same_claim_changed_in_two_tabs_is_refused(editor_client, reviewer_client):
    figure = factories.FigureFactory(count_min=10, count_max=10, attributed_to="residents")
    url = incident_change_url(figure.incident)
    first, second = form_data(editor_client.get(url)), form_data(reviewer_client.get(url))

    first["figures-0-count_max"] = "12"
    first["figures-0-qualifier"] = "between"
    assert editor_client.post(url, first).status_code == 302
    second["figures-0-attributed_to"] = "Iraqi officials"
    response = reviewer_client.post(url, second)

    assert response.status_code == 200
    content = response.content.decode()
    assert "was changed by someone else after you opened this page" in content
    assert "Count max: 10 → 12" in content
    assert "Iraqi officials" in content
    figure.refresh_from_db()
    assert (figure.count_max, figure.attributed_to) == (12, "residents")


def test_claim_changed_elsewhere_is_not_overwritten_by_an_open_incident_page(editor_client, reviewer_client):
    figure = factories.FigureFactory(count_min=10, count_max=10)
    incident = figure.incident
    url = incident_change_url(incident)
    open_page = form_data(editor_client.get(url))

    # Meanwhile a reviewer corrects the claim on its own page.
    figure_url = reverse("admin:incidents_casualtyfigure_change", args=[figure.pk])
    correction = form_data(reviewer_client.get(figure_url))
    correction.update({"count_max": "14", "qualifier": "between"})
    assert reviewer_client.post(figure_url, correction).status_code == 302

    # The editor saves the incident's title; the claim row they did not touch is left as the reviewer made it.
    open_page["title"] = "Airstrike on Mosul al-Jadida"
    response = editor_client.post(url, open_page)

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.title == "Airstrike on Mosul al-Jadida"
    assert CasualtyFigure.objects.get(pk=figure.pk).count_max == 14
    assert incident.reported_killed_max == 14


def test_recompute_keeps_the_version(db):
    incident = factories.IncidentFactory()
    version = Incident.objects.get(pk=incident.pk).version

    factories.FigureFactory(incident=incident, count_min=83, count_max=137)

    incident.refresh_from_db()
    assert (incident.reported_killed_min, incident.reported_killed_max) == (83, 137)
    assert incident.version == version


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers itself; it has no row locks")
def test_the_version_is_read_under_a_row_lock(editor_client):
    incident = factories.IncidentFactory(title="Strike in Mosul")
    data = form_data(editor_client.get(incident_change_url(incident)))
    data["title"] = "Airstrike on Mosul al-Jadida"

    with CaptureQueriesContext(connection) as queries:
        assert editor_client.post(incident_change_url(incident), data).status_code == 302

    # Of two saves at once, the second waits here until the first commits, then reads its version.
    assert any('"version"' in query["sql"] and "FOR UPDATE" in query["sql"] for query in queries.captured_queries)
