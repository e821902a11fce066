"""Production mode: the settings refuse to start without secrets and pass check --deploy."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "test-" + "x" * 60 + "-not-a-real-secret-but-long-and-varied-123",
    "DJANGO_ALLOWED_HOSTS": "portail-iae.example.org",
}


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_without_warning_in_production_mode():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_requires_a_secret_key():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("x", "too short"),
        ("k" * 80, "too short or too plain"),
        ("a1B2c3D4e5" * 4 + "f6G7h8I", "too short"),  # 47 characters
        ("dev-only-insecure-key-never-use-in-production-iae-portal-0000", "insecure default"),
        ("django-insecure-" + "q8w7e6r5t4y3u2i1o0p9" * 3, "insecure default"),
    ],
)
def test_production_mode_refuses_a_short_or_known_secret_key(key, says):
    """Issue 16, finding 10: ``DJANGO_SECRET_KEY=x`` started in production mode."""
    result = run_manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": key})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and says in result.stderr


def test_production_mode_requires_allowed_hosts():
    env = {**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is required" in result.stderr


def test_french_defaults():
    assert settings.LANGUAGE_CODE == "fr-fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert settings.AUTH_USER_MODEL == "users.User"
