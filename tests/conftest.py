import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation

from tests import factories


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
