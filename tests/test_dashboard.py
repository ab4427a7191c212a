"""The editors' dashboard on the admin's home page."""

import datetime

from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident
from sources.models import Report
from tests import factories


def queues(response) -> dict:
    return {queue.title: queue for queue in response.context["queues"]} if "queues" in response.context else {}


def age(incident, days):
    Incident.objects.filter(pk=incident.pk).update(updated_at=timezone.now() - datetime.timedelta(days=days))


def test_dashboard_counts_and_links_each_queue(editor_client):
    in_review = factories.IncidentFactory(status="in_review", title="Waiting strike")
    stale, fresh = factories.IncidentFactory(title="Forgotten draft"), factories.IncidentFactory(title="Fresh draft")
    age(stale, 31)
    ungraded = factories.IncidentFactory(status="published", title="Ungraded strike")
    factories.FigureFactory(incident=ungraded)
    factories.FigureFactory(incident=factories.IncidentFactory(status="published", grade="fair"))
    lonely = factories.ReportFactory(title="A report nobody linked")

    response = editor_client.get(reverse("admin:index"))

    content = response.content.decode()
    assert "Editors' dashboard" in content
    found = queues(response)
    waiting, drafts = found["Waiting for review"], found["Drafts untouched for 30 days"]
    ungraded_queue, reports = found["Claims but no grade"], found["Reports without incidents"]
    assert (waiting.count, [label for _url, label, _note in waiting.items]) == (1, [f"{in_review.code}: Waiting strike"])
    assert (drafts.count, [label for _url, label, _note in drafts.items]) == (1, [f"{stale.code}: Forgotten draft"])
    assert [label for _url, label, _note in ungraded_queue.items] == [f"{ungraded.code}: Ungraded strike"]
    # The figures' factory made reports linked to their incidents; only the lonely one is unlinked.
    assert [label for _url, label, _note in reports.items] == [lonely.title]
    assert reverse("admin:incidents_incident_change", args=[in_review.pk]) in content
    assert fresh.title not in content


def test_dashboard_more_links_filter_the_lists(editor_client):
    stale = factories.IncidentFactory()
    age(stale, 40)
    factories.IncidentFactory()
    ungraded = factories.IncidentFactory()
    factories.FigureFactory(incident=ungraded)
    lonely = factories.ReportFactory()

    changelist = reverse("admin:incidents_incident_changelist")
    assert list(editor_client.get(changelist, {"attention": "stale_drafts"}).context["cl"].result_list) == [stale]
    assert list(editor_client.get(changelist, {"attention": "ungraded"}).context["cl"].result_list) == [ungraded]
    reports = editor_client.get(reverse("admin:sources_report_changelist"), {"linked": "no"}).context["cl"].result_list
    assert list(reports) == [lonely]
    assert Report.objects.count() == 2


def test_dashboard_queries_do_not_grow_with_rows(editor_client, django_assert_max_num_queries):
    for _ in range(15):
        factories.IncidentFactory(status="in_review")
        factories.FigureFactory(incident=factories.IncidentFactory(status="published"))
        factories.ReportFactory()

    with django_assert_max_num_queries(20):
        response = editor_client.get(reverse("admin:index"))

    found = queues(response)
    assert found["Waiting for review"].count == 15
    assert len(found["Waiting for review"].items) == 10
    assert "All 15 →" in response.content.decode()
