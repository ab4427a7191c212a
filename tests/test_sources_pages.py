"""Source pages: published counts, ordering, reports and incidents; confidential sources never get a page or a name."""

import datetime

import pytest
from django.urls import reverse

from incidents.models import IncidentReport
from tests import factories

pytestmark = pytest.mark.django_db


def _covers(report, *incidents):
    for incident in incidents:
        IncidentReport.objects.get_or_create(incident=incident, report=report)


@pytest.fixture
def world():
    """Three sources with known published counts; drafts, retracted incidents and a confidential source around them."""
    pub = [factories.IncidentFactory(status="published", title=f"Published strike {n}", date_start=datetime.date(2017, 1, n + 1)) for n in range(4)]
    draft = factories.IncidentFactory(status="draft", title="Draft strike Kappa")
    retracted = factories.IncidentFactory(status="retracted", retraction_reason="Duplicate", title="Retracted strike Lambda")

    alpha = factories.SourceFactory(name="Alpha News", slug="alpha-news", country="IQ")
    beta = factories.SourceFactory(name="Beta Monitor", slug="beta-monitor")
    gamma = factories.SourceFactory(name="Gamma Daily", slug="gamma-daily")
    drafty = factories.SourceFactory(name="Only Drafts Gazette", slug="only-drafts")
    secret = factories.SourceFactory(name="Secret Witness Network", slug="secret-witness", is_confidential=True)

    # Alpha: 3 published incidents over two reports (one incident twice), plus a draft and a retracted one.
    a1 = factories.ReportFactory(source=alpha, title="Alpha first story", published_on=datetime.date(2017, 2, 1),
                                 archive_url="https://web.archive.org/web/2017/alpha-1", language="ar")
    a2 = factories.ReportFactory(source=alpha, title="Alpha second story", published_on=datetime.date(2017, 3, 1))
    a3 = factories.ReportFactory(source=alpha, title="Alpha story on a draft", published_on=datetime.date(2017, 4, 1))
    _covers(a1, pub[0], pub[1])
    _covers(a2, pub[1], pub[2], retracted)
    _covers(a3, draft)
    # Beta: 1 published incident. Gamma: 2. Drafty: drafts only. Secret: 4 (would top the list if it were listed).
    _covers(factories.ReportFactory(source=beta, title="Beta bulletin"), pub[3])
    _covers(factories.ReportFactory(source=gamma, title="Gamma piece"), pub[0], pub[3])
    _covers(factories.ReportFactory(source=drafty, title="Drafty scoop"), draft)
    _covers(factories.ReportFactory(source=secret, title="Secret testimony"), *pub)
    return {"pub": pub, "alpha": alpha, "secret": secret}


def _rows(html):
    """Source names in table order."""
    names = []
    for chunk in html.split('<th scope="row"><a href="/sources/')[1:]:
        names.append(chunk.split(">", 1)[1].split("<", 1)[0])
    return names


def test_list_counts_published_incidents_only_most_first(client, world):
    response = client.get(reverse("source_list"))
    assert response.status_code == 200
    assert _rows(response.content.decode()) == ["Alpha News", "Gamma Daily", "Beta Monitor"]
    counts = {source.name: (source.published_incidents, source.published_reports) for source in response.context["page"].object_list}
    assert counts == {"Alpha News": (3, 2), "Gamma Daily": (2, 1), "Beta Monitor": (1, 1)}


@pytest.mark.parametrize("sort, expected", [
    ("name", ["Alpha News", "Beta Monitor", "Gamma Daily"]),
    ("-name", ["Gamma Daily", "Beta Monitor", "Alpha News"]),
    ("incidents", ["Beta Monitor", "Gamma Daily", "Alpha News"]),
    ("-incidents", ["Alpha News", "Gamma Daily", "Beta Monitor"]),
])
def test_list_sorts(client, world, sort, expected):
    assert _rows(client.get(reverse("source_list"), {"sort": sort}).content.decode()) == expected


def test_confidential_source_is_never_named_and_has_no_page(client, world):
    assert client.get(reverse("source_detail", args=["secret-witness"])).status_code == 404
    for url in (reverse("source_list"), reverse("source_list") + "?sort=name", reverse("source_detail", args=["alpha-news"])):
        html = client.get(url).content.decode()
        assert "Secret Witness" not in html and "secret-witness" not in html and "Secret testimony" not in html


def test_detail_lists_reports_and_incidents(client, world):
    response = client.get(reverse("source_detail", args=["alpha-news"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    reports = [report.title for report in response.context["reports_page"].object_list]
    assert reports == ["Alpha second story", "Alpha first story"]
    assert [report.published_incidents for report in response.context["reports_page"].object_list] == [2, 2]
    incidents = [incident.title for incident in response.context["incidents_page"].object_list]
    assert incidents == ["Published strike 2", "Published strike 1", "Published strike 0"]
    assert "https://web.archive.org/web/2017/alpha-1" in html and "Arabic" in html
    for code in (world["pub"][0].code, world["pub"][2].code):
        assert f'href="/incidents/{code}/"' in html


def test_detail_hides_drafts_and_retracted(client, world):
    html = client.get(reverse("source_detail", args=["alpha-news"])).content.decode()
    for hidden in ("Draft strike Kappa", "Retracted strike Lambda", "Alpha story on a draft", "Published strike 3"):
        assert hidden not in html


def test_hidden_records_absent_from_list(client, world):
    factories.VictimFactory(incident=world["pub"][0], name="Private Person Zed", visibility="private")
    factories.FigureFactory(incident=world["pub"][0], count_min=4242, count_max=4242, excluded=True, excluded_reason="Wrong",
                            report=factories.ReportFactory(source=factories.SourceFactory(name="Excluded Claim Outlet")))
    html = client.get(reverse("source_list")).content.decode()
    for hidden in ("Only Drafts Gazette", "Draft strike Kappa", "Private Person Zed", "Secret Witness"):
        assert hidden not in html
    # A source whose only claim was excluded still reported the incident (the report is linked), so it is listed;
    # its rejected figure is not shown anywhere.
    assert "4242" not in html and "4,242" not in html


@pytest.mark.parametrize("slug", ["only-drafts", "no-such-source"])
def test_source_without_published_incidents_has_no_page(client, world, slug):
    assert client.get(reverse("source_detail", args=[slug])).status_code == 404


@pytest.mark.parametrize("query", ["?sort=bogus", "?page=2", "?after=abc", "?sort=&before=-3~1", "?whatever=1", "?after=9~999999"])
def test_odd_query_strings_give_a_page(client, world, query):
    response = client.get(reverse("source_list") + query)
    assert response.status_code == 200
    assert "Alpha News" in response.content.decode()
    assert client.get(reverse("source_detail", args=["alpha-news"]) + query.replace("?", "?reports_")).status_code == 200


def test_unknown_sort_says_so(client, world):
    html = client.get(reverse("source_list"), {"sort": "bogus"}).content.decode()
    assert "Unknown sort" in html


def test_query_count_does_not_grow(client, django_assert_max_num_queries):
    source = factories.SourceFactory(slug="busy-outlet")
    for _ in range(40):
        incident = factories.IncidentFactory(status="published")
        report = factories.ReportFactory(source=source)
        _covers(report, incident)
        _covers(factories.ReportFactory(), incident)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("source_list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("source_detail", args=["busy-outlet"])).status_code == 200
