"""Brute force: an account is locked after the configured failures and unlocked after the cool-off."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.urls import reverse

from ..conftest import PASSWORD


@pytest.fixture
def lockout(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=10)


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def time_passes(delta):
    """Move every recorded attempt into the past, as if ``delta`` had gone by."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)


def test_an_account_is_locked_after_the_configured_failures(client, world, lockout):
    for _ in range(2):
        response = sign_in(client, "dave", "guess-one")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    response = sign_in(client, "dave", "guess-three")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Sign-in paused" in html and "10 minutes" in html and "3 wrong passwords" in html
    assert 'class="navbar-brand' in html  # the product's own layout
    # while locked, even the right password is refused
    response = sign_in(client, "dave", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_lifts_after_the_cool_off(client, world, lockout):
    for _ in range(3):
        sign_in(client, "dave", "wrong")
    assert sign_in(client, "dave", PASSWORD).status_code == 429
    time_passes(timedelta(minutes=9))
    # still locked; and trying while locked starts the cool-off again (axes' default)
    assert sign_in(client, "dave", PASSWORD).status_code == 429
    time_passes(timedelta(minutes=9))
    assert sign_in(client, "dave", PASSWORD).status_code == 429
    time_passes(timedelta(minutes=11))
    response = sign_in(client, "dave", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.dave.pk)


def test_a_success_resets_the_count(client, world, lockout):
    sign_in(client, "dave", "wrong")
    sign_in(client, "dave", "wrong")
    assert sign_in(client, "dave", PASSWORD).status_code == 302
    client.logout()
    sign_in(client, "dave", "wrong")
    sign_in(client, "dave", "wrong")
    assert sign_in(client, "dave", PASSWORD).status_code == 302


def test_one_locked_account_does_not_lock_colleagues_on_the_same_network(client, world, lockout):
    for _ in range(3):
        sign_in(client, "dave", "wrong")
    assert sign_in(client, "alice", PASSWORD).status_code == 302


def test_the_limit_and_cool_off_come_from_the_environment(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
