"""Transport, cookies, CSP, sessions and passwords: production settings as they load, and the
headers and cookies the portal really sends."""

import datetime
import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.structures.factories import UserFactory

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "test-" + "y" * 60 + "-not-a-real-secret-but-long-and-varied-456",
    "DJANGO_ALLOWED_HOSTS": "portail-iae.example.org",
}
# Loads the production settings in a fresh interpreter and sends one request through the
# whole middleware stack over HTTPS (the login page needs no database).
PROBE = """
import json, django
django.setup()
from django.conf import settings as s
from django.test import Client
# Static files are collected at deployment; the manifest is not what is probed here.
s.STORAGES = {**s.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
response = Client(HTTP_HOST="portail-iae.example.org").get("/connexion/", secure=True)
cookie = response.cookies["csrftoken"]
print(json.dumps({
    "session_secure": s.SESSION_COOKIE_SECURE, "session_httponly": s.SESSION_COOKIE_HTTPONLY,
    "session_samesite": s.SESSION_COOKIE_SAMESITE, "csrf_secure": s.CSRF_COOKIE_SECURE,
    "ssl_redirect": s.SECURE_SSL_REDIRECT, "proxy_header": s.SECURE_PROXY_SSL_HEADER,
    "status": response.status_code, "headers": dict(response.headers),
    "csrf_cookie": {k: cookie[k] for k in ("secure", "httponly", "samesite")},
    "plain_http": Client(HTTP_HOST="portail-iae.example.org").get("/connexion/").status_code,
}))
"""


@pytest.fixture(scope="module")
def production():
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env={**os.environ, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "iae_portal.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_httponly_and_same_site(production):
    assert production["session_secure"] and production["session_httponly"]
    assert production["session_samesite"] == "Lax"
    assert production["csrf_secure"]
    assert production["csrf_cookie"]["secure"] is True
    assert production["csrf_cookie"]["httponly"] is True
    assert production["csrf_cookie"]["samesite"] == "Lax"


def test_production_forces_https_and_sends_hsts(production):
    assert production["status"] == 200
    assert production["plain_http"] == 301
    assert production["ssl_redirect"]
    assert production["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    hsts = production["headers"]["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts and "preload" in hsts


def test_production_csp_allows_no_inline_script_and_no_third_party(production):
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in production["headers"]["Content-Security-Policy"].split(";")
    )
    assert "unsafe-inline" not in policy["script-src"]
    assert "unsafe-eval" not in policy["script-src"]
    assert policy["script-src"].startswith("'self'")
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "http" not in production["headers"]["Content-Security-Policy"]  # no other origin
    assert production["headers"]["X-Frame-Options"] == "DENY"
    assert production["headers"]["X-Content-Type-Options"] == "nosniff"


# What a CSP without 'unsafe-inline' blocks: a <script> without src, an on…= handler attribute,
# a javascript: URL, a style attribute (style-src is 'self' too).
INLINE = re.compile(r"<script(?![^>]*\bsrc=)|\son[a-z]+\s*=|javascript:|\sstyle\s*=", re.I)


def test_templates_carry_no_inline_script_handler_or_style():
    # Scripts live in static/js/, styles in static/css/ (the e2e journeys also fail on any
    # console error, which is where a CSP violation shows).
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0).strip()}"
        for path in (settings.BASE_DIR / "templates").rglob("*.html")
        for match in INLINE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# -- Sessions ---------------------------------------------------------------------------------


def login(client, user):
    return client.post(reverse("login"), {"username": user.email, "password": "motdepasse-de-test"})


def test_the_session_cookie_ends_with_the_browser_and_the_session_after_8_hours(client):
    user = UserFactory()
    response = login(client, user)
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"
    session = Session.objects.get(session_key=cookie.value)
    lifetime = session.expire_date - timezone.now()
    assert datetime.timedelta(hours=7, minutes=59) < lifetime <= datetime.timedelta(hours=8)


def test_an_expired_session_sends_back_to_the_login_page(client):
    user = UserFactory()
    login(client, user)
    assert client.get(reverse("home")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_deletes_the_session_server_side(client):
    login(client, UserFactory())
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()


# -- Passwords --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Court-1", "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères."),
        ("telechargement", "Ce mot de passe est trop courant."),
        ("482915736048", "Ce mot de passe est entièrement numérique."),
        (
            "jeanne.martin-iae",
            "Le mot de passe est trop semblable au champ «\xa0adresse e-mail\xa0».",
        ),
    ],
)
def test_weak_passwords_are_refused_in_french(client, password, message):
    user = UserFactory(email="jeanne.martin-iae@example.org")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "motdepasse-de-test",
            "new_password1": password,
            "new_password2": password,
        },
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors["new_password2"]
    user.refresh_from_db()
    assert user.check_password("motdepasse-de-test")


def test_a_strong_password_is_accepted(client):
    user = UserFactory()
    client.force_login(user)
    strong = "Chantier-insertion-2026"
    response = client.post(
        reverse("password_change"),
        {"old_password": "motdepasse-de-test", "new_password1": strong, "new_password2": strong},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(strong)


# -- Cross-site requests ----------------------------------------------------------------------


def test_a_forged_cross_site_post_is_refused():
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory())
    response = browser.post(reverse("password_change"), {"new_password1": "x"})
    assert response.status_code == 403
    response = browser.post(reverse("logout"))
    assert response.status_code == 403
    assert browser.get(reverse("home")).status_code == 200  # still logged in: nothing happened
