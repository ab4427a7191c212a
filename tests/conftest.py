import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from tests import factories


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
