"""Open-ended figures stay open, claims with no number stay visible, related records are never counted twice.

Each test goes through a public surface (page, list, API, CSV, full download, totals), so it fails if the
derivation, the stored flags or the surface's reading of them is removed.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from incidents import choices, display, downloads, merge, services, totals
from incidents.methodology_versions import current_methodology
from incidents.models import Incident
from tests import factories

pytestmark = pytest.mark.django_db


def published(**fields):
    return factories.IncidentFactory(status=choices.Status.PUBLISHED, **fields)


def claim(incident, low, high, **fields):
    qualifier = fields.pop("qualifier", None) or choices.qualifier_for(low, high)
    return factories.FigureFactory(incident=incident, count_min=low, count_max=high, qualifier=qualifier, **fields)


def fresh(incident):
    return Incident.objects.get(pk=incident.pk)


def body(response) -> str:
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def csv_row(client, incident) -> dict:
    rows = csv.DictReader(io.StringIO(body(client.get(reverse("export_csv")))))
    return next(row for row in rows if row["code"] == incident.code)


# --- the rule ---------------------------------------------------------------------------------------------------------

def test_open_claim_alone_keeps_the_top_open():
    incident = published()
    claim(incident, 12, None)
    derived = services.derive_figures(fresh(incident))
    assert (derived["reported_killed_min"], derived["reported_killed_open"]) == (12, True)
    # The stored maximum is the highest number stated (the sort key); no surface shows it as a maximum.
    assert derived["reported_killed_max"] == 12 and display.public_max(fresh(incident), "reported_killed") is None


def test_reference_case_stays_closed_83_to_137():
    incident = published()
    claim(incident, 101, None, qualifier=choices.Qualifier.MORE_THAN)
    claim(incident, 137, 137)
    claim(incident, 83, None)
    incident = fresh(incident)
    assert (incident.reported_killed_min, incident.reported_killed_max, incident.reported_killed_open) == (83, 137, False)
    assert display.format_figure(incident, "reported_killed") == "83–137"


def test_open_claim_at_or_above_every_closed_maximum_opens_the_top():
    incident = published()
    claim(incident, 5, 10)
    claim(incident, 10, None)  # "10 or more" reaches the highest closed maximum: the top is open
    incident = fresh(incident)
    assert incident.reported_killed_open and display.format_figure(incident, "reported_killed") == "5+"


def test_concession_without_a_maximum_is_open():
    incident = published()
    claim(incident, 3, None, basis=choices.Basis.CONCEDED)
    incident = fresh(incident)
    assert (incident.conceded_killed_min, incident.conceded_killed_open) == (3, True)
    assert display.format_figure(incident, "conceded_killed") == "3+"


def test_injured_children_and_women_keep_their_open_tops():
    incident = published()
    claim(incident, 12, None, outcome=choices.Outcome.INJURED)
    claim(incident, 4, None, **choices.CHILDREN)
    claim(incident, 2, None, **choices.WOMEN)
    incident = fresh(incident)
    assert incident.reported_injured_open and incident.children_killed_open and incident.women_killed_open
    assert not incident.reported_killed_open


def test_claim_in_words_only_marks_the_range_incomplete():
    incident = published()
    claim(incident, 1, 1)
    claim(incident, None, None, quote="dozens", attributed_to="local activists")
    incident = fresh(incident)
    assert (incident.reported_killed_min, incident.reported_killed_max) == (1, 1)
    assert incident.reported_killed_unquantified and not incident.reported_killed_open
    assert display.format_figure(incident, "reported_killed") == "1+"


def test_excluded_claim_in_words_leaves_no_mark():
    incident = published()
    claim(incident, 1, 1)
    words = claim(incident, None, None, quote="dozens")
    services.exclude_claim(claim=words, reason="Misread")
    assert not fresh(incident).reported_killed_unquantified


# --- through every surface --------------------------------------------------------------------------------------------

@pytest.fixture
def open_and_vague():
    """One incident "12 or more injured" and "more than 20 killed"; another "1 killed" plus "dozens" in words."""
    open_one = published(title="Open-ended strike")
    claim(open_one, 21, None, qualifier=choices.Qualifier.MORE_THAN)
    claim(open_one, 12, None, outcome=choices.Outcome.INJURED)
    vague = published(title="Vague strike")
    claim(vague, 1, 1)
    claim(vague, None, None, quote="dozens", attributed_to="local activists")
    return fresh(open_one), fresh(vague)


def test_incident_page_reads_open_and_incomplete(client, open_and_vague):
    open_one, vague = open_and_vague
    html = client.get(open_one.get_absolute_url()).content.decode()
    assert '<span class="value">21+</span>' in html and '<span class="value">12+</span>' in html
    assert '<span class="value">21</span>' not in html
    html = client.get(vague.get_absolute_url()).content.decode()
    assert '<span class="value">1+</span>' in html
    assert "another source — local activists: “dozens”, no number" in html


def test_list_row_and_feed_read_open_and_incomplete(client, open_and_vague):
    html = client.get(reverse("incident_list")).content.decode()
    assert ">21+<" in html and ">1+<" in html and ">21<" not in html and ">1<" not in html


def test_api_gives_no_maximum_and_the_flags(open_and_vague):
    open_one, vague = open_and_vague
    api = APIClient()
    row = api.get(f"/api/v1/incidents/{open_one.code}/").json()
    assert (row["reported_killed_min"], row["reported_killed_max"], row["reported_killed_open"]) == (21, None, True)
    assert (row["reported_injured_max"], row["reported_injured_open"]) == (None, True)
    row = api.get(f"/api/v1/incidents/{vague.code}/").json()
    assert (row["reported_killed_max"], row["reported_killed_open"], row["reported_killed_unquantified"]) == (1, False, True)
    listed = {item["code"]: item for item in api.get("/api/v1/incidents/").json()["results"]}
    assert listed[open_one.code]["reported_killed_max"] is None and listed[open_one.code]["reported_killed_open"] is True


def test_csv_and_hxl_give_an_empty_maximum_and_the_flags(client, open_and_vague):
    open_one, vague = open_and_vague
    row = csv_row(client, open_one)
    assert (row["reported_killed_min"], row["reported_killed_max"], row["reported_killed_open"]) == ("21", "", "True")
    assert row["reported_injured_max"] == "" and row["reported_injured_open"] == "True"
    row = csv_row(client, vague)
    assert (row["reported_killed_max"], row["reported_killed_unquantified"]) == ("1", "True")
    hxl = body(client.get(reverse("export_hxl"))).splitlines()[1]
    assert "#affected+killed+open" in hxl and "#affected+killed+unquantified" in hxl


def test_json_and_geojson_carry_the_open_top(client, open_and_vague):
    import json

    open_one, _ = open_and_vague
    rows = {row["code"]: row for row in json.loads(body(client.get(reverse("export_json"))))["incidents"]}
    assert rows[open_one.code]["reported_killed_max"] is None and rows[open_one.code]["reported_killed_open"] is True
    features = {f["id"]: f for f in json.loads(body(client.get(reverse("export_geojson"))))["features"]}
    assert features[open_one.code]["properties"]["reported_killed_open"] is True


def test_full_download_and_its_dictionary(open_and_vague, settings, tmp_path):
    open_one, vague = open_and_vague
    settings.DOWNLOADS_DIR = tmp_path
    zip_path, _ = downloads.build_downloads(day=datetime.date(2026, 11, 24))
    rows = {row["code"]: row for row in downloads.csv_of(zip_path, "incidents.csv")}
    assert (rows[open_one.code]["reported_killed_max"], rows[open_one.code]["reported_killed_open"]) == ("", "True")
    assert rows[vague.code]["reported_killed_unquantified"] == "True"
    dictionary = {(row["file"], row["column"]): row for row in downloads.csv_of(zip_path, "data-dictionary.csv")}
    meaning = next(row for (file, column), row in dictionary.items() if column == "reported_killed_open")
    assert "no upper bound" in str(meaning)


def test_totals_with_an_open_or_vague_incident_say_at_least(client, open_and_vague):
    values = totals.totals_of(Incident.objects.published())["all"]
    assert (values["reported_min"], values["reported_max"], values["reported_open"]) == (22, None, 2)
    html = client.get(reverse("home")).content.decode()
    assert "at least 22" in html
    api = APIClient().get("/api/v1/incidents/totals/").json()["all"]
    assert (api["reported_min"], api["reported_max"], api["reported_open"]) == (22, None, 2)


def test_closed_totals_keep_their_maximum():
    claim(published(), 3, 5)
    claim(published(), 2, 2)
    values = totals.totals_of(Incident.objects.published())["all"]
    assert (values["reported_min"], values["reported_max"], values["reported_open"]) == (5, 7, 0)


def test_hidden_claims_never_open_a_public_total():
    incident = published()
    claim(incident, 4, 4)
    draft = factories.IncidentFactory()
    claim(draft, 50, None)
    words = claim(incident, None, None, quote="scores")
    services.exclude_claim(claim=words, reason="Duplicate")
    values = totals.totals_of(Incident.objects.published())["all"]
    assert (values["reported_min"], values["reported_max"], values["reported_open"]) == (4, 4, 0)


# --- related records --------------------------------------------------------------------------------------------------

def relate(first, second):
    first.related.add(second)
    services.refresh_related_groups(incident_ids=[first.pk, second.pk])


def test_related_group_is_the_lowest_id_and_splits_when_unlinked():
    a, b, c = published(), published(), published()
    relate(a, b)
    relate(b, c)
    assert {fresh(i).related_group for i in (a, b, c)} == {a.pk}
    b.related.remove(c)
    services.refresh_related_groups(incident_ids=[b.pk, c.pk])
    assert (fresh(a).related_group, fresh(b).related_group, fresh(c).related_group) == (a.pk, a.pk, None)


def test_two_related_incidents_count_once_by_the_widest_envelope(client):
    first, second = published(), published()
    claim(first, 10, 10)
    claim(second, 12, 12)
    relate(first, second)
    values = totals.totals_of(Incident.objects.published())["all"]
    assert (values["reported_min"], values["reported_max"]) == (10, 12)  # not 22
    assert (values["incidents"], values["related_groups"], values["related_incidents"]) == (2, 1, 2)
    html = client.get(reverse("incident_list")).content.decode()
    assert "10–12" in html and "2 incidents in 1 group of related records" in html
    assert APIClient().get("/api/v1/incidents/totals/").json()["all"]["reported_max"] == 12


def test_group_half_outside_the_filter_counts_only_its_member_inside():
    inside, outside = published(country="IQ"), published(country="SY")
    claim(inside, 10, 10)
    claim(outside, 30, 30)
    relate(inside, outside)
    values = totals.totals_of(Incident.objects.published().filter(country="IQ"))["all"]
    assert (values["reported_min"], values["reported_max"], values["related_groups"]) == (10, 10, 0)


def test_draft_member_of_a_group_never_affects_public_totals():
    public, draft = published(), factories.IncidentFactory()
    claim(public, 10, 10)
    claim(draft, 5, 50)
    relate(public, draft)
    values = totals.totals_of(Incident.objects.published())["all"]
    assert (values["reported_min"], values["reported_max"], values["related_groups"]) == (10, 10, 0)


def test_open_member_opens_its_group():
    first, second = published(), published()
    claim(first, 10, 10)
    claim(second, 12, None)
    relate(first, second)
    values = totals.totals_of(Incident.objects.published())["all"]
    assert (values["reported_min"], values["reported_max"], values["reported_open"]) == (10, None, 1)


def test_related_link_on_both_pages_api_and_exports_published_only(client):
    first, second, draft = published(), published(), factories.IncidentFactory(title="Hidden draft")
    relate(first, second)
    relate(first, draft)
    for page, other in ((first, second), (second, first)):
        html = client.get(page.get_absolute_url()).content.decode()
        assert f'href="{other.get_absolute_url()}"' in html and draft.code not in html
    api = APIClient().get(f"/api/v1/incidents/{first.code}/").json()
    assert api["related"] == [second.code]
    assert csv_row(client, first)["related"] == second.code


def test_admin_link_groups_both_records(reviewer_client):
    first, second = published(), published()
    response = reviewer_client.post(reverse("admin:incidents_incident_relate", args=[first.pk, second.pk]))
    assert response.status_code == 302
    assert fresh(first).related_group == fresh(second).related_group == first.pk


def test_merge_carries_the_links_into_the_kept_record(reviewer):
    keep, other, linked = published(), published(), published()
    relate(other, linked)
    merge.merge_incidents(keep=keep, merge=other, user=reviewer, reason="Same strike")
    # The merged record is retracted and linked to the kept one; the kept record takes over its related link.
    assert fresh(keep).related_group == fresh(linked).related_group == keep.pk
    values = totals.totals_of(Incident.objects.published())["all"]
    assert (values["incidents"], values["related_groups"]) == (2, 1)


# --- smaller truths ---------------------------------------------------------------------------------------------------

def test_one_wording_for_no_number(client):
    incident = published()
    html = client.get(incident.get_absolute_url()).content.decode()
    assert '<span class="value">no number</span>' in html
    html = client.get(reverse("incident_list")).content.decode()
    assert "no figure" not in html and ">Unknown<" not in html and "no number" in html


def test_counts_read_in_words():
    assert display.count_words(1, "incident") == "1 incident"
    assert display.count_words(2, "incident") == "2 incidents"
    assert display.count_words(1234, "incident") == "1,234 incidents"


def test_demo_incidents_have_their_publication_time(client):
    from incidents.demo import load_reference_article

    load_reference_article()
    assert not Incident.objects.published().filter(published_at__isnull=True).exists()
    assert Incident.objects.published().count() == 3


def test_methodology_states_the_rule_and_its_version(client):
    html = client.get(reverse("methodology")).content.decode()
    current = current_methodology()
    assert f"version {current.number}</strong>" in html and current.in_force_from.isoformat() in html
    assert "keeps the range open" in html and "marks the range as incomplete" in html
    assert 'id="related-groups"' in html and ">1+<" in html and ">83+<" in html


def test_as_of_view_reads_the_open_top(client):
    incident = published()
    claim(incident, 12, None)
    as_of = client.get(incident.get_absolute_url(), {"as_of": datetime.date.today().isoformat()}).content.decode()
    assert '<span class="value">12+</span>' in as_of
