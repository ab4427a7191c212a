"""Item 12: "as known on" a date (figures and positions from what had been stated by then), named apart from "as recorded on"."""

import datetime

import pytest

from incidents import choices, services
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def strike():
    """Reported 20 March (50 killed), US forces investigating 25 March, assessed credible 1 June conceding 12."""
    us_forces = factories.ActorFactory(name="US forces", slug="us-forces", parent=factories.ActorFactory(name="CJTF-OIR"))
    incident = factories.IncidentFactory(status="published", title="Strike on a school", date_start=D(2017, 3, 17))
    factories.BelligerentRoleFactory(incident=incident, actor=us_forces, role=choices.BelligerentRole.ALLEGED)
    early = factories.ReportFactory(published_on=D(2017, 3, 20))
    factories.FigureFactory(incident=incident, report=early, count_min=50, count_max=50, stated_on=D(2017, 3, 20))
    factories.FigureFactory(incident=incident, report=early, count_min=4000, count_max=4000, stated_on=D(2017, 3, 20),
                            excluded=True, excluded_reason="A misprint")
    # No date of its own: counts from its report's publication, 1 July.
    factories.FigureFactory(incident=incident, report=factories.ReportFactory(published_on=D(2017, 7, 1)), count_min=70, count_max=70)
    factories.StatementFactory(incident=incident, issuer=us_forces, stated_on=D(2017, 3, 25), stance=choices.Stance.INVESTIGATING)
    credible = factories.StatementFactory(
        incident=incident, issuer=us_forces, stated_on=D(2017, 6, 1), stance=choices.Stance.CREDIBLE,
        reason="The investigation found the strike killed civilians.",
    )
    factories.FigureFactory(incident=incident, statement=credible, report=credible.report, basis=choices.Basis.CONCEDED,
                            count_min=12, count_max=12, stated_on=D(2017, 6, 1), attributed_to="US forces")
    incident.refresh_from_db()
    return incident


def _page(client, incident, day):
    response = client.get(incident.get_absolute_url(), {"known_on": day})
    assert response.status_code == 200
    return response


def test_before_the_concession_no_conceded_figure_and_the_earlier_position(client, strike):
    response = _page(client, strike, "2017-04-01")
    context, html = response.context, response.content.decode()

    assert "As known on 1 April 2017" in html
    assert (context["incident"].reported_killed_min, context["incident"].reported_killed_max) == (50, 50)
    assert context["incident"].conceded_killed_min is None and context["incident"].conceded_killed_max is None
    assert [(p.actor.name, p.stance) for p in context["positions"]] == [("US forces", choices.Stance.INVESTIGATING)]
    assert context["concessions_by_actor"] == []
    assert "US forces: <strong>investigating</strong>" in html
    assert "conceded by US forces" not in html and "assessed credible" not in html
    assert "4000" not in html and "4,000" not in html  # excluded, never counted or shown
    assert [f.count_min for f in context["reported"]] == [50]


def test_after_the_concession_the_concession_and_the_new_position(client, strike):
    response = _page(client, strike, "2017-06-02")
    context, html = response.context, response.content.decode()

    assert (context["incident"].conceded_killed_min, context["incident"].conceded_killed_max) == (12, 12)
    assert [(p.actor.name, p.stance) for p in context["positions"]] == [("US forces", choices.Stance.CREDIBLE)]
    assert "conceded by US forces, member of CJTF-OIR" in html
    assert "The investigation found the strike killed civilians." in html
    # The undated claim of a report published in July is not known yet.
    assert context["incident"].reported_killed_max == 50 and "70" not in [str(f.count_min) for f in context["reported"]]
    assert _page(client, strike, "2017-07-01").context["incident"].reported_killed_max == 70


def test_the_current_record_is_unchanged_and_links_both_views(client, strike):
    html = client.get(strike.get_absolute_url()).content.decode()
    assert 'name="known_on"' in html and 'name="as_of"' in html
    assert "As recorded on" in html and "As known on" in html


def test_cite_the_known_on_view(client, strike):
    html = _page(client, strike, "2017-04-01").content.decode()
    assert f"{strike.get_absolute_url()}?known_on=2017-04-01" in html
    assert "as known on 1 April 2017" in html


@pytest.mark.parametrize("value", ["2017-02-30", "yesterday", "2017-4-1x", "0000-00-00"])
def test_a_bad_date_is_a_clear_message_not_an_error(client, strike, value):
    response = client.get(strike.get_absolute_url(), {"known_on": value})
    assert response.status_code == 200
    assert "give it as YYYY-MM-DD" in response.content.decode()


def test_both_views_at_once_are_refused_in_words(client, strike):
    response = client.get(strike.get_absolute_url(), {"known_on": "2017-04-01", "as_of": "2017-04-01"})
    assert response.status_code == 200 and "two different views" in response.content.decode()


def test_a_draft_has_no_known_on_view(client):
    draft = factories.IncidentFactory(status="draft")
    assert client.get(draft.get_absolute_url(), {"known_on": "2017-04-01"}).status_code == 404


@pytest.mark.django_db
def test_a_claim_known_only_to_its_month_counts_once_the_month_is_over():
    incident = factories.IncidentFactory(status="published", date_start=datetime.date(2018, 11, 20))
    factories.FigureFactory(incident=incident, count_min=4, count_max=4, stated_on=datetime.date(2018, 12, 1),
                            stated_on_precision="month")

    def known(day):
        return services.derive_figures(incident, known_on=day)["reported_killed_max"]

    assert known(datetime.date(2018, 12, 15)) is None  # it may have been stated after the 15th
    assert known(datetime.date(2018, 12, 31)) == known(datetime.date(2019, 1, 5)) == 4
