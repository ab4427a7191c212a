"""/belligerents/ and /conflicts/: every public belligerent and conflict with its incidents, reported and conceded killed."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from incidents import accountability, choices
from incidents.models import Incident
from tests import factories

pytestmark = pytest.mark.django_db

BELLIGERENTS, CONFLICTS = reverse("belligerent_list"), reverse("conflict_list")
D = datetime.date


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _incident(conflict, *actors, status="published", title=""):
    incident = factories.IncidentFactory(status=status, conflict=conflict, title=title or "Strike")
    for actor in actors:
        factories.BelligerentRoleFactory(incident=incident, actor=actor)
    return incident


def _conceded(incident, actor, number, day):
    return factories.FigureFactory(
        incident=incident, basis=choices.Basis.CONCEDED, conceded_by=actor, count_min=number, count_max=number, stated_on=day,
    )


@pytest.fixture
def world():
    """Hand-computed below:

    coalition "Coalition Zulu" with member "Member Yankee"; "Force Xray"; "Ministry Whiskey" (only issues a statement);
    "Ghost Force" (named only on a draft).
    A (conflict North): names Zulu and Yankee; reported 10 and "more than 100" → range 10+ (open top); Yankee concedes 4.
    B (conflict North): names Zulu; reported 20–30; Zulu concedes 2 (1 April), Yankee 7 (5 April, latest by anyone).
    C (conflict South): names Xray; reported 5; an excluded claim of 999 and an excluded concession of 50 by Xray;
      a private victim, a report of a confidential source; Whiskey states it is investigating.
    D (draft, conflict Hidden): names Ghost and Xray, reported 7777.
    Conflict "East" has only a published aggregate claim.
    """
    zulu = factories.ActorFactory(name="Coalition Zulu", slug="coalition-zulu", kind=choices.ActorKind.COALITION)
    yankee = factories.ActorFactory(name="Member Yankee", slug="member-yankee", parent=zulu)
    xray = factories.ActorFactory(name="Force Xray", slug="force-xray", kind=choices.ActorKind.NON_STATE)
    whiskey = factories.ActorFactory(name="Ministry Whiskey", slug="ministry-whiskey", kind=choices.ActorKind.GOVERNMENT)
    ghost = factories.ActorFactory(name="Ghost Force", slug="ghost-force")
    north = factories.ConflictFactory(name="North campaign", slug="north")
    south = factories.ConflictFactory(name="South campaign", slug="south")
    east = factories.ConflictFactory(name="East campaign", slug="east")
    hidden = factories.ConflictFactory(name="Hidden campaign", slug="hidden")

    a = _incident(north, zulu, yankee, title="Strike A")
    factories.FigureFactory(incident=a, count_min=10, count_max=10)
    factories.FigureFactory(incident=a, count_min=101, count_max=None, qualifier=choices.Qualifier.MORE_THAN)
    _conceded(a, yankee, 4, D(2017, 4, 1))
    b = _incident(north, zulu, title="Strike B")
    factories.FigureFactory(incident=b, count_min=20, count_max=30)
    _conceded(b, zulu, 2, D(2017, 4, 1))
    _conceded(b, yankee, 7, D(2017, 4, 5))
    c = _incident(south, xray, title="Strike C")
    factories.FigureFactory(incident=c, count_min=5, count_max=5)
    factories.FigureFactory(incident=c, count_min=999, count_max=999, excluded=True, excluded_reason="Counted twice")
    factories.FigureFactory(
        incident=c, basis=choices.Basis.CONCEDED, conceded_by=xray, count_min=50, count_max=50,
        excluded=True, excluded_reason="Misread",
    )
    factories.VictimFactory(incident=c, name="Private Victim Name", visibility=choices.Visibility.PRIVATE)
    secret = factories.SourceFactory(name="Secret Witness Network", slug="secret-source", is_confidential=True)
    factories.FigureFactory(incident=c, count_min=5, count_max=5, report=factories.ReportFactory(source=secret))
    factories.StatementFactory(incident=c, issuer=whiskey)
    d = _incident(hidden, ghost, xray, status="draft", title="Draft strike")
    factories.FigureFactory(incident=d, count_min=7777, count_max=7777)
    _conceded(d, xray, 888, D(2017, 4, 2))
    factories.AggregateClaimFactory(status=choices.Status.PUBLISHED, conflicts=[east])
    return {"zulu": zulu, "yankee": yankee, "xray": xray, "whiskey": whiskey, "ghost": ghost, "a": a, "b": b, "c": c, "d": d}


def rows(response) -> dict:
    assert response.status_code == 200
    return {row["name"]: row for row in response.context["rows"]}


def numbers(row) -> tuple:
    return (row["incidents"], row["reported_min"], row["reported_max"], row["reported_open"] > 0,
            row["conceded_min"], row["conceded_max"], row["conceded_open"] > 0)


def test_belligerent_rows_hand_computed(client, world):
    got = rows(client.get(BELLIGERENTS))
    assert set(got) == {"Coalition Zulu", "Member Yankee", "Force Xray", "Ministry Whiskey"}  # never Ghost Force
    # Zulu: A (10+, open) and B (20–30) → at least 30; conceded: on A its member's 4, on B its own 2 (not Yankee's 7).
    assert numbers(got["Coalition Zulu"]) == (2, 30, None, True, 6, 6, False)
    # Yankee: A only (B does not name it, so its 7 on B is not counted).
    assert numbers(got["Member Yankee"]) == (1, 10, None, True, 4, 4, False)
    # Xray: C only (the draft D is not counted); its excluded concession and the excluded claim are not counted.
    assert numbers(got["Force Xray"]) == (1, 5, 5, False, None, None, False)
    assert numbers(got["Ministry Whiskey"]) == (0, None, None, False, None, None, False)
    assert got["Member Yankee"]["parent__name"] == "Coalition Zulu" and got["Member Yankee"]["parent_is_public"]


def test_belligerent_rows_equal_their_pages_totals(client, world):
    # The index and the belligerent's page count by one rule.
    got = rows(client.get(BELLIGERENTS))
    for key in ("zulu", "yankee", "xray", "whiskey"):
        total = accountability.actor_gap(world[key]).total
        row = got[world[key].name]
        for field in ("incidents", "reported_min", "conceded_min", "conceded_max", "with_conceded"):
            assert (row[field] or None) == (total[field] or None), (key, field)
        assert bool(row["reported_open"]) == bool(total["reported_open"])


def test_belligerent_page_shows_ranges_as_the_totals_do(client, world):
    html = client.get(BELLIGERENTS).content.decode()
    assert "at least 30" in html and "at least 10" in html  # open tops: never "30" as a closed number
    assert "30–" not in html
    assert 'href="/belligerents/coalition-zulu/"' in html and 'href="/belligerents/member-yankee/"' in html
    assert "member of <a href=\"/belligerents/coalition-zulu/\">Coalition Zulu</a>" in html
    assert "Non-state armed group" in html and "Coalition" in html


def test_conflict_rows_hand_computed(client, world):
    got = rows(client.get(CONFLICTS))
    assert set(got) == {"North campaign", "South campaign", "East campaign"}  # never the draft's conflict
    # North: A 10+ and B 20–30; conceded: each incident's latest concession by anyone: A 4, B 7 (Yankee, 5 April).
    assert numbers(got["North campaign"]) == (2, 30, None, True, 11, 11, False)
    assert numbers(got["South campaign"]) == (1, 5, 5, False, None, None, False)
    assert numbers(got["East campaign"]) == (0, None, None, False, None, None, False)
    html = client.get(CONFLICTS).content.decode()
    assert 'href="/conflicts/north/"' in html and "at least 30" in html


def test_conflict_rows_equal_their_pages_totals(client, world):
    got = rows(client.get(CONFLICTS))
    north = world["a"].conflict
    total = accountability.conflict_gap(north).total
    for field in ("incidents", "reported_min", "conceded_min", "conceded_max"):
        assert got["North campaign"][field] == total[field], field


@pytest.mark.parametrize("url", [BELLIGERENTS, CONFLICTS])
def test_hidden_things_absent(client, world, url):
    html = client.get(url).content.decode()
    for word in ("Ghost Force", "ghost-force", "Hidden campaign", "Draft strike", "7,777", "7777", "999", "888",
                 "Private Victim Name", "Secret Witness Network", "secret-source"):
        assert word not in html, word
    assert ">50<" not in html


def order(client, url, sort) -> list[str]:
    return [row["name"] for row in client.get(url, {"sort": sort}).context["rows"]]


@pytest.mark.parametrize("sort, expected", [
    ("name", ["Coalition Zulu", "Force Xray", "Member Yankee", "Ministry Whiskey"]),
    ("-name", ["Ministry Whiskey", "Member Yankee", "Force Xray", "Coalition Zulu"]),
    ("-incidents", ["Coalition Zulu", "Force Xray", "Member Yankee", "Ministry Whiskey"]),  # ties by name
    ("incidents", ["Ministry Whiskey", "Force Xray", "Member Yankee", "Coalition Zulu"]),
    ("-reported", ["Coalition Zulu", "Member Yankee", "Force Xray", "Ministry Whiskey"]),  # no number last
    ("reported", ["Force Xray", "Member Yankee", "Coalition Zulu", "Ministry Whiskey"]),
    ("-conceded", ["Coalition Zulu", "Member Yankee", "Force Xray", "Ministry Whiskey"]),
    ("conceded", ["Member Yankee", "Coalition Zulu", "Force Xray", "Ministry Whiskey"]),
])
def test_belligerent_sorts(client, world, sort, expected):
    assert order(client, BELLIGERENTS, sort) == expected


@pytest.mark.parametrize("sort, expected", [
    ("name", ["East campaign", "North campaign", "South campaign"]),
    ("-incidents", ["North campaign", "South campaign", "East campaign"]),
    ("reported", ["South campaign", "North campaign", "East campaign"]),
    ("-conceded", ["North campaign", "East campaign", "South campaign"]),
])
def test_conflict_sorts(client, world, sort, expected):
    assert order(client, CONFLICTS, sort) == expected


def test_open_top_sorts_above_a_closed_range_with_the_same_minimum(client):
    conflict = factories.ConflictFactory()
    closed, open_ = factories.ActorFactory(name="Closed"), factories.ActorFactory(name="Open")
    factories.FigureFactory(incident=_incident(conflict, closed), count_min=12, count_max=40)
    factories.FigureFactory(incident=_incident(conflict, open_), count_min=12, count_max=None)
    assert order(client, BELLIGERENTS, "-reported") == ["Open", "Closed"]
    html = client.get(BELLIGERENTS).content.decode()
    assert "at least 12" in html and "12–40" in html


@pytest.mark.parametrize("url", [BELLIGERENTS, CONFLICTS])
@pytest.mark.parametrize("bad", ["bogus", "-", "--name", "name;drop", "x" * 300])
def test_unknown_sort_says_so_and_falls_back(client, world, url, bad):
    response = client.get(url, {"sort": bad})
    assert response.status_code == 200
    assert response.context["sort"] == "-incidents"
    assert "Unknown sort" in response.content.decode()
    assert [row["name"] for row in response.context["rows"]] == order(client, url, "-incidents")


def test_column_headings_link_to_the_other_direction(client, world):
    html = client.get(BELLIGERENTS, {"sort": "-reported"}).content.decode()
    assert 'aria-sort="descending"' in html and 'href="?sort=reported"' in html
    assert 'href="?sort=name"' in html and 'href="?sort=-incidents"' in html


def test_navigation_links_both_pages(client, world):
    for url in (reverse("home"), BELLIGERENTS, CONFLICTS):
        html = client.get(url).content.decode()
        nav = html.split('<nav aria-label="Main">')[1].split("</nav>")[0]
        assert 'href="/belligerents/"' in nav and 'href="/conflicts/"' in nav
    assert 'href="/belligerents/" aria-current="page"' in client.get(BELLIGERENTS).content.decode()
    assert 'href="/conflicts/" aria-current="page"' in client.get(CONFLICTS).content.decode()


def test_empty_site(client):
    assert "No belligerent yet" in client.get(BELLIGERENTS).content.decode()
    assert "No conflict yet" in client.get(CONFLICTS).content.decode()


def _many(count):
    coalition = factories.ActorFactory(kind=choices.ActorKind.COALITION)
    for n in range(count):
        conflict = factories.ConflictFactory()
        actor = factories.ActorFactory(parent=coalition if n % 2 else None)
        incident = _incident(conflict, actor, coalition)
        Incident.objects.filter(pk=incident.pk).update(reported_killed_min=n, reported_killed_max=n + 1)
        if n % 3 == 0:
            _conceded(incident, actor, 1, D(2017, 4, 1))


@pytest.mark.parametrize("count", [3, 15])
@pytest.mark.parametrize("url", [BELLIGERENTS, CONFLICTS])
def test_query_count_does_not_grow(client, django_assert_max_num_queries, count, url):
    _many(count)
    with django_assert_max_num_queries(5):
        response = client.get(url, {"sort": "-conceded"})
    assert response.status_code == 200
    assert len(response.context["rows"]) >= count
