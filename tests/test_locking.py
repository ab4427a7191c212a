"""Writers do not block each other needlessly, and never overwrite each other: codes before the insert, locks in one place."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from incidents import codes, locking
from incidents.models import Incident
from tests import factories
from tests.test_admin import form_data, incident_change_url

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and concurrent writers: PostgreSQL")
# Real transactions (committed, seen by other connections); pytest-django runs these after the others.
concurrent = pytest.mark.django_db(transaction=True)


def test_a_new_incident_is_inserted_with_its_code(db):
    with CaptureQueriesContext(connection) as queries:
        incident = factories.IncidentFactory()

    assert incident.code == codes.format_code(incident.pk)
    inserts = [query["sql"] for query in queries.captured_queries if query["sql"].startswith('INSERT INTO "incidents_incident"')]
    updates = [query["sql"] for query in queries.captured_queries if query["sql"].startswith('UPDATE "incidents_incident"')]
    assert len(inserts) == 1 and not updates
    assert incident.history.earliest().code == incident.code


def test_a_deleted_incidents_code_is_not_handed_out_again(db):
    first = factories.IncidentFactory()
    code = first.code
    first.delete()

    assert factories.IncidentFactory().code != code


def test_reserved_ids_are_not_handed_out_again(db):
    with transaction.atomic():
        reserved = codes.reserve_ids(Incident, 3)
    assert reserved == sorted(reserved) and len(set(reserved)) == 3

    assert factories.IncidentFactory().pk > max(reserved)


@concurrent
def test_a_lock_outside_a_transaction_is_refused():
    incident = factories.IncidentFactory()

    with pytest.raises(transaction.TransactionManagementError):
        locking.lock_rows(Incident, [incident.pk])


def test_rows_are_locked_in_id_order(db):
    incidents = [factories.IncidentFactory() for _ in range(3)]

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locked = locking.lock_rows(Incident, [incident.pk for incident in reversed(incidents)])

    assert list(locked) == sorted(incident.pk for incident in incidents)
    select = next(query["sql"] for query in queries.captured_queries if "incidents_incident" in query["sql"])
    assert '"incidents_incident"."id" ASC' in select
    if connection.vendor == "postgresql":  # SQLite has no row locks: its writers queue at BEGIN IMMEDIATE
        assert select.rstrip().endswith("FOR UPDATE")


def test_a_stale_version_is_refused_inside_the_transaction(db):
    incident = factories.IncidentFactory()

    with transaction.atomic():
        locking.check_version(Incident, incident.pk, incident.version)
        with pytest.raises(locking.StaleEdit) as stale:
            locking.check_version(Incident, incident.pk, incident.version - 1)
    assert stale.value.current == incident.version


def _in_thread(target, *args):
    """Run `target` in a thread with its own database connection; return (thread, result holder)."""
    result = {}

    def run():
        try:
            result["value"] = target(*args)
        except Exception as error:  # reported to the test, which asserts on it
            result["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


@postgres_only
@concurrent
def test_two_editors_creating_incidents_do_not_wait_on_each_other():
    first_inserted, release_first = threading.Event(), threading.Event()

    def create_and_hold():
        with transaction.atomic():
            incident = Incident.objects.create(title="Strike entered by the first editor", date_start="2017-03-17", country="IQ")
            first_inserted.set()
            release_first.wait(timeout=30)
        return incident.code

    thread, first = _in_thread(create_and_hold)
    assert first_inserted.wait(timeout=30)
    try:
        # The first editor's transaction is still open. A wait for any of its locks fails at once here.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
            second = Incident.objects.create(title="Strike entered by the second editor", date_start="2017-03-18", country="IQ")
    finally:
        release_first.set()
        thread.join(timeout=30)

    assert "error" not in first
    assert second.code and second.code != first["value"]
    assert Incident.objects.count() == 2


@postgres_only
@concurrent
def test_of_two_truly_concurrent_saves_one_is_refused(monkeypatch):
    """Two people press save at the same moment on the same open incident: one save lands, the other is refused.

    The first save pauses inside its transaction, just after its version check, while the second save starts and
    makes its own check; the first goes on once the second has checked, or after a second at most. With the row
    lock, the second check waits for the first save to commit and sees its new version; without the lock both
    checks would pass and the first edit would be silently overwritten.
    """
    incident = factories.IncidentFactory(title="Strike in Mosul", summary="")
    clients = {}
    for name in ("first", "second"):
        # Superusers: a flush by an earlier transactional test removes the groups the migrations create.
        user = get_user_model().objects.create_superuser(f"{name}-user", f"{name}@example.org", "pw-concurrent-123")
        clients[name] = Client()
        clients[name].force_login(user)
    url = incident_change_url(incident)
    data = {name: form_data(client.get(url)) for name, client in clients.items()}
    data["first"]["title"] = "Airstrike on Mosul al-Jadida"
    data["second"]["summary"] = "Residents say more than 100 people were killed."

    first_checked, second_checked = threading.Event(), threading.Event()
    real_check = locking.check_version

    def check_version(model, pk, expected):
        real_check(model, pk, expected)
        if threading.current_thread().name == "first":
            first_checked.set()
            second_checked.wait(timeout=1)
        else:
            second_checked.set()

    monkeypatch.setattr(locking, "check_version", check_version)

    def post(name):
        threading.current_thread().name = name
        return clients[name].post(url, data[name]).status_code

    first_thread, first = _in_thread(post, "first")
    assert first_checked.wait(timeout=30)
    second_thread, second = _in_thread(post, "second")
    first_thread.join(timeout=60)
    second_thread.join(timeout=60)

    assert "error" not in first and "error" not in second
    assert (first["value"], second["value"]) == (302, 200)
    incident.refresh_from_db()
    assert (incident.title, incident.summary) == ("Airstrike on Mosul al-Jadida", "")
