"""Report first: an editor pastes a URL, then records on one page what the report states for each incident it covers."""

from django.urls import reverse

from incidents import choices
from incidents.demo import ARTICLE_PATH
from incidents.models import Incident
from sources.models import Report
from tests import factories
from tests.test_admin import add_rows, figure_row, form_data

URL = "https://www.washingtonpost.com/news/checkpoint/wp/2017/03/25/us-military-acknowledges-strike/?utm_source=twitter"
SAME_URL_SPELT_OTHERWISE = "http://washingtonpost.com/news/checkpoint/wp/2017/03/25/us-military-acknowledges-strike"


def new_draft(client, **fields) -> Incident:
    """An incident added from the “+” next to the incident chooser (a popup), as the browser does."""
    url = reverse("admin:incidents_incident_add") + "?_popup=1"
    data = form_data(client.get(url))
    data.update({"date_precision": "day", "geo_precision": "country", "event_type": "airstrike", "_popup": "1", **fields})
    response = client.post(url, data)
    assert response.status_code == 200, response.context["adminform"].form.errors
    assert "popup_response" in response.templates[0].name
    return Incident.objects.get(title=fields["title"])


def test_known_url_opens_the_recorded_report(editor_client):
    report = factories.ReportFactory(url=URL)

    response = editor_client.post(reverse("admin:sources_report_enter"), {"url": SAME_URL_SPELT_OTHERWISE}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:sources_report_change", args=[report.pk])
    assert "This report is already recorded" in response.content.decode()
    assert Report.objects.count() == 1


def test_unknown_url_opens_a_new_report_with_it(editor_client):
    response = editor_client.post(reverse("admin:sources_report_enter"), {"url": URL})

    assert response.status_code == 302
    page = editor_client.get(response["Location"])
    assert page.context["adminform"].form.initial["url"] == URL
    # Each figure row's incident chooser offers to add a new (draft) incident.
    assert 'id="add_id_figures-0-incident"' in page.content.decode()


def test_entering_a_report_needs_the_right_to_add_reports(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("visitor", is_staff=True))

    assert client.get(reverse("admin:sources_report_enter")).status_code == 403


def test_reference_article_entered_report_first_in_one_sitting(editor_client):
    post = factories.SourceFactory(name="The Washington Post")
    airwars = "Airwars"
    coalition = factories.ActorFactory(name="CJTF-OIR (US-led coalition)")
    us_forces = factories.ActorFactory(name="US forces")
    # Mosul al-Jadida is already in the tracker (e.g. from the UCDP import); the other two incidents are not.
    mosul = factories.IncidentFactory(title="Airstrike on Mosul al-Jadida, west Mosul")

    enter = editor_client.post(reverse("admin:sources_report_enter"), {"url": URL})
    add_url = enter["Location"]
    page = editor_client.get(add_url)
    mosque = new_draft(editor_client, title="Strike on a mosque in Syria", country="SY", date_start="2017-03-01",
                       date_end="2017-03-25", date_precision="month")
    raid = new_draft(editor_client, title="Navy SEAL raid in Yemen", country="YE", date_start="2017-01-01",
                     date_end="2017-01-31", date_precision="month", event_type="ground_raid")

    data = form_data(page)
    data.update({
        "source": post.pk, "title": "U.S. military acknowledges strike on Mosul site where more than 100 were allegedly killed",
        "kind": "article", "published_on": "2017-03-25", "language": "en", "author": "Missy Ryan",
        "text": ARTICLE_PATH.read_text(encoding="utf-8"),
    })
    officials = "Iraqi officials working on the rescue"
    add_rows(data, "figures", [
        figure_row("residents say more than 100 people were killed in a single event", "more_than", 101, incident=mosul.pk),
        figure_row("residents claim a strike killed 137 civilians", "exact", 137, 137, incident=mosul.pk),
        figure_row("Iraqi officials working on the rescue said they had pulled 83 bodies … by sundown Saturday", "at_least", 83,
                   incident=mosul.pk, attributed_to=officials),
        figure_row("83 bodies — including many women and children", "unquantified", "", incident=mosul.pk,
                   attributed_to=officials, person_status="civilian", sex="female", age_group="adult"),
        figure_row("83 bodies — including many women and children", "unquantified", "", incident=mosul.pk,
                   attributed_to=officials, person_status="civilian", age_group="child"),
        figure_row("alleged to have killed scores of civilians at a mosque in Syria", "unquantified", "", incident=mosque.pk,
                   attributed_to="allegations cited by the U.S. military"),
        figure_row("acknowledged the death of at least some civilians", "unquantified", "", incident=raid.pk,
                   attributed_to="U.S. military leaders", basis="conceded", conceded_by=us_forces.pk),
    ])
    add_rows(data, "statements", [
        {"incident": mosul.pk, "issuer": coalition.pk, "stated_on": "2017-03-25", "stance": "acknowledges_strike",
         "quote": "at the location corresponding to allegations of civilian casualties"},
        {"incident": mosul.pk, "issuer": us_forces.pk, "stated_on": "2017-03-25", "stance": "investigating",
         "quote": "The U.S. military is conducting an initial investigation into the incident."},
        {"incident": mosque.pk, "issuer": us_forces.pk, "stated_on": "2017-03-25", "stance": "investigating",
         "quote": "the U.S. military is now investigating a separate attack this month"},
        {"incident": raid.pk, "issuer": us_forces.pk, "stated_on": "2017-03-25", "stance": "credible",
         "quote": "Military leaders have also acknowledged the death of at least some civilians in a Navy SEAL raid in Yemen"},
    ])
    add_rows(data, "aggregate_claims", [{
        "period_start": "2017-03-01", "period_end": "2017-03-31", "period_precision": "month", "measure": "casualties",
        "area": "Iraq and Syria", "countries": "IQ,SY",
        "basis": "reported", "outcome": "killed", **factories.FORM_WHOM, "qualifier": "about", "count_min": 1000,
        "count_max": 1000, "attributed_to": airwars, "stated_on": "2017-03-25",
        "quote": "1,000 civilians have died this month alone in strikes by the U.S.-led coalition in Iraq and Syria",
    }])

    response = editor_client.post(add_url, data)

    assert response.status_code == 302, [f.errors for f in response.context["inline_admin_formsets"]]
    report = Report.objects.get()
    assert report.url == URL
    assert set(report.incident_links.values_list("incident__title", flat=True)) == {mosul.title, mosque.title, raid.title}
    mosul.refresh_from_db()
    assert (mosul.reported_killed_min, mosul.reported_killed_max) == (83, 137)
    assert mosul.latest_stance in {choices.Stance.ACKNOWLEDGES_STRIKE, choices.Stance.INVESTIGATING}
    raid.refresh_from_db()
    assert raid.latest_stance == choices.Stance.CREDIBLE
    assert report.figures.count() == 7 and report.statements.count() == 4
    assert report.aggregate_claims.get().status == choices.Status.DRAFT
    assert {mosque.status, raid.status} == {choices.Status.DRAFT}

    # Pasting the article again, spelt another way, opens this report instead of a second one.
    again = editor_client.post(reverse("admin:sources_report_enter"), {"url": SAME_URL_SPELT_OTHERWISE})
    assert again["Location"] == reverse("admin:sources_report_change", args=[report.pk])
