"""Nothing reaches the public without a reviewer: edits of published records wait as pending revisions.

An editor edits a published incident through the admin; the public page and the API keep the approved
version until a reviewer approves the change side by side with it; a rejection changes nothing; and no admin
write path (change page, inline rows, the claim, statement and victim pages, delete page and action, the
history revert, the related link) lets an editor's edit reach the live rows.
"""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from incidents import choices, revisions, workflow
from incidents.models import CasualtyFigure, Incident, IncidentReport, OfficialStatement, Revision, Victim
from tests import factories
from tests.test_admin import add_rows, figure_row, form_data, incident_change_url
from tests.test_incident_detail import backdate_history

PUBLIC_SUMMARY = "Residents say a strike hit the market."
NEW_SUMMARY = "Residents and a hospital say a strike hit the market at noon."
NEW_QUOTE = "hospital staff counted 41 dead"


@pytest.fixture
def second_reviewer(db):
    user = get_user_model().objects.create_user("reviewer2", "reviewer2@example.org", "pw-reviewer2-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewer"))
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def market(db):
    """A published incident with one claim, a statement and a public victim."""
    incident = factories.IncidentFactory(status="published", title="Strike on the market", summary=PUBLIC_SUMMARY,
                                         published_at=datetime.datetime(2017, 4, 1, tzinfo=datetime.UTC))
    report = factories.ReportFactory(title="Market hit", text="Residents said 30 were killed.")
    factories.FigureFactory(incident=incident, report=report, count_min=30, count_max=30, quote="30 were killed")
    factories.StatementFactory(incident=incident)
    factories.VictimFactory(incident=incident, name="Omar Public", visibility=choices.Visibility.PUBLIC)
    backdate_history(incident, datetime.date(2017, 4, 1))
    incident.refresh_from_db()
    return incident


def public_page(incident):
    return Client().get(reverse("incident_detail", args=[incident.code])).content.decode()


def api_record(incident):
    return Client().get(f"/api/v1/incidents/{incident.code}/").json()


def revision_url(revision):
    return reverse("admin:incidents_revision_change", args=[revision.pk])


def live(incident):
    return Incident.objects.get(pk=incident.pk)


def pending(incident):
    return Revision.objects.get(incident=incident, state=Revision.State.PENDING)


def edit_summary_and_add_claim(client, incident):
    data = form_data(client.get(incident_change_url(incident)))
    data["summary"] = NEW_SUMMARY
    report = factories.ReportFactory(title="Hospital count")
    add_rows(data, "figures", [figure_row(NEW_QUOTE, "exact", 41, 41, attributed_to="hospital staff", report=report.pk)])
    return client.post(incident_change_url(incident), data)


# The review of published edits, end to end.


def test_editor_edit_of_a_published_incident_waits_for_review_then_is_published_on_approval(
        editor_client, editor, reviewer_client, reviewer, market):
    before = live(market)

    response = edit_summary_and_add_claim(editor_client, market)

    revision = pending(market)
    assert response.status_code == 302 and response.url == revision_url(revision)
    # Nothing live changed: the incident, its claims, its figures, its version and its history.
    after = live(market)
    assert (after.summary, after.version, after.reported_killed_max) == (PUBLIC_SUMMARY, before.version, 30)
    assert market.figures.count() == 1
    assert not CasualtyFigure.history.filter(quote=NEW_QUOTE).exists()
    page = public_page(market)
    assert PUBLIC_SUMMARY in page and NEW_SUMMARY not in page and NEW_QUOTE not in page
    record = api_record(market)
    assert record["summary"] == PUBLIC_SUMMARY
    assert NEW_QUOTE not in str(record["figures"])
    # The editor is told, and their page says it is pending.
    followed = editor_client.get(response.url)
    assert "waits for review" in " ".join(str(m) for m in followed.context["messages"])
    assert "waiting for review" in " ".join(str(m) for m in editor_client.get(incident_change_url(market)).context["messages"])

    # The reviewer sees it side by side with the public version: the summary changed, the claim added.
    review = reviewer_client.get(revision_url(revision))
    rows = review.context["rows"]
    incident_row = next(row for row in rows if row.action == "change")
    summary = next(line for line in incident_row.lines if line.label == "summary")
    assert (summary.public, summary.proposed, summary.changed) == (PUBLIC_SUMMARY, NEW_SUMMARY, True)
    assert not next(line for line in incident_row.lines if line.label == "title").changed
    added = next(row for row in rows if row.action == "add")
    assert added.kind == "casualty figure"
    assert any(line.proposed == NEW_QUOTE for line in added.lines)
    assert 'class="changed"' in review.content.decode()

    decided = reviewer_client.post(revision_url(revision), {"_approve": "1", "note": "Checked against the report."})

    assert decided.status_code == 302
    revision.refresh_from_db()
    assert (revision.state, revision.reviewer, revision.note) == (Revision.State.APPROVED, reviewer, "Checked against the report.")
    after = live(market)
    assert after.summary == NEW_SUMMARY
    # Applied through the services: the figures are re-derived.
    assert (after.reported_killed_min, after.reported_killed_max) == (30, 41)
    page = public_page(market)
    assert NEW_SUMMARY in page and NEW_QUOTE in page
    assert api_record(market)["summary"] == NEW_SUMMARY
    # History rows under the author's name, the approver in the reason.
    claim_history = CasualtyFigure.history.get(quote=NEW_QUOTE)
    assert claim_history.history_user == editor
    assert claim_history.history_change_reason == f"Approved by reviewer (change #{revision.pk})"
    # Every history row the approval wrote names the author: the row, the report linked by it, the re-derived figures.
    assert {row.history_user for row in market.history.filter(summary=NEW_SUMMARY)} == {editor}
    assert IncidentReport.history.get(incident_id=market.pk, report__title="Hospital count").history_user == editor
    assert after.updated_by == editor
    # The public change log lists the approved change.
    changes = [line for day in Client().get(reverse("incident_detail", args=[market.code])).context["changes"] for line in day.changes]
    assert "Summary revised" in changes
    assert "Claim added: hospital staff: 41 civilians killed" in changes


def test_rejection_leaves_the_public_record_unchanged(editor_client, reviewer_client, market):
    edit_summary_and_add_claim(editor_client, market)
    revision = pending(market)

    refused = reviewer_client.post(revision_url(revision), {"_reject": "1", "note": ""})
    assert "needs a note" in refused.content.decode()
    response = reviewer_client.post(revision_url(revision), {"_reject": "1", "note": "The hospital figure is not in the report."})

    assert response.status_code == 302
    revision.refresh_from_db()
    assert revision.state == Revision.State.REJECTED
    assert live(market).summary == PUBLIC_SUMMARY
    assert market.figures.count() == 1
    page = public_page(market)
    assert NEW_SUMMARY not in page and NEW_QUOTE not in page
    changes = [line for day in Client().get(reverse("incident_detail", args=[market.code])).context["changes"] for line in day.changes]
    # (times of day, "03:41", are not the figure)
    assert not any("revised" in line or "41" in re.sub(r"\d{1,2}:\d{2}", "", line) for line in changes)
    # A decided revision is decided once.
    again = reviewer_client.post(revision_url(revision), {"_approve": "1"})
    assert "already" in again.content.decode()
    assert live(market).summary == PUBLIC_SUMMARY


def test_an_editor_cannot_approve(editor_client, market):
    edit_summary_and_add_claim(editor_client, market)
    revision = pending(market)

    response = editor_client.post(revision_url(revision), {"_approve": "1"})

    assert "Only a reviewer" in response.content.decode() or response.status_code == 403
    assert pending(market) == revision
    assert live(market).summary == PUBLIC_SUMMARY


# A crafted POST cannot bypass it.


def test_crafted_post_to_the_change_view_cannot_publish_or_edit(editor_client, market):
    data = form_data(editor_client.get(incident_change_url(market)))
    data.update({"title": "Crafted title", "status": "draft", "grade": "confirmed", "published_at": ""})

    editor_client.post(incident_change_url(market), data)

    stored = live(market)
    assert (stored.title, stored.status, stored.grade) == ("Strike on the market", "published", "")
    op = pending(market).changes[0]
    # The protected fields never enter the revision either.
    assert set(op["fields"]) == {"title"}


def test_editing_an_existing_claim_in_the_inline_is_held(editor_client, market):
    claim = market.figures.get()
    data = form_data(editor_client.get(incident_change_url(market)))
    data["figures-0-count_max"], data["figures-0-qualifier"] = "300", "between"

    editor_client.post(incident_change_url(market), data)

    claim.refresh_from_db()
    assert claim.count_max == 30
    assert live(market).reported_killed_max == 30
    assert pending(market).changes[0]["fields"] == {"count_max": 300, "qualifier": "between"}


def test_deleting_a_victim_or_a_role_in_the_inline_is_held(editor_client, market):
    factories.BelligerentRoleFactory(incident=market)
    data = form_data(editor_client.get(incident_change_url(market)))
    data["victims-0-DELETE"] = "on"
    data["belligerent_roles-0-DELETE"] = "on"

    editor_client.post(incident_change_url(market), data)

    assert market.victims.count() == 1 and market.belligerent_roles.count() == 1
    assert [op["action"] for op in pending(market).changes] == ["delete", "delete"]


def test_claim_admin_add_and_change_are_held(editor_client, market):
    report = factories.ReportFactory()
    add = editor_client.post(reverse("admin:incidents_casualtyfigure_add"), {
        "incident": market.pk, "report": report.pk, "attributed_to": "hospital staff", "basis": "reported",
        "outcome": "killed", **factories.FORM_WHOM, "qualifier": "exact", "count_min": 41, "count_max": 41, "quote": NEW_QUOTE,
    })
    assert add.status_code == 302
    claim = market.figures.get()
    change_url = reverse("admin:incidents_casualtyfigure_change", args=[claim.pk])
    data = form_data(editor_client.get(change_url))
    data["attributed_to"] = "crafted"
    editor_client.post(change_url, data)

    assert market.figures.count() == 1
    assert market.figures.get().attributed_to == "residents"
    assert [op["action"] for op in pending(market).changes] == ["add", "change"]


def test_moving_a_draft_claim_onto_a_published_incident_is_held(editor_client, market):
    draft = factories.IncidentFactory()
    claim = factories.FigureFactory(incident=draft, count_min=500, count_max=500)
    change_url = reverse("admin:incidents_casualtyfigure_change", args=[claim.pk])
    data = form_data(editor_client.get(change_url))
    data["incident"] = market.pk

    editor_client.post(change_url, data)

    claim.refresh_from_db()
    assert claim.incident_id == draft.pk
    assert live(market).reported_killed_max == 30
    assert pending(market).changes[0]["fields"] == {"incident": market.pk}


def test_statement_and_victim_admin_writes_are_held(editor_client, market):
    statement = market.statements.get()
    url = reverse("admin:incidents_officialstatement_change", args=[statement.pk])
    data = form_data(editor_client.get(url))
    data["stance"] = choices.Stance.DENIES
    editor_client.post(url, data)
    editor_client.post(reverse("admin:incidents_victim_add"), {
        "incident": market.pk, "name": "Crafted Name", "sex": "unknown", "age_band": "unknown", "person_status": "unknown",
        "outcome": "killed", "cause": "unknown",
        "visibility": "public",
    })

    assert OfficialStatement.objects.get(pk=statement.pk).stance == choices.Stance.INVESTIGATING
    assert not Victim.objects.filter(name="Crafted Name").exists()
    assert "Crafted Name" not in public_page(market)
    assert [op["model"] for op in pending(market).changes] == ["incidents.officialstatement", "incidents.victim"]


def test_delete_views_and_the_delete_action_cannot_remove_published_evidence(editor_client, market):
    claim, victim = market.figures.get(), market.victims.get()

    claim_delete = editor_client.post(reverse("admin:incidents_casualtyfigure_delete", args=[claim.pk]), {"post": "yes"})
    editor_client.post(reverse("admin:incidents_victim_delete", args=[victim.pk]), {"post": "yes"})
    editor_client.post(reverse("admin:incidents_victim_changelist"), {
        "action": "delete_selected", "_selected_action": [victim.pk], "post": "yes"})

    assert claim_delete.status_code == 403
    assert CasualtyFigure.objects.filter(pk=claim.pk).exists()
    assert Victim.objects.filter(pk=victim.pk).exists()
    assert "Omar Public" in public_page(market)
    assert {op["action"] for op in pending(market).changes} == {"delete"}


def test_report_page_rows_for_a_published_incident_are_held_and_for_a_draft_saved(editor_client, market):
    draft = factories.IncidentFactory()
    report = factories.ReportFactory(title="Another report")
    url = reverse("admin:sources_report_change", args=[report.pk])
    data = form_data(editor_client.get(url))
    add_rows(data, "figures", [
        figure_row("", "exact", 41, 41, incident=market.pk),
        figure_row("", "exact", 7, 7, incident=draft.pk),
    ])

    editor_client.post(url, data)

    assert market.figures.count() == 1 and live(market).reported_killed_max == 30
    assert draft.figures.count() == 1 and live(draft).reported_killed_max == 7
    assert pending(market).changes[0]["fields"]["count_min"] == 41


def test_history_revert_is_held(editor_client, reviewer, market):
    old = market.history.order_by("history_id").first()
    market.title = "Corrected by a reviewer"
    market._history_user = reviewer
    market.save()

    editor_client.post(reverse("admin:incidents_incident_simple_history", args=[market.pk, old.history_id]),
                       form_data(editor_client.get(reverse("admin:incidents_incident_simple_history", args=[market.pk, old.history_id]))))

    assert live(market).title == "Corrected by a reviewer"
    assert pending(market).changes[0]["fields"]["title"] == "Strike on the market"


def test_linking_a_related_record_is_held(editor_client, market):
    other = factories.IncidentFactory()

    editor_client.post(reverse("admin:incidents_incident_relate", args=[market.pk, other.pk]))

    assert not market.related.exists()
    assert pending(market).changes[0]["fields"] == {"related": [other.pk]}


# Drafts are edited directly; the same editor's edits join one revision; other people's are their own.


def test_drafts_are_edited_directly(editor_client):
    draft = factories.IncidentFactory(summary="old")
    data = form_data(editor_client.get(incident_change_url(draft)))
    data["summary"] = "new"

    editor_client.post(incident_change_url(draft), data)

    assert live(draft).summary == "new"
    assert not Revision.objects.exists()


def test_a_second_edit_joins_the_authors_pending_revision(editor_client, market):
    edit_summary_and_add_claim(editor_client, market)
    data = form_data(editor_client.get(incident_change_url(market)))
    data["title"] = "Strike on the old market"

    editor_client.post(incident_change_url(market), data)

    revision = pending(market)
    assert Revision.objects.count() == 1
    # The second form showed the public summary: it does not undo the pending one.
    assert [set(op["fields"]) for op in revision.changes if op["action"] == "change"] == [{"summary"}, {"title"}]
    incident_row = next(row for row in revisions.side_by_side(revision) if row.action == "change")
    assert {line.label for line in incident_row.lines if line.changed} == {"summary", "title"}


# Conflicting approvals: the reviewer is told, nothing is overwritten.


def test_approval_refused_when_the_public_record_changed_meanwhile(editor_client, reviewer_client, reviewer, market):
    data = form_data(editor_client.get(incident_change_url(market)))
    data["summary"] = NEW_SUMMARY
    editor_client.post(incident_change_url(market), data)
    revision = pending(market)
    data = form_data(reviewer_client.get(incident_change_url(market)))
    data["summary"] = "A reviewer's own correction."
    reviewer_client.post(incident_change_url(market), data)
    assert live(market).summary == "A reviewer's own correction."

    review = reviewer_client.get(revision_url(revision))
    assert "changed after this change was proposed" in review.content.decode()
    response = reviewer_client.post(revision_url(revision), {"_approve": "1"})

    assert response.status_code == 200
    assert "would overwrite" in response.content.decode()
    assert "Summary:" in response.content.decode()
    assert live(market).summary == "A reviewer's own correction."
    assert pending(market) == revision


def test_claim_changed_meanwhile_refuses_the_approval(editor_client, reviewer, market):
    claim = market.figures.get()
    data = form_data(editor_client.get(incident_change_url(market)))
    data["figures-0-count_max"], data["figures-0-qualifier"] = "35", "between"
    editor_client.post(incident_change_url(market), data)
    claim.refresh_from_db()
    claim.attributed_to = "corrected attribution"
    claim._history_user = reviewer
    claim.save()

    with pytest.raises(revisions.RevisionRefused) as refused:
        revisions.approve_revision(revision=pending(market), reviewer=reviewer)

    assert any("changed by someone else" in line for line in refused.value.lines)
    assert CasualtyFigure.objects.get(pk=claim.pk).count_max == 30


# Reviewers and four-eyes.


def test_reviewer_edits_publish_directly_without_four_eyes(settings, reviewer_client, market):
    settings.CASUALTYTRACKER_FOUR_EYES = False
    data = form_data(reviewer_client.get(incident_change_url(market)))
    data["summary"] = NEW_SUMMARY

    reviewer_client.post(incident_change_url(market), data)

    assert live(market).summary == NEW_SUMMARY
    assert not Revision.objects.exists()


def test_with_four_eyes_a_reviewers_edit_waits_for_another_reviewer(settings, reviewer_client, reviewer, second_reviewer, market):
    settings.CASUALTYTRACKER_FOUR_EYES = True
    data = form_data(reviewer_client.get(incident_change_url(market)))
    data["summary"] = NEW_SUMMARY
    reviewer_client.post(incident_change_url(market), data)
    revision = pending(market)
    assert live(market).summary == PUBLIC_SUMMARY

    own = reviewer_client.post(revision_url(revision), {"_approve": "1"})
    assert "Four-eyes" in own.content.decode()
    assert live(market).summary == PUBLIC_SUMMARY

    other, other_client = second_reviewer
    other_client.post(revision_url(revision), {"_approve": "1"})
    assert live(market).summary == NEW_SUMMARY
    # The author is the last editor: the four-eyes rule of publication still sees them.
    assert workflow.last_editor_id(market) == reviewer.pk


# The reviewers' queue.


def test_queue_lists_pending_revisions_and_the_dashboard_counts_them(editor_client, reviewer_client, market):
    edit_summary_and_add_claim(editor_client, market)
    decided = factories.IncidentFactory(status="published")
    data = form_data(editor_client.get(incident_change_url(decided)))
    data["summary"] = "rejected change"
    editor_client.post(incident_change_url(decided), data)
    revisions.reject_revision(revision=pending(decided), reviewer=get_user_model().objects.get(username="reviewer"), note="no")

    queue = reviewer_client.get(reverse("admin:incidents_revision_changelist"))
    dashboard = {q.title: q for q in reviewer_client.get(reverse("admin:index")).context["queues"]}

    assert [revision.incident_id for revision in queue.context["cl"].result_list] == [market.pk]
    waiting = dashboard["Changes of published incidents waiting for review"]
    assert waiting.count == 1
    assert waiting.items[0][0] == revision_url(pending(market))


def test_role_and_identifier_writes_are_held_and_approval_applies_them(editor_client, reviewer, market):
    actor = factories.ActorFactory(name="Coalition")
    editor_client.post(reverse("admin:incidents_belligerentrolelink_add"), {"incident": market.pk, "actor": actor.pk, "role": "alleged"})
    data = form_data(editor_client.get(incident_change_url(market)))
    add_rows(data, "external_ids", [{"dataset": "ucdp_ged", "identifier": "238475"}])
    data["victims-0-DELETE"] = "on"
    editor_client.post(incident_change_url(market), data)
    assert not market.belligerent_roles.exists() and not market.external_ids.exists() and market.victims.exists()

    revisions.approve_revision(revision=pending(market), reviewer=reviewer)

    assert list(market.belligerent_roles.values_list("actor__name", "role")) == [("Coalition", "alleged")]
    assert list(market.external_ids.values_list("identifier", flat=True)) == ["238475"]
    # An approved removal of a named victim withholds it: nothing published is hard-deleted.
    assert list(market.victims.values_list("visibility", flat=True)) == [choices.Visibility.PRIVATE]
    page = public_page(market)
    assert "Coalition" in page and "Omar Public" not in page


def test_approving_a_move_re_derives_both_incidents(editor_client, reviewer, market):
    draft = factories.IncidentFactory()
    claim = factories.FigureFactory(incident=draft, count_min=500, count_max=500)
    change_url = reverse("admin:incidents_casualtyfigure_change", args=[claim.pk])
    data = form_data(editor_client.get(change_url))
    data["incident"] = market.pk
    editor_client.post(change_url, data)

    revisions.approve_revision(revision=pending(market), reviewer=reviewer)

    assert live(market).reported_killed_max == 500
    assert live(draft).reported_killed_max is None


def test_the_review_page_shows_a_long_text_change_in_full(editor_client, reviewer_client, market):
    long_summary = PUBLIC_SUMMARY + " " + "Rescue teams searched the rubble for days. " * 5 + "Work ended on 4 April."
    data = form_data(editor_client.get(incident_change_url(market)))
    data["summary"] = long_summary
    editor_client.post(incident_change_url(market), data)

    page = reviewer_client.get(revision_url(pending(market))).content.decode()

    assert "Work ended on 4 April." in page  # the words that changed, at the end of a long text, are not cut off
