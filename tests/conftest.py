import pytest
from django.contrib.auth import get_user_model

from tests import factories


@pytest.fixture
def editor(db):
    """A staff user with every incidents/sources permission (roles arrive with the workflow)."""
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("editor", "editor@example.org", "pw-editor-123", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["incidents", "sources"]))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def published_incident(db):
    return factories.IncidentFactory(status="published")
