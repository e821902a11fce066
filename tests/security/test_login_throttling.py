"""Login throttling (django-axes): five failures lock the address out from that client."""

import logging
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.urls import reverse

from tests.structures.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "un-mot-de-passe-solide"


@pytest.fixture(autouse=True)
def _throttling_on(settings):
    settings.AXES_ENABLED = True


@pytest.fixture
def marie():
    return UserFactory(email="marie.dupont@example.org", password=PASSWORD)


def attempt(client, email, password, ip="203.0.113.7"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_account_out_with_a_french_page(client, marie, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, marie.email, "mauvais")
        assert response.status_code == 200
        assert "mot de passe est incorrect" in response.content.decode()
    response = attempt(client, marie.email, "mauvais")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Connexion temporairement bloquée" in page
    assert "réessayez dans 15 minutes" in page
    # Even the right password is refused while the lockout lasts, and no session opens.
    response = attempt(client, marie.email, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_address_is_counted_whatever_its_case(client, marie, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        email = marie.email.upper() if i % 2 else f"  {marie.email}"
        attempt(client, email, "mauvais")
    assert attempt(client, marie.email, PASSWORD).status_code == 429


def test_lockout_is_per_client_so_a_colleague_elsewhere_still_logs_in(client, marie, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, marie.email, "mauvais", ip="203.0.113.7")
    response = attempt(client, marie.email, PASSWORD, ip="198.51.100.20")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_successful_login_resets_the_count(client, marie, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, marie.email, "mauvais")
    assert attempt(client, marie.email, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, marie.email, "mauvais").status_code == 200
    assert attempt(client, marie.email, PASSWORD).status_code == 302


def test_lockout_expires_after_the_cool_off(client, marie, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, marie.email, "mauvais")
    assert attempt(client, marie.email, PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME * 2
    )
    assert attempt(client, marie.email, PASSWORD).status_code == 302


def test_throttling_logs_neither_the_address_nor_the_password(client, marie, settings, caplog):
    with caplog.at_level(logging.DEBUG):
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            attempt(client, marie.email, "mauvais-secret")
    assert "AXES" in caplog.text  # the lockout is logged…
    assert marie.email not in caplog.text  # …without saying whose account
    assert "mauvais-secret" not in caplog.text


def test_throttling_adds_no_line_to_a_commands_stderr():
    # simulate_aid's contract: bad input exits 2 with one line on stderr naming the field;
    # django-axes' start-up message must not come before it.
    result = subprocess.run(
        [sys.executable, "manage.py", "simulate_aid"],
        input='{"scheme": "inconnu"}',
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "scheme" in result.stderr
