"""Schemathesis against /api/v1/'s own OpenAPI schema, every check, through the WSGI app (no server, no network).

Every operation of the schema is sent requests the schema allows (each must be answered without a server error,
with a 2xx or a 404 for a record that is not there, and a body that matches the schema) and requests it forbids
(each must be refused with a 4xx). The world is tests/fuzzworld.py: the null parents, empty grades and stances and
empty links that once broke the schema are in it. Bounded by the Hypothesis profile in tests/conftest.py
(`HYPOTHESIS_PROFILE=long` for a longer run).
"""

import datetime

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from tests.fuzzworld import build_fuzz_world

# Loaded at import, from the application itself: the schema under test is the one /api/v1/schema/ serves.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


@schema.hook
def map_query(context, query):
    """Leave out the keyset cursors: they are opaque positions (`after=2017-03-17~12`) that only a `next` or `previous`
    link gives, so a made-up one is rightly a 400 that no schema can foretell. tests/test_properties.py sends them
    hostile values instead."""
    if query:
        for name in ("after", "before"):
            query.pop(name, None)
    return query


@schema.hook
def filter_query(context, query):
    """A `date_to` before `date_from` is refused (400, "swap them"): a rule between two parameters that OpenAPI
    cannot state, said in the parameters' descriptions instead."""
    if not query:
        return True
    try:
        start = datetime.date.fromisoformat(str(query.get("date_from")))
        end = datetime.date.fromisoformat(str(query.get("date_to")))
    except ValueError:
        return True
    return start <= end


@pytest.fixture
def world(db):
    """The world, and the database connection kept open across requests, as Django's test client keeps it: schemathesis
    calls the bare WSGI handler, whose end-of-request signal would close the test's connection (in its transaction) on
    PostgreSQL."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield build_fuzz_world()
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
def test_api_matches_its_schema(case, world):
    case.call_and_validate()
