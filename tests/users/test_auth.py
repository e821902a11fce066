import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from iae_portal.users.enums import Role
from iae_portal.users.models import User
from tests.structures.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_is_french_and_accessible(client):
    response = client.get(reverse("login"))
    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in content
    assert '<label for="id_username">Adresse e-mail' in content
    assert "Content-Security-Policy" in response.headers
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_login_with_email_case_insensitive(client):
    UserFactory(email="marie.dupont@example.org", password="un-mot-de-passe-solide")
    response = client.post(
        reverse("login"),
        {"username": "marie.dupont@example.org", "password": "un-mot-de-passe-solide"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_wrong_password_gives_french_error(client):
    UserFactory(email="marie.dupont@example.org", password="un-mot-de-passe-solide")
    response = client.post(
        reverse("login"), {"username": "marie.dupont@example.org", "password": "faux"}
    )
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    message = (
        "L'adresse e-mail ou le mot de passe est incorrect. Vérifiez-les : les majuscules "
        "comptent dans le mot de passe."
    )
    assert page.replace("&#x27;", "'").count(message) == 1  # once, in French
    assert "Saisissez un adresse" not in page


def test_a_refused_form_says_its_error_once(rf):
    # The shared form template: non-field errors above the fields, not again among them.
    from django import forms
    from django.template.loader import render_to_string

    class Form(forms.Form):
        name = forms.CharField(label="Nom")

        def clean(self):
            raise forms.ValidationError("Cette action n'est pas possible.")

    html = render_to_string("includes/form.html", {"form": Form({"name": "x"})})
    assert html.count("Cette action n&#x27;est pas possible.") == 1
    assert '<label for="id_name">Nom' in html


def test_create_user_normalises_email():
    user = User.objects.create_user("Jean.Martin@Example.ORG", "un-mot-de-passe-solide")
    assert user.email == "jean.martin@example.org"
    admin = User.objects.create_superuser("root@example.org", "un-mot-de-passe-solide")
    assert admin.role == Role.ADMIN and admin.is_admin and admin.is_staff


def test_password_reset_sends_a_french_mail(client):
    UserFactory(email="marie.dupont@example.org")
    response = client.post(reverse("password_reset"), {"email": "marie.dupont@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "nouveau mot de passe" in mail.outbox[0].subject
    assert "/mot-de-passe/nouveau/" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("role", "marker"),
    [
        (Role.INSTRUCTEUR, "Dossiers d'aide à traiter"),
        (Role.CHEF_SERVICE, "Dossiers d'aide à traiter"),
        (Role.LECTEUR, "Les chiffres clés"),
        (Role.ADMIN, "Dossiers d'aide à traiter"),
        (Role.SIAE, "Mes structures"),
        (Role.DLA, "chargés de mission DLA"),
        (Role.FACILITATEUR, "facilitateurs des clauses sociales"),
    ],
)
def test_home_page_per_role(client, role, marker):
    client.force_login(UserFactory(role=role))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert marker in response.content.decode()


def test_director_home_lists_their_structures(client, director_a, structure_a, structure_b):
    client.force_login(director_a)
    content = client.get(reverse("home")).content.decode()
    assert structure_a.name in content and structure_b.name not in content


def test_logout_requires_post(client, director_a):
    client.force_login(director_a)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302


def test_password_reset_requests_are_limited_per_address(client, settings):
    settings.IAE_PASSWORD_RESET_PER_ADDRESS = 2
    UserFactory(email="marie.dupont@example.org")
    for _ in range(2):
        response = client.post(reverse("password_reset"), {"email": "Marie.Dupont@example.org "})
        assert response.status_code == 302
    response = client.post(reverse("password_reset"), {"email": "marie.dupont@example.org"})
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Trop de demandes" in response.content.decode()
    assert len(mail.outbox) == 2  # the third request sent nothing
    # Another address is not held back by the first one's count.
    UserFactory(email="paul.martin@example.org")
    assert (
        client.post(reverse("password_reset"), {"email": "paul.martin@example.org"}).status_code
        == 302
    )


def test_password_reset_requests_are_limited_per_client(client, settings):
    """Scripting the form through many addresses is held back too, and the answer is the
    same whether an address has an account or not."""
    settings.IAE_PASSWORD_RESET_PER_CLIENT = 3
    UserFactory(email="compte@example.org")
    for n in range(3):
        response = client.post(reverse("password_reset"), {"email": f"inconnu{n}@example.org"})
        assert response.status_code == 302
    for email in ("inconnu9@example.org", "compte@example.org"):
        response = client.post(reverse("password_reset"), {"email": email})
        assert response.status_code == 429
    assert mail.outbox == []
    other = Client(REMOTE_ADDR="203.0.113.7")
    assert other.post(reverse("password_reset"), {"email": "compte@example.org"}).status_code == 302
    assert len(mail.outbox) == 1


def test_a_client_over_its_limit_uses_up_no_one_elses_requests(client, settings):
    settings.IAE_PASSWORD_RESET_PER_CLIENT = 2
    UserFactory(email="victime@example.org")
    for n in range(2):
        client.post(reverse("password_reset"), {"email": f"inconnu{n}@example.org"})
    for _ in range(5):  # refused: they must not count against the victim's address
        response = client.post(reverse("password_reset"), {"email": "victime@example.org"})
        assert response.status_code == 429
    victim = Client(REMOTE_ADDR="198.51.100.4")
    assert (
        victim.post(reverse("password_reset"), {"email": "victime@example.org"}).status_code == 302
    )
    assert len(mail.outbox) == 1


def test_no_limit_per_client_unless_set(client):
    """Behind a reverse proxy every client has the proxy's address: a limit per client
    would then hold for the whole site, so there is none by default."""
    for n in range(30):
        response = client.post(reverse("password_reset"), {"email": f"personne{n}@example.org"})
        assert response.status_code == 302


def test_a_session_reads_its_user_afresh_at_each_request(client):
    """The user of a session (``UserBackend``, its query compiled once) is read again at
    each request: a change of role shows at once, a deactivation signs out."""
    from django.contrib.auth import BACKEND_SESSION_KEY

    user = UserFactory(email="marie.dupont@example.org", password="un-mot-de-passe-solide")
    client.post(
        reverse("login"),
        {"username": "marie.dupont@example.org", "password": "un-mot-de-passe-solide"},
    )
    assert client.session[BACKEND_SESSION_KEY] == "iae_portal.users.backends.UserBackend"
    assert client.get(reverse("home")).wsgi_request.user == user
    other_role = next(role for role in Role.values if role != user.role)
    User.objects.filter(pk=user.pk).update(role=other_role)
    assert client.get(reverse("home")).wsgi_request.user.role == other_role
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(reverse("home"))
    assert not response.wsgi_request.user.is_authenticated


def test_the_backend_answers_none_for_no_such_user():
    from iae_portal.users.backends import UserBackend

    user = UserFactory()
    backend = UserBackend()
    assert backend.get_user(user.pk) == user
    assert backend.get_user(user.pk + 1000) is None
    assert backend.get_user("abc") is None  # not a key: no user, no error


def test_a_session_opened_under_django_s_backend_name_is_closed(client):
    """Sessions opened before the portal's backend (under ModelBackend's name) sign in
    again: the name a session keeps must be one of the backends (README)."""
    from django.contrib.auth import BACKEND_SESSION_KEY

    user = UserFactory()
    client.force_login(user, backend="iae_portal.users.backends.UserBackend")
    assert client.get(reverse("home")).wsgi_request.user == user
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated
