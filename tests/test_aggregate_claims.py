"""Aggregate claims as belligerents and monitors publish them: several conflicts and countries, a period with its
precision, allegation tallies of their own kind, the source's own page, and the reviewers' queue."""

import datetime
import re

import pytest
from django.urls import reverse

from incidents import choices, downloads
from incidents.models import AggregateClaim
from tests import factories
from tests.dataworld import build_world, hidden_strings
from tests.test_admin import add_rows, form_data

MARCH = {"period_start": datetime.date(2017, 3, 1), "period_end": datetime.date(2017, 3, 31), "period_precision": "month"}
TALLIES = [
    (choices.AggregateMeasure.ALLEGATIONS_RECEIVED, 18), (choices.AggregateMeasure.ASSESSED_NOT_CREDIBLE, 12),
    (choices.AggregateMeasure.ASSESSED_CREDIBLE, 3), (choices.AggregateMeasure.UNDER_INVESTIGATION, 3),
]


@pytest.fixture
def press_desk(db):
    """A belligerent's press desk whose only report states its monthly assessment tallies and one casualty figure."""
    coalition = factories.ActorFactory(slug="cjtf-oir", name="CJTF-OIR")
    iraq, syria = factories.ConflictFactory(name="Coalition vs ISIS — Iraq"), factories.ConflictFactory(name="Coalition vs ISIS — Syria")
    desk = factories.SourceFactory(slug="cjtf-oir-press-desk", name="CJTF-OIR press desk", kind="military")
    report = factories.ReportFactory(source=desk, title="Monthly civilian casualty report, March 2017")
    for measure, number in TALLIES:
        factories.AggregateClaimFactory(
            report=report, actor=coalition, conflicts=[iraq, syria], countries="IQ,SY", status="published", measure=measure,
            count_min=number, count_max=number, area="Iraq and Syria", **MARCH,
        )
    factories.AggregateClaimFactory(
        report=report, actor=coalition, conflicts=[iraq], countries="IQ", status="published", count_min=45, count_max=45,
        qualifier="exact", area="Iraq", attributed_to="CJTF-OIR", **MARCH,
    )
    return {"actor": coalition, "source": desk, "conflicts": [iraq, syria]}


def test_source_backing_only_aggregate_claims_has_a_page_linked_from_the_belligerent_page(client, press_desk):
    page = client.get(reverse("belligerent_detail", args=["cjtf-oir"])).content.decode()
    source_url = reverse("source_detail", args=["cjtf-oir-press-desk"])
    assert f'href="{source_url}"' in page

    response = client.get(source_url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Monthly civilian casualty report, March 2017" in html
    assert "allegations assessed not credible" in html and "March 2017" in html
    assert client.get(reverse("source_list")).content.decode().count(source_url) == 1


def test_source_page_of_aggregate_claims_shows_nothing_hidden(client, db):
    world = build_world()
    draft_source = factories.SourceFactory(slug="draft-desk", name="Draft desk")
    factories.AggregateClaimFactory(report=factories.ReportFactory(source=draft_source), status=choices.Status.IN_REVIEW)
    secret = factories.SourceFactory(slug="secret-desk", name="Secret desk", is_confidential=True)
    factories.AggregateClaimFactory(report=factories.ReportFactory(source=secret), status="published", area="Hidden valley")
    excluded = factories.SourceFactory(slug="excluded-desk", name="Excluded desk")
    factories.AggregateClaimFactory(report=factories.ReportFactory(source=excluded), status="published", excluded=True,
                                    excluded_reason="Unsourced")

    for slug in ("draft-desk", "secret-desk", "excluded-desk", "phantom-gazette"):
        assert client.get(reverse("source_detail", args=[slug])).status_code == 404
    html = client.get(reverse("source_detail", args=["outlet"])).content.decode()
    for hidden in hidden_strings(world):
        assert hidden not in html


def test_allegation_tallies_are_figures_of_their_own_kind(client, press_desk):
    conflict_page = client.get(reverse("conflict_detail", args=[press_desk["conflicts"][1].slug]))
    html = conflict_page.content.decode()
    section = html[html.index('id="aggregate-heading"'):]
    for label in ("allegations received", "allegations assessed not credible", "allegations assessed credible",
                  "allegations still under assessment or investigation"):
        assert label in section
    # The Syria page carries the four tallies that cover both conflicts, not the Iraq-only casualty figure.
    assert conflict_page.context["claims_count"] == 4
    # Tallies never enter the belligerent's sums (it has no incident: its gap is empty).
    gap = client.get(reverse("belligerent_detail", args=["cjtf-oir"])).context["gap"]
    assert not any(row.get("reported_min") for row in gap.years)

    rows = list(downloads.Table("aggregate_claims", downloads.AGGREGATE_COLUMNS, "").rows({"base_url": "http://testserver"}))
    assert sorted((row["measure"], row["count_min"]) for row in rows) == sorted(
        [("casualties", 45), *[(measure.value, number) for measure, number in TALLIES]]
    )
    assert {row["conflicts"] for row in rows} == {"Coalition vs ISIS — Iraq", "Coalition vs ISIS — Iraq; Coalition vs ISIS — Syria"}
    assert {row["period_precision"] for row in rows} == {"month"}


def test_countries_are_iso_codes_tidied_or_refused_with_a_form_error(editor_client):
    report = factories.ReportFactory()
    url = reverse("admin:sources_report_change", args=[report.pk])
    row = {"period_start": "2017-03-01", "period_end": "2017-03-31", "period_precision": "month", "measure": "casualties",
           "area": "Iraq and Syria", "basis": "reported", "outcome": "killed", **factories.FORM_WHOM, "qualifier": "exact",
           "count_min": 10, "count_max": 10}

    refused = editor_client.post(url, add_rows(form_data(editor_client.get(url)), "aggregate_claims", [{**row, "countries": "IQ, XX"}]))
    assert refused.status_code == 200
    assert "Not ISO 3166-1 alpha-2 country codes: XX" in refused.content.decode()
    assert not AggregateClaim.objects.exists()

    saved = editor_client.post(url, add_rows(form_data(editor_client.get(url)), "aggregate_claims", [{**row, "countries": " iq, sy,IQ"}]))
    assert saved.status_code == 302
    assert AggregateClaim.objects.get().countries == "IQ,SY"


def test_best_estimate_outside_the_range_is_refused_by_the_database(db):
    from django.db import IntegrityError, transaction

    claim = factories.AggregateClaimFactory(count_min=10, count_max=20, qualifier="between", count_best=15)
    with pytest.raises(IntegrityError), transaction.atomic():
        AggregateClaim.objects.filter(pk=claim.pk).update(count_best=25)
    figure = factories.FigureFactory(count_min=10, count_max=20, qualifier="between")
    with pytest.raises(IntegrityError), transaction.atomic():
        type(figure).objects.filter(pk=figure.pk).update(count_best=5)


def test_dashboard_queue_of_aggregate_claims_awaiting_review(reviewer_client):
    waiting = factories.AggregateClaimFactory(status=choices.Status.IN_REVIEW, area="Waiting valley")
    factories.AggregateClaimFactory(area="Draft valley")
    factories.AggregateClaimFactory(status="published", area="Public valley")

    response = reviewer_client.get(reverse("admin:index"))

    queue = {queue.title: queue for queue in response.context["queues"]}["Aggregate claims waiting for review"]
    assert queue.count == 1 and [label for _url, label, _note in queue.items] == [str(waiting)]
    listed = reviewer_client.get(queue.more_url).context["cl"].result_list
    assert list(listed) == [waiting]
    assert re.search(r"Waiting valley", response.content.decode())


def test_an_editor_cannot_change_a_published_aggregate_claim_but_a_reviewer_can(editor_client, reviewer_client, db):
    report = factories.ReportFactory(title="Monthly report")
    claim = factories.AggregateClaimFactory(report=report, status="published", count_min=1000, count_max=1000, quote="")
    change_url = reverse("admin:incidents_aggregateclaim_change", args=[claim.pk])

    # Its own page: read-only for an editor; a crafted POST changes nothing.
    page = editor_client.get(change_url)
    assert page.status_code == 200 and 'name="count_min"' not in page.content.decode()
    editor_client.post(change_url, {"count_min": "5", "count_max": "5", "qualifier": "exact"})
    assert editor_client.post(reverse("admin:incidents_aggregateclaim_delete", args=[claim.pk]), {"post": "yes"}).status_code == 403
    # The report's page: the row is held with a form error.
    report_url = reverse("admin:sources_report_change", args=[report.pk])
    data = form_data(editor_client.get(report_url))
    prefix = next(key.removesuffix("-TOTAL_FORMS") for key in data if key.endswith("-TOTAL_FORMS") and "aggregate" in key)
    data[f"{prefix}-0-count_min"] = data[f"{prefix}-0-count_max"] = "5"
    response = editor_client.post(report_url, data)
    assert "is published: only a reviewer may change or delete it" in response.content.decode()
    claim.refresh_from_db()
    assert (claim.count_min, claim.count_max) == (1000, 1000) and AggregateClaim.objects.filter(pk=claim.pk).exists()

    response = reviewer_client.post(report_url, data)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.count_min, claim.count_max) == (5, 5)
