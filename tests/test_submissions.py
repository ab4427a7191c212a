"""/submit/: the public form for possible incidents and corrections — stored, referenced, limited, never a 500."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from submissions import services
from submissions.models import Kind, Submission, SubmissionStatus
from tests import factories

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"S-\d{8}-[2-9A-HJ-NP-Z]{8}")


def post(client, **fields):
    data = {"kind": "new_incident", "what": "A strike on the market, three dead.", "where": "Mosul", "when": "2017-03-17",
            "links": "https://example.org/story\nhttp://example.net/post?id=1", "contact_name": "", "contact": "",
            "website": "", **fields}
    return client.post(reverse("submission"), data)


def reference_on(response) -> str:
    found = REFERENCE.findall(response.content.decode())
    assert found, "no reference number on the page"
    return found[0]


def test_the_form_renders_with_csrf_and_a_hidden_honeypot(client):
    response = client.get(reverse("submission"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'class="submit-hp" aria-hidden="true"' in page and 'name="website"' in page and 'tabindex="-1"' in page
    assert 'enctype="multipart/form-data"' not in page and 'type="file"' not in page
    assert "<script" not in page.split("<main", 1)[1]


def test_a_submission_is_stored_and_its_reference_shown_once_sent(client):
    response = post(client, contact_name="Amina", contact="amina@example.org")
    assert response.status_code == 302 and response["Location"] == reverse("submission_thanks")
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.NEW and submission.kind == Kind.NEW_INCIDENT
    assert submission.link_list == ["https://example.org/story", "http://example.net/post?id=1"]
    assert (submission.contact_name, submission.contact, submission.language) == ("Amina", "amina@example.org", "en")
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert reference_on(thanks) == submission.reference
    assert REFERENCE.fullmatch(submission.reference)


def test_references_are_unique_and_not_a_count(client):
    for number in range(6):
        assert post(client, what=f"Report number {number}").status_code == 302
    references = list(Submission.objects.values_list("reference", flat=True))
    assert len(set(references)) == 6
    assert len({reference.rsplit("-", 1)[1] for reference in references}) == 6
    drawn = {services.new_reference() for _ in range(2000)}
    assert len(drawn) == 2000


def test_a_reference_drawn_twice_is_drawn_again(monkeypatch):
    first = services.record_submission(kind=Kind.NEW_INCIDENT, what="first")
    drawn = iter([first.reference, "S-20990101-ABCDEFGH"])
    monkeypatch.setattr(services, "new_reference", lambda day=None: next(drawn))
    second = services.record_submission(kind=Kind.NEW_INCIDENT, what="second")
    assert second.reference == "S-20990101-ABCDEFGH" and Submission.objects.count() == 2


def test_the_reference_looks_up_nothing_publicly(client):
    post(client)
    reference = Submission.objects.get().reference
    for url in (f"/submit/{reference}/", f"/incidents/{reference}/", f"/api/v1/incidents/{reference}/"):
        assert Client().get(url).status_code == 404, url
    for url in (f"/incidents/?q={reference}", f"/api/v1/incidents/?q={reference}", f"/submit/thanks/?reference={reference}"):
        page = Client().get(url).content.decode()
        assert "A strike on the market" not in page and "Its reference number is" not in page, url


def test_the_honeypot_filled_stores_nothing_and_looks_accepted(client):
    response = post(client, website="http://spam.example/")
    assert response.status_code == 302 and response["Location"] == reverse("submission_thanks")
    assert not Submission.objects.exists()
    thanks = client.get(response["Location"])
    assert reference_on(thanks)
    # The same page as a real submission's, number aside.
    real = Client()
    post(real)
    real_page = real.get(reverse("submission_thanks")).content.decode()
    assert REFERENCE.sub("REF", thanks.content.decode()) == REFERENCE.sub("REF", real_page)


def test_the_honeypot_drops_even_an_invalid_post(client):
    response = post(client, website="x", what="", links="javascript:alert(1)")
    assert response.status_code == 302 and not Submission.objects.exists()


@pytest.mark.parametrize(("field", "size"), [("what", 5000), ("where", 300), ("when", 200), ("contact_name", 200), ("contact", 300)])
def test_an_overlong_field_is_a_form_error(client, field, size):
    response = post(client, **{field: "x" * (size + 1)})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert "Please correct the fields marked below." in response.content.decode()
    assert not Submission.objects.exists()
    assert post(client, **{field: "x" * size}).status_code == 302


@pytest.mark.parametrize("links", [
    "javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://example.org/file", "example.org/no-scheme", "https://",
    "http://" + "a" * 2000 + ".org", "\n".join(f"https://example.org/{n}" for n in range(11)),
])
def test_bad_links_are_form_errors(client, links):
    response = post(client, links=links)
    assert response.status_code == 200
    assert response.context["form"].errors["links"]
    assert not Submission.objects.exists()


def test_ten_links_are_accepted(client):
    assert post(client, links="\n".join(f"https://example.org/{n}" for n in range(10))).status_code == 302
    assert len(Submission.objects.get().link_list) == 10


@pytest.mark.parametrize("data", [
    {}, {"kind": "other"}, {"what": ""}, {"what": "   "}, {"kind": ["a", "b"]}, {"what": "\x00"}, {"incident": "x" * 500},
])
def test_hostile_posts_never_fail(client, data):
    response = client.post(reverse("submission"), data)
    assert response.status_code in (200, 302)


def test_the_database_refuses_overlong_text_too():
    from django.db import DataError, IntegrityError, transaction

    submission = services.record_submission(kind=Kind.NEW_INCIDENT, what="ok")
    # PostgreSQL's varchar refuses it (DataError), SQLite's length CHECK too (IntegrityError).
    with pytest.raises((DataError, IntegrityError)), transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(what="x" * 5001)


def test_submitted_markup_is_shown_as_text(client):
    post(client, what='<script>alert("x")</script><b>bold</b>')
    assert Submission.objects.get().what == '<script>alert("x")</script><b>bold</b>'
    response = post(client, what='<img src=x onerror=alert(1)>', links="not a link")
    page = response.content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


# Corrections: /submit/?incident=CODE

def test_a_correction_of_a_published_record_is_prefilled(client):
    incident = factories.IncidentFactory(status="published", title="Strike on the bakery")
    response = client.get(reverse("submission") + f"?incident={incident.code}")
    page = response.content.decode()
    assert "Strike on the bakery" in page and incident.code in page
    form = response.context["form"]
    assert form.initial == {"kind": "correction", "incident": incident.code}
    post(client, kind="correction", incident=incident.code, what="The date is wrong: it was the 18th.")
    submission = Submission.objects.get()
    assert submission.kind == Kind.CORRECTION and submission.incident == incident


@pytest.mark.parametrize("status", ["draft", "in_review", "retracted"])
def test_an_unpublished_code_is_ignored_and_never_revealed(client, status):
    incident = factories.IncidentFactory(status=status, title="Secret draft title",
                                         retraction_reason="Withdrawn" if status == "retracted" else "")
    response = client.get(reverse("submission") + f"?incident={incident.code}")
    assert response.status_code == 200
    # The code shows only where the page names its own address (language links), never as a record.
    page = response.content.decode().replace(f"?incident={incident.code}", "")
    assert "Secret draft title" not in page and incident.code not in page
    assert "You are sending a correction" not in page and response.context["form"].initial == {}
    assert client.get(reverse("submission") + "?incident=CT-999999").context["form"].initial == {}
    post(client, kind="correction", incident=incident.code, what="About that record")
    assert Submission.objects.get().incident is None


def test_the_incident_page_links_to_a_correction_of_that_record(client):
    incident = factories.IncidentFactory(status="published")
    page = client.get(incident.get_absolute_url()).content.decode()
    assert f'href="/submit/?incident={incident.code}"' in page
    assert "Submit a correction" in page
    arabic = client.get("/ar" + incident.get_absolute_url()).content.decode()
    assert f'href="/ar/submit/?incident={incident.code}"' in arabic


def test_every_page_links_to_the_form(client):
    assert 'href="/submit/"' in client.get(reverse("home")).content.decode()


# Arabic

def test_the_arabic_form_is_in_arabic_and_right_to_left(client):
    response = client.get("/ar/submit/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "What happened, or what is wrong in the record" not in page and "Leave this field empty" not in page
    for words in ("الإبلاغ عن حادثة أو تصحيح", "ماذا حدث", "الروابط", "إرسال"):
        assert words in page, words
    assert 'action="/ar/submit/"' in page


def test_an_arabic_submission_thanks_in_arabic(client):
    response = client.post("/ar/submit/", {"kind": "new_incident", "what": "غارة على السوق", "links": "", "website": ""})
    assert response.status_code == 302 and response["Location"] == "/ar/submit/thanks/"
    thanks = client.get("/ar/submit/thanks/").content.decode()
    assert "شكرًا" in thanks and Submission.objects.get().reference in thanks
    assert Submission.objects.get().language == "ar"


def test_the_arabic_errors_are_in_arabic(client):
    response = client.post("/ar/submit/", {"kind": "new_incident", "what": "", "links": "javascript:x", "website": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "http://" in page and "is not a web address" not in page


# The rate limit (casualtytracker/limits.py: the SUBMISSIONS scope, URL name "submission", posts only)

@pytest.fixture
def submissions_limit(settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "submissions": "3/h"}
    cache.clear()
    yield settings
    cache.clear()


def test_posts_past_the_limit_get_429_and_reading_the_form_is_not_counted(submissions_limit):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(10):
        assert client.get(reverse("submission")).status_code == 200
    assert [post(client, what=f"number {n}").status_code for n in range(3)] == [302, 302, 302]
    limited = post(client, what="one too many")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert Submission.objects.count() == 3
    assert client.get(reverse("submission")).status_code == 200
    assert post(Client(REMOTE_ADDR="203.0.113.10")).status_code == 302  # another client has its own count
    assert client.post("/ar/submit/", {"what": "x"}).status_code == 429  # the Arabic address is the same form


def test_honeypot_posts_count_against_the_limit_too(submissions_limit):
    client = Client(REMOTE_ADDR="203.0.113.11")
    for _ in range(3):
        post(client, website="spam")
    assert post(client).status_code == 429
    assert not Submission.objects.exists()


def test_the_limit_reads_the_setting(submissions_limit):
    submissions_limit.RATE_LIMITS = {**submissions_limit.RATE_LIMITS, "submissions": "1/h"}
    client = Client(REMOTE_ADDR="203.0.113.12")
    assert post(client).status_code == 302
    assert post(client).status_code == 429
