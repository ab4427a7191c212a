"""When the database is away (restarted, failed over, unreachable): a styled 503 with Retry-After, never a 500.

A lost or refused connection (OperationalError, InterfaceError) is a pause, not a bug: the reader is told to try again
in a moment and scripts see 503 + Retry-After. Django drops the broken connection at the end of the request
(CONN_HEALTH_CHECKS checks a kept one before reuse), so the next request reconnects and the site recovers by itself.
Raised by a view: `DatabaseUnavailableMiddleware`; raised anywhere else (a middleware, a template): `server_error`,
the site's handler500, which looks at the exception being handled.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)

DATABASE_AWAY = (OperationalError, InterfaceError)


def database_unavailable(request) -> HttpResponse:
    """The 503 page: the database is briefly away; try again after Retry-After seconds. Drawn with the request (the
    page's language and direction) when that needs no database, else without it, as Django draws its 500 page."""
    context = {"seconds": settings.DATABASE_RETRY_AFTER}
    try:
        body = loader.render_to_string("503.html", context, request=request)
    except Exception:
        body = loader.render_to_string("503.html", context)
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view that lost the database answers `database_unavailable` (also with DEBUG on: it is not a bug to debug)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_AWAY):
            logger.warning("Database unavailable for %s: %s", request.path, exception)
            return database_unavailable(request)
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME) -> HttpResponseServerError | HttpResponse:
    """handler500: the 503 page when the error is the database being away, Django's 500 page otherwise."""
    if isinstance(sys.exc_info()[1], DATABASE_AWAY):
        return database_unavailable(request)
    return defaults.server_error(request, template_name)
