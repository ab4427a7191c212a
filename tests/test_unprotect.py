"""Editors cannot unprotect or destroy alone: making something public, or removing published evidence, needs a reviewer.

The four cases of issue 14: making a private victim public, un-excluding a claim, unticking "confidential" on a
source, and deleting a public named victim. An editor's change of the first two waits as a pending revision
(`incidents.revisions`, the same path as every edit of a published record); unticking "confidential" is refused
unless a reviewer does it (`sources.public.may_name_confidential_source`, checked by the form and by the save);
and a named victim of a published record is never deleted — an editor's removal waits, and once approved (or
done by a reviewer) it withholds the victim instead (`services.remove_victim`).
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from incidents import choices, revisions
from incidents.models import Revision, Victim
from sources.models import Source
from tests import factories
from tests.test_admin import form_data, incident_change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(db):
    """A published incident with a private victim, a public victim and an excluded claim; a confidential source."""
    incident = factories.IncidentFactory(status="published", published_at=datetime.datetime(2017, 4, 1, tzinfo=datetime.UTC))
    factories.FigureFactory(incident=incident, count_min=30, count_max=30, quote="30 were killed")
    factories.FigureFactory(incident=incident, count_min=900, count_max=900, quote="900 were killed", excluded=True,
                            excluded_reason="a typo in the report")
    factories.VictimFactory(incident=incident, name="Hidden Child", visibility=choices.Visibility.PRIVATE)
    factories.VictimFactory(incident=incident, name="Named Father", visibility=choices.Visibility.PUBLIC)
    source = factories.SourceFactory(name="Protected Witnesses", slug="protected-witnesses", is_confidential=True, public_label="local source")
    factories.FigureFactory(incident=incident, report=factories.ReportFactory(source=source), count_min=31, count_max=31, quote="31 died")
    return {"incident": incident, "source": source}


def public_page(incident) -> str:
    return Client().get(reverse("incident_detail", args=[incident.code])).content.decode()


def victim_url(name: str) -> str:
    return reverse("admin:incidents_victim_change", args=[Victim.objects.get(name=name).pk])


def make_victim_public(client):
    url = victim_url("Hidden Child")
    data = form_data(client.get(url))
    data["visibility"] = choices.Visibility.PUBLIC
    return client.post(url, data)


def unexclude_claim(client, incident):
    claim = incident.figures.get(excluded=True)
    url = reverse("admin:incidents_casualtyfigure_change", args=[claim.pk])
    data = form_data(client.get(url))
    data["excluded"], data["excluded_reason"] = "", ""
    return client.post(url, data)


def untick_confidential(client, source):
    url = reverse("admin:sources_source_change", args=[source.pk])
    data = form_data(client.get(url))
    data.pop("is_confidential", None)
    return client.post(url, data)


def pending_changes(incident) -> list[dict]:
    return [op for revision in Revision.objects.filter(incident=incident, state=Revision.State.PENDING) for op in revision.changes]


# 1. A private victim made public.


def test_an_editor_making_a_private_victim_public_waits_for_a_reviewer(editor_client, reviewer, record):
    incident = record["incident"]
    make_victim_public(editor_client)

    assert Victim.objects.get(name="Hidden Child").visibility == choices.Visibility.PRIVATE
    assert "Hidden Child" not in public_page(incident)
    assert [op["fields"] for op in pending_changes(incident)] == [{"visibility": choices.Visibility.PUBLIC}]
    revisions.approve_revision(revision=Revision.objects.get(incident=incident), reviewer=reviewer)
    assert "Hidden Child" in public_page(incident)


def test_a_reviewer_makes_a_private_victim_public_at_once(reviewer_client, record):
    make_victim_public(reviewer_client)
    assert "Hidden Child" in public_page(record["incident"])


# 2. An excluded claim included again.


def test_an_editor_including_an_excluded_claim_again_waits_for_a_reviewer(editor_client, record):
    incident = record["incident"]
    unexclude_claim(editor_client, incident)

    assert incident.figures.get(count_min=900).excluded
    assert "900 were killed" not in public_page(incident)
    assert [op["fields"].get("excluded") for op in pending_changes(incident)] == [False]


def test_a_reviewer_includes_an_excluded_claim_at_once(reviewer_client, record):
    unexclude_claim(reviewer_client, record["incident"])
    assert not record["incident"].figures.get(count_min=900).excluded


# 3. "Confidential" unticked on a source.


def test_an_editor_cannot_untick_confidential_on_a_source(editor_client, record):
    response = untick_confidential(editor_client, record["source"])

    assert response.status_code == 200  # the form again, with the reason
    assert "Only a reviewer may make a confidential source public" in response.content.decode()
    assert Source.objects.get(pk=record["source"].pk).is_confidential
    assert "Protected Witnesses" not in public_page(record["incident"])


def test_an_editors_crafted_save_cannot_untick_confidential_either(editor, rf, record):
    """The save checks again, whatever form posted it."""
    from django.contrib.admin.sites import site
    from django.core.exceptions import PermissionDenied

    source = Source.objects.get(pk=record["source"].pk)
    source.is_confidential = False
    request = rf.post("/")
    request.user = editor
    with pytest.raises(PermissionDenied):
        site._registry[Source].save_model(request, source, form=None, change=True)
    assert Source.objects.get(pk=source.pk).is_confidential


def test_an_editor_may_still_edit_a_confidential_source_and_protect_one(editor_client, record):
    url = reverse("admin:sources_source_change", args=[record["source"].pk])
    data = form_data(editor_client.get(url))
    data["description"] = "Witnesses in the old city."
    assert editor_client.post(url, data).status_code == 302
    assert Source.objects.get(pk=record["source"].pk).description == "Witnesses in the old city."


def test_a_reviewer_unticks_confidential(reviewer_client, record):
    assert untick_confidential(reviewer_client, record["source"]).status_code == 302
    assert not Source.objects.get(pk=record["source"].pk).is_confidential


# 4. A public named victim deleted.


def test_an_editor_deleting_a_public_victim_waits_then_the_victim_is_withheld_not_deleted(editor_client, reviewer, record):
    incident = record["incident"]
    victim = Victim.objects.get(name="Named Father")
    editor_client.post(reverse("admin:incidents_victim_delete", args=[victim.pk]), {"post": "yes"})

    assert Victim.objects.get(pk=victim.pk).visibility == choices.Visibility.PUBLIC
    assert "Named Father" in public_page(incident)
    assert [op["action"] for op in pending_changes(incident)] == ["delete"]
    revisions.approve_revision(revision=Revision.objects.get(incident=incident), reviewer=reviewer)
    assert Victim.objects.get(pk=victim.pk).visibility == choices.Visibility.PRIVATE
    assert "Named Father" not in public_page(incident)


@pytest.mark.parametrize("how", ["delete page", "delete action", "inline row"])
def test_a_reviewer_deleting_a_public_victim_withholds_it_instead(reviewer_client, record, how):
    incident = record["incident"]
    victim = Victim.objects.get(name="Named Father")
    if how == "delete page":
        response = reviewer_client.post(reverse("admin:incidents_victim_delete", args=[victim.pk]), {"post": "yes"}, follow=True)
        said = [str(message) for message in response.context["messages"]]
        assert any("withheld (made private), not deleted" in words for words in said)
        assert not any("deleted successfully" in words for words in said)
    elif how == "delete action":
        reviewer_client.post(reverse("admin:incidents_victim_changelist"), {
            "action": "delete_selected", "_selected_action": [victim.pk], "post": "yes"})
    else:
        data = form_data(reviewer_client.get(incident_change_url(incident)))
        row = next(key for key, value in data.items() if key.startswith("victims-") and key.endswith("-id") and str(value) == str(victim.pk))
        data[row.replace("-id", "-DELETE")] = "on"
        reviewer_client.post(incident_change_url(incident), data)

    assert Victim.objects.get(pk=victim.pk).visibility == choices.Visibility.PRIVATE
    assert victim.history.count() >= 2  # its history is kept
    assert "Named Father" not in public_page(incident)


def test_a_victim_of_a_record_never_published_is_deleted(reviewer_client):
    victim = factories.VictimFactory(incident=factories.IncidentFactory(status="draft"), name="Draft Person")
    reviewer_client.post(reverse("admin:incidents_victim_delete", args=[victim.pk]), {"post": "yes"})
    assert not Victim.objects.filter(pk=victim.pk).exists()


def test_an_editor_cannot_move_a_report_off_a_confidential_source(editor_client, reviewer_client, record):
    """Moving the report to a named source would show its title and address: the same rule as unticking confidential."""
    report = record["source"].reports.get()
    url = reverse("admin:sources_report_change", args=[report.pk])
    data = form_data(reviewer_client.get(url))
    data["source"] = factories.SourceFactory(name="Open Daily").pk

    assert editor_client.post(url, data).status_code == 403
    assert record["source"].reports.filter(pk=report.pk).exists()
    assert reviewer_client.post(url, data).status_code == 302
    assert not record["source"].reports.filter(pk=report.pk).exists()
