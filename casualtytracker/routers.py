"""Public read-only pages read from the replica; everything else uses the primary.

Only when DATABASE_REPLICA_URL is set (the "replica" database). A request may read from the replica when all hold:
it is a GET or HEAD; it is not for the admin; no staff user is logged in; the client wrote nothing in the last
DATABASE_REPLICA_LAG_SECONDS (read-your-writes: any other method sets a short-lived signed cookie, so an editor who
just saved, or anyone who just submitted a form, reads from the primary until the replica has caught up). Even then,
a read inside a transaction on the primary stays on the primary, and every write goes to the primary. Outside a
request (management commands, jobs, the shell) everything uses the primary.
"""

from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
WROTE_COOKIE = "ct_wrote"
WROTE_SALT = "casualtytracker.routers.wrote"
SAFE_METHODS = ("GET", "HEAD")
# Who is logged in and their session are always read where they were written.
PRIMARY_ONLY_APPS = ("auth", "sessions")

_use_replica: ContextVar[bool] = ContextVar("casualtytracker_use_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _is_admin(request) -> bool:
    from django.urls import reverse

    return request.path.startswith(reverse("admin:index"))


def _wrote_recently(request) -> bool:
    lag = settings.DATABASE_REPLICA_LAG_SECONDS
    return request.get_signed_cookie(WROTE_COOKIE, default=None, salt=WROTE_SALT, max_age=lag) is not None


def may_read_replica(request) -> bool:
    """The request is a public read that tolerates data a few seconds old (module docstring)."""
    if request.method not in SAFE_METHODS or _is_admin(request) or _wrote_recently(request):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated and user.is_staff)


class ReplicaMiddleware:
    """Decides per request whether reads may go to the replica, and marks clients that write (read-your-writes).

    After AuthenticationMiddleware. Not used at all without a replica.
    """

    def __init__(self, get_response):
        if not replica_configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        token = _use_replica.set(may_read_replica(request))
        try:
            response = self.get_response(request)
        finally:
            _use_replica.reset(token)
        if request.method not in SAFE_METHODS:
            lag = settings.DATABASE_REPLICA_LAG_SECONDS
            response.set_signed_cookie(WROTE_COOKIE, "1", salt=WROTE_SALT, max_age=lag, httponly=True, samesite="Lax",
                                       secure=settings.SESSION_COOKIE_SECURE)
        return response


class ReplicaRouter:
    """Reads to the replica when the request allows it (ReplicaMiddleware) and no transaction is open; writes to the primary."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db  # related rows come from where their object came from
        if _use_replica.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # a replica gets its schema by replication
