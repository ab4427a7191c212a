"""Possible duplicates are flagged on save; a reviewer merges two records of one incident, the old code redirecting."""

import datetime
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from incidents import choices, duplicates, merge
from incidents.models import CasualtyFigure, Incident, IncidentAlias
from tests import factories
from tests.test_admin import form_data, incident_change_url

MOSUL = {"latitude": 36.335, "longitude": 43.119, "date_start": datetime.date(2017, 3, 17), "locality": "Mosul"}


def at(**fields):
    """An incident at Mosul on 17 March 2017 (unless told otherwise), titled so that no two titles look alike."""
    return factories.IncidentFactory(**{"title": uuid.uuid4().hex, **MOSUL, **fields})


def found(incident, **kwargs):
    return {candidate.incident.pk: candidate.reasons for candidate in duplicates.possible_duplicates(incident, **kwargs)}


# The check.


def test_distance_is_great_circle_km():
    # Mosul to Erbil, about 80 km.
    assert 75 < duplicates.distance_km(36.335, 43.119, 36.191, 44.009) < 85


def test_nearby_incident_within_two_days_is_a_possible_duplicate(db):
    incident = at(geo_precision="exact")
    near = at(geo_precision="exact", latitude=36.345, date_start=datetime.date(2017, 3, 19), locality="", admin1="")

    assert list(found(incident)) == [near.pk]
    assert found(incident)[near.pk] == ["dates 2 days apart +1", "1.1 km apart, both exact location +3"]


def test_far_or_later_incidents_are_not_duplicates(db):
    incident = at(geo_precision="exact")
    # Inside the bounding box but farther apart than two exact points allow: the shared province does not count.
    at(geo_precision="exact", latitude=36.375, longitude=43.170, locality="")
    at(geo_precision="exact", latitude=36.5, locality="", admin1="")
    at(geo_precision="exact", date_start=datetime.date(2017, 3, 20), locality="")

    assert found(incident) == {}


def test_date_ranges_are_compared_by_their_ends(db):
    incident = at()
    month = at(date_start=datetime.date(2017, 3, 1), date_end=datetime.date(2017, 3, 31), date_precision="month")

    assert month.pk in found(incident)


def test_same_locality_and_belligerent_without_coordinates(db):
    coalition = factories.ActorFactory(name="Coalition")
    incident = at(latitude=None, longitude=None)
    factories.BelligerentRoleFactory(incident=incident, actor=coalition)
    same = at(latitude=None, longitude=None, locality="mosul")
    factories.BelligerentRoleFactory(incident=same, actor=coalition)
    other_force = at(latitude=None, longitude=None)
    factories.BelligerentRoleFactory(incident=other_force)

    # The same locality alone makes a candidate; the shared belligerent ranks it first.
    assert found(incident) == {
        same.pk: ["dates overlap (same day, 17 Mar 2017) +3", "same locality (Mosul / mosul) +2", "shares belligerent Coalition +1"],
        other_force.pk: ["dates overlap (same day, 17 Mar 2017) +3", "same locality (Mosul) +2"],
    }
    assert list(found(incident)) == [same.pk, other_force.pk]


def test_incidents_linked_as_related_are_not_flagged(db):
    incident = at()
    related = at()
    incident.related.add(related)

    assert found(incident) == {}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram similarity needs PostgreSQL's pg_trgm")
def test_similar_titles_on_postgresql(db):
    incident = factories.IncidentFactory(title="Airstrike on Mosul al-Jadida", latitude=None, longitude=None, date_start=MOSUL["date_start"])
    similar = factories.IncidentFactory(title="Air strike on Mosul al Jadida", latitude=None, longitude=None,
                                        date_start=MOSUL["date_start"], locality="")
    factories.IncidentFactory(title="Shelling of a market in Raqqa", latitude=None, longitude=None, date_start=MOSUL["date_start"],
                              locality="Raqqa", admin1="Raqqa")

    assert list(found(incident)) == [similar.pk]
    assert found(incident)[similar.pk][-1].startswith("similar titles 0.")


def test_admin_warns_about_duplicates_with_links_on_save(editor_client):
    existing = factories.IncidentFactory(**MOSUL, title="Strike in west Mosul")
    data = form_data(editor_client.get(reverse("admin:incidents_incident_add")))
    data.update({"title": "Airstrike on Mosul al-Jadida", "date_start": "2017-03-18", "date_precision": "day",
                 "latitude": "36.340", "longitude": "43.120", "geo_precision": "neighbourhood", "event_type": "airstrike"})

    response = editor_client.post(reverse("admin:incidents_incident_add"), data, follow=True)

    content = response.content.decode()
    assert "Possible duplicates of" in content
    assert incident_change_url(existing) in content
    assert "neighbourhood point 0.6 km from the centre of the village or town given by the other +1" in content


# Merging.


@pytest.fixture
def pair(db):
    coalition, us_forces = factories.ActorFactory(name="Coalition"), factories.ActorFactory(name="US forces")
    report = factories.ReportFactory()
    keep = factories.IncidentFactory(status="published", title="Airstrike on Mosul al-Jadida", **MOSUL)
    other = factories.IncidentFactory(status="published", title="Strike in west Mosul", **MOSUL)
    factories.FigureFactory(incident=keep, report=report, count_min=83, count_max=83)
    factories.BelligerentRoleFactory(incident=keep, actor=coalition, role="alleged")
    factories.FigureFactory(incident=other, report=report, count_min=137, count_max=137)
    statement = factories.StatementFactory(incident=other, issuer=coalition, report=report, stance="acknowledges_strike")
    factories.FigureFactory(incident=other, report=statement.report, basis="conceded", statement=statement, count_min=105, count_max=105)
    factories.BelligerentRoleFactory(incident=other, actor=coalition, role="acknowledged")
    factories.BelligerentRoleFactory(incident=other, actor=us_forces, role="alleged")
    factories.VictimFactory(incident=other, name="Ahmed")
    factories.ExternalIdentifierFactory(incident=other, identifier="238475")
    other.aliases.create(code="CT-999990")
    return keep, other


def test_merge_moves_everything_and_the_old_code_redirects(pair, reviewer, client):
    keep, other = pair
    old_code = other.code

    kept = merge.merge_incidents(keep=keep, merge=other, user=reviewer, reason="Same strike, two reports")

    assert kept.figures.count() == 3
    assert kept.statements.count() == 1
    assert kept.victims.get().name == "Ahmed"
    assert list(kept.external_ids.values_list("identifier", flat=True)) == ["238475"]
    assert dict(kept.belligerent_roles.values_list("actor__name", "role")) == {"Coalition": "acknowledged", "US forces": "alleged"}
    assert kept.report_links.count() == 1  # one report, linked once
    assert (kept.reported_killed_min, kept.reported_killed_max, kept.conceded_killed_max) == (83, 137, 105)
    assert set(kept.aliases.values_list("code", flat=True)) == {old_code, "CT-999990"}
    other.refresh_from_db()
    assert other.status == choices.Status.RETRACTED
    assert other.code == f"{old_code}-merged"
    assert keep.code in other.retraction_reason
    assert not CasualtyFigure.objects.filter(incident=other).exists()

    response = client.get(f"/incidents/{old_code}/")
    assert response.status_code == 301
    assert response["Location"] == kept.get_absolute_url()
    assert client.get("/incidents/CT-999990/")["Location"] == kept.get_absolute_url()

    assert kept.history.filter(history_change_reason=f"Merge: {old_code} merged into this record (Same strike, two reports)").exists()
    merged = other.history.get(history_change_reason=f"Merge: merged into {keep.code} (Same strike, two reports)")
    assert (merged.history_user, merged.status) == (reviewer, choices.Status.RETRACTED)


def test_editor_may_not_merge(pair, editor):
    keep, other = pair

    with pytest.raises(merge.MergeRefused, match="ask a reviewer"):
        merge.merge_incidents(keep=keep, merge=other, user=editor)

    assert Incident.objects.get(pk=other.pk).figures.count() == 2


def test_a_published_record_is_not_merged_into_a_draft(reviewer):
    draft, published = factories.IncidentFactory(), factories.IncidentFactory(status="published")

    with pytest.raises(merge.MergeRefused, match="keep the published record"):
        merge.merge_incidents(keep=draft, merge=published, user=reviewer)


def test_a_draft_merged_away_is_removed_its_history_kept(reviewer):
    keep, draft = factories.IncidentFactory(status="published"), factories.IncidentFactory()
    factories.FigureFactory(incident=draft, count_min=4, count_max=4)
    draft_pk, draft_code = draft.pk, draft.code

    merge.merge_incidents(keep=keep, merge=draft, user=reviewer)

    assert not Incident.objects.filter(pk=draft_pk).exists()
    assert keep.figures.count() == 1
    assert IncidentAlias.objects.get(code=draft_code).incident == keep
    deleted = Incident.history.filter(id=draft_pk).latest()
    assert (deleted.history_type, deleted.history_change_reason) == ("-", f"Merge: merged into {keep.code}")


def test_merge_from_the_admin_list_with_a_confirmation_page(pair, reviewer_client):
    keep, other = pair
    url = reverse("admin:incidents_incident_changelist")
    selection = {"action": "merge_selected", "_selected_action": [keep.pk, other.pk], "index": 0}

    page = reviewer_client.post(url, selection)
    assert page.status_code == 200
    assert "Merge two incidents" in page.content.decode()
    response = reviewer_client.post(url, {**selection, "confirm": "yes", "keep": keep.pk, "reason": "Same strike"})

    assert response.status_code == 302
    assert response["Location"] == incident_change_url(keep)
    assert Incident.objects.get(pk=other.pk).status == choices.Status.RETRACTED
    assert keep.figures.count() == 3


def test_merge_action_is_not_offered_to_editors(pair, editor_client):
    keep, other = pair

    actions = editor_client.get(reverse("admin:incidents_incident_changelist")).context["action_form"].fields["action"].choices
    editor_client.post(reverse("admin:incidents_incident_changelist"), {
        "action": "merge_selected", "_selected_action": [keep.pk, other.pk], "index": 0, "confirm": "yes", "keep": keep.pk,
    })

    assert "merge_selected" not in {name for name, _label in actions}
    assert Incident.objects.get(pk=other.pk).status == choices.Status.PUBLISHED


def test_related_incidents_are_editable_in_the_admin(editor_client):
    incident, other = factories.IncidentFactory(), factories.IncidentFactory(date_start=datetime.date(2018, 1, 1))
    data = form_data(editor_client.get(incident_change_url(incident)))
    data["related"] = [str(other.pk)]

    assert editor_client.post(incident_change_url(incident), data).status_code == 302

    assert list(other.related.all()) == [incident]


def test_change_page_lists_possible_duplicates_and_links_one_as_related(editor_client):
    incident = at(title="Airstrike on Mosul al-Jadida")
    near = at(latitude=36.34, locality="")

    page = editor_client.get(incident_change_url(incident)).content.decode()
    assert "Possible duplicates" in page
    relate = reverse("admin:incidents_incident_relate", args=[incident.pk, near.pk])
    assert f'action="{relate}"' in page
    assert editor_client.get(relate).status_code == 403  # a change is a POST

    response = editor_client.post(relate)

    assert response.status_code == 302
    assert list(incident.related.all()) == [near]
    # Linked records are no longer flagged.
    assert "Possible duplicates" not in editor_client.get(incident_change_url(incident)).content.decode()


def test_reviewer_opens_the_merge_of_a_possible_duplicate_from_the_change_page(reviewer_client, editor_client):
    incident = at(title="Airstrike on Mosul al-Jadida")
    near = at(latitude=36.34, locality="")

    page = reviewer_client.get(incident_change_url(incident)).content.decode()
    assert 'form="merge-' in page
    assert 'form="merge-' not in editor_client.get(incident_change_url(incident)).content.decode()

    confirmation = reviewer_client.post(reverse("admin:incidents_incident_changelist"), {
        "action": "merge_selected", "index": 0, "_selected_action": [incident.pk, near.pk],
    })
    assert confirmation.status_code == 200
    assert "Merge two incidents" in confirmation.content.decode()
