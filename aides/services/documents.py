"""A dossier's supporting documents: attach, replace, remove.

Each upload is checked by content (PDF, JPEG, PNG) and size (10 MB) and scanned by the
antivirus before the transaction (``iae_portal.uploads.uploaded``: an infected file is refused
and journalled, one clamd could not scan yet waits « en cours d'analyse »), bumps the dossier's
version (forms opened before must be reloaded) and writes an audit entry. A document is
never deleted: replacing or removing one marks it (when, by whom, and the document that
replaces it), so that staff keep in the dossier's history what the instruction may have
seen, while the applicant's pages show the current documents only (``perms``).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from iae_portal.audit.services import audit_record
from iae_portal.uploads import after_saving, uploaded

from .. import perms
from ..enums import DocumentKind, DossierState
from ..models import DossierDocument
from ..workflow import APPLICANT_EDITABLE
from .dossiers import TransitionRefused, _compare_and_set, _notify

GONE = "Cette pièce a déjà été remplacée ou retirée : rechargez la page."


def _label(kind, name):
    return f"{DocumentKind(kind).label} : {name}"


def _checked(*, actor, dossier, upload):
    """``upload`` checked and scanned, outside any transaction (``uploaded``)."""
    return uploaded(upload, "piece", actor=actor, journal=dossier)


def _store(*, actor, dossier, kind, fields):
    """Keep the checked file under a random name (its name in the row)."""
    # Only while the applicant may change the dossier, and the version moves on.
    _compare_and_set(dossier, dossier.version, APPLICANT_EDITABLE)
    document = DossierDocument.objects.create(
        dossier=dossier, kind=kind, uploaded_by=actor, **fields
    )
    after_saving(document)
    return document


def _tell_instructor(dossier, text):
    """While a correction is requested, the instructor hears of each document sent."""
    if dossier.state == DossierState.COMPLEMENT_DEMANDE:
        _notify(dossier, "documents", staff=True, intro=text)


def document_add(*, actor, dossier, kind, upload):
    """Attach a supporting document (checked by content: PDF, JPEG, PNG; 10 MB; scanned)."""
    if not perms.can_edit_dossier(actor, dossier):
        raise PermissionDenied
    fields = _checked(actor=actor, dossier=dossier, upload=upload)
    return _add(actor=actor, dossier=dossier, kind=kind, fields=fields)


@transaction.atomic
def _add(*, actor, dossier, kind, fields):
    document = _store(actor=actor, dossier=dossier, kind=kind, fields=fields)
    audit_record(
        actor=actor,
        action="dossier.document",
        obj=dossier,
        changes={"document": [None, _label(kind, document.original_name)]},
    )
    _tell_instructor(dossier, f"Une pièce a été déposée : {DocumentKind(kind).label}.")
    return document


def _withdraw(document, actor):
    """Mark ``document`` as no longer current, once (a stale page is refused)."""
    written = DossierDocument.objects.filter(pk=document.pk, removed_at__isnull=True).update(
        removed_at=timezone.now(), removed_by=actor
    )
    if not written:
        raise TransitionRefused(GONE)


def document_replace(*, actor, document, upload):
    """Replace a wrong ``document`` by ``upload``, of the same kind, while the applicant may
    change the dossier (draft, correction requested): the former one stays, marked
    replaced, for staff. Returns the new document."""
    if not perms.can_replace_document(actor, document):
        raise PermissionDenied
    fields = _checked(actor=actor, dossier=document.dossier, upload=upload)
    return _replace(actor=actor, document=document, fields=fields)


@transaction.atomic
def _replace(*, actor, document, fields):
    dossier = document.dossier
    _withdraw(document, actor)
    new = _store(actor=actor, dossier=dossier, kind=document.kind, fields=fields)
    DossierDocument.objects.filter(pk=document.pk).update(replaced_by=new)
    document.refresh_from_db()
    audit_record(
        actor=actor,
        action="dossier.document_replace",
        obj=dossier,
        changes={
            "document": [
                _label(document.kind, document.original_name),
                _label(new.kind, new.original_name),
            ]
        },
    )
    _tell_instructor(dossier, f"Une pièce a été remplacée : {DocumentKind(new.kind).label}.")
    return new


@transaction.atomic
def document_remove(*, actor, document):
    """Take a wrong ``document`` out of a draft: it stays, marked removed, for staff."""
    dossier = document.dossier
    if not perms.can_remove_document(actor, document):
        raise PermissionDenied
    _withdraw(document, actor)
    _compare_and_set(dossier, dossier.version, (DossierState.BROUILLON,))
    document.refresh_from_db()
    audit_record(
        actor=actor,
        action="dossier.document_remove",
        obj=dossier,
        changes={"document": [_label(document.kind, document.original_name), None]},
    )
    return document


def document_found_infected(sender, document, **kwargs):
    """A document kept while the antivirus was away was infected (``uploads.document_infected``):
    the applicants hear that it was removed and must be sent again; the instructor too, when
    the dossier has one."""
    dossier = document.dossier
    intro = (
        f"La pièce « {_label(document.kind, document.original_name)} » a été retirée : "
        "l'antivirus y a trouvé un contenu malveillant. Envoyez-la de nouveau."
    )
    _notify(dossier, "infected", staff=False, intro=intro)
    if dossier.instructor_id:
        _notify(dossier, "infected", staff=True, intro=intro)
