import datetime
import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests import factories

# The property and schema tests (tests/test_properties.py, tests/test_api_schema_fuzz.py) are bounded so that
# `make test` stays quick: a few examples per test, the same ones every run (derandomized: CI never fails on a
# new random draw), each request under a deadline. `HYPOTHESIS_PROFILE=long` explores far more, randomly, for a
# local run. The world fixture is built once per test, not per example: the requests only read it.
_SHARED = {"suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.filter_too_much, HealthCheck.data_too_large]}
hypothesis_settings.register_profile(
    "ci", max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "12")), deadline=datetime.timedelta(seconds=5),
    derandomize=True, database=None, print_blob=True, **_SHARED,
)
hypothesis_settings.register_profile(
    "long", max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "1000")), deadline=datetime.timedelta(seconds=10),
    print_blob=True, **_SHARED,
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in English: a request to /ar/… leaves Arabic active in the thread (LocaleMiddleware), and
    `reverse` would then give /ar/ addresses to the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# Servers a test starts (gunicorn in test_scale_out.py …) inherit this: no rate limit or export cap in their way.
os.environ.setdefault("RATE_LIMITS_ENABLED", "0")


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """The abuse limits (casualtytracker/limits.py) are off in tests, so that no test is slowed or made flaky by a
    count left over from another; tests/test_rate_limits.py turns them on with `rate_limits`."""
    settings.RATE_LIMITS_ENABLED = False


def _member(username: str, group: str):
    """A staff user whose only rights are those of the group (created by migration incidents 0004)."""
    user = get_user_model().objects.create_user(username, f"{username}@example.org", f"pw-{username}-123", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db):
    """A member of the Editor group: enters and edits records, submits them for review."""
    return _member("editor", "Editor")


@pytest.fixture
def reviewer(db):
    """A member of the Reviewer group: also publishes, retracts, grades and merges."""
    return _member("reviewer", "Reviewer")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def reviewer_client(reviewer):
    client = Client()
    client.force_login(reviewer)
    return client


@pytest.fixture
def published_incident(db):
    return factories.IncidentFactory(status="published")
