"""Partners' opinions: what a partner reads (only their requests, the shared documents,
never the internal comments nor other opinions unless shared), opinions never edited,
reminders once each at their boundaries, the invitation of a partner without an account,
bad input, attachments through the antivirus, the queue's column without extra queries."""

import datetime
import html
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from aides import perms, services
from aides.models import (
    Notification,
    OpinionRequest,
    PartnerOpinion,
    PartnerOpinionAttachment,
)
from aides.services import opinions
from aides.services.dossiers import TransitionRefused
from iae_portal import uploads
from iae_portal.antivirus import ScanState
from iae_portal.audit.services import audit_entries_for
from iae_portal.users.enums import Role
from iae_portal.users.models import User
from structures.models import Organisation, OrganisationKind, OrganisationMembership
from tests.aides.dossier_paths import submitted_dossier
from tests.aides.factories import PDF
from tests.aides.opinion_helpers import ask, in_days, partner_of
from tests.clamd import EICAR_PDF
from tests.structures.factories import UserFactory

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.aides.opinion_fixtures"]

INTERNAL = "Commentaire interne : la trésorerie de la structure inquiète."


def text(response):
    return html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# -- Isolation ----------------------------------------------------------------------------


def test_a_partner_reads_only_their_requests_the_shared_documents_and_no_internal_comment(
    client, instructeur, deposited, partner_etat, partner_dep, draft
):
    services.comment_add(actor=instructeur, dossier=deposited, body=INTERNAL, internal=True)
    shared, *others = list(deposited.documents.current())
    [etat] = ask(instructeur, deposited, [partner_etat], documents=[shared])
    [dep] = ask(instructeur, deposited, [partner_dep])
    opinions.opinion_give(actor=partner_dep, request=dep, position="defavorable", text="Non.")

    client.force_login(partner_etat)
    page = client.get(etat.get_absolute_url())
    seen = text(page)
    assert page.status_code == 200
    assert shared.original_name in seen
    assert INTERNAL not in seen
    assert "Non." not in seen  # the other partner's opinion, not shared
    # Not the dossier page, not the other partner's request, not another document.
    assert client.get(deposited.get_absolute_url()).status_code == 404
    assert client.get(dep.get_absolute_url()).status_code == 404
    assert client.get(reverse("aides:document_download", args=[shared.uuid])).status_code == 404
    ok = client.get(reverse("aides:opinion_document", args=[shared.uuid]))
    assert ok.status_code == 200
    for document in others:
        url = reverse("aides:opinion_document", args=[document.uuid])
        assert client.get(url).status_code == 404
    assert not perms.visible_dossiers(partner_etat).exists()
    assert list(perms.visible_opinion_requests(partner_etat)) == [etat]


def test_other_opinions_are_read_when_the_instructeur_shares_them(
    client, instructeur, deposited, partner_etat, partner_dep
):
    [dep] = ask(instructeur, deposited, [partner_dep])
    opinion = opinions.opinion_give(
        actor=partner_dep, request=dep, position="favorable_reserves", text="Sous réserve."
    )
    [etat] = ask(instructeur, deposited, [partner_etat], shares=True)
    client.force_login(partner_etat)
    assert "Sous réserve." in text(client.get(etat.get_absolute_url()))
    assert perms.can_view_partner_opinion(partner_etat, opinion)
    # Withdrawn, the request opens nothing any more.
    opinions.opinion_request_withdraw(actor=instructeur, request=etat)
    assert client.get(etat.get_absolute_url()).status_code == 404
    assert not perms.can_view_partner_opinion(partner_etat, opinion)


def test_a_refused_request_writes_nothing(client, director_a, deposited, partner_etat):
    client.force_login(partner_etat)
    url = reverse("aides:opinion_request_create", args=[deposited.uuid])
    assert client.post(url, {"question": "?"}).status_code == 404
    client.force_login(director_a)
    assert client.post(url, {"question": "?", "partners": [partner_etat.pk]}).status_code == 403
    assert not OpinionRequest.objects.exists()


# -- Opinions are never edited ------------------------------------------------------------


def test_an_opinion_is_never_edited_a_later_one_adds_a_row(
    client, instructeur, deposited, partner_etat
):
    [request] = ask(instructeur, deposited, [partner_etat])
    client.force_login(partner_etat)
    answer = reverse("aides:opinion_give", args=[request.uuid])
    assert client.post(answer, {"position": "favorable", "text": "Oui."}).status_code == 302
    request.refresh_from_db()
    first_answer = request.answered_at
    assert client.post(answer, {"position": "defavorable", "text": "Non."}).status_code == 302
    assert list(PartnerOpinion.objects.values_list("position", "text")) == [
        ("favorable", "Oui."),
        ("defavorable", "Non."),
    ]
    request.refresh_from_db()
    assert request.answered_at == first_answer
    page = text(client.get(request.get_absolute_url()))
    assert "Oui." in page and "Non." in page and "Donner un nouvel avis" in page
    opinion = PartnerOpinion.objects.first()
    for name in ("opinion_edit", "opinion_update", "opinion_change"):
        with pytest.raises(NoReverseMatch):
            reverse(f"aides:{name}", args=[opinion.uuid])
    # A refused answer (the applicant, staff) writes nothing.
    client.force_login(instructeur)
    assert client.post(answer, {"position": "favorable", "text": "X"}).status_code == 403
    assert PartnerOpinion.objects.count() == 2


# -- Reminders ----------------------------------------------------------------------------


def test_reminders_go_once_each_at_their_boundaries(
    instructeur, deposited, partner_etat, settings, django_capture_on_commit_callbacks
):
    settings.IAE_OPINION_REMINDER_DAYS_BEFORE = 3
    due = in_days(10)
    [request] = ask(instructeur, deposited, [partner_etat], due_on=due)
    day = datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        mail.outbox.clear()
        assert opinions.send_opinion_reminders(due - 4 * day)["before"] == 0
        assert opinions.send_opinion_reminders(due - 3 * day)["before"] == 1
        assert opinions.send_opinion_reminders(due - 3 * day)["before"] == 0
        assert opinions.send_opinion_reminders(due)["late"] == 0
        assert opinions.send_opinion_reminders(due + day)["late"] == 1
        assert opinions.send_opinion_reminders(due + 5 * day)["late"] == 0
    assert len(mail.outbox) == 2
    actions = audit_entries_for(request).values_list("action", flat=True)
    assert list(actions).count("opinion.remind") == 2


def test_no_reminder_before_for_a_request_asked_within_those_days_nor_once_answered(
    instructeur, deposited, partner_etat, partner_dep, settings
):
    settings.IAE_OPINION_REMINDER_DAYS_BEFORE = 3
    [short] = ask(instructeur, deposited, [partner_etat], due_on=in_days(2))
    [answered] = ask(instructeur, deposited, [partner_dep], due_on=in_days(10))
    opinions.opinion_give(actor=partner_dep, request=answered, position="favorable", text="Oui.")
    today = datetime.date.today()
    for days in range(0, 15):
        opinions.send_opinion_reminders(today + datetime.timedelta(days=days))
    short.refresh_from_db()
    answered.refresh_from_db()
    assert short.reminded_before_at is None and short.reminded_late_at is not None
    assert answered.reminded_before_at is None and answered.reminded_late_at is None


# -- Invitation ---------------------------------------------------------------------------


def test_an_invitation_creates_the_partner_account_and_its_link_sets_the_password(
    client, instructeur, deposited, departement, django_capture_on_commit_callbacks
):
    client.force_login(instructeur)
    url = reverse("aides:opinion_request_create", args=[deposited.uuid])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "invite_email": "Nouvelle.Partenaire@Departement.test",
                "invite_first_name": "Nina",
                "invite_last_name": "Nouvelle",
                "invite_organisation": str(departement.uuid),
                "question": "Votre avis ?",
                "due_on": in_days(10).isoformat(),
            },
        )
    assert response.status_code == 302, text(response)
    partner = User.objects.get(email="nouvelle.partenaire@departement.test")
    assert partner.role == Role.PARTENAIRE and not partner.has_usable_password()
    assert OrganisationMembership.objects.filter(user=partner, organisation=departement).exists()
    request = OpinionRequest.objects.get(partner=partner)
    [message] = mail.outbox
    assert message.to == [partner.email]
    link = re.search(r"https?://\S+/mot-de-passe/nouveau/\S+/", message.body).group(0)
    assert request.get_absolute_url() in message.body
    # The link lets them choose a password, then log in and open the request.
    client.logout()
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Un-mot-de-passe-2026", "new_password2": "Un-mot-de-passe-2026"},
    )
    assert done.status_code == 302
    partner.refresh_from_db()
    assert partner.check_password("Un-mot-de-passe-2026")
    assert client.login(username=partner.email, password="Un-mot-de-passe-2026")
    assert client.get(request.get_absolute_url()).status_code == 200
    assert not default_token_generator.check_token(partner, link.rstrip("/").rsplit("/", 1)[1])


def test_inviting_an_address_of_another_kind_of_account_is_a_french_error(
    client, instructeur, deposited, departement, director_a, partner_etat
):
    client.force_login(instructeur)
    url = reverse("aides:opinion_request_create", args=[deposited.uuid])
    data = {
        "invite_first_name": "X",
        "invite_last_name": "Y",
        "invite_organisation": str(departement.uuid),
        "question": "Votre avis ?",
        "due_on": in_days(10).isoformat(),
    }
    response = client.post(url, {**data, "invite_email": director_a.email.upper()})
    assert response.status_code == 400
    assert "n'est pas un compte de partenaire" in text(response)
    assert director_a.first_name not in text(response).split("Adresse e-mail")[1][:400]
    assert not OpinionRequest.objects.exists()
    # A partner's address: their account is reused and attached to the organisation.
    response = client.post(url, {**data, "invite_email": partner_etat.email.upper()})
    assert response.status_code == 302
    assert OrganisationMembership.objects.filter(
        user=partner_etat, organisation=departement
    ).exists()
    assert User.objects.filter(email__iexact=partner_etat.email).count() == 1


# -- Bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"due_on": "2020-01-01"}, "due_on", "ne peut pas être passée"),
        ({"due_on": "10000-01-01"}, "due_on", "date valide"),
        ({"question": ""}, "question", "Indiquez la question"),
        ({"question": "a\x00b"}, "question", "caractère nul"),
        ({"question": "a" * 6000}, "question", "5000"),
        ({"partners": ["999999999999999999999999"]}, "partners", "ne peut pas être sollicité"),
        ({"partners": ["\x00"]}, "partners", "ne peut pas être sollicité"),
        ({"partners": []}, "partners", "au moins un partenaire"),
        ({"documents": ["00000000-0000-0000-0000-000000000000"]}, "documents", "pièce"),
        ({"invite_email": "x@y.test"}, "invite_organisation", "organisme"),
    ],
)
def test_bad_requests_are_french_field_errors(
    client, instructeur, deposited, partner_etat, change, field, message
):
    client.force_login(instructeur)
    data = {
        "partners": [str(partner_etat.pk)],
        "question": "Votre avis ?",
        "due_on": in_days(10).isoformat(),
        **change,
    }
    response = client.post(reverse("aides:opinion_request_create", args=[deposited.uuid]), data)
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, response.context["form"].errors
    assert not OpinionRequest.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"position": "excellent", "text": "Oui."}, "position"),
        ({"position": "favorable", "text": ""}, "text"),
        ({"position": "favorable", "text": "a\x00"}, "text"),
        ({"position": "favorable", "text": "a" * 20001}, "text"),
    ],
)
def test_bad_opinions_are_french_field_errors(
    client, instructeur, deposited, partner_etat, data, field
):
    [request] = ask(instructeur, deposited, [partner_etat])
    client.force_login(partner_etat)
    response = client.post(reverse("aides:opinion_give", args=[request.uuid]), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not PartnerOpinion.objects.exists()


def test_only_organisations_of_the_dossiers_territory_are_asked(
    client, instructeur, deposited, partner_etat, partner_dep, grand_est
):
    """The DREETS (the whole region) and the Département of the dossier (54) may be asked;
    the Département of the Moselle, of the same region, may not."""
    moselle = Organisation.objects.create(
        name="Conseil départemental de la Moselle",
        kind=OrganisationKind.DEPARTEMENT,
        region=grand_est,
        department_id="57",
    )
    partner_57 = partner_of(moselle, "cd57@partenaire.test", "Mona", "Moselle")
    assert deposited.structure.department_id == "54"
    assert set(perms.opinion_partners(deposited)) == {partner_etat, partner_dep}
    client.force_login(instructeur)
    page = client.get(reverse("aides:opinion_request_create", args=[deposited.uuid]))
    text = page.content.decode()
    assert "Élise" in text and "Denis" in text
    assert "Mona" not in text and "Conseil départemental de la Moselle" not in text
    with pytest.raises(TransitionRefused, match="département du dossier"):
        ask(instructeur, deposited, [partner_57])
    assert not OpinionRequest.objects.exists()


def test_services_refuse_what_the_forms_would(instructeur, deposited, partner_etat, lecteur):
    with pytest.raises(TransitionRefused, match="passée"):
        ask(instructeur, deposited, [partner_etat], due_on=in_days(-1))
    stranger = UserFactory(role=Role.PARTENAIRE)  # no organisation of the region
    with pytest.raises(TransitionRefused, match="partenaire"):
        ask(instructeur, deposited, [stranger])
    with pytest.raises(PermissionDenied):
        ask(lecteur, deposited, [partner_etat])
    assert not OpinionRequest.objects.exists()


# -- Attachments through the antivirus ----------------------------------------------------


def test_attachments_are_checked_and_scanned_like_every_upload(
    client, media, fake_clamd, instructeur, deposited, partner_etat
):
    [request] = ask(instructeur, deposited, [partner_etat])
    client.force_login(partner_etat)
    url = reverse("aides:opinion_give", args=[request.uuid])
    infected = client.post(
        url,
        {
            "position": "favorable",
            "text": "Oui.",
            "attachments": [SimpleUploadedFile("note.pdf", EICAR_PDF)],
        },
    )
    assert infected.status_code == 400
    assert "antivirus" in " ".join(infected.context["form"].errors["attachments"])
    assert not PartnerOpinion.objects.exists()
    assert audit_entries_for(request).filter(action="upload.infected").exists()
    not_pdf = client.post(
        url,
        {
            "position": "favorable",
            "text": "Oui.",
            "attachments": [SimpleUploadedFile("a.pdf", b"MZ")],
        },
    )
    assert not_pdf.status_code == 400
    assert not PartnerOpinion.objects.exists()
    fine = client.post(
        url,
        {
            "position": "favorable",
            "text": "Oui.",
            "attachments": [SimpleUploadedFile("note.pdf", PDF)],
        },
    )
    assert fine.status_code == 302
    attachment = PartnerOpinionAttachment.objects.get()
    assert attachment.scan_state == ScanState.CLEAN
    # The staff of the dossier download it; the applicant never.
    client.force_login(instructeur)
    assert client.get(attachment.get_absolute_url()).status_code == 200


def test_an_attachment_found_infected_later_is_removed_and_told(
    client,
    media,
    fake_clamd,
    instructeur,
    deposited,
    partner_etat,
    django_capture_on_commit_callbacks,
):
    """Kept while clamd was away, then found infected: the file goes, the request's journal
    says so, the partner hears it (to give a new opinion) and so does the instruction."""
    [request] = ask(instructeur, deposited, [partner_etat])
    fake_clamd.stop()
    client.force_login(partner_etat)
    url = reverse("aides:opinion_give", args=[request.uuid])
    posted = client.post(
        url,
        {
            "position": "favorable",
            "text": "Oui.",
            "attachments": [SimpleUploadedFile("note.pdf", EICAR_PDF)],
        },
    )
    assert posted.status_code == 302
    attachment = PartnerOpinionAttachment.objects.get()
    assert attachment.scan_state == ScanState.PENDING
    stored = attachment.file.name
    fake_clamd.start()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert uploads.scan_waiting() == {ScanState.INFECTED: 1}
    assert not attachment.file.storage.exists(stored)
    assert audit_entries_for(request).filter(action="upload.infected").exists()
    told = Notification.objects.filter(user=partner_etat).latest("pk")
    assert "« note.pdf »" in told.body and "nouvel avis" in told.body
    staff = Notification.objects.filter(user=instructeur).latest("pk")
    assert "malveillant" in staff.body
    assert {partner_etat.email, instructeur.email} <= {a for m in mail.outbox for a in m.to}


def test_the_applicant_never_downloads_an_attachment(
    client, media, instructeur, director_a, deposited, partner_etat
):
    [request] = ask(instructeur, deposited, [partner_etat])
    opinions.opinion_give(
        actor=partner_etat,
        request=request,
        position="favorable",
        text="Oui.",
        attachments=[SimpleUploadedFile("note.pdf", PDF)],
    )
    client.force_login(director_a)
    url = PartnerOpinionAttachment.objects.get().get_absolute_url()
    assert client.get(url).status_code == 404


# -- The queue ----------------------------------------------------------------------------


def test_the_queue_column_costs_no_query_per_row(
    client, instructeur, deposited, partner_etat, campaign, director_a, structure_a
):
    others = []
    for n in range(3):
        dossier = submitted_dossier(
            director=director_a,
            structure=structure_a,
            campaign=campaign,
            title=f"D{n}",
            data=deposited.data,
        )
        others.append(dossier)
    client.force_login(instructeur)

    def queries():
        cache.clear()  # its option lists read each time (iae_portal.options)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("aides:queue")).status_code == 200
        return len(captured)

    before = queries()
    for dossier in [deposited, *others]:
        ask(instructeur, dossier, [partner_etat], due_on=in_days(5))
    assert queries() == before
    waiting = client.get(reverse("aides:queue"), {"opinions_waiting": "on"})
    assert len(waiting.context["page"].object_list) == 4
    assert "0/1 rendu" in text(waiting)


def test_the_dossier_pages_requests_stack_as_cards_on_a_phone(
    client, instructeur, deposited, partner_etat
):
    """The partners' table of the dossier page stacks on a phone, each cell under its
    column's name: its actions (« Voir la demande », « Retirer ») are never beyond the
    screen's right edge, nor is its header's hidden « Actions » (it made the page 397 px
    wide at 390 px once a request was answered)."""
    [request] = ask(instructeur, deposited, [partner_etat])
    opinions.opinion_give(actor=partner_etat, request=request, position="favorable", text="Oui.")
    client.force_login(instructeur)
    page = client.get(deposited.get_absolute_url()).content.decode()
    section = page[page.index('id="avis"') :]
    assert 'class="table table-stack"' in section
    assert 'data-label="Partenaire"' in section
    assert 'data-label="État"' in section
    assert 'data-label="Actions"' in section
