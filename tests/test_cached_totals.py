"""Cached totals (incidents.cache): served from the cache until public data changes, then never stale, by any write path.

These tests commit (transactional): the data version moves at COMMIT on PostgreSQL, and nothing is cached inside a
transaction.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents import cache as aggregate_cache
from incidents import choices, services, workflow
from incidents.models import CasualtyFigure, Incident
from incidents.totals import _totals_of, totals_by_grade, totals_of
from incidents.views.timeline import period_totals
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_user():
    # A superuser: transactional tests flush the editorial groups that a migration creates.
    return get_user_model().objects.create_superuser("chief", "chief@example.org", "pw-chief-123")


def published(reported=None, status="published", **fields):
    incident = factories.IncidentFactory(status=status, date_start=fields.pop("date_start", datetime.date(2017, 3, 17)), **fields)
    if reported:
        Incident.objects.filter(pk=incident.pk).update(reported_killed_min=reported[0], reported_killed_max=reported[1])
    return incident


def public_totals() -> dict:
    return totals_of(Incident.objects.published())["all"]


def reported(totals: dict) -> tuple:
    return totals["incidents"], totals["reported_min"], totals["reported_max"]


def test_every_public_data_table_moves_the_version():
    missing = set(aggregate_cache.public_data_tables()) - aggregate_cache.tables_with_triggers()
    assert not missing
    assert "incidents_incident" in aggregate_cache.public_data_tables()
    assert "sources_source" in aggregate_cache.public_data_tables()


def test_a_repeated_total_costs_one_primary_key_lookup(django_assert_num_queries):
    published(reported=(83, 137))
    first = public_totals()
    with django_assert_num_queries(1) as captured:
        assert public_totals() == first
    assert aggregate_cache.VERSION_TABLE in captured.captured_queries[0]["sql"]


@pytest.mark.parametrize("write", ["save", "update", "bulk_create", "raw_sql", "delete"])
def test_every_write_path_moves_the_version(write):
    incident = published(reported=(1, 2))
    factories.SourceFactory()
    before = aggregate_cache.data_version()
    if write == "save":
        incident.title = "Renamed"
        incident.save()
    elif write == "update":
        Incident.objects.filter(pk=incident.pk).update(reported_killed_max=3)
    elif write == "bulk_create":
        Incident.objects.bulk_create([Incident(code="CT-BULK-1", title="Bulk", date_start=datetime.date(2017, 1, 1))])
    elif write == "raw_sql":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE sources_source SET is_confidential = %s", [True])
    else:
        factories.ExternalIdentifierFactory(incident=incident)
        before = aggregate_cache.data_version()
        incident.external_ids.all().delete()
    assert aggregate_cache.data_version() > before


def test_a_read_or_a_rolled_back_write_leaves_the_version():
    published(reported=(1, 2))
    before = aggregate_cache.data_version()
    public_totals()
    list(Incident.objects.all())
    with pytest.raises(RuntimeError), transaction.atomic():
        Incident.objects.update(title="Never")
        raise RuntimeError
    assert aggregate_cache.data_version() == before


def test_publishing_through_the_workflow_shows_at_once(admin_user):
    published(reported=(83, 137))
    waiting = published(reported=(10, 20), status=choices.Status.IN_REVIEW)
    assert reported(public_totals()) == (1, 83, 137)  # the draft in review is not counted, and now cached
    workflow.transition_incident(incident=waiting, name="publish", user=admin_user)
    assert reported(public_totals()) == (2, 93, 157)


def test_publishing_through_the_admin_shows_at_once_on_every_page(admin_user):
    published(reported=(83, 137))
    waiting = published(reported=(10, 20), status=choices.Status.IN_REVIEW, country="SY")
    public = Client()
    urls = [reverse("home"), reverse("incident_list"), reverse("timeline"), reverse("api:incident-totals")]
    for url in urls:  # warm every cache
        assert public.get(url).status_code == 200
    assert public.get(reverse("api:incident-totals")).json()["all"]["reported_max"] == 137

    reviewer = Client()
    reviewer.force_login(admin_user)
    response = reviewer.post(reverse("admin:incidents_incident_workflow", args=[waiting.pk, "publish"]), {"reason": ""})
    assert response.status_code == 302
    assert Incident.objects.get(pk=waiting.pk).status == choices.Status.PUBLISHED

    assert public.get(reverse("api:incident-totals")).json()["all"]["reported_max"] == 157
    assert public.get(reverse("api:incident-totals"), {"country": "SY"}).json()["all"]["incidents"] == 1
    for url in urls[:3]:
        totals = public.get(url).context["totals"]["all"]
        assert (totals["incidents"], totals["reported_max"]) == (2, 157), url
    march = public.get(reverse("timeline")).context["sections"][0]["totals"]
    assert (march["incidents"], march["reported_max"]) == (2, 157)


def test_update_bulk_create_and_recompute_many_show_at_once():
    incident = published(reported=(83, 137))
    assert reported(public_totals()) == (1, 83, 137)

    Incident.objects.filter(pk=incident.pk).update(reported_killed_min=90)
    assert reported(public_totals()) == (1, 90, 137)

    Incident.objects.bulk_create([Incident(code="CT-BULK-2", title="Bulk", status=choices.Status.PUBLISHED,
                                           date_start=datetime.date(2017, 3, 1), reported_killed_min=5, reported_killed_max=5)])
    assert reported(public_totals()) == (2, 95, 142)

    # A claim written behind the rule's back, then the set-based recompute: the stored range and the totals follow.
    report = factories.ReportFactory(published_on=datetime.date(2017, 3, 20))
    CasualtyFigure.objects.bulk_create([CasualtyFigure(
        incident=incident, report=report, basis=choices.Basis.REPORTED, count_min=200, count_max=200,
        qualifier=choices.qualifier_for(200, 200), outcome=choices.Outcome.KILLED, **choices.CIVILIANS)])
    assert reported(public_totals()) == (2, 95, 142)  # not derived yet: the stored range still reads 90-137
    services.recompute_many([incident.pk])
    incident.refresh_from_db()
    assert reported(public_totals()) == (2, incident.reported_killed_min + 5, incident.reported_killed_max + 5)
    assert incident.reported_killed_max == 200


def test_drafts_never_enter_the_cached_figures():
    published(reported=(83, 137))
    published(reported=(1000, 1000), status=choices.Status.DRAFT)
    published(reported=(500, 500), status=choices.Status.IN_REVIEW)
    for _ in range(2):  # computed, then from the cache
        assert reported(public_totals()) == (1, 83, 137)
        assert sum(row["incidents"] for row in totals_by_grade(Incident.objects.published())) == 1
        found, _more = period_totals(Incident.objects.published().order_by())
        assert [row["reported_max"] for _period, row in found] == [137]


def test_different_filters_are_cached_apart():
    published(reported=(83, 137), country="IQ")
    published(reported=(10, 20), country="SY")
    iraq = totals_of(Incident.objects.published().filter(country="IQ"))["all"]
    syria = totals_of(Incident.objects.published().filter(country="SY"))["all"]
    assert (iraq["reported_max"], syria["reported_max"]) == (137, 20)


def test_inside_a_transaction_nothing_is_cached():
    published(reported=(83, 137))
    with transaction.atomic():
        Incident.objects.update(reported_killed_max=500)
        assert public_totals()["reported_max"] == 500  # its own uncommitted write, computed, not stored
        transaction.set_rollback(True)
    assert public_totals() == _totals_of(Incident.objects.published())["all"]
    assert public_totals()["reported_max"] == 137


def test_the_api_list_count_is_cached_and_moves_with_a_publish(admin_user):
    published(reported=(83, 137))
    waiting = published(reported=(10, 20), status=choices.Status.IN_REVIEW)
    client = Client()
    assert client.get("/api/v1/incidents/").json()["count"] == 1
    with CaptureQueriesContext(connection) as again:
        assert client.get("/api/v1/incidents/").json()["count"] == 1
    assert not [query for query in again.captured_queries if "COUNT(*)" in query["sql"]]
    workflow.transition_incident(incident=waiting, name="publish", user=admin_user)
    assert client.get("/api/v1/incidents/").json()["count"] == 2


def test_belligerent_and_conflict_gaps_are_cached_and_move_with_a_publish(admin_user):
    actor, conflict = factories.ActorFactory(), factories.ConflictFactory()
    first = published(reported=(83, 137), conflict=conflict)
    waiting = published(reported=(10, 20), status=choices.Status.IN_REVIEW, conflict=conflict)
    for incident in (first, waiting):
        factories.BelligerentRoleFactory(incident=incident, actor=actor)
    client = Client()
    pages = (reverse("belligerent_detail", args=[actor.slug]), reverse("conflict_detail", args=[conflict.slug]))
    for page in pages:
        assert client.get(page).context["gap"].total["incidents"] == 1
        with CaptureQueriesContext(connection) as again:
            assert client.get(page).context["gap"].total["incidents"] == 1
        assert not [query for query in again.captured_queries if "EXTRACT" in query["sql"].upper() and "GROUP BY" in query["sql"]]
    workflow.transition_incident(incident=waiting, name="publish", user=admin_user)
    for page in pages:
        gap = client.get(page).context["gap"]
        assert (gap.total["incidents"], gap.total["reported_min"], gap.total["reported_max"]) == (2, 93, 157)


def test_the_filter_selects_are_cached_and_move_with_a_publish(admin_user):
    actor, source = factories.ActorFactory(name="Coalition air forces"), factories.SourceFactory(name="Local monitor")
    waiting = published(reported=(10, 20), status=choices.Status.IN_REVIEW)
    factories.BelligerentRoleFactory(incident=waiting, actor=actor)
    waiting.report_links.create(report=factories.ReportFactory(source=source))
    client = Client()
    assert "Coalition air forces" not in client.get("/incidents/").content.decode()
    with CaptureQueriesContext(connection) as again:
        client.get("/incidents/")
    assert not [query for query in again.captured_queries if "incidents_actor" in query["sql"] or "sources_source" in query["sql"]]
    workflow.transition_incident(incident=waiting, name="publish", user=admin_user)
    html = client.get("/incidents/").content.decode()
    assert "Coalition air forces" in html and "Local monitor" in html
    assert client.get("/incidents/", {"belligerent": actor.slug}).context["page"].rows[0].pk == waiting.pk


def test_source_pages_and_api_counts_are_cached_and_move_with_a_publish(admin_user):
    source = factories.SourceFactory(name="Local monitor")
    report = factories.ReportFactory(source=source)
    for status in (choices.Status.PUBLISHED, choices.Status.IN_REVIEW):
        published(reported=(1, 2), status=status).report_links.create(report=report)
    waiting = Incident.objects.get(status=choices.Status.IN_REVIEW)
    client = Client()

    def counts():
        listed = client.get("/sources/").context["page"].rows[0].published_incidents
        detail = client.get(f"/sources/{source.slug}/").context["source"].published_incidents
        api = client.get("/api/v1/sources/").json()["results"][0]["published_incidents"]
        return listed, detail, api

    assert counts() == (1, 1, 1)
    with CaptureQueriesContext(connection) as again:
        assert counts() == (1, 1, 1)
    assert not [query for query in again.captured_queries if "COUNT(DISTINCT" in query["sql"].upper()]
    workflow.transition_incident(incident=waiting, name="publish", user=admin_user)
    assert counts() == (2, 2, 2)


def test_the_incident_page_is_drawn_once_per_data_version_and_never_older_than_the_record():
    incident = published(reported=(83, 137))
    client = Client()
    first = client.get(incident.get_absolute_url()).content.decode()
    assert "83–137" in first
    with CaptureQueriesContext(connection) as again:
        assert client.get(incident.get_absolute_url()).content.decode() == first
    assert len(again.captured_queries) == 1 and aggregate_cache.VERSION_TABLE in again.captured_queries[0]["sql"]
    Incident.objects.filter(pk=incident.pk).update(title="Strike on the Jadida quarter, corrected")
    assert "Strike on the Jadida quarter, corrected" in client.get(incident.get_absolute_url()).content.decode()
    Incident.objects.filter(pk=incident.pk).update(status=choices.Status.RETRACTED, retraction_reason="Duplicate record")
    assert "83–137" not in client.get(incident.get_absolute_url()).content.decode()


def test_a_search_page_is_ranked_once_per_data_version_and_never_stale():
    """A search's relevance is computed for every match: which rows its page holds is kept per data version."""
    client = Client()
    for n in range(3):
        published(title=f"Strike {n}", locality="Hudayda")
    first = [row.code for row in client.get(reverse("incident_list"), {"q": "hudayda"}).context["page"].rows]
    with CaptureQueriesContext(connection) as read:
        again = [row.code for row in client.get(reverse("incident_list"), {"q": "hudayda"}).context["page"].rows]
    assert again == first
    ranked = [query["sql"] for query in read.captured_queries if "relevance" in query["sql"] and "LIMIT" in query["sql"]]
    assert ranked == []  # the ranking query was not run again
    best = published(title="Strike in Hudayda", locality="Hudayda")
    for _ in range(2):
        services.link_report(incident=best, report=factories.ReportFactory())
    after = [row.code for row in client.get(reverse("incident_list"), {"q": "hudayda"}).context["page"].rows]
    assert after[0] == best.code and set(after) == {*first, best.code}
