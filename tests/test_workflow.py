"""The editorial workflow and its roles: every step and every forbidden step, in the service and through the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from incidents import choices, workflow
from incidents.models import Incident
from tests import factories
from tests.test_admin import form_data, incident_change_url

DRAFT, IN_REVIEW, PUBLISHED, RETRACTED = (choices.Status.DRAFT, choices.Status.IN_REVIEW, choices.Status.PUBLISHED,
                                           choices.Status.RETRACTED)
WORKFLOW_PERMISSIONS = {"publish_incident", "retract_incident", "grade_incident", "merge_incident"}


def workflow_url(incident, step):
    return reverse("admin:incidents_incident_workflow", args=[incident.pk, step])


def status_of(incident):
    return Incident.objects.values_list("status", flat=True).get(pk=incident.pk)


@pytest.fixture
def second_reviewer(db):
    user = get_user_model().objects.create_user("reviewer2", "reviewer2@example.org", "pw-reviewer2-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewer"))
    return user


# The roles are groups made by a migration.


def test_groups_exist_with_their_rights(db):
    editor, reviewer, administrator = (set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
                                       for name in ("Editor", "Reviewer", "Administrator"))

    assert {"add_incident", "change_incident", "add_report", "add_casualtyfigure", "add_officialstatement"} <= editor
    assert not editor & WORKFLOW_PERMISSIONS
    assert "add_incidentalias" not in editor
    assert reviewer == editor | WORKFLOW_PERMISSIONS | {"merge_source", "merge_actor"}
    assert reviewer < administrator
    assert {"change_user", "change_group"} <= administrator


# The service: each step, by whom.


@pytest.mark.parametrize(("step", "source", "target", "reason"), [
    ("submit", DRAFT, IN_REVIEW, ""),
    ("return_to_draft", IN_REVIEW, DRAFT, ""),
])
def test_editor_may_submit_and_return_to_draft(editor, step, source, target, reason):
    incident = factories.IncidentFactory(status=source)

    workflow.transition_incident(incident=incident, name=step, user=editor, reason=reason)

    assert status_of(incident) == target


@pytest.mark.parametrize(("step", "source"), [
    ("publish", IN_REVIEW),
    ("retract", PUBLISHED),
    ("restore", RETRACTED),
])
def test_editor_may_not_publish_retract_or_restore(editor, step, source):
    incident = factories.IncidentFactory(status=source, retraction_reason="Duplicate" if source == RETRACTED else "")

    with pytest.raises(workflow.TransitionRefused, match="ask a reviewer"):
        workflow.transition_incident(incident=incident, name=step, user=editor, reason="Because")

    assert status_of(incident) == source


@pytest.mark.parametrize(("step", "source", "target"), [
    ("submit", DRAFT, IN_REVIEW),
    ("return_to_draft", IN_REVIEW, DRAFT),
    ("publish", IN_REVIEW, PUBLISHED),
    ("retract", PUBLISHED, RETRACTED),
    ("restore", RETRACTED, PUBLISHED),
])
def test_reviewer_may_take_every_step(reviewer, step, source, target):
    incident = factories.IncidentFactory(status=source, retraction_reason="Duplicate" if source == RETRACTED else "")

    workflow.transition_incident(incident=incident, name=step, user=reviewer, reason="Reviewed")

    assert status_of(incident) == target


@pytest.mark.parametrize(("step", "source"), [
    ("publish", DRAFT),  # a draft is reviewed first
    ("submit", PUBLISHED),
    ("retract", DRAFT),
    ("retract", IN_REVIEW),
    ("restore", PUBLISHED),
    ("return_to_draft", PUBLISHED),
])
def test_steps_that_do_not_apply_to_the_status_are_refused(reviewer, step, source):
    incident = factories.IncidentFactory(status=source)

    with pytest.raises(workflow.TransitionRefused, match="applies only to"):
        workflow.transition_incident(incident=incident, name=step, user=reviewer, reason="Because")

    assert status_of(incident) == source


def test_unknown_step_is_refused(reviewer):
    with pytest.raises(workflow.TransitionRefused):
        workflow.transition_incident(incident=factories.IncidentFactory(), name="delete", user=reviewer)


def test_retraction_needs_a_public_reason(reviewer, published_incident):
    with pytest.raises(workflow.TransitionRefused, match="public reason"):
        workflow.transition_incident(incident=published_incident, name="retract", user=reviewer, reason="   ")

    assert status_of(published_incident) == PUBLISHED


def test_publication_sets_published_at_once_and_records_who_and_why(editor, reviewer):
    incident = factories.IncidentFactory()
    workflow.transition_incident(incident=incident, name="submit", user=editor)

    published = workflow.transition_incident(incident=incident, name="publish", user=reviewer)
    first_published = published.published_at
    workflow.transition_incident(incident=incident, name="retract", user=reviewer, reason="Same event as CT-000001.")
    retracted = Incident.objects.get(pk=incident.pk)
    restored = workflow.transition_incident(incident=incident, name="restore", user=reviewer)

    assert first_published is not None
    assert restored.published_at == first_published
    assert retracted.retraction_reason == "Same event as CT-000001."
    assert restored.retraction_reason == ""
    steps = list(incident.history.order_by("history_date", "history_id").values_list("status", "history_user__username",
                                                                                       "history_change_reason"))
    assert steps[-4:] == [
        (IN_REVIEW, "editor", "Workflow: submitted for review"),
        (PUBLISHED, "reviewer", "Workflow: published"),
        (RETRACTED, "reviewer", "Workflow: retracted: Same event as CT-000001."),
        (PUBLISHED, "reviewer", "Workflow: restored to publication"),
    ]


def test_steps_do_not_count_as_edits(editor, reviewer):
    incident = factories.IncidentFactory(status=IN_REVIEW)
    incident.title = "Edited"
    incident._history_user = editor
    incident.save()

    workflow.transition_incident(incident=incident, name="return_to_draft", user=reviewer)

    assert workflow.last_editor_id(incident) == editor.pk


# Four-eyes.


def test_four_eyes_refuses_the_last_editor(settings, reviewer, second_reviewer):
    settings.CASUALTYTRACKER_FOUR_EYES = True
    incident = factories.IncidentFactory(status=IN_REVIEW)
    factories.FigureFactory(incident=incident)
    figure = incident.figures.get()
    figure.count_min = figure.count_max = 12
    figure._history_user = reviewer
    figure.save()

    with pytest.raises(workflow.TransitionRefused, match="Four-eyes"):
        workflow.transition_incident(incident=incident, name="publish", user=reviewer)
    workflow.transition_incident(incident=incident, name="publish", user=second_reviewer)

    assert status_of(incident) == PUBLISHED


def test_without_four_eyes_the_last_editor_may_publish(settings, reviewer):
    settings.CASUALTYTRACKER_FOUR_EYES = False
    incident = factories.IncidentFactory(status=IN_REVIEW)
    incident._history_user = reviewer
    incident.save()

    workflow.transition_incident(incident=incident, name="publish", user=reviewer)

    assert status_of(incident) == PUBLISHED


def test_four_eyes_through_the_admin(settings, reviewer_client):
    settings.CASUALTYTRACKER_FOUR_EYES = True
    incident = factories.IncidentFactory(status=IN_REVIEW)
    data = form_data(reviewer_client.get(incident_change_url(incident)))
    data["title"] = "Checked and corrected"
    assert reviewer_client.post(incident_change_url(incident), data).status_code == 302

    response = reviewer_client.post(workflow_url(incident, "publish"), {"reason": ""}, follow=True)

    assert "Four-eyes rule" in response.content.decode()
    assert status_of(incident) == IN_REVIEW


# The admin: what an editor sees and cannot do, even with a crafted request.


def test_editor_sees_submit_but_no_publish_button(editor_client):
    incident = factories.IncidentFactory()

    content = editor_client.get(incident_change_url(incident)).content.decode()

    assert workflow_url(incident, "submit") in content
    assert workflow_url(incident, "publish") not in content


def test_editor_sees_no_publish_retract_or_restore_action(editor_client):
    factories.IncidentFactory()

    actions = editor_client.get(reverse("admin:incidents_incident_changelist")).context["action_form"].fields["action"].choices

    names = {name for name, _label in actions}
    assert {"workflow_submit", "workflow_return_to_draft"} <= names
    assert not names & {"workflow_publish", "workflow_retract", "workflow_restore"}


def test_reviewer_sees_publish_button_on_an_incident_in_review(reviewer_client):
    incident = factories.IncidentFactory(status=IN_REVIEW)

    content = reviewer_client.get(incident_change_url(incident)).content.decode()

    assert workflow_url(incident, "publish") in content
    assert workflow_url(incident, "return_to_draft") in content
    assert workflow_url(incident, "retract") not in content


def test_editor_crafted_post_to_publish_is_forbidden(editor_client):
    incident = factories.IncidentFactory(status=IN_REVIEW)

    response = editor_client.post(workflow_url(incident, "publish"), {"reason": ""})

    assert response.status_code == 403
    assert status_of(incident) == IN_REVIEW


@pytest.mark.parametrize(("step", "source"), [("retract", PUBLISHED), ("restore", RETRACTED)])
def test_editor_crafted_post_to_retract_or_restore_is_forbidden(editor_client, step, source):
    incident = factories.IncidentFactory(status=source, retraction_reason="Duplicate" if source == RETRACTED else "")

    response = editor_client.post(workflow_url(incident, step), {"reason": "I say so"})

    assert response.status_code == 403
    assert status_of(incident) == source


def test_editor_crafted_publish_action_changes_nothing(editor_client):
    incident = factories.IncidentFactory(status=IN_REVIEW)

    editor_client.post(reverse("admin:incidents_incident_changelist"), {
        "action": "workflow_publish", "_selected_action": [incident.pk], "index": 0,
    })

    assert status_of(incident) == IN_REVIEW


def test_editor_cannot_publish_or_grade_by_editing_the_form(editor_client):
    incident = factories.IncidentFactory(status=IN_REVIEW)
    data = form_data(editor_client.get(incident_change_url(incident)))
    assert "status" not in data and "grade" not in data
    data.update({"status": "published", "grade": "confirmed", "retraction_reason": "x", "title": "Edited by the editor"})

    response = editor_client.post(incident_change_url(incident), data)

    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.title, incident.status, incident.grade, incident.published_at) == ("Edited by the editor", IN_REVIEW, "", None)


def test_new_incident_is_always_a_draft(editor_client):
    data = form_data(editor_client.get(reverse("admin:incidents_incident_add")))
    data.update({"title": "Strike on a market", "date_start": "2017-03-17", "date_precision": "day",
                 "geo_precision": "town", "event_type": "airstrike", "status": "published", "grade": "fair"})

    response = editor_client.post(reverse("admin:incidents_incident_add"), data)

    assert response.status_code == 302
    assert Incident.objects.values_list("status", "grade").get() == (DRAFT, "")


def test_reverting_to_a_published_version_does_not_publish(editor_client, reviewer):
    incident = factories.IncidentFactory(status=IN_REVIEW)
    workflow.transition_incident(incident=incident, name="publish", user=reviewer)
    published_version = incident.history.latest()
    workflow.transition_incident(incident=incident, name="retract", user=reviewer, reason="Not a civilian-harm incident.")
    url = reverse("admin:incidents_incident_simple_history", args=[incident.pk, published_version.history_id])

    response = editor_client.post(url, form_data(editor_client.get(url)))

    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.status, incident.retraction_reason) == (RETRACTED, "Not a civilian-harm incident.")


def test_editor_submits_with_the_button(editor_client, editor):
    incident = factories.IncidentFactory()

    page = editor_client.get(workflow_url(incident, "submit"))
    response = editor_client.post(workflow_url(incident, "submit"), {"reason": "Ready"})

    assert page.status_code == 200
    assert response.status_code == 302
    assert status_of(incident) == IN_REVIEW
    assert incident.history.latest().history_user == editor


def test_editor_submits_several_with_the_action(editor_client):
    drafts = factories.IncidentFactory.create_batch(2)
    published = factories.IncidentFactory(status=PUBLISHED)

    response = editor_client.post(reverse("admin:incidents_incident_changelist"), {
        "action": "workflow_submit", "_selected_action": [d.pk for d in drafts] + [published.pk], "index": 0,
    }, follow=True)

    assert [status_of(d) for d in drafts] == [IN_REVIEW, IN_REVIEW]
    assert status_of(published) == PUBLISHED
    assert "applies only to draft incidents" in response.content.decode()


# The admin: a reviewer's steps.


def test_reviewer_publishes_and_the_incident_becomes_public(reviewer_client, client):
    incident = factories.IncidentFactory(status=IN_REVIEW)
    assert client.get(incident.get_absolute_url()).status_code == 404

    response = reviewer_client.post(workflow_url(incident, "publish"), {"reason": ""})

    assert response.status_code == 302
    assert status_of(incident) == PUBLISHED
    assert client.get(incident.get_absolute_url()).status_code == 200


def test_reviewer_retraction_without_reason_is_asked_again(reviewer_client, published_incident):
    response = reviewer_client.post(workflow_url(published_incident, "retract"), {"reason": ""})

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert status_of(published_incident) == PUBLISHED


def test_reviewer_retracts_with_a_public_reason(reviewer_client, client, published_incident):
    response = reviewer_client.post(workflow_url(published_incident, "retract"), {"reason": "Duplicate of CT-000042."})

    assert response.status_code == 302
    assert status_of(published_incident) == RETRACTED
    assert "Duplicate of CT-000042." in client.get(published_incident.get_absolute_url()).content.decode()


def test_reviewer_retracts_from_the_list_after_giving_a_reason(reviewer_client, published_incident):
    url = reverse("admin:incidents_incident_changelist")
    selection = {"action": "workflow_retract", "_selected_action": [published_incident.pk], "index": 0}

    asked = reviewer_client.post(url, selection)
    refused = reviewer_client.post(url, {**selection, "confirm": "yes", "reason": ""})
    done = reviewer_client.post(url, {**selection, "confirm": "yes", "reason": "Not in the conflict area."})

    assert asked.status_code == 200 and "give a reason" in asked.content.decode()
    assert refused.status_code == 200
    assert done.status_code == 302
    published_incident.refresh_from_db()
    assert (published_incident.status, published_incident.retraction_reason) == (RETRACTED, "Not in the conflict area.")


def test_reviewer_grades_in_the_form(reviewer_client):
    incident = factories.IncidentFactory()
    data = form_data(reviewer_client.get(incident_change_url(incident)))
    data["grade"] = "fair"

    assert reviewer_client.post(incident_change_url(incident), data).status_code == 302

    incident.refresh_from_db()
    assert incident.grade == "fair"


def test_nobody_deletes_a_retracted_incident(reviewer_client):
    incident = factories.IncidentFactory(status=RETRACTED, retraction_reason="Duplicate")

    response = reviewer_client.post(reverse("admin:incidents_incident_delete", args=[incident.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Incident.objects.filter(pk=incident.pk).exists()


def aggregate_workflow_url(claim, step):
    return reverse("admin:incidents_aggregateclaim_workflow", args=[claim.pk, step])


def test_editor_cannot_publish_an_aggregate_claim(editor_client):
    claim = factories.AggregateClaimFactory()
    url = reverse("admin:incidents_aggregateclaim_change", args=[claim.pk])
    data = form_data(editor_client.get(url))
    assert "status" not in data
    data["status"] = "published"

    assert editor_client.post(url, data).status_code == 302
    claim.refresh_from_db()
    assert claim.status == DRAFT

    # Submitting is the editor's step; publishing, even by a crafted POST to the step's address, is not.
    editor_client.post(aggregate_workflow_url(claim, "submit"))
    claim.refresh_from_db()
    assert claim.status == IN_REVIEW
    response = editor_client.post(aggregate_workflow_url(claim, "publish"), follow=True)
    assert "You may not publish aggregate claims" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == IN_REVIEW
    with pytest.raises(workflow.TransitionRefused):
        workflow.transition_aggregate_claim(claim=claim, name="publish", user=response.wsgi_request.user)


def test_reviewer_publishes_an_aggregate_claim_after_review(reviewer_client):
    claim = factories.AggregateClaimFactory()
    url = reverse("admin:incidents_aggregateclaim_change", args=[claim.pk])
    data = form_data(reviewer_client.get(url))
    data["status"] = "published"
    assert reviewer_client.post(url, data).status_code == 302
    claim.refresh_from_db()
    assert claim.status == DRAFT  # the form never writes the status, a reviewer's neither

    # A draft is not published straight away: it is submitted, then published.
    reviewer_client.post(aggregate_workflow_url(claim, "publish"))
    claim.refresh_from_db()
    assert claim.status == DRAFT
    page = reviewer_client.get(url).content.decode()
    assert "workflow-submit" in page and "workflow-publish" not in page
    assert reviewer_client.get(aggregate_workflow_url(claim, "submit")).status_code == 405
    reviewer_client.post(aggregate_workflow_url(claim, "submit"))
    reviewer_client.post(aggregate_workflow_url(claim, "publish"))

    claim.refresh_from_db()
    assert claim.status == PUBLISHED
    reasons = list(claim.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons[-2:] == ["Workflow: submitted for review", "Workflow: published"]


def test_aggregate_claims_published_from_the_list_only_in_review(reviewer_client):
    waiting, draft = factories.AggregateClaimFactory(status=IN_REVIEW), factories.AggregateClaimFactory()

    reviewer_client.post(reverse("admin:incidents_aggregateclaim_changelist"), {
        "action": "aggregate_workflow_publish", "_selected_action": [waiting.pk, draft.pk],
    })

    waiting.refresh_from_db()
    draft.refresh_from_db()
    assert (waiting.status, draft.status) == (PUBLISHED, DRAFT)


def test_demo_accounts_are_members_of_their_role(db, settings):
    from django.core.management import call_command

    settings.DEMO_ACCOUNTS = True
    call_command("load_demo", skip_ucdp=True)

    users = {user.username: user for user in get_user_model().objects.filter(username__in=["editor", "reviewer"])}
    assert list(users["editor"].groups.values_list("name", flat=True)) == ["Editor"]
    assert list(users["reviewer"].groups.values_list("name", flat=True)) == ["Reviewer"]
    assert not users["editor"].user_permissions.exists()
    assert not users["editor"].has_perm("incidents.publish_incident")
    assert users["reviewer"].has_perm("incidents.publish_incident")
