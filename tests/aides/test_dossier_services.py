"""The whole path of a dossier through the services, and every refusal on the way."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from aides import services
from aides.enums import DossierState as S
from aides.models import Instalment, Notification
from iae_portal.audit.models import AuditEntry
from tests.aides.factories import CA_DATA, move, pdf_upload

pytestmark = pytest.mark.django_db


def test_full_path_from_draft_to_settled(draft, director_a, instructeur, chef_service, commission):
    assert draft.requested_amount == Decimal("106650.00") and draft.computation.version.number == 1
    move(draft, director_a, "submit")
    assert draft.state == S.DEPOSE and draft.submitted_at is not None
    move(draft, instructeur, "start_instruction")
    move(draft, instructeur, "request_documents", comment="Merci de joindre le devis signé.")
    assert draft.state == S.COMPLEMENT_DEMANDE
    services.document_add(
        actor=director_a, dossier=draft, kind="devis", upload=pdf_upload("devis-signe.pdf")
    )
    move(draft, director_a, "resubmit")
    assert draft.state == S.EN_INSTRUCTION
    move(draft, instructeur, "instruct", opinion="favorable", comment="Projet solide.")
    assert draft.proposed_amount == Decimal("106650.00")  # defaults to the computed amount
    move(draft, chef_service, "vote", commission=commission, deliberation_number="CP-2026-118")
    assert draft.voted_amount == Decimal("106650.00")
    assert list(draft.instalments.values_list("year", "amount")) == [
        (1, Decimal("55900.00")),
        (2, Decimal("22750.00")),
        (3, Decimal("17500.00")),
        (4, Decimal("10500.00")),
    ]
    move(draft, instructeur, "notify")
    for instalment in draft.instalments.all():
        services.instalment_pay(
            actor=instructeur,
            instalment=instalment,
            paid_on=datetime.date(2026, 12, 1),
            reference=f"M-{instalment.year}",
        )
        draft.refresh_from_db()
        assert draft.state in (S.EN_PAIEMENT, S.SOLDE)
    assert draft.state == S.SOLDE
    actions = list(
        AuditEntry.objects.filter(object_id=str(draft.uuid))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[:3] == ["dossier.create", "dossier.data", "dossier.document"]
    assert actions[-2:] == ["dossier.payment", "dossier.settle"]
    assert "dossier.vote" in actions and "dossier.request_documents" in actions


def test_applicant_is_notified_by_email_in_french(
    draft, director_a, instructeur, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        move(draft, director_a, "submit")
        move(draft, instructeur, "start_instruction")
        move(draft, instructeur, "request_documents", comment="Merci de joindre le devis signé.")
    to_director = [m for m in mail.outbox if director_a.email in m.to]
    assert to_director, "the director hears about the request"
    assert "Complément demandé" in to_director[-1].subject
    assert "Merci de joindre le devis signé." in to_director[-1].body
    assert Notification.objects.filter(user=director_a, emailed_at__isnull=False).exists()


def test_instructor_is_notified_when_documents_arrive(
    draft, director_a, instructeur, django_capture_on_commit_callbacks
):
    services.dossiers_assign(actor=instructeur, dossiers=[draft], instructor=instructeur)
    draft.refresh_from_db()
    move(draft, director_a, "submit")
    move(draft, instructeur, "request_documents", comment="Le RIB est illisible.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.document_add(
            actor=director_a, dossier=draft, kind="rib", upload=pdf_upload("rib.pdf")
        )
    assert [m.to for m in mail.outbox] == [[instructeur.email]]


def test_submit_refused_while_documents_are_missing(campaign, director_a, structure_a):
    dossier = services.dossier_create(actor=director_a, structure=structure_a, campaign=campaign)
    with pytest.raises(services.TransitionRefused, match="Enregistrez d'abord"):
        move(dossier, director_a, "submit")
    services.dossier_save_data(
        actor=director_a, dossier=dossier, expected_version=dossier.version, data=CA_DATA
    )
    with pytest.raises(services.TransitionRefused, match="Pièces manquantes : Statuts"):
        move(dossier, director_a, "submit")
    assert dossier.state == S.BROUILLON


def test_a_different_proposed_amount_needs_a_justification(draft, director_a, instructeur):
    move(draft, director_a, "submit")
    move(draft, instructeur, "start_instruction")
    with pytest.raises(services.TransitionRefused, match="justifié"):
        move(draft, instructeur, "instruct", opinion="favorable", proposed_amount=Decimal("90000"))
    move(
        draft,
        instructeur,
        "instruct",
        opinion="favorable_reserves",
        proposed_amount=Decimal("90000"),
        justification="Enveloppe contrainte.",
    )
    assert draft.proposed_amount == Decimal("90000")


def test_stale_version_is_refused_and_nothing_is_lost(draft, director_a, instructeur, chef_service):
    move(draft, director_a, "submit")
    seen = draft.version
    services.dossier_transition(
        actor=instructeur, dossier=draft, name="start_instruction", expected_version=seen
    )
    with pytest.raises(services.DossierChanged):
        services.dossier_transition(
            actor=chef_service,
            dossier=draft,
            name="close",
            expected_version=seen,
            comment="Doublon",
        )
    draft.refresh_from_db()
    assert draft.state == S.EN_INSTRUCTION


@pytest.mark.parametrize(
    ("who", "name"),
    [
        ("director_a", "start_instruction"),
        ("instructeur", "submit"),
        ("lecteur", "start_instruction"),
        ("director_b", "submit"),
        ("instructeur", "vote"),
    ],
)
def test_forbidden_transitions(draft, request, who, name):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        move(draft, actor, name)
    draft.refresh_from_db()
    assert draft.state == S.BROUILLON


def test_transition_from_a_wrong_state_is_refused(draft, instructeur):
    with pytest.raises(services.TransitionRefused, match="n'est pas possible"):
        move(draft, instructeur, "start_instruction")


def test_withdraw_before_the_vote_only(draft, director_a, instructeur, chef_service, commission):
    move(draft, director_a, "submit")
    move(draft, instructeur, "start_instruction")
    move(draft, instructeur, "instruct", opinion="favorable")
    move(draft, chef_service, "vote", commission=commission, deliberation_number="CP-1")
    with pytest.raises(services.TransitionRefused):
        move(draft, director_a, "withdraw")


def test_uploads_are_checked_by_content(draft, director_a):
    with pytest.raises(ValidationError, match="PDF, JPEG et PNG"):
        services.document_add(
            actor=director_a,
            dossier=draft,
            kind="rib",
            upload=pdf_upload("rib.pdf", b"MZ\x90\x00 not a pdf"),
        )
    with_path = pdf_upload("rib.pdf")
    with_path.had_path = True  # the request parser saw "../../etc/rib.pdf"
    with pytest.raises(ValidationError, match="chemin"):
        services.document_add(actor=director_a, dossier=draft, kind="rib", upload=with_path)
    big = pdf_upload("gros.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match="10 Mo"):
        services.document_add(actor=director_a, dossier=draft, kind="rib", upload=big)
    document = services.document_add(
        actor=director_a, dossier=draft, kind="rib", upload=pdf_upload("Mon RIB.pdf")
    )
    assert document.original_name == "Mon RIB.pdf"
    assert "Mon RIB" not in document.file.name and document.file.name.endswith(".pdf")


def test_paying_twice_is_refused(draft, director_a, instructeur, chef_service, commission):
    for actor, name, payload in [
        (director_a, "submit", {}),
        (instructeur, "start_instruction", {}),
        (instructeur, "instruct", {"opinion": "favorable"}),
        (chef_service, "vote", {"commission": commission, "deliberation_number": "CP-2"}),
        (instructeur, "notify", {}),
    ]:
        move(draft, actor, name, **payload)
    instalment = draft.instalments.first()
    services.instalment_pay(
        actor=instructeur,
        instalment=instalment,
        paid_on=datetime.date(2026, 12, 1),
        reference="M-1",
    )
    with pytest.raises(services.DossierChanged):
        services.instalment_pay(
            actor=instructeur,
            instalment=instalment,
            paid_on=datetime.date(2026, 12, 2),
            reference="M-1bis",
        )
    assert Instalment.objects.get(pk=instalment.pk).payment_reference == "M-1"


def test_no_document_once_the_dossier_left_the_applicant(draft, director_a, instructeur):
    stale = type(draft).objects.get(pk=draft.pk)
    move(draft, director_a, "submit")
    move(draft, instructeur, "declare_inadmissible", comment="Hors délai")
    with pytest.raises((services.DossierChanged, PermissionDenied)):
        services.document_add(
            actor=director_a, dossier=stale, kind="rib", upload=pdf_upload("rib-tardif.pdf")
        )
    assert not draft.documents.filter(original_name="rib-tardif.pdf").exists()
