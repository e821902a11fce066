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


def settings_seen(env, *names):
    """The settings ``names`` as a process started with ``env`` reads them."""
    code = "from django.conf import settings; " + "; ".join(
        f"print(repr(settings.{name}))" for name in names
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


POSTGRES_URL = {"DATABASE_URL": "postgres://portail@db.example.org:5432/portail"}


def test_postgresql_binds_parameters_on_the_server_and_prepares_repeated_statements():
    (options,) = settings_seen(POSTGRES_URL, "DATABASES['default']['OPTIONS']")
    assert "'server_side_binding': True" in options
    assert "'prepare_threshold': 5" in options


def test_prepared_statements_can_be_turned_off_for_a_pooler():
    env = {**POSTGRES_URL, "DJANGO_DB_PREPARE_THRESHOLD": "off"}
    (options,) = settings_seen(env, "DATABASES['default'].get('OPTIONS', {})")
    assert "server_side_binding" not in options and "prepare_threshold" not in options


def test_a_bad_prepare_threshold_is_refused_with_its_name():
    result = run_manage("check", env={**POSTGRES_URL, "DJANGO_DB_PREPARE_THRESHOLD": "beaucoup"})
    assert result.returncode != 0
    assert "DJANGO_DB_PREPARE_THRESHOLD" in result.stderr


def test_sessions_are_cached_only_with_a_shared_cache():
    without = {"DJANGO_CACHE_URL": ""}
    assert settings_seen(without, "SESSION_ENGINE") == ["'django.contrib.sessions.backends.db'"]
    shared = {"DJANGO_CACHE_URL": "redis://127.0.0.1:6379/9"}
    assert settings_seen(shared, "SESSION_ENGINE") == [
        "'django.contrib.sessions.backends.cached_db'"
    ]
