"""The editors' admin, driven through the test client as a logged-in editor."""

import datetime

import pytest
from django.urls import reverse

from incidents import choices
from incidents.models import CasualtyFigure, Incident, OfficialStatement
from sources.models import Report
from tests import factories

ARTICLE = (
    "The U.S. military acknowledged for the first time Saturday that it launched an airstrike against the Islamic "
    "State in the densely packed Iraqi city of Mosul, where residents say more than 100 people were killed in a "
    "single event. Previously, the U.S.-led coalition had said officials were unsure whether there were any air "
    "attacks targeting the specific area of the neighborhood Mosul al-Jadida at the time when residents claim a "
    "strike killed 137 civilians. Iraqi officials working on the rescue said they had pulled 83 bodies — including "
    "many women and children — from a destroyedbuilding by sundown Saturday. They have yet to complete site "
    "excavations."
)


@pytest.fixture
def article(db):
    return factories.ReportFactory(title="U.S. acknowledges strike in Mosul", text=ARTICLE)


def form_data(response) -> dict:
    """What the browser would post back unchanged: the main form, existing inline rows and management forms."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        initial = formset.initial_form_count()
        data[management.add_prefix("TOTAL_FORMS")] = initial
        data[management.add_prefix("INITIAL_FORMS")] = initial
        data[management.add_prefix("MIN_NUM_FORMS")] = 0
        data[management.add_prefix("MAX_NUM_FORMS")] = 1000
        forms.extend(formset.initial_forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, (list, tuple)):
                data[form.add_prefix(name)] = [str(item) for item in value]
            else:
                data[form.add_prefix(name)] = str(value)
    return data


def add_rows(data: dict, prefix: str, rows: list[dict]) -> dict:
    """Append new inline rows after the existing ones of the formset `prefix`."""
    start = int(data[f"{prefix}-TOTAL_FORMS"])
    for offset, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{start + offset}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = start + len(rows)
    return data


def figure_row(quote, qualifier, count_min, count_max="", **extra):
    """A reported civilian-death claim; on the report's own page the report is implied."""
    return {
        "basis": "reported", "outcome": "killed", **factories.FORM_WHOM,
        "qualifier": qualifier, "count_min": count_min, "count_max": count_max, "quote": quote,
        "attributed_to": "residents", **extra,
    }


def incident_add_url():
    return reverse("admin:incidents_incident_add")


def incident_change_url(incident):
    return reverse("admin:incidents_incident_change", args=[incident.pk])


def changelist(client, **params):
    response = client.get(reverse("admin:incidents_incident_changelist"), params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


# Adding an incident with its claims.


def test_add_incident_with_figures_roles_and_external_id(editor_client, editor, article):
    actor = factories.ActorFactory(name="CJTF-OIR coalition")
    conflict = factories.ConflictFactory(name="Coalition vs ISIS — Iraq")
    data = form_data(editor_client.get(incident_add_url()))
    data.update({
        "title": "Airstrike on Mosul al-Jadida", "date_start": "2017-03-17", "date_precision": "day",
        "country": "IQ", "admin1": "Nineveh", "locality": "Mosul", "neighbourhood": "Mosul al-Jadida",
        "geo_precision": "neighbourhood", "event_type": "airstrike", "conflict": conflict.pk, "status": "draft",
    })
    add_rows(data, "belligerent_roles", [{"actor": actor.pk, "role": "alleged"}])
    add_rows(data, "figures", [
        figure_row("more than 100 people were killed", "more_than", 101, report=article.pk),
        figure_row("a strike killed 137 civilians", "exact", 137, 137, report=article.pk),
        figure_row("pulled 83 bodies", "at_least", 83, attributed_to="Iraqi officials", report=article.pk),
    ])
    add_rows(data, "external_ids", [{"dataset": "ucdp_ged", "identifier": "238475"}])

    response = editor_client.post(incident_add_url(), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    incident = Incident.objects.get(title="Airstrike on Mosul al-Jadida")
    assert incident.code == f"CT-{incident.pk:06d}"
    assert (incident.reported_killed_min, incident.reported_killed_max) == (83, 137)
    assert incident.created_by == editor
    assert incident.updated_by == editor
    assert incident.figures.count() == 3
    assert list(incident.belligerent_roles.values_list("actor__name", "role")) == [("CJTF-OIR coalition", "alleged")]
    assert list(incident.external_ids.values_list("identifier", flat=True)) == ["238475"]
    # The cited report was linked to the incident by the same save.
    assert incident.sources_count == 1


def test_add_page_offers_help_text_and_no_derived_fields(editor_client):
    response = editor_client.get(incident_add_url())

    content = response.content.decode()
    assert "Earliest date the incident may have happened." in content
    assert "A belligerent has accepted responsibility for the civilian harm." in content
    assert "Derived figures (read-only)" not in content


def test_change_page_shows_derived_figures_read_only_with_their_rule(editor_client):
    incident = factories.IncidentFactory()
    factories.FigureFactory(incident=incident, count_min=83, count_max=83)

    response = editor_client.get(incident_change_url(incident))

    content = response.content.decode()
    assert "Derived figures (read-only)" in content
    assert "non-excluded" in content
    assert "derive_figures" in content
    assert 'name="reported_killed_min"' not in content
    assert incident.code in content


def test_saving_figures_on_the_incident_page_recomputes_its_range(editor_client, article):
    incident = factories.IncidentFactory()
    factories.FigureFactory(incident=incident, report=article, count_min=83, count_max=None, qualifier="at_least")
    data = form_data(editor_client.get(incident_change_url(incident)))
    add_rows(data, "figures", [figure_row("a strike killed 137 civilians", "exact", 137, 137, report=article.pk)])

    response = editor_client.post(incident_change_url(incident), data)

    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.reported_killed_min, incident.reported_killed_max) == (83, 137)


# The report-with-figures flow.


def test_add_report_with_figures_for_an_existing_incident(editor_client):
    incident = factories.IncidentFactory(title="Airstrike on Mosul al-Jadida")
    source = factories.SourceFactory(name="Washington Post")
    url = reverse("admin:sources_report_add")
    data = form_data(editor_client.get(url))
    data.update({
        "source": source.pk, "title": "U.S. acknowledges strike in Mosul", "kind": "article",
        "url": "https://www.washingtonpost.com/mosul-strike/", "published_on": "2017-03-25", "text": ARTICLE,
    })
    add_rows(data, "figures", [
        figure_row("more than 100 people were killed", "more_than", 101, incident=incident.pk),
        figure_row("a strike killed 137 civilians", "exact", 137, 137, incident=incident.pk),
    ])

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    report = Report.objects.get(title="U.S. acknowledges strike in Mosul")
    assert report.figures.count() == 2
    assert set(report.figures.values_list("incident", flat=True)) == {incident.pk}
    incident.refresh_from_db()
    assert (incident.reported_killed_min, incident.reported_killed_max) == (101, 137)
    assert list(incident.report_links.values_list("report", flat=True)) == [report.pk]


def test_report_page_records_statements_and_aggregate_claims(editor_client, article):
    incident = factories.IncidentFactory()
    coalition = factories.ActorFactory(name="CJTF-OIR coalition")
    url = reverse("admin:sources_report_change", args=[article.pk])
    data = form_data(editor_client.get(url))
    add_rows(data, "statements", [{
        "incident": incident.pk, "issuer": coalition.pk, "stated_on": "2017-03-25", "stance": "investigating",
        "quote": "the U.S.-led coalition had said officials were unsure",
    }])
    add_rows(data, "aggregate_claims", [{
        "period_start": "2017-03-01", "period_end": "2017-03-31", "period_precision": "month", "measure": "casualties",
        "area": "Iraq and Syria", "countries": "IQ,SY",
        "basis": "reported", "outcome": "killed", **factories.FORM_WHOM, "qualifier": "exact",
        "count_min": 1000, "count_max": 1000, "status": "draft",
    }])

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert article.statements.get().incident == incident
    assert article.aggregate_claims.get().area == "Iraq and Syria"
    incident.refresh_from_db()
    assert incident.latest_stance == choices.Stance.INVESTIGATING


# Quotes are checked against the report's stored text.


def test_quote_not_in_the_report_being_added_is_refused(editor_client):
    incident = factories.IncidentFactory()
    source = factories.SourceFactory()
    url = reverse("admin:sources_report_add")
    data = form_data(editor_client.get(url))
    data.update({"source": source.pk, "title": "A report", "kind": "article", "text": ARTICLE})
    add_rows(data, "figures", [
        figure_row("a strike killed 200 civilians", "exact", 200, 200, incident=incident.pk),
    ])

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "This quote is not found in the stored text of the report" in response.content.decode()
    assert not Report.objects.exists()
    assert not CasualtyFigure.objects.exists()


def test_quote_not_in_a_saved_report_is_refused_on_the_incident_page(editor_client, article):
    incident = factories.IncidentFactory()
    data = form_data(editor_client.get(incident_change_url(incident)))
    add_rows(data, "figures", [figure_row("a strike killed 200 civilians", "exact", 200, 200, report=article.pk)])

    response = editor_client.post(incident_change_url(incident), data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "This quote is not found in the stored text of the report" in content
    assert "U.S. acknowledges strike in Mosul" in content
    assert not CasualtyFigure.objects.exists()
    incident.refresh_from_db()
    assert incident.reported_killed_max is None


def test_statement_quote_not_in_the_report_is_refused(editor_client, article):
    incident = factories.IncidentFactory()
    coalition = factories.ActorFactory()
    data = form_data(editor_client.get(incident_change_url(incident)))
    add_rows(data, "statements", [{
        "issuer": coalition.pk, "stated_on": "2017-03-25", "stance": "denies", "report": article.pk,
        "quote": "the coalition denies everything",
    }])

    response = editor_client.post(incident_change_url(incident), data)

    assert response.status_code == 200
    assert "This quote is not found in the stored text of the report" in response.content.decode()
    assert not OfficialStatement.objects.exists()


# The incident list.


def test_changelist_search_by_code(editor_client):
    wanted, _other = factories.IncidentFactory(), factories.IncidentFactory()

    assert changelist(editor_client, q=wanted.code) == [wanted]


def test_changelist_search_by_external_id(editor_client):
    wanted, _other = factories.IncidentFactory(), factories.IncidentFactory()
    factories.ExternalIdentifierFactory(incident=wanted, identifier="238475")

    assert changelist(editor_client, q="238475") == [wanted]


def test_changelist_search_by_place(editor_client):
    wanted = factories.IncidentFactory(locality="Raqqa", admin1="Raqqa", country="SY")
    factories.IncidentFactory(locality="Mosul")
    by_arabic_name = factories.IncidentFactory(locality="", place_name_ar="الموصل الجديدة")

    assert changelist(editor_client, q="raqqa") == [wanted]
    assert changelist(editor_client, q="الموصل") == [by_arabic_name]


def test_changelist_search_by_former_code(editor_client):
    wanted = factories.IncidentFactory()
    wanted.aliases.create(code="CT-999999")

    assert changelist(editor_client, q="CT-999999") == [wanted]


def test_changelist_filters(editor_client):
    coalition = factories.ActorFactory()
    conflict = factories.ConflictFactory()
    wanted = factories.IncidentFactory(
        status="published", grade="fair", country="SY", conflict=conflict, event_type="drone_strike",
    )
    factories.BelligerentRoleFactory(incident=wanted, actor=coalition)
    factories.IncidentFactory(status="published", grade="fair", country="IQ")
    factories.IncidentFactory(status="draft", grade="fair", country="SY", conflict=conflict)

    assert changelist(editor_client, status__exact="published", country="SY") == [wanted]
    assert changelist(editor_client, belligerents__id__exact=coalition.pk) == [wanted]
    assert changelist(editor_client, conflict__id__exact=conflict.pk, event_type__exact="drone_strike") == [wanted]
    assert len(changelist(editor_client, grade__exact="fair")) == 3


def test_changelist_shows_reported_and_conceded_ranges(editor_client, article):
    incident = factories.IncidentFactory(title="Airstrike on Mosul al-Jadida")
    factories.FigureFactory(incident=incident, report=article, count_min=83, count_max=None, qualifier="at_least")
    factories.FigureFactory(incident=incident, report=article, count_min=137, count_max=137)
    factories.FigureFactory(incident=incident, report=article, basis="conceded", count_min=105, count_max=105)

    content = editor_client.get(reverse("admin:incidents_incident_changelist")).content.decode()

    assert "83–137" in content
    assert "105" in content


def test_changelist_queries_do_not_grow_with_rows(editor_client, django_assert_max_num_queries):
    coalition, conflict = factories.ActorFactory(), factories.ConflictFactory()
    for incident in factories.IncidentFactory.create_batch(60, conflict=conflict):
        factories.BelligerentRoleFactory(incident=incident, actor=coalition)
        factories.ExternalIdentifierFactory(incident=incident)
        factories.FigureFactory(incident=incident)

    with django_assert_max_num_queries(12):
        response = editor_client.get(reverse("admin:incidents_incident_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 50
    with django_assert_max_num_queries(12):
        editor_client.get(reverse("admin:incidents_incident_changelist"), {"q": "Strike", "belligerents__id__exact": coalition.pk})


# History and deletion.


def test_history_page_lists_an_edit_with_its_author(editor_client, editor):
    incident = factories.IncidentFactory(title="Strike in Mosul")
    data = form_data(editor_client.get(incident_change_url(incident)))
    data["title"] = "Airstrike on Mosul al-Jadida"

    response = editor_client.post(incident_change_url(incident), data)
    assert response.status_code == 302

    history = editor_client.get(reverse("admin:incidents_incident_history", args=[incident.pk]))
    content = history.content.decode()
    assert history.status_code == 200
    assert editor.username in content
    assert "Airstrike on Mosul al-Jadida" in content
    assert incident.history.first().history_user == editor


def test_every_admin_offers_its_history(editor_client, article):
    figure = factories.FigureFactory(report=article)
    for url in [
        reverse("admin:incidents_casualtyfigure_history", args=[figure.pk]),
        reverse("admin:sources_report_history", args=[article.pk]),
        reverse("admin:sources_source_history", args=[article.source.pk]),
    ]:
        assert editor_client.get(url).status_code == 200


def test_delete_not_offered_for_a_published_incident(editor_client, published_incident):
    change = editor_client.get(incident_change_url(published_incident))

    assert change.context["has_delete_permission"] is False
    assert reverse("admin:incidents_incident_delete", args=[published_incident.pk]) not in change.content.decode()
    delete = editor_client.post(reverse("admin:incidents_incident_delete", args=[published_incident.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert Incident.objects.filter(pk=published_incident.pk).exists()


def test_bulk_delete_refuses_a_published_incident(editor_client, published_incident):
    draft = factories.IncidentFactory()

    editor_client.post(reverse("admin:incidents_incident_changelist"), {
        "action": "delete_selected", "_selected_action": [published_incident.pk, draft.pk], "post": "yes",
    })

    assert Incident.objects.filter(pk=published_incident.pk).exists()


def test_draft_incident_can_be_deleted(editor_client):
    draft = factories.IncidentFactory()

    response = editor_client.post(reverse("admin:incidents_incident_delete", args=[draft.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Incident.objects.filter(pk=draft.pk).exists()


def test_published_incident_claims_cannot_be_deleted_only_excluded(editor_client, published_incident):
    figure = factories.FigureFactory(incident=published_incident)

    change = editor_client.get(incident_change_url(published_incident))
    figures = next(inline for inline in change.context["inline_admin_formsets"] if inline.formset.prefix == "figures")

    assert figures.formset.can_delete is False
    delete = editor_client.post(reverse("admin:incidents_casualtyfigure_delete", args=[figure.pk]), {"post": "yes"})
    assert delete.status_code == 403


def test_report_page_refuses_to_delete_a_claim_about_a_published_incident(editor_client, article, published_incident):
    figure = factories.FigureFactory(incident=published_incident, report=article, quote="pulled 83 bodies")
    url = reverse("admin:sources_report_change", args=[article.pk])
    data = form_data(editor_client.get(url))
    data["figures-0-DELETE"] = "on"

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "cannot be deleted. Mark it excluded" in response.content.decode()
    assert CasualtyFigure.objects.filter(pk=figure.pk).exists()


def test_reverting_from_history_keeps_figures_derived_and_version_counting(editor_client, editor, article):
    incident = factories.IncidentFactory(title="Strike in Mosul")
    first_version = incident.history.earliest()
    factories.FigureFactory(incident=incident, report=article, count_min=83, count_max=83)
    incident.refresh_from_db()
    version = incident.version
    url = reverse("admin:incidents_incident_simple_history", args=[incident.pk, first_version.history_id])
    data = form_data(editor_client.get(url))

    response = editor_client.post(url, data)

    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.reported_killed_min, incident.reported_killed_max) == (83, 83)
    assert incident.version > version
    assert incident.updated_by == editor


# Autocomplete.


def test_incident_autocomplete_finds_by_code(editor_client):
    wanted, _other = factories.IncidentFactory(), factories.IncidentFactory()

    response = editor_client.get(reverse("admin:autocomplete"), {
        "app_label": "incidents", "model_name": "casualtyfigure", "field_name": "incident", "term": wanted.code,
    })

    assert [result["id"] for result in response.json()["results"]] == [str(wanted.pk)]


def test_report_autocomplete_finds_by_source_name(editor_client):
    wanted = factories.ReportFactory(source=factories.SourceFactory(name="Airwars"), published_on=datetime.date(2017, 3, 30))
    factories.ReportFactory()

    response = editor_client.get(reverse("admin:autocomplete"), {
        "app_label": "incidents", "model_name": "casualtyfigure", "field_name": "report", "term": "airwars",
    })

    assert [result["id"] for result in response.json()["results"]] == [str(wanted.pk)]


def test_incident_list_offers_the_import_page(editor_client):
    response = editor_client.get("/admin/incidents/incident/")
    assert 'href="/admin/incidents/incident/import/"' in response.content.decode()
