"""The staff's half of a dossier's life, every step through the pages: instruction, a
request for documents answered by the director, the opinion, the commission's vote, the
notification with its letter, the payments until the dossier is settled."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from aides.enums import DossierState as S
from tests.aides.factories import pdf_upload
from tests.aides.test_views_applicant import page_text, transition_url, upload

pytestmark = pytest.mark.django_db


def fire(client, dossier, name, **fields):
    dossier.refresh_from_db()
    data = {f"{name}-version": dossier.version, **{f"{name}-{k}": v for k, v in fields.items()}}
    response = client.post(transition_url(dossier, name), data)
    assert response.status_code == 302, page_text(response)[-2000:]
    dossier.refresh_from_db()
    return dossier


def test_staff_path_through_the_views(
    client, draft, director_a, instructeur, chef_service, commission
):
    client.force_login(director_a)
    assert fire(client, draft, "submit").state == S.DEPOSE

    client.force_login(instructeur)
    fire(client, draft, "start_instruction")
    fire(client, draft, "request_documents", comment="Merci de joindre le devis signé.")
    assert draft.state == S.COMPLEMENT_DEMANDE

    client.force_login(director_a)
    page = page_text(client.get(draft.get_absolute_url()))
    assert (
        "Complément demandé : à vous de répondre" in page
        and "Merci de joindre le devis signé." in page
    )
    assert upload(client, draft, "devis", pdf_upload("devis-signe.pdf")).status_code == 302
    fire(client, draft, "resubmit")
    assert draft.state == S.EN_INSTRUCTION

    client.force_login(instructeur)
    fire(
        client,
        draft,
        "instruct",
        opinion="favorable",
        comment="Projet solide, équipe expérimentée.",
    )
    assert str(draft.proposed_amount) == "106650.00"

    client.force_login(chef_service)
    fire(client, draft, "vote", commission=commission.pk, deliberation_number="CP-2026-118")
    assert draft.state == S.VOTE and str(draft.voted_amount) == "106650.00"

    client.force_login(instructeur)
    fire(client, draft, "notify")
    letter = client.get(reverse("aides:dossier_letter", args=[draft.uuid, "notification"]))
    text = PdfReader(io.BytesIO(letter.content)).pages[0].extract_text()
    assert "106" in text and "cent six mille six cent cinquante euros" in text

    for instalment in draft.instalments.order_by("year"):
        response = client.post(
            reverse("aides:instalment_pay", args=[instalment.uuid]),
            {"paid_on": "2026-12-15", "reference": f"MANDAT-{instalment.year}"},
        )
        assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == S.SOLDE
    assert list(draft.instalments.values_list("payment_reference", flat=True)) == [
        "MANDAT-1",
        "MANDAT-2",
        "MANDAT-3",
        "MANDAT-4",
    ]

    client.force_login(director_a)
    page = page_text(client.get(draft.get_absolute_url()))
    assert "Soldé" in page and "Projet solide" not in page  # the opinion stays internal
    assert (
        client.get(reverse("aides:dossier_letter", args=[draft.uuid, "convention"])).status_code
        == 200
    )


def test_a_refused_precondition_is_shown_in_french_and_changes_nothing(
    client, draft, director_a, instructeur
):
    client.force_login(director_a)
    fire(client, draft, "submit")
    client.force_login(instructeur)
    fire(client, draft, "start_instruction")
    draft.refresh_from_db()
    response = client.post(
        transition_url(draft, "instruct"),
        {
            "instruct-version": draft.version,
            "instruct-opinion": "favorable",
            "instruct-proposed_amount": "90000",
        },
    )
    assert response.status_code == 400
    assert "Un montant différent du montant calculé doit être justifié." in page_text(response)
    draft.refresh_from_db()
    assert draft.state == S.EN_INSTRUCTION and draft.proposed_amount is None
