"""/: the search box, the latest concessions of civilian deaths and the most documented incidents."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from incidents import choices, services
from incidents.models import Incident
from incidents.views import home as home_views
from tests import factories

pytestmark = pytest.mark.django_db

HOME = reverse("home")
D = datetime.date


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _documented(reports: int, status="published", title="Strike"):
    """An incident covered by `reports` reports (linked through the service, which keeps `sources_count`)."""
    incident = factories.IncidentFactory(status=status, title=title)
    for _ in range(reports):
        services.link_report(incident=incident, report=factories.ReportFactory())
    incident.refresh_from_db()
    assert incident.sources_count == reports
    return incident


def _conceded(incident, actor, number, day, **fields):
    return factories.FigureFactory(
        incident=incident, basis=choices.Basis.CONCEDED, conceded_by=actor, count_min=number, count_max=number,
        stated_on=day, **fields,
    )


def test_search_box_submits_to_the_incident_list(client):
    html = client.get(HOME).content.decode()
    form = html.split('<form class="home-search"')[1].split("</form>")[0]
    assert 'method="get"' in form and 'action="/incidents/"' in form and 'name="q"' in form
    # What the box submits finds the incident on the list.
    factories.IncidentFactory(status="published", title="Strike on the Zanjili market")
    response = client.get("/incidents/", {"q": "Zanjili"})
    assert response.status_code == 200 and "Strike on the Zanjili market" in response.content.decode()


def test_most_documented_by_reports_then_newest(client):
    two = _documented(2, title="Two reports")
    five = _documented(5, title="Five reports")
    two_later = _documented(2, title="Two reports, later record")
    _documented(0, title="No report")
    _documented(9, status="draft", title="Draft with many reports")
    _documented(9, status="in_review", title="In review with many reports")
    response = client.get(HOME)
    assert [i.pk for i in response.context["most_documented"]] == [five.pk, two_later.pk, two.pk]
    html = response.content.decode()
    section = html.split('id="most-documented"')[1].split("</section>")[0]
    assert "5 reports" in section and "Five reports" in section and five.get_absolute_url() in section
    assert "No report" not in section  # published, but no report: not in this list
    for word in ("Draft with many reports", "In review with many reports"):
        assert word not in html


def test_most_documented_is_limited(client, monkeypatch):
    monkeypatch.setattr(home_views, "MOST_DOCUMENTED", 2)
    for n in range(4):
        _documented(n + 1)
    assert [i.sources_count for i in client.get(HOME).context["most_documented"]] == [4, 3]


@pytest.fixture
def concessions():
    coalition = factories.ActorFactory(name="Coalition Zulu", slug="coalition-zulu", kind=choices.ActorKind.COALITION)
    member = factories.ActorFactory(name="Member Yankee", slug="member-yankee", parent=coalition)
    a = factories.IncidentFactory(status="published", title="Strike A")
    b = factories.IncidentFactory(status="published", title="Strike B")
    draft = factories.IncidentFactory(status="draft", title="Draft strike")
    secret = factories.SourceFactory(name="Secret Witness Network", slug="secret-source", is_confidential=True)
    made = {
        "a_old": _conceded(a, member, 3, D(2017, 4, 1)),
        "a_revised": _conceded(a, member, 5, D(2017, 6, 1)),  # the same actor's later figure on the same incident
        "a_coalition": _conceded(a, coalition, 4, D(2017, 5, 1)),
        "b": _conceded(b, member, 2, D(2017, 5, 20), report=factories.ReportFactory(source=secret)),
    }
    # Never listed: excluded, on a draft, undated, injuries, a reported (not conceded) figure.
    _conceded(b, coalition, 444, D(2018, 1, 1), excluded=True, excluded_reason="Misread")
    _conceded(draft, coalition, 333, D(2018, 1, 2))
    _conceded(b, coalition, 222, None)
    _conceded(b, coalition, 111, D(2018, 1, 3), outcome=choices.Outcome.INJURED)
    factories.FigureFactory(incident=b, count_min=6666, count_max=6666, stated_on=D(2018, 1, 4))
    return made


def test_latest_concessions_newest_first_hidden_ones_absent(client, concessions):
    response = client.get(HOME)
    listed = [claim.pk for claim in response.context["latest_concessions"]]
    assert listed == [concessions["a_revised"].pk, concessions["b"].pk, concessions["a_coalition"].pk]
    html = response.content.decode()
    section = html.split('id="latest-concessions"')[1].split("</section>")[0]
    assert "Member Yankee" in section and "Coalition Zulu" in section and "1 June 2017" in section
    assert 'href="/belligerents/member-yankee/"' in section
    assert concessions["a_revised"].incident.get_absolute_url() in section
    for word in ("444", "333", "Draft strike", "Secret Witness Network", "secret-source"):
        assert word not in html, word
    for word in ("222", "111", "6,666", "6666"):  # undated, injuries, reported: public, but not concessions of deaths
        assert word not in section, word


def test_latest_concessions_limited(client, monkeypatch):
    monkeypatch.setattr(home_views, "CONCESSIONS", 2)
    actor = factories.ActorFactory()
    for n in range(4):
        _conceded(factories.IncidentFactory(status="published"), actor, n + 1, D(2017, 1, 1 + n))
    assert [claim.count_min for claim in client.get(HOME).context["latest_concessions"]] == [4, 3]


def test_no_two_identical_lists(client, concessions):
    context = client.get(HOME).context
    assert "latest_updated" not in context
    html = client.get(HOME).content.decode()
    assert html.count('<table class="stack incidents">') <= 1


def test_empty_home(client):
    html = client.get(HOME).content.decode()
    assert "No belligerent has conceded civilian deaths" in html
    assert "No published incident has a report linked yet" in html


@pytest.mark.parametrize("count", [3, 20])
def test_query_count_does_not_grow(client, django_assert_max_num_queries, count):
    actor = factories.ActorFactory()
    for n in range(count):
        incident = factories.IncidentFactory(status="published")
        factories.BelligerentRoleFactory(incident=incident, actor=actor)
        _conceded(incident, actor, n + 1, D(2017, 1, 1) + datetime.timedelta(days=n))
    Incident.objects.update(sources_count=2)
    with django_assert_max_num_queries(8):
        assert client.get(HOME).status_code == 200
