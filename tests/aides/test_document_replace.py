"""A wrong upload can be put right (issue 14, defect 5): the director replaces a document
while the dossier is a draft or a correction is requested, and removes one from a draft.
Nothing is deleted: the former file stays for staff, marked replaced or removed, with an
audit entry; the applicant sees the current documents only. The replacement is checked as
any upload is (content, size)."""

import html

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from aides import perms, services
from aides.enums import DossierState as S
from aides.models import DossierDocument, Notification
from iae_portal.audit.models import AuditEntry
from structures.enums import MembershipRole
from tests.aides.factories import PDF, PNG, move, pdf_upload
from tests.structures.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pieces_url(dossier):
    return f"{reverse('aides:dossier_edit', args=[dossier.uuid])}?etape=pieces"


def replace_url(document):
    return reverse("aides:document_replace", args=[document.uuid])


def remove_url(document):
    return reverse("aides:document_remove", args=[document.uuid])


def text(response):
    return html.unescape(response.content.decode())


def rib_of(dossier):
    """The dossier's current RIB."""
    return dossier.documents.current().get(kind="rib")


def test_the_director_replaces_a_wrong_file_of_a_draft(
    client, draft, director_a, instructeur, structure_a
):
    wrong = rib_of(draft)
    client.force_login(director_a)
    page = text(client.get(pieces_url(draft)))
    assert replace_url(wrong) in page  # offered next to the document
    form = text(client.get(replace_url(wrong)))
    assert "rib.pdf" in form and "Relevé d'identité bancaire" in form
    response = client.post(
        replace_url(wrong), {"file": pdf_upload("RIB du Crédit coopératif.pdf")}, follow=True
    )
    assert response.redirect_chain[-1][0] == pieces_url(draft)
    assert any("remplacé" in str(m) for m in response.context["messages"])

    new = rib_of(draft)
    wrong.refresh_from_db()
    assert new.original_name == "RIB du Crédit coopératif.pdf"
    assert wrong.removed_at is not None and wrong.removed_by == director_a
    assert wrong.replaced_by == new
    assert default_storage.exists(wrong.file.name)  # never deleted
    entry = AuditEntry.objects.get(action="dossier.document_replace")
    assert entry.actor_id == director_a.pk and entry.object_id == str(draft.uuid)
    assert entry.changes == {
        "document": [
            "Relevé d'identité bancaire : rib.pdf",
            "Relevé d'identité bancaire : RIB du Crédit coopératif.pdf",
        ]
    }

    # The applicant sees the current document only, wherever documents are listed (the
    # history may say what they did, without a link).
    depot = f"{reverse('aides:dossier_edit', args=[draft.uuid])}?etape=depot"
    for url in (pieces_url(draft), draft.get_absolute_url(), depot):
        page = text(client.get(url))
        assert new.get_absolute_url() in page and wrong.get_absolute_url() not in page
    assert client.get(wrong.get_absolute_url()).status_code == 404
    employee = MembershipFactory(structure=structure_a, role=MembershipRole.SALARIE).user
    client.force_login(employee)
    page = text(client.get(draft.get_absolute_url()))
    assert new.get_absolute_url() in page and wrong.get_absolute_url() not in page
    assert client.get(wrong.get_absolute_url()).status_code == 404

    # Staff see both, the former one marked replaced, and may still open it.
    client.force_login(instructeur)
    page = text(client.get(draft.get_absolute_url()))
    assert "remplacée le" in page and "par RIB du Crédit coopératif.pdf" in page
    # The former one comes after the current ones.
    assert page.index(new.get_absolute_url()) < page.index(wrong.get_absolute_url())
    assert client.get(wrong.get_absolute_url()).status_code == 200


def test_the_replacement_counts_for_the_submission(client, draft, director_a):
    client.force_login(director_a)
    client.post(replace_url(rib_of(draft)), {"file": pdf_upload("rib-2.pdf")})
    draft.refresh_from_db()
    move(draft, director_a, "submit")
    assert draft.state == S.DEPOSE


def test_a_correction_requested_allows_replacing_not_removing(
    client, draft, director_a, instructeur, chef_service
):
    move(draft, director_a, "submit")
    services.dossiers_assign(actor=chef_service, dossiers=[draft], instructor=instructeur)
    draft.refresh_from_db()
    move(draft, instructeur, "request_documents", comment="Le RIB est illisible.")
    wrong = rib_of(draft)
    client.force_login(director_a)
    page = text(client.get(pieces_url(draft)))
    assert replace_url(wrong) in page and remove_url(wrong) not in page
    assert client.post(remove_url(wrong)).status_code == 403
    response = client.post(replace_url(wrong), {"file": pdf_upload("rib-lisible.pdf")})
    assert response.status_code == 302
    wrong.refresh_from_db()
    assert wrong.replaced_by.original_name == "rib-lisible.pdf"
    # The instructeur is told, as for a document added.
    assert Notification.objects.filter(
        user=instructeur, body__contains="Une pièce a été remplacée : Relevé d'identité bancaire"
    ).exists()
    # Once sent back, documents are frozen again.
    draft.refresh_from_db()
    move(draft, director_a, "resubmit")
    assert client.get(replace_url(rib_of(draft))).status_code == 403


def test_the_director_removes_a_document_of_a_draft(client, draft, director_a, instructeur):
    extra = services.document_add(
        actor=director_a, dossier=draft, kind="devis", upload=pdf_upload("devis-faux.pdf")
    )
    client.force_login(director_a)
    assert remove_url(extra) in text(client.get(pieces_url(draft)))
    response = client.post(remove_url(extra), follow=True)
    assert response.redirect_chain[-1][0] == pieces_url(draft)
    assert extra.get_absolute_url() not in text(response)
    extra.refresh_from_db()
    assert extra.removed_at is not None and extra.replaced_by is None
    assert default_storage.exists(extra.file.name)
    assert AuditEntry.objects.get(action="dossier.document_remove").changes == {
        "document": ["Devis : devis-faux.pdf", None]
    }
    # Removing a required document makes it missing again.
    client.post(remove_url(rib_of(draft)))
    draft.refresh_from_db()
    assert "Pièces manquantes : Relevé d'identité bancaire" in text(client.get(pieces_url(draft)))
    with pytest.raises(services.TransitionRefused, match="Relevé d'identité bancaire"):
        move(draft, director_a, "submit")
    # Twice is refused (the page was stale): nothing more is written.
    response = client.post(remove_url(extra))
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action="dossier.document_remove").count() == 2
    client.force_login(instructeur)
    page = text(client.get(draft.get_absolute_url()))
    assert "devis-faux.pdf" in page and "retirée le" in page


def test_the_replacement_is_checked_like_any_upload(client, draft, director_a):
    wrong = rib_of(draft)
    client.force_login(director_a)
    for upload, message in [
        (pdf_upload("rib.pdf", b"MZ\x90\x00 not a pdf"), "Seuls les fichiers PDF, JPEG et PNG"),
        (pdf_upload("gros.pdf", PDF + b"0" * (10 * 1024 * 1024)), "10 Mo"),
        (pdf_upload("vide.pdf", b""), "vide"),
    ]:
        response = client.post(replace_url(wrong), {"file": upload})
        assert response.status_code == 200 and message in text(response)
    response = client.post(replace_url(wrong), {})
    assert response.status_code == 200
    assert DossierDocument.objects.filter(dossier=draft).count() == len(
        draft.scheme.required_documents
    )
    assert not DossierDocument.objects.filter(removed_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="dossier.document_replace").exists()
    # An image is a valid replacement.
    png = pdf_upload("rib.png", PNG)
    assert client.post(replace_url(wrong), {"file": png}).status_code == 302
    assert draft.documents.current().get(kind="rib").content_type == "image/png"


def test_who_may_replace_or_remove(
    client, draft, director_a, director_b, instructeur, chef_service, admin_user, structure_a
):
    document = rib_of(draft)
    employee = MembershipFactory(structure=structure_a, role=MembershipRole.SALARIE).user
    for user, status in [
        (employee, 403),
        (instructeur, 403),
        (chef_service, 403),
        (admin_user, 403),
        (director_b, 404),
    ]:
        client.force_login(user)
        assert client.get(replace_url(document)).status_code == status, user
        assert client.post(replace_url(document), {"file": pdf_upload()}).status_code == status
        assert client.post(remove_url(document)).status_code == status, user
    client.logout()
    assert client.post(remove_url(document)).status_code == 302  # to the login page
    assert client.get(remove_url(document)).status_code in (302, 405)
    document.refresh_from_db()
    assert document.removed_at is None
    assert DossierDocument.objects.filter(dossier=draft).count() == len(
        draft.scheme.required_documents
    )
    # Once deposited, the director may neither replace nor remove.
    move(draft, director_a, "submit")
    client.force_login(director_a)
    assert client.get(replace_url(document)).status_code == 403
    assert client.post(remove_url(document)).status_code == 403


def test_the_api_lists_current_documents(client, draft, director_a):
    client.force_login(director_a)
    client.post(replace_url(rib_of(draft)), {"file": pdf_upload("rib-2.pdf")})
    response = client.get(f"/api/v1/dossiers/{draft.uuid}/")
    names = [d["original_name"] for d in response.json()["documents"]]
    assert "rib-2.pdf" in names and "rib.pdf" not in names


def test_document_predicate_and_list_agree(
    draft, director_a, director_b, structure_a, instructeur, lecteur, admin_user
):
    removed = services.document_add(
        actor=director_a, dossier=draft, kind="devis", upload=pdf_upload("devis.pdf")
    )
    services.document_remove(actor=director_a, document=removed)
    replaced = rib_of(draft)
    services.document_replace(actor=director_a, document=replaced, upload=pdf_upload())
    employee = MembershipFactory(structure=structure_a, role=MembershipRole.SALARIE).user
    documents = list(DossierDocument.objects.filter(dossier=draft))
    seen = set()
    for user in (director_a, employee, director_b, instructeur, lecteur, admin_user):
        visible = (
            set(perms.visible_documents(user, draft))
            if perms.can_view_dossier(user, draft)
            else set()
        )
        for document in documents:
            predicate = perms.can_view_document(user, document)
            assert predicate == (document in visible), (user, document)
            seen.add((predicate, document.is_current))
        # Each read onto the dossier given (the page asks no query for it).
        assert all(document.dossier is draft for document in visible)
    assert seen == {(True, True), (False, True), (True, False), (False, False)}
