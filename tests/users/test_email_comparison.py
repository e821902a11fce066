"""One comparable form of an e-mail address, for the login, the password reset and their
limits (issue 16, finding 1)."""

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from iae_portal.users.emails import comparable_email, same_email
from iae_portal.users.models import User
from tests.structures.factories import UserFactory

pytestmark = pytest.mark.django_db

LONG_S = "\N{LATIN SMALL LETTER LONG S}"
PASSWORD = "un-mot-de-passe-solide"


def test_the_comparable_form_folds_case_and_compatibility_letters():
    assert comparable_email("  Reset1@PROBE.test ") == "reset1@probe.test"
    assert comparable_email(f"reset1@probe.te{LONG_S}t") == "reset1@probe.test"
    assert comparable_email(f"reset1@PROBE.te{LONG_S}t") == "reset1@probe.test"
    assert comparable_email("\N{LATIN SMALL LIGATURE FI}lo@probe.test") == "filo@probe.test"
    assert comparable_email("STRASSE@probe.test") == comparable_email("straße@probe.test")
    assert same_email("Jo@Probe.test", "jo@probe.test")
    assert not same_email("jo@probe.test", "jo2@probe.test")
    assert comparable_email(None) == ""


def test_reset_spellings_of_one_address_share_its_limit(client, settings):
    """Three requests for an address, then two spellings of it (the long s, capitals):
    both are over the limit and no fourth mail leaves."""
    settings.IAE_PASSWORD_RESET_PER_ADDRESS = 3
    UserFactory(email="reset1@probe.test")
    for _ in range(3):
        response = client.post(reverse("password_reset"), {"email": "reset1@probe.test"})
        assert response.status_code == 302
    for spelling in (f"reset1@probe.te{LONG_S}t", f"reset1@PROBE.te{LONG_S}t"):
        response = client.post(reverse("password_reset"), {"email": spelling})
        assert response.status_code == 429, spelling
    assert len(mail.outbox) == 3


def test_reset_finds_the_account_by_its_comparable_form_and_mails_the_stored_address(
    client, settings
):
    UserFactory(email="reset2@probe.test")
    response = client.post(reverse("password_reset"), {"email": f"Reset2@PROBE.te{LONG_S}t"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["reset2@probe.test"]


def test_login_accepts_every_spelling_of_the_address_and_counts_them_together(client, settings):
    settings.AXES_ENABLED = True
    UserFactory(email="sophie.strasse@probe.test", password=PASSWORD)
    response = client.post(
        reverse("login"), {"username": "Sophie.Strasse@PROBE.test", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    client.post(reverse("logout"))

    spellings = [
        "sophie.strasse@probe.test",
        "SOPHIE.STRASSE@probe.test",
        f"{LONG_S}ophie.stra{LONG_S}{LONG_S}e@probe.te{LONG_S}t",
        "Sophie.Straße@Probe.Test",
        f"{LONG_S}OPHIE.strasse@PROBE.TEST",
    ]
    for spelling in spellings[: settings.AXES_FAILURE_LIMIT]:
        client.post(reverse("login"), {"username": spelling, "password": "mauvais"})
    assert AccessAttempt.objects.count() == 1  # one count, whatever the spelling
    response = client.post(
        reverse("login"), {"username": "sophie.strasse@probe.test", "password": PASSWORD}
    )
    assert response.status_code == 429


def test_accounts_store_their_address_normalised_but_not_folded():
    user = User.objects.create_user(f"  Jo.Te{LONG_S}t@Probe.TEST ", PASSWORD)
    assert user.email == "jo.test@probe.test"
    other = User.objects.create_user("Straße@Probe.test", PASSWORD)
    assert other.email == "straße@probe.test"  # the mailbox's own spelling
    assert User.objects.with_email("straße@PROBE.test") == [other]
    assert User.objects.get_by_natural_key("JO.TEST@probe.test") == user
