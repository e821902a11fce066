"""Joining a structure by invitation (issue 16, finding 9): the director learns nothing of
the address, the invited person accepts through a signed link that expires, staff accounts
are never attached."""

import datetime
import re

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from iae_portal.audit.models import AuditEntry
from iae_portal.users.enums import Role
from iae_portal.users.models import User
from structures import services
from structures.enums import MembershipRole
from structures.models import Invitation, InvitationStatus, Membership
from tests.structures.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "un-mot-de-passe-solide-2026"


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Post the invitation form; its mail leaves once its transaction committed."""

    def post(client, structure, email, role="salarie"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("structures:invitation_create", args=[structure.siret]),
                {"email": email, "role": role},
                follow=True,
            )

    return post


def link_in(message):
    (path,) = re.findall(r"https?://[^/\s]+(/structures/invitation/\S+/)", message.body)
    return path


def answer_text(response):
    messages = [str(m) for m in response.context["messages"]]
    return messages


def test_the_answer_is_the_same_whether_an_account_exists_or_not(
    invite, client, director_a, structure_a, chef_service
):
    """No oracle: an unknown address, a member's address and the chef de service's address
    give the same page and the same message; each gets a mail."""
    UserFactory(email="connu@example.org")
    client.force_login(director_a)
    answers = []
    for email in ("inconnu@example.org", "connu@example.org", chef_service.email):
        response = invite(client, structure_a, email)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == reverse(
            "structures:members", args=[structure_a.siret]
        )
        (message,) = answer_text(response)
        answers.append(message.replace(email, "ADDRESS"))
    assert len(set(answers)) == 1
    assert answers[0].startswith("Une invitation a été envoyée à ADDRESS")
    assert "Aucun compte" not in answers[0]
    assert [m.to for m in mail.outbox] == [
        ["inconnu@example.org"],
        ["connu@example.org"],
        [chef_service.email],
    ]
    # Nobody is attached yet, the chef de service least of all.
    assert not Membership.objects.filter(structure=structure_a).exclude(user=director_a).exists()


def test_the_old_add_member_page_is_gone(client, director_a, structure_a):
    client.force_login(director_a)
    url = f"/structures/{structure_a.siret}/membres/ajouter/"
    assert client.post(url, {"email": "x@example.org", "role": "salarie"}).status_code == 404


def test_a_new_person_creates_the_account_and_joins(invite, client, director_a, structure_a):
    client.force_login(director_a)
    invite(client, structure_a, "Nouvelle.Salariee@Example.org", role="salarie")
    (message,) = mail.outbox
    assert "Chantier A" in message.subject
    path = link_in(message)
    client.logout()

    page = client.get(path)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Créer votre compte" in text and "nouvelle.salariee@example.org" in text
    # A weak password is refused in French; nothing is created.
    weak = client.post(
        path,
        {"first_name": "Inès", "last_name": "Lefort", "password1": "123", "password2": "123"},
    )
    assert weak.status_code == 200 and "trop court" in weak.content.decode()
    assert not User.objects.filter(email="nouvelle.salariee@example.org").exists()

    response = client.post(
        path,
        {
            "first_name": "Inès",
            "last_name": "Lefort",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302 and response["Location"] == structure_a.get_absolute_url()
    user = User.objects.get(email="nouvelle.salariee@example.org")
    assert user.role == Role.SIAE and user.check_password(PASSWORD)
    assert user.get_full_name() == "Inès Lefort"
    membership = Membership.objects.get(user=user, structure=structure_a)
    assert membership.is_active and membership.role == MembershipRole.SALARIE
    assert int(client.session["_auth_user_id"]) == user.pk
    invitation = Invitation.objects.get()
    assert invitation.status == InvitationStatus.ACCEPTED and invitation.accepted_by == user
    # The link serves once.
    again = client.get(path)
    assert "déjà été acceptée" in again.content.decode()


def test_an_existing_account_logs_in_with_the_invited_address_and_accepts(
    invite, client, director_a, structure_a, structure_b
):
    colleague = UserFactory(email="collegue@example.org", password=PASSWORD)
    client.force_login(director_a)
    invite(client, structure_a, "COLLEGUE@example.org", role="directeur")
    path = link_in(mail.outbox[0])
    client.logout()

    page = client.get(path).content.decode()
    assert "connectez-vous pour accepter" in page
    assert f"{reverse('login')}?next=" in page
    # Logged in with another address: refused, nothing written.
    other = UserFactory(email="autre@example.org")
    client.force_login(other)
    response = client.post(path)
    assert "autre adresse" in response.content.decode()
    assert f'action="{reverse("logout")}"' in response.content.decode()
    assert not Membership.objects.filter(user=other, structure=structure_a).exists()

    client.force_login(colleague)
    assert "Accepter l'invitation" in client.get(path).content.decode()
    response = client.post(path)
    assert response.status_code == 302
    membership = Membership.objects.get(user=colleague, structure=structure_a)
    assert membership.role == MembershipRole.DIRECTEUR and membership.is_active
    assert client.get(structure_a.get_absolute_url()).status_code == 200


def test_staff_accounts_are_never_attached(invite, client, director_a, structure_a, chef_service):
    client.force_login(director_a)
    invite(client, structure_a, chef_service.email)
    path = link_in(mail.outbox[0])
    client.force_login(chef_service)
    response = client.post(path)
    assert response.status_code == 200
    assert "ne peut pas être rattaché à une structure" in response.content.decode()
    assert not Membership.objects.filter(user=chef_service).exists()
    invitation = Invitation.objects.get()
    assert invitation.status == InvitationStatus.REFUSED
    refusal = AuditEntry.objects.filter(action="structure.invitation", actor=chef_service).get()
    assert refusal.changes == {
        f"{chef_service.email}.invitation": ["pending", "refused"],
    }
    # The service refuses too, whoever calls it.
    with pytest.raises(Exception, match="ne peut pas être rattaché"):
        services.membership_add(
            actor=director_a, structure=structure_a, user=chef_service, role="salarie"
        )


def test_a_link_expires_and_a_forged_one_is_unknown(invite, client, director_a, structure_a):
    client.force_login(director_a)
    invite(client, structure_a, "tard@example.org")
    path = link_in(mail.outbox[0])
    invitation = Invitation.objects.get()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client.logout()
    page = client.get(path).content.decode()
    assert "a expiré" in page and "Créer votre compte" not in page
    client.post(path, {"first_name": "A", "last_name": "B", "password1": PASSWORD})
    assert not User.objects.filter(email="tard@example.org").exists()
    # A token whose signature is not the portal's: 404.
    forged = path.replace(path.rstrip("/").rsplit(":", 1)[-1], "x" * 27)
    assert client.get(forged).status_code == 404
    # The members page says it expired.
    client.force_login(director_a)
    members = client.get(reverse("structures:members", args=[structure_a.siret]))
    assert "expirée" in members.content.decode()


def test_a_link_older_than_an_invitation_lives_is_expired(client, director_a, structure_a):
    invitation = services.invitation_create(
        actor=director_a, structure=structure_a, email="vieux@example.org", role="salarie"
    )
    old = timezone.now() - datetime.timedelta(days=30)
    token = signing.TimestampSigner(salt="structures.invitation")
    token.timestamp = lambda: signing.b62_encode(int(old.timestamp()))
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=old, expires_at=old + datetime.timedelta(days=14)
    )
    page = client.get(
        reverse("structures:invitation_accept", args=[token.sign(str(invitation.uuid))])
    )
    assert page.status_code == 200 and "a expiré" in page.content.decode()


def test_withdrawn_invitations_no_longer_open_and_everything_is_journalled(
    invite, client, director_a, structure_a
):
    client.force_login(director_a)
    invite(client, structure_a, "retrait@example.org")
    path = link_in(mail.outbox[0])
    invitation = Invitation.objects.get()
    members_url = reverse("structures:members", args=[structure_a.siret])
    page = client.get(members_url).content.decode()
    assert "retrait@example.org" in page and "en attente" in page
    response = client.post(
        reverse("structures:invitation_withdraw", args=[structure_a.siret, invitation.uuid])
    )
    assert response.status_code == 302 and response["Location"] == members_url
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.WITHDRAWN
    assert "retirée" in client.get(members_url).content.decode()
    client.logout()
    assert "a été retirée" in client.get(path).content.decode()
    entries = AuditEntry.objects.filter(action="structure.invitation").order_by("at", "pk")
    assert [e.changes["retrait@example.org.invitation"] for e in entries] == [
        [None, "pending"],
        ["pending", "withdrawn"],
    ]
    assert all(e.actor == director_a for e in entries)


def test_a_new_invitation_replaces_the_pending_one(invite, client, director_a, structure_a):
    client.force_login(director_a)
    invite(client, structure_a, "double@example.org", role="salarie")
    invite(client, structure_a, "Double@Example.org", role="directeur")
    first, second = Invitation.objects.order_by("created_at", "pk")
    assert first.status == InvitationStatus.WITHDRAWN
    assert second.status == InvitationStatus.PENDING and second.role == "directeur"


def test_who_manages_invitations(client, structure_a, structure_b, director_a, instructeur):
    employee = MembershipFactory(structure=structure_a, role=MembershipRole.SALARIE).user
    invitation = services.invitation_create(
        actor=director_a, structure=structure_a, email="x@example.org", role="salarie"
    )
    pages = [
        reverse("structures:members", args=[structure_a.siret]),
        reverse("structures:invitation_create", args=[structure_a.siret]),
    ]
    withdraw = reverse("structures:invitation_withdraw", args=[structure_a.siret, invitation.uuid])
    client.force_login(employee)
    assert [client.get(p).status_code for p in pages] == [403, 403]
    assert client.post(withdraw).status_code == 403
    client.force_login(MembershipFactory(structure=structure_b).user)
    assert [client.get(p).status_code for p in pages] == [404, 404]
    assert client.post(withdraw).status_code == 404
    # Another structure's invitation is not found under this one.
    other = reverse("structures:invitation_withdraw", args=[structure_b.siret, invitation.uuid])
    client.force_login(director_a)
    assert client.post(other).status_code == 404
    client.force_login(instructeur)
    assert [client.get(p).status_code for p in pages] == [200, 200]
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_the_structure_page_leads_to_the_members_page(client, director_a, structure_a):
    client.force_login(director_a)
    page = client.get(structure_a.get_absolute_url()).content.decode()
    assert reverse("structures:members", args=[structure_a.siret]) in page
    assert reverse("structures:invitation_create", args=[structure_a.siret]) in page


def test_a_director_cannot_mail_addresses_in_bulk(
    invite, client, settings, director_a, structure_a
):
    """Beyond ``IAE_INVITATIONS_PER_DAY`` invitations in 24 hours, the form refuses in
    French and no mail leaves; the day after, inviting works again."""
    settings.IAE_INVITATIONS_PER_DAY = 3
    client.force_login(director_a)
    for n in range(3):
        invite(client, structure_a, f"personne{n}@exemple.fr")
    assert len(mail.outbox) == 3
    refused = invite(client, structure_a, "encore@exemple.fr")
    assert refused.status_code == 429
    assert "beaucoup d'invitations" in refused.content.decode().replace("&#x27;", "'")
    assert len(mail.outbox) == 3
    assert not Invitation.objects.filter(email="encore@exemple.fr").exists()
    Invitation.objects.update(created_at=timezone.now() - datetime.timedelta(days=1, minutes=1))
    invite(client, structure_a, "encore@exemple.fr")
    assert len(mail.outbox) == 4
