"""Belligerent and conflict pages: the accountability gap by year, on a constructed dataset with known answers."""

import datetime

import pytest
from django.urls import reverse

from incidents import accountability, choices, display
from incidents.models import Incident
from tests import factories

pytestmark = pytest.mark.django_db

ALLEGED, ACKNOWLEDGED = choices.BelligerentRole.ALLEGED, choices.BelligerentRole.ACKNOWLEDGED
D = datetime.date


def _incident(conflict, day, actor, role, claims=(), **fields):
    incident = factories.IncidentFactory(status="published", date_start=day, conflict=conflict, **fields)
    factories.BelligerentRoleFactory(incident=incident, actor=actor, role=role)
    for low, high in claims:
        factories.FigureFactory(incident=incident, count_min=low, count_max=high)
    return incident


def _statement(incident, issuer, day, stance, conceded=None):
    statement = factories.StatementFactory(incident=incident, issuer=issuer, stated_on=day, stance=stance)
    if conceded is not None:
        factories.FigureFactory(
            incident=incident, statement=statement, report=statement.report, basis=choices.Basis.CONCEDED,
            count_min=conceded, count_max=conceded, stated_on=day, attributed_to="the belligerent",
        )
    return statement


@pytest.fixture
def world():
    """Three incidents in 2016 and three in 2017 naming force A, plus hidden records that must count for nothing.

    2016: I1 alleged, 10–20 reported, never answered; I2 acknowledged, 5 reported, A acknowledges after 10 days
    conceding 3; I3 alleged, "more than 100" (101), A investigating after 4 days, credible after 30.
    2017: I4 alleged, 7 reported, A denies after 20 days (B acknowledges after 2 days); I5 acknowledged, 2–4
    reported, A credible after 6 days conceding 2; I6 alleged, no figure, never answered.
    """
    conflict = factories.ConflictFactory(name="Campaign Zeta", slug="campaign-zeta")
    a = factories.ActorFactory(name="Force Alpha", slug="force-alpha", kind=choices.ActorKind.COALITION)
    b = factories.ActorFactory(name="Force Bravo", slug="force-bravo")
    member = factories.ActorFactory(name="Alpha Member Wing", slug="alpha-member-wing", parent=a)
    s = choices.Stance
    i1 = _incident(conflict, D(2016, 1, 10), a, ALLEGED, claims=[(10, 10), (20, 20)], title="Strike one")
    i2 = _incident(conflict, D(2016, 3, 1), a, ACKNOWLEDGED, claims=[(5, 5)], title="Strike two", grade="confirmed")
    _statement(i2, a, D(2016, 3, 11), s.ACKNOWLEDGES_STRIKE, conceded=3)
    i3 = _incident(conflict, D(2016, 6, 1), a, ALLEGED, claims=[(101, None)], title="Strike three")
    _statement(i3, a, D(2016, 6, 5), s.INVESTIGATING)
    _statement(i3, a, D(2016, 7, 1), s.CREDIBLE)
    i4 = _incident(conflict, D(2017, 2, 1), a, ALLEGED, claims=[(7, 7)], title="Strike four")
    _statement(i4, a, D(2017, 2, 21), s.DENIES)
    _statement(i4, b, D(2017, 2, 3), s.ACKNOWLEDGES_STRIKE)
    factories.FigureFactory(incident=i4, count_min=5000, count_max=5000, excluded=True, excluded_reason="Duplicate count")
    i5 = _incident(conflict, D(2017, 5, 1), a, ACKNOWLEDGED, claims=[(2, 2), (4, 4)], title="Strike five")
    _statement(i5, a, D(2017, 5, 7), s.CREDIBLE, conceded=2)
    i6 = _incident(conflict, D(2017, 8, 1), a, ALLEGED, title="Strike six")

    # Hidden: a draft, an incident in review and a retracted one, all naming A, with figures and statements.
    for status, number in (("draft", 999), ("in_review", 888), ("retracted", 777)):
        hidden = factories.IncidentFactory(
            status=status, date_start=D(2016, 2, 2), conflict=conflict, title=f"Hidden {status} strike",
            retraction_reason="Wrong place" if status == "retracted" else "",
        )
        factories.BelligerentRoleFactory(incident=hidden, actor=a, role=ACKNOWLEDGED)
        factories.FigureFactory(incident=hidden, count_min=number, count_max=number)
        _statement(hidden, a, D(2016, 2, 3), s.ACKNOWLEDGES_STRIKE, conceded=number)
    # The member's own incident is on its page, not A's.
    _incident(conflict, D(2017, 9, 9), member, ALLEGED, claims=[(40, 40)], title="Member wing strike")

    factories.AggregateClaimFactory(
        actor=a, conflicts=[conflict], status="published", count_min=4321, count_max=4321, area="Zeta province",
        quote="4,321 civilians died in Alpha's strikes", attributed_to="Monitor Omega",
    )
    factories.AggregateClaimFactory(actor=a, conflicts=[conflict], status="draft", count_min=6666, count_max=6666, area="Draft area")
    factories.AggregateClaimFactory(
        actor=a, conflicts=[conflict], status="published", excluded=True, excluded_reason="Unsourced", count_min=7777, count_max=7777,
        area="Excluded area",
    )
    return {"conflict": conflict, "a": a, "b": b, "member": member, "incidents": [i1, i2, i3, i4, i5, i6]}


def _row(gap, year):
    return next(row for row in gap.years if row["year"] == year)


def test_derived_figures_are_as_constructed(world):
    ranges = [(i.reported_killed_min, i.reported_killed_max, i.conceded_killed_min) for i in Incident.objects.filter(
        pk__in=[i.pk for i in world["incidents"]]).order_by("date_start")]
    assert ranges == [(10, 20, None), (5, 5, 3), (101, 101, None), (7, 7, None), (2, 4, 2), (None, None, None)]


def test_belligerent_gap_by_year(world):
    gap = accountability.actor_gap(world["a"])
    assert [row["year"] for row in gap.years] == [2016, 2017]
    y2016, y2017 = _row(gap, 2016), _row(gap, 2017)
    assert {k: y2016[k] for k in ("incidents", "alleged", "responsibility_acknowledged", "assessed", "acknowledged", "never_answered")} == {
        "incidents": 3, "alleged": 2, "responsibility_acknowledged": 1, "assessed": 2, "acknowledged": 2, "never_answered": 1,
    }
    assert (y2016["reported_min"], y2016["reported_max"], y2016["conceded_min"], y2016["conceded_max"]) == (116, 126, 3, 3)
    assert (y2016["median_days_to_statement"], y2016["median_days_to_ack"]) == (7, 20)  # [4, 10] and [10, 30]
    assert {k: y2017[k] for k in ("incidents", "alleged", "responsibility_acknowledged", "assessed", "acknowledged", "never_answered")} == {
        "incidents": 3, "alleged": 2, "responsibility_acknowledged": 1, "assessed": 2, "acknowledged": 1, "never_answered": 1,
    }
    assert (y2017["reported_min"], y2017["reported_max"], y2017["conceded_min"]) == (9, 11, 2)
    # B's acknowledgement of I4 is not A's answer.
    assert (y2017["median_days_to_statement"], y2017["median_days_to_ack"]) == (13, 6)  # [6, 20] and [6]


def test_belligerent_gap_all_years(world):
    total = accountability.actor_gap(world["a"]).total
    assert (total["incidents"], total["assessed"], total["acknowledged"], total["never_answered"]) == (6, 4, 3, 2)
    assert (total["reported_min"], total["reported_max"], total["conceded_min"], total["conceded_max"]) == (125, 137, 5, 5)
    assert (total["median_days_to_statement"], total["median_days_to_ack"]) == (8, 10)  # [4, 6, 10, 20] and [6, 10, 30]


def test_conflict_gap_counts_any_belligerent(world):
    gap = accountability.conflict_gap(world["conflict"])
    y2016, y2017 = _row(gap, 2016), _row(gap, 2017)
    assert (y2016["incidents"], y2016["alleged"], y2016["responsibility_acknowledged"]) == (3, 2, 1)
    assert (y2016["reported_min"], y2016["reported_max"]) == (116, 126)
    # 2017 includes the member wing's strike (40) and B's early acknowledgement of I4 (2 days).
    assert (y2017["incidents"], y2017["alleged"], y2017["responsibility_acknowledged"]) == (4, 3, 1)
    assert (y2017["reported_min"], y2017["reported_max"], y2017["conceded_min"]) == (49, 51, 2)
    assert (y2017["assessed"], y2017["acknowledged"], y2017["never_answered"]) == (2, 2, 2)
    assert (y2017["median_days_to_statement"], y2017["median_days_to_ack"]) == (4, 4)  # [2, 6] and [2, 6]
    assert gap.total["incidents"] == 7


def test_belligerent_page_shows_the_gap_and_claims_apart(client, world):
    response = client.get(reverse("belligerent_detail", args=["force-alpha"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    # 2016 holds "more than 100" (an open top): its sum has no maximum and reads "at least".
    for shown in ("at least 116", "9–11", "at least 125", "Strike one", "Strike six", "Campaign Zeta", "Alpha Member Wing"):
        assert shown in html
    # The aggregate claim is shown in its own section and is not in any sum.
    claims_section = html[html.index('id="aggregate-heading"'):html.index('id="incidents-heading"')]
    assert "4,321" in claims_section and "Zeta province" in claims_section
    gap_section = html[html.index('id="gap-heading"'):html.index('id="aggregate-heading"')]
    assert "4,321" not in gap_section and "4321" not in gap_section
    assert "Member forces" in html and "not added here" in html


def test_belligerent_page_hides_unpublished_records(client, world):
    html = client.get(reverse("belligerent_detail", args=["force-alpha"])).content.decode()
    for hidden in ("Hidden draft strike", "Hidden in_review strike", "Hidden retracted strike", "999", "888", "777",
                   "6666", "6,666", "Draft area", "7777", "7,777", "Excluded area", "5000", "5,000", "Member wing strike"):
        assert hidden not in html


def test_conflict_page(client, world):
    response = client.get(reverse("conflict_detail", args=["campaign-zeta"]))
    html = response.content.decode()
    assert response.status_code == 200
    for shown in ("Campaign Zeta", "at least 116", "49–51", "Force Alpha", "Alpha Member Wing", "4,321", "Member wing strike"):
        assert shown in html
    for hidden in ("Hidden draft strike", "Hidden retracted strike", "999", "6,666", "7,777", "Excluded area"):
        assert hidden not in html


def test_confidential_source_of_aggregate_claim_is_not_named(client, world):
    secret = factories.SourceFactory(name="Secret Witness Network", slug="secret-witness", is_confidential=True, public_label="local source")
    factories.AggregateClaimFactory(actor=world["a"], status="published", report=factories.ReportFactory(source=secret), area="Hidden valley")
    html = client.get(reverse("belligerent_detail", args=["force-alpha"])).content.decode()
    assert "Hidden valley" in html and "local source" in html
    assert "Secret Witness" not in html and "secret-witness" not in html


@pytest.mark.parametrize("name", ["belligerent_detail", "conflict_detail"])
def test_unknown_slug_is_404(client, name):
    assert client.get(reverse(name, args=["no-such-thing"])).status_code == 404


@pytest.mark.parametrize("query", ["?page=2", "?after=abc", "?before=-1", "?unknown=1&after=", "?after=2999-01-01~1e9", "?before=2017-02-30~1"])
def test_odd_query_strings_never_fail(client, world, query):
    response = client.get(reverse("belligerent_detail", args=["force-alpha"]) + query)
    assert response.status_code == 200
    assert client.get(reverse("conflict_detail", args=["campaign-zeta"]) + query).status_code == 200


def test_body_that_only_made_statements_has_a_page_without_incidents(client):
    body = factories.ActorFactory(name="Quiet Ministry", slug="quiet-ministry")
    factories.StatementFactory(incident=factories.IncidentFactory(status="published"), issuer=body)
    html = client.get(reverse("belligerent_detail", args=["quiet-ministry"])).content.decode()
    assert "No published incidents" in html


def test_actor_named_by_no_public_record_has_no_page(client):
    factories.ActorFactory(name="Quiet Force", slug="quiet-force")
    assert client.get(reverse("belligerent_detail", args=["quiet-force"])).status_code == 404


def test_query_count_does_not_grow_with_incidents(client, django_assert_max_num_queries):
    actor = factories.ActorFactory(slug="busy-force")
    conflict = factories.ConflictFactory(slug="busy-conflict")
    other = factories.ActorFactory()
    for year in range(2010, 2020):
        for day in (1, 15, 28):
            incident = _incident(conflict, D(year, 2, day), actor, ALLEGED, claims=[(day, day + 3)])
            factories.BelligerentRoleFactory(incident=incident, actor=other, role=ACKNOWLEDGED)
            _statement(incident, actor, D(year, 3, day), choices.Stance.CREDIBLE)
    for _ in range(30):
        factories.AggregateClaimFactory(actor=actor, conflicts=[conflict], status="published")
    # 16, and the charts: the filter's lookup of the belligerent or conflict (1), the monthly sums (1), the gap by month (1).
    with django_assert_max_num_queries(16 + 3):
        assert client.get(reverse("belligerent_detail", args=["busy-force"])).status_code == 200
    with django_assert_max_num_queries(16 + 2):
        assert client.get(reverse("conflict_detail", args=["busy-conflict"])).status_code == 200


@pytest.mark.parametrize("start, end, words", [
    (D(2017, 3, 1), D(2017, 3, 31), "March 2017"),
    (D(2017, 1, 1), D(2017, 12, 31), "2017"),
    (D(2017, 3, 1), D(2017, 4, 30), "March – April 2017"),
    (D(2017, 3, 1), D(2017, 3, 15), "1–15 March 2017"),
    (D(2017, 3, 5), D(2017, 3, 5), "5 March 2017"),
    (D(2016, 12, 20), D(2017, 1, 10), "20 December 2016 – 10 January 2017"),
])
def test_aggregate_claim_period_in_words(start, end, words):
    assert display.format_period(start, end) == words


# Item 4: a concession counts only for the actor that conceded it (and its coalition, said so).


@pytest.fixture
def conceded_by_one():
    """One incident naming an alleged party (Force Kilo) and a conceding party (US forces, member of CJTF-OIR)."""
    coalition = factories.ActorFactory(name="CJTF-OIR", slug="cjtf-oir", kind=choices.ActorKind.COALITION)
    us_forces = factories.ActorFactory(name="US forces", slug="us-forces", parent=coalition)
    alleged = factories.ActorFactory(name="Force Kilo", slug="force-kilo")
    conflict = factories.ConflictFactory(name="Campaign Kilo", slug="campaign-kilo")
    incident = _incident(conflict, D(2017, 4, 1), alleged, ALLEGED, claims=[(20, 30)], title="Strike on a depot")
    factories.BelligerentRoleFactory(incident=incident, actor=us_forces, role=ACKNOWLEDGED)
    factories.BelligerentRoleFactory(incident=incident, actor=coalition, role=ACKNOWLEDGED)
    _statement(incident, alleged, D(2017, 4, 3), choices.Stance.DENIES)
    _statement(incident, us_forces, D(2017, 5, 2), choices.Stance.CREDIBLE, conceded=7)
    incident.refresh_from_db()
    assert (incident.conceded_killed_min, incident.conceded_killed_max) == (7, 7)  # the incident's own headline
    return {"incident": incident, "alleged": alleged, "us_forces": us_forces, "coalition": coalition, "conflict": conflict}


def test_alleged_partys_page_shows_no_concession_another_party_made(client, conceded_by_one):
    gap = accountability.actor_gap(conceded_by_one["alleged"])
    assert (gap.total["conceded_min"], gap.total["conceded_max"], gap.total["with_conceded"]) == (None, None, 0)
    assert (gap.total["reported_min"], gap.total["reported_max"]) == (20, 30)

    response = client.get(reverse("belligerent_detail", args=["force-kilo"]))
    html = response.content.decode()
    assert "Strike on a depot" in html
    row = html[html.index("Strike on a depot"):]
    row = row[:row.index("</tr>")]
    assert "none" in row and ">7<" not in row and "7" not in row.split('data-label="Conceded by it"')[1]
    totals = html[html.index('aria-label="All years"'):html.index("</ul>", html.index('aria-label="All years"'))]
    assert "civilian deaths it conceded" in totals and "no number" in totals.split("civilian deaths it conceded")[0].rsplit("<li>", 1)[1]


def test_the_conceding_party_and_its_coalition_count_it_saying_so(client, conceded_by_one):
    assert accountability.actor_gap(conceded_by_one["us_forces"]).total["conceded_min"] == 7
    coalition_gap = accountability.actor_gap(conceded_by_one["coalition"])
    assert (coalition_gap.total["conceded_min"], coalition_gap.total["conceded_max"]) == (7, 7)

    html = client.get(reverse("belligerent_detail", args=["cjtf-oir"])).content.decode()
    assert "conceded by US forces, member of CJTF-OIR" in html
    own = client.get(reverse("belligerent_detail", args=["us-forces"])).content.decode()
    assert "member of" not in own.split('id="incidents-heading"')[1]


def test_conflict_page_credits_each_concession_to_its_actor(client, conceded_by_one):
    rows = accountability.conceded_by_actor(accountability.conflict_incidents(conceded_by_one["conflict"]))
    assert [(r["actor__name"], r["conceded_min"], r["actor__parent__name"]) for r in rows] == [("US forces", 7, "CJTF-OIR")]
    html = client.get(reverse("conflict_detail", args=["campaign-kilo"])).content.decode()
    table = html[html.index('id="conceded-by-heading"'):html.index('id="aggregate-heading"')]
    assert "US forces" in table and "member of CJTF-OIR" in table and "Force Kilo" not in table


def test_an_open_concession_makes_the_actors_sum_open(conceded_by_one):
    incident = factories.IncidentFactory(status="published", date_start=D(2017, 6, 1), conflict=conceded_by_one["conflict"])
    factories.BelligerentRoleFactory(incident=incident, actor=conceded_by_one["us_forces"], role=ACKNOWLEDGED)
    factories.FigureFactory(incident=incident, basis=choices.Basis.CONCEDED, conceded_by=conceded_by_one["us_forces"],
                            count_min=3, count_max=None, qualifier="at_least", stated_on=D(2017, 6, 5))
    total = accountability.actor_gap(conceded_by_one["us_forces"]).total
    assert (total["conceded_min"], total["conceded_max"], total["conceded_open"]) == (10, None, 1)
    assert display.format_total(total["conceded_min"], total["conceded_max"]) == "10+"


def test_a_concession_hidden_from_the_public_counts_for_nobody(conceded_by_one):
    draft = factories.IncidentFactory(status="draft", date_start=D(2017, 6, 1))
    factories.BelligerentRoleFactory(incident=draft, actor=conceded_by_one["us_forces"], role=ACKNOWLEDGED)
    factories.FigureFactory(incident=draft, basis=choices.Basis.CONCEDED, conceded_by=conceded_by_one["us_forces"], count_min=500, count_max=500)
    factories.FigureFactory(incident=conceded_by_one["incident"], basis=choices.Basis.CONCEDED, conceded_by=conceded_by_one["us_forces"],
                            count_min=900, count_max=900, stated_on=D(2017, 9, 9), excluded=True, excluded_reason="Misread")
    assert accountability.actor_gap(conceded_by_one["us_forces"]).total["conceded_max"] == 7
