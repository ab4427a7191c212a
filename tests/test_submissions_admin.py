"""The moderation queue: contact details for reviewers only, erasable; a submission becomes a report (and draft
incident) in one step, or is closed with a reason; nothing a submitter wrote becomes markup in the admin."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from incidents.models import Incident, IncidentReport, Revision
from sources.models import Report
from submissions import services
from submissions.models import Kind, Submission, SubmissionStatus
from tests import factories

pytestmark = pytest.mark.django_db

NAME, CONTACT = "Zaynab Contactname", "zaynab.private@example.org"


@pytest.fixture
def submission():
    return services.record_submission(
        kind=Kind.NEW_INCIDENT, what="A strike hit the bakery on Nineveh street.\nThree dead.", where="Mosul, Nineveh street",
        when="2017-03-17 at night", links=["https://news.example.org/bakery?utm_source=x", "https://example.net/video"],
        contact_name=NAME, contact=CONTACT, language="en",
    )


def change_url(obj):
    return reverse("admin:submissions_submission_change", args=[obj.pk])


LIST = reverse("admin:submissions_submission_changelist")


# Contact details: reviewers only

def test_an_editor_sees_the_contact_masked_in_the_list_and_on_the_page(editor_client, submission):
    for url in (LIST, change_url(submission), LIST + "?q=" + submission.reference):
        response = editor_client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert NAME not in page and CONTACT not in page and "zaynab" not in page.lower(), url
        assert "given (visible to reviewers only)" in page, url


def test_an_editor_cannot_find_a_submission_by_its_contact(editor_client, reviewer_client, submission):
    for client in (editor_client, reviewer_client):
        page = client.get(LIST + "?q=zaynab").content.decode()
        assert submission.reference not in page


def test_a_reviewer_sees_the_contact(reviewer_client, submission):
    for url in (LIST, change_url(submission)):
        page = reviewer_client.get(url).content.decode()
        assert NAME in page and CONTACT in page, url
        assert "visible to reviewers only" not in page


def test_an_editor_cannot_read_the_contact_through_the_form_or_the_history(editor_client, submission):
    page = editor_client.get(change_url(submission)).content.decode()
    assert 'name="contact"' not in page and 'name="contact_name"' not in page
    editor_client.post(change_url(submission), {"notes": "checked", "contact": "changed", "contact_name": "changed"})
    submission.refresh_from_db()
    assert (submission.notes, submission.contact, submission.contact_name) == ("checked", CONTACT, NAME)
    history = editor_client.get(reverse("admin:submissions_submission_history", args=[submission.pk])).content.decode()
    assert NAME not in history and CONTACT not in history


def test_someone_outside_the_editors_sees_no_queue(client, django_user_model, submission):
    outsider = django_user_model.objects.create_user("outsider", "o@example.org", "pw-outsider-123", is_staff=True)
    client.force_login(outsider)
    assert client.get(LIST).status_code == 403
    assert client.get(change_url(submission)).status_code == 403


def test_no_one_adds_a_submission_in_the_admin(reviewer_client):
    assert reviewer_client.get(reverse("admin:submissions_submission_add")).status_code == 403


# Erasing the contact on request

def test_erasing_the_contact_clears_it_and_records_who_and_when(editor_client, editor, submission):
    url = reverse("admin:submissions_submission_erase_contact", args=[submission.pk])
    assert "Erase contact details" in editor_client.get(url).content.decode()
    submission.refresh_from_db()
    assert submission.contact == CONTACT  # a GET erases nothing
    response = editor_client.post(url)
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.contact_name, submission.contact) == ("", "")
    assert submission.contact_erased_by == editor and submission.contact_erased_at is not None
    assert submission.what.startswith("A strike hit the bakery")  # the submission stays
    assert LogEntry.objects.filter(object_id=str(submission.pk), change_message="Erased the contact details").exists()
    for entry in LogEntry.objects.all():
        assert NAME not in entry.object_repr + entry.change_message and CONTACT not in entry.object_repr + entry.change_message
    page = editor_client.get(change_url(submission)).content.decode()
    assert "contact erased" in page.lower() and "editor" in page


def test_the_erase_action_erases_several(reviewer_client, reviewer, submission):
    other = services.record_submission(kind=Kind.NEW_INCIDENT, what="another", contact="+44 20 7946 0000")
    bare = services.record_submission(kind=Kind.NEW_INCIDENT, what="no contact")
    response = reviewer_client.post(LIST, {"action": "erase_contact_action", "_selected_action": [submission.pk, other.pk, bare.pk]})
    assert response.status_code == 302
    assert not Submission.objects.exclude(contact="", contact_name="").exists()
    assert set(Submission.objects.filter(contact_erased_by=reviewer).values_list("pk", flat=True)) == {submission.pk, other.pk}
    page = reviewer_client.get(LIST).content.decode()
    assert CONTACT not in page and "+44 20 7946 0000" not in page


def test_the_erased_contact_is_kept_nowhere_in_the_database(reviewer, submission):
    from django.db import connection

    services.erase_contact(submission=submission, user=reviewer)
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            columns = [col.name for col in connection.introspection.get_table_description(cursor, table)]
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from the database itself)
            text = repr(cursor.fetchall())
            assert NAME not in text and CONTACT not in text, (table, columns)


def test_the_database_refuses_an_erased_submission_with_contact(reviewer, submission):
    from django.db import IntegrityError, transaction

    services.erase_contact(submission=submission, user=reviewer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(contact="back again")


# One step: a report (and a draft incident)

def convert_data(source, **extra):
    return {"source": source.pk, "report_title": "Bakery strike, witness video", "report_url": "https://news.example.org/bakery",
            "report_kind": "article", "report_published_on": "2017-03-18", "incident_code": "", "incident_title": "Strike on a bakery, Mosul",
            "date_start": "2017-03-17", "date_precision": "day", "country": "iq", **extra}


def test_a_possible_incident_becomes_a_report_and_a_draft_incident_in_one_step(editor_client, editor, submission):
    source = factories.SourceFactory(name="News Example")
    url = reverse("admin:submissions_submission_convert", args=[submission.pk])
    form = editor_client.get(url)
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["report_url"] == "https://news.example.org/bakery?utm_source=x"
    assert initial["date_start"] == datetime.date(2017, 3, 17)
    response = editor_client.post(url, convert_data(source))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.CONVERTED and submission.decided_by == editor and submission.decided_at
    report, incident = submission.report, submission.result_incident
    assert report.source == source and report.url == "https://news.example.org/bakery" and report.title == "Bakery strike, witness video"
    assert submission.reference in report.notes and "Three dead." in report.notes
    assert NAME not in report.notes and CONTACT not in report.notes
    assert incident.status == "draft" and incident.title == "Strike on a bakery, Mosul" and incident.country == "IQ"
    assert incident.date_start == datetime.date(2017, 3, 17) and incident.created_by == editor
    assert IncidentReport.objects.filter(incident=incident, report=report).exists()
    assert incident.history.first().history_user == editor
    page = editor_client.get(change_url(submission)).content.decode()
    assert reverse("admin:sources_report_change", args=[report.pk]) in page
    assert reverse("admin:incidents_incident_change", args=[incident.pk]) in page
    assert "Turn into a report" not in page  # decided: no more buttons


def test_an_address_already_recorded_reuses_its_report(editor, submission):
    existing = factories.ReportFactory(url="https://news.example.org/bakery/")
    done = services.convert_submission(
        submission=submission, user=editor,
        report=services.NewReport(source=existing.source, title="ignored", url="http://NEWS.example.org/bakery?utm_medium=y"),
        new_incident=services.NewIncident(title="Bakery", date_start=datetime.date(2017, 3, 17)),
    )
    assert done.report == existing and not done.report_created and Report.objects.count() == 1
    assert IncidentReport.objects.filter(incident=done.incident, report=existing).exists()


def test_a_correction_links_its_report_to_the_published_record(reviewer_client, reviewer):
    incident = factories.IncidentFactory(status="published")
    correction = services.record_submission(kind=Kind.CORRECTION, what="The date is the 18th.", incident=incident)
    source = factories.SourceFactory(kind="community")
    url = reverse("admin:submissions_submission_convert", args=[correction.pk])
    assert reviewer_client.get(url).context["form"].initial["incident_code"] == incident.code
    response = reviewer_client.post(url, convert_data(source, report_url="", incident_code=incident.code, incident_title="", date_start=""))
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.result_incident == incident and correction.report.url == "" and not correction.link_waits_for_review
    assert IncidentReport.objects.filter(incident=incident, report=correction.report).exists()
    assert Incident.objects.count() == 1


def test_an_editors_link_to_a_published_record_waits_for_a_reviewer(editor):
    incident = factories.IncidentFactory(status="published")
    correction = services.record_submission(kind=Kind.CORRECTION, what="Another source names the victims.", incident=incident)
    done = services.convert_submission(submission=correction, user=editor, incident=incident,
                                       report=services.NewReport(source=factories.SourceFactory(), title="Victims named"))
    assert done.waits_for_review and correction.__class__.objects.get(pk=correction.pk).link_waits_for_review
    assert not IncidentReport.objects.filter(incident=incident).exists()
    assert Revision.objects.filter(incident=incident, author=editor, state=Revision.State.PENDING).exists()


def test_the_convert_form_needs_an_incident_or_a_new_ones_title_and_date(editor_client, submission):
    source = factories.SourceFactory()
    url = reverse("admin:submissions_submission_convert", args=[submission.pk])
    response = editor_client.post(url, convert_data(source, incident_title="", date_start=""))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"incident_title", "date_start"}
    response = editor_client.post(url, convert_data(source, incident_code="CT-999999"))
    assert response.context["form"].errors["incident_code"]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.NEW and not Report.objects.exists() and not Incident.objects.exists()


def test_a_decided_submission_is_not_converted_twice(editor, submission):
    services.close_submission(submission=submission, user=editor, reason="spam")
    with pytest.raises(Exception, match="already"):
        services.convert_submission(submission=submission, user=editor,
                                    report=services.NewReport(source=factories.SourceFactory(), title="x"),
                                    new_incident=services.NewIncident(title="x", date_start=datetime.date(2017, 1, 1)))
    assert not Report.objects.exists()


# Closing needs a reason

def test_closing_needs_a_reason(editor_client, editor, submission):
    url = reverse("admin:submissions_submission_close", args=[submission.pk])
    response = editor_client.post(url, {"reason": "   "})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.NEW
    assert editor_client.post(url, {"reason": "Out of scope: not a civilian-harm incident."}).status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.CLOSED and submission.close_reason.startswith("Out of scope")
    assert submission.decided_by == editor and submission.decided_at


def test_the_database_refuses_a_closed_submission_without_a_reason(submission):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(status="closed", close_reason="", decided_at=timezone.now())


# Plain text only

def test_submitted_markup_is_plain_text_in_the_admin(reviewer_client):
    hostile = services.record_submission(
        kind=Kind.NEW_INCIDENT, what='<script>alert("what")</script>', where="<b>where</b>", when="<i>when</i>",
        links=["https://example.org/?q=<script>x</script>"], contact_name="<img src=x onerror=alert(1)>",
    )
    hostile.notes = ""
    for url in (LIST, change_url(hostile)):
        page = reviewer_client.get(url).content.decode()
        assert '<script>alert("what")' not in page and "<b>where</b>" not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page
    page = reviewer_client.get(change_url(hostile)).content.decode()
    assert 'href="https://example.org/?q=' not in page  # links are text, not links


# Scale: the queue reads a fixed number of queries whatever its length

def test_the_queue_list_takes_a_fixed_number_of_queries(reviewer_client, reviewer, django_assert_max_num_queries):
    incident = factories.IncidentFactory(status="published")
    for number in range(30):
        done = services.record_submission(kind=Kind.CORRECTION, what=f"number {number}", incident=incident, contact="x")
        if number % 3 == 0:
            services.close_submission(submission=done, user=reviewer, reason="duplicate")
    with django_assert_max_num_queries(12):
        assert reviewer_client.get(LIST).status_code == 200
    with django_assert_max_num_queries(12):
        assert reviewer_client.get(LIST + "?status=closed").status_code == 200
