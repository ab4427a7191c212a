"""Admin login protection: lockout after repeated failures (and unlocking), strong passwords, optional TOTP two-factor."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from casualtytracker.admin_site import client_address
from incidents.management.commands.load_demo import DEMO_USERS

pytestmark = pytest.mark.django_db
PASSWORD = "a long editor passphrase 7"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("editor", "editor@example.org", PASSWORD, is_staff=True)


def log_in(client, password, username="editor", address="203.0.113.5", path=LOGIN, **extra):
    return client.post(path, {"username": username, "password": password, **extra}, REMOTE_ADDR=address)


def fail_until_locked(client, **kwargs):
    return [log_in(client, "wrong password", **kwargs) for _ in range(settings.AXES_FAILURE_LIMIT)]


def test_repeated_failures_lock_the_login_with_a_clear_message(client, editor):
    answers = fail_until_locked(client)
    assert [answer.status_code for answer in answers[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1), "the form again"
    locked = answers[-1]
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Login locked" in text
    assert f"There were {settings.AXES_FAILURE_LIMIT} failed logins for this account from your address." in text
    assert "locked for 30 minutes" in text
    assert locked["Retry-After"] == "1800"
    # Even the right password is refused now, from this address.
    assert log_in(client, PASSWORD).status_code == 429


def test_the_lockout_page_is_translated(client, editor):
    locked = fail_until_locked(client, path="/ar/admin/login/?next=/ar/admin/")[-1]
    assert locked.status_code == 429
    assert locked["Content-Language"] == "ar"
    assert "Login locked" not in locked.content.decode()


def test_the_lock_is_by_username_and_address_together(client, editor):
    get_user_model().objects.create_user("reviewer", "reviewer@example.org", PASSWORD, is_staff=True)
    fail_until_locked(client)
    assert log_in(client, PASSWORD, username="reviewer").status_code == 302, "another editor from the same address"
    client.logout()
    assert log_in(client, PASSWORD, address="198.51.100.7").status_code == 302, "the same editor from elsewhere"


def test_axes_reset_unlocks(client, editor):
    fail_until_locked(client)
    assert log_in(client, PASSWORD).status_code == 429
    call_command("axes_reset", verbosity=0)
    response = log_in(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_an_administrator_unlocks_from_the_admin(client, editor):
    fail_until_locked(client)
    attempt = AccessAttempt.objects.get(username="editor")
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", PASSWORD)
    other = client.__class__()
    other.force_login(admin)
    assert other.get("/admin/axes/accessattempt/").status_code == 200
    other.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert not AccessAttempt.objects.exists()
    assert log_in(client, PASSWORD).status_code == 302


def test_behind_trusted_proxies_the_client_address_is_the_proxys_view(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert client_address(request) == "10.0.0.1", "no proxy trusted: the forged header is ignored"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "203.0.113.5"


@pytest.mark.parametrize(("password", "reason"), [
    ("short pass 1", None),  # 12 characters: long enough
    ("eleven char", "too short"),
    ("password1234", "too common"),
    ("829104738291", "entirely numeric"),
    ("editor@example.org", "too similar"),
])
def test_password_validators(editor, password, reason):
    if reason is None:
        validate_password(password, editor)
        return
    with pytest.raises(ValidationError) as refused:
        validate_password(password, editor)
    assert reason in " ".join(refused.value.messages)


@pytest.mark.parametrize("username", DEMO_USERS)
def test_demo_passwords_pass_the_validators(username):
    user = get_user_model()(username=username, email=f"{username}@example.org")
    validate_password(DEMO_USERS[username], user)


@pytest.fixture
def otp_required(settings):
    settings.OTP_REQUIRED = True


def test_with_otp_required_a_password_alone_does_not_open_the_admin(client, editor, otp_required):
    client.force_login(editor)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert log_in(client, PASSWORD).status_code == 200, "the login form again: no token"
    assert client.get("/admin/").status_code == 302


def test_with_otp_required_a_totp_token_opens_the_admin(client, editor, otp_required):
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    assert 'name="otp_token"' in client.get(LOGIN).content.decode()
    # The password first: the form comes back offering the editor's devices; then the device and its current code.
    offered = log_in(client, PASSWORD).content.decode()
    assert device.persistent_id in offered
    assert client.get("/admin/").status_code == 302
    token = f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
    response = log_in(client, PASSWORD, otp_device=device.persistent_id, otp_token=token)
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_without_otp_required_a_password_opens_the_admin(client, editor):
    assert log_in(client, PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200
