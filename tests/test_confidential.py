"""Confidential means confidential on every surface: a confidential source's report is read in public only through
`sources.public.public_report`, and reads "a confidential source" where its title would be."""

import pytest
from django.urls import reverse

from sources.public import CONFIDENTIAL_SOURCE, public_report, public_report_fields
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_claim(db):
    source = factories.SourceFactory(name="Hidden Network", slug="hidden-network", is_confidential=True, public_label="local monitor")
    report = factories.ReportFactory(source=source, title="Night testimony", url="https://hidden.example.org/t", author="A. Writer",
                                     archive_url="https://archive.example.org/t")
    actor, conflict = factories.ActorFactory(slug="force"), factories.ConflictFactory(slug="war")
    return factories.AggregateClaimFactory(report=report, actor=actor, conflicts=[conflict], status="published", area="North")


def test_the_gate_withholds_title_address_and_author_of_a_confidential_report(secret_claim):
    public = public_report(secret_claim.report)
    assert (public.title, public.url, public.archive_url, public.author, public.source_slug, public.source_url) == ("", "", "", "", None, "")
    assert public.confidential and public.source == "local monitor" and public.label == str(CONFIDENTIAL_SOURCE)
    assert "Night testimony" not in str(public_report_fields(secret_claim.report))


def test_the_gate_keeps_a_named_sources_report(db):
    report = factories.ReportFactory(title="Open story", author="B. Writer")
    public = public_report(report)
    assert (public.title, public.author, public.url, public.label) == ("Open story", "B. Writer", report.url, "Open story")
    assert public_report(None) is None


@pytest.mark.parametrize("page, slug", [("belligerent_detail", "force"), ("conflict_detail", "war")])
@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_an_aggregate_claim_citing_a_confidential_report_names_only_a_confidential_source(client, secret_claim, page, slug, prefix):
    html = client.get(prefix + reverse(page, args=[slug])).content.decode()
    assert "North" in html  # the claim is shown…
    for hidden in ("Night testimony", "hidden.example.org", "archive.example.org", "A. Writer", "Hidden Network", "hidden-network"):
        assert hidden not in html  # …but nothing of its report
    if not prefix:
        assert "a confidential source" in html and "local monitor" in html


def test_an_aggregate_claim_citing_a_named_report_links_it(client, db):
    report = factories.ReportFactory(title="Open story", url="https://open.example.org/s")
    factories.AggregateClaimFactory(report=report, actor=factories.ActorFactory(slug="open-force"), status="published")
    html = client.get(reverse("belligerent_detail", args=["open-force"])).content.decode()
    assert "Open story" in html and "https://open.example.org/s" in html and "a confidential source" not in html
