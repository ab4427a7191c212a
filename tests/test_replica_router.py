"""Which database a read goes to (casualtytracker/routers.py): the replica only for public read-only requests."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory

from casualtytracker import routers
from incidents.models import Incident

ROUTER = routers.ReplicaRouter()


def reads_from(request) -> str:
    """Run the request through the middleware; the database an incident read would use inside it."""
    seen = {}

    def view(request):
        seen["incident"] = ROUTER.db_for_read(Incident)
        seen["session"] = ROUTER.db_for_read(Session)
        primary = connections["default"]
        primary.in_atomic_block, was = True, primary.in_atomic_block  # as inside transaction.atomic()
        try:
            seen["in_transaction"] = ROUTER.db_for_read(Incident)
        finally:
            primary.in_atomic_block = was
        response = HttpResponse()
        response.cookies_seen = request.COOKIES
        return response

    request.user = getattr(request, "user", AnonymousUser())
    response = routers.ReplicaMiddleware(view)(request)
    assert seen["session"] == "default"  # who is logged in is read where it was written
    assert seen["in_transaction"] == "default"
    reads_from.last_response = response
    return seen["incident"]


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr(routers, "replica_configured", lambda: True)


def test_without_a_replica_nothing_changes():
    with pytest.raises(MiddlewareNotUsed):
        routers.ReplicaMiddleware(lambda request: HttpResponse())


def test_outside_a_request_reads_use_the_primary():
    assert ROUTER.db_for_read(Incident) == "default"
    assert ROUTER.db_for_write(Incident) == "default"
    assert ROUTER.allow_migrate("replica", "incidents") is False


def test_a_public_read_uses_the_replica(with_replica, rf):
    assert reads_from(rf.get("/incidents/")) == "replica"
    assert reads_from(rf.head("/api/v1/incidents/totals/")) == "replica"
    assert ROUTER.db_for_read(Incident) == "default"  # the decision ends with the request


def test_a_staff_user_reads_from_the_primary(with_replica, rf):
    request = rf.get("/incidents/")
    request.user = get_user_model()(username="staff", is_staff=True)
    assert reads_from(request) == "default"
    request = rf.get("/incidents/")
    request.user = get_user_model()(username="reader", is_staff=False)
    assert reads_from(request) == "replica"


def test_the_admin_reads_from_the_primary(with_replica, rf):
    assert reads_from(rf.get("/admin/incidents/incident/")) == "default"


def test_a_client_that_wrote_reads_its_writes(with_replica, rf):
    assert reads_from(rf.post("/submit/", {"x": "1"})) == "default"
    cookie = reads_from.last_response.cookies[routers.WROTE_COOKIE]
    assert cookie["max-age"] == 10 and cookie["httponly"]

    after = RequestFactory().get("/incidents/")
    after.COOKIES[routers.WROTE_COOKIE] = cookie.value
    assert reads_from(after) == "default"
    assert routers.WROTE_COOKIE not in reads_from.last_response.cookies  # a read does not extend it


def test_a_forged_or_expired_write_cookie_is_ignored(with_replica, rf, settings):
    forged = rf.get("/incidents/")
    forged.COOKIES[routers.WROTE_COOKIE] = "1"
    assert reads_from(forged) == "replica"

    reads_from(rf.post("/submit/"))
    old = rf.get("/incidents/")
    old.COOKIES[routers.WROTE_COOKIE] = reads_from.last_response.cookies[routers.WROTE_COOKIE].value
    settings.DATABASE_REPLICA_LAG_SECONDS = -1  # the cookie is older than the lag now
    assert reads_from(old) == "replica"


def test_related_rows_come_from_where_their_object_came_from():
    incident = Incident(pk=1)
    incident._state.db = "replica"
    assert ROUTER.db_for_read(Incident, instance=incident) == "replica"
