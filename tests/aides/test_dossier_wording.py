"""What people read on a dossier: the history in words (states, events, people), success
messages as sentences, amounts in French (issue 14, items 6 and 9)."""

import datetime
import re
from decimal import Decimal

import pytest

from aides import services
from aides.models import Notification
from aides.services import financing
from aides.services.financing import LineInput
from aides.workflow import TRANSITIONS
from tests.aides.factories import move, pdf_upload
from tests.aides.test_views_applicant import page_text, transition_url

pytestmark = pytest.mark.django_db

# What a person must never read: dotted event names, state codes, arrows between codes.
CODES = re.compile(r"dossier\.[a-z_]+|\b(brouillon|depose|en_instruction|instruit)\b|∅|→ [a-z_]+\b")


def normalise(text):
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def history(response):
    """The text of the page's history section."""
    text = page_text(response)
    start = text.index('id="history-title"')
    return normalise(re.sub(r"<[^>]+>", " ", text[start : text.index("</section>", start)]))


def fire(client, dossier, name, **fields):
    dossier.refresh_from_db()
    data = {f"{name}-version": dossier.version, **{f"{name}-{k}": v for k, v in fields.items()}}
    response = client.post(transition_url(dossier, name), data, follow=True)
    dossier.refresh_from_db()
    return [str(m) for m in response.context["messages"]]


def test_every_transition_declares_the_sentence_that_says_it_is_done():
    for transition in TRANSITIONS.values():
        assert transition.done[0].isupper() and transition.done.endswith("."), transition.name
        assert "c'est fait" not in transition.done
    assert TRANSITIONS["submit"].done == "Le dossier a été déposé."


def test_success_messages_are_sentences(client, draft, director_a, instructeur, chef_service):
    client.force_login(director_a)
    assert fire(client, draft, "submit") == ["Le dossier a été déposé."]
    client.force_login(instructeur)
    assert fire(client, draft, "start_instruction") == ["L'instruction du dossier a commencé."]
    assert fire(client, draft, "instruct", opinion="favorable") == [
        "L'avis d'instruction a été rendu."
    ]


def test_the_computed_amount_is_in_french_in_the_opinion_form(
    client, draft, director_a, instructeur
):
    move(draft, director_a, "submit")
    move(draft, instructeur, "start_instruction")
    client.force_login(instructeur)
    page = normalise(page_text(client.get(draft.get_absolute_url())))
    assert "Montant calculé : 106 650,00 €." in page
    assert "Montant calculé : 106650.00" not in page  # (the input keeps its machine value)


@pytest.fixture
def lived(draft, director_a, instructeur, chef_service, commission):
    """A dossier deposited, asked for a document, answered, instructed, voted, notified
    and paid once: every kind of history entry."""
    move(draft, director_a, "submit")
    services.dossiers_assign(actor=chef_service, dossiers=[draft], instructor=instructeur)
    move(draft, instructeur, "start_instruction")
    move(draft, instructeur, "request_documents", comment="Merci de joindre le devis signé.")
    services.document_add(
        actor=director_a, dossier=draft, kind="devis", upload=pdf_upload("devis-signe.pdf")
    )
    financing.financing_plan_save(
        actor=director_a,
        dossier=draft,
        total_cost=Decimal("120000.00"),
        lines=[LineInput(funder="departement", amount=Decimal("30000.00"), status="demande")],
    )
    draft.refresh_from_db()
    move(draft, director_a, "resubmit")
    move(draft, instructeur, "instruct", opinion="favorable", comment="Avis interne : solide.")
    move(draft, chef_service, "vote", commission=commission, deliberation_number="CP-2026-118")
    move(draft, instructeur, "notify")
    services.instalment_pay(
        actor=instructeur,
        instalment=draft.instalments.order_by("year").first(),
        paid_on=datetime.date(2026, 12, 1),
        reference="M-1",
    )
    draft.refresh_from_db()
    return draft


def test_the_staff_history_speaks_french_and_names_people(
    client, lived, director_a, instructeur, chef_service, structure_a
):
    client.force_login(instructeur)
    text = history(client.get(lived.get_absolute_url()))
    assert not CODES.search(text), CODES.search(text)
    for address in (director_a.email, instructeur.email, chef_service.email):
        assert address not in text
    assert "Le dossier a été créé." in text
    assert "Le dossier a été déposé." in text and "Brouillon → Déposé" in text
    assert f"{director_a.get_full_name()} (Direction, {structure_a.name})" in text
    assert f"{instructeur.get_full_name()} (instruction, Conseil régional)" in text
    assert f"{chef_service.get_full_name()} (chef de service, Conseil régional)" in text
    assert f"Le dossier a été assigné à {instructeur.get_full_name()}." in text
    assert "Une pièce a été déposée : Devis (devis-signe.pdf)." in text
    assert "Le plan de financement a été enregistré." in text
    assert "Coût total du projet : 120 000,00 €." in text
    assert "Département : 30 000,00 €, demandé." in text
    assert "Commentaire : Avis interne : solide." in text  # staff read the opinion's motivation
    assert "Le vote de la commission a été enregistré." in text and "Instruit → Voté" in text
    assert "Un versement a été enregistré : année 1, 55 900,00 € le 01/12/2026 (mandat M-1)." in (
        text
    )


def test_the_applicant_reads_the_history_of_what_concerns_them(
    client, lived, director_a, instructeur
):
    client.force_login(director_a)
    text = history(client.get(lived.get_absolute_url()))
    assert not CODES.search(text), CODES.search(text)
    assert instructeur.email not in text and director_a.email not in text
    assert "Le dossier a été déposé." in text
    assert "Brouillon (non déposé) → Déposé, en attente d'instruction" in text
    assert "Merci de joindre le devis signé." in text
    assert "Le plan de financement a été enregistré." in text
    assert "La décision a été notifiée." in text
    # Internal steps stay internal: the opinion, its motivation, assignments.
    assert "avis d'instruction" not in text.lower() and "Avis interne" not in text
    assert "assigné" not in text


def test_notifications_say_what_happened_in_words(lived, instructeur):
    for notification in Notification.objects.all():
        assert not CODES.search(notification.subject + notification.body)
    # The instructor hears of the answer to the request, in a sentence.
    to_staff = Notification.objects.filter(user=instructeur).order_by("pk").last()
    assert "Le dossier complété a été renvoyé. Il est maintenant « En instruction »." in (
        to_staff.body
    )
    assert "Renvoyer le dossier complété :" not in to_staff.body


def test_document_replacements_read_as_sentences():
    from types import SimpleNamespace

    from aides.presenters import _event

    entry = SimpleNamespace(
        action="dossier.document_replace",
        changes={"document": ["Devis : devis-faux.pdf", "Devis : devis-signe.pdf"]},
    )
    assert _event(entry, staff=False) == (
        "Une pièce a été remplacée : Devis, devis-faux.pdf par devis-signe.pdf.",
        [],
    )


def test_the_payment_is_recorded_with_its_amount_in_french(lived):
    from iae_portal.audit.models import AuditEntry

    entry = AuditEntry.objects.get(action="dossier.payment", object_id=str(lived.uuid))
    assert normalise(entry.changes["versement année 1"][1]) == "55 900,00 € le 01/12/2026 (M-1)"
