"""Partners' opinions (avis) on a dossier: ask, answer, withdraw, remind.

An instructeur asks partners (``partenaire`` role, each acting for an organisation of the
dossier's region) a question with a due date and the documents they may read: one request
per partner, each partner told in the portal and by e-mail after the commit (a partner
invited by e-mail, whose account was just created, gets the link to choose a password).
The partner answers with a position and a text, and files checked like every upload; an
opinion is never changed, a later one may follow. Reminders go once before the due date
and once after it (``send_opinion_reminders``, run daily by Celery beat). Each write is
journalled on its request (``opinion.*``).
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone

from iae_portal.audit.services import audit_record
from iae_portal.queue import enqueue_quietly
from iae_portal.uploads import after_saving, uploaded
from structures.models import OrganisationMembership
from structures.partners import partner_invite

from .. import perms
from ..enums import PartnerPosition
from ..models import (
    Notification,
    OpinionRequest,
    PartnerOpinion,
    PartnerOpinionAttachment,
)
from ..workflow import TERMINAL
from .dossiers import TransitionRefused
from .notifications import notify

# A due date within a year: beyond, a typing error (and a bad year never reaches the
# database).
LONGEST_DELAY = datetime.timedelta(days=366)
MAX_ATTACHMENTS = 5
PARTNER_TEMPLATE = "emails/opinion_partner.txt"
STAFF_TEMPLATE = "emails/opinion_staff.txt"


def _require(condition, message):
    if not condition:
        raise TransitionRefused(message)


def _day(value):
    return formats.date_format(value, "j F Y")


def _url(path):
    return settings.PORTAL_BASE_URL + path


# -- Asking ---------------------------------------------------------------------------------


def _organisation_of(partner, dossier):
    """The organisation ``partner`` acts for on ``dossier`` (their first active one among
    those that may be asked)."""
    membership = (
        OrganisationMembership.objects.filter(
            user=partner,
            is_active=True,
            organisation__in=perms.opinion_organisations(dossier),
        )
        .select_related("organisation")
        .order_by("organisation__name", "pk")
        .first()
    )
    return membership.organisation if membership else None


@transaction.atomic
def opinion_request_create(
    *,
    actor,
    dossier,
    partners=(),
    question,
    due_on,
    documents=(),
    shares_opinions=False,
    invitations=(),
):
    """Ask each of ``partners`` (accounts of ``perms.opinion_partners``) and each person
    of ``invitations`` (dicts: ``email``, ``first_name``, ``last_name``, ``organisation``
    of the dossier's region; ``structures.partners.partner_invite`` creates or finds their
    account) ``question`` about ``dossier``, for ``due_on``, sharing ``documents`` (the
    dossier's). Returns the requests. Raises ``PermissionDenied``, ``TransitionRefused``
    (French) or ``ValidationError`` (an invited address that is not a partner's)."""
    if not perms.can_request_opinion(actor, dossier):
        raise PermissionDenied
    question = (question or "").strip()
    _require(question, "Indiquez la question posée aux partenaires.")
    today = timezone.localdate()
    _require(
        due_on is not None and due_on >= today,
        "La date de l'avis attendu ne peut pas être passée.",
    )
    _require(
        due_on <= today + LONGEST_DELAY,
        "La date de l'avis attendu doit être dans l'année qui vient.",
    )
    documents = list(documents)
    _require(
        all(document.dossier_id == dossier.pk for document in documents),
        "Seules les pièces de ce dossier peuvent être communiquées.",
    )
    eligible = set(perms.opinion_partners(dossier).values_list("pk", flat=True))
    asked = []  # (partner, organisation)
    for partner in partners:
        if partner.pk not in eligible:
            raise TransitionRefused(
                f"{partner} n'est pas un partenaire d'un organisme de la région ou du "
                "département du dossier."
            )
        asked.append((partner, _organisation_of(partner, dossier)))
    for invitation in invitations:
        organisation = invitation["organisation"]
        _require(
            perms.opinion_organisations(dossier).filter(pk=organisation.pk).exists(),
            f"L'organisme « {organisation} » n'intervient pas sur le territoire du dossier.",
        )
        partner, _created = partner_invite(
            actor=actor,
            email=invitation["email"],
            first_name=invitation.get("first_name", ""),
            last_name=invitation.get("last_name", ""),
            organisation=organisation,
        )
        asked.append((partner, organisation))
    _require(asked, "Choisissez au moins un partenaire, ou invitez-en un.")
    seen = set()
    waiting = set(
        OpinionRequest.objects.waiting()
        .filter(dossier=dossier)
        .values_list("partner_id", flat=True)
    )
    requests = []
    for partner, organisation in asked:
        if partner.pk in seen:
            continue
        seen.add(partner.pk)
        _require(
            partner.pk not in waiting,
            f"{partner} a déjà une demande d'avis en attente sur ce dossier.",
        )
        request = OpinionRequest.objects.create(
            dossier=dossier,
            partner=partner,
            organisation=organisation,
            question=question,
            due_on=due_on,
            shares_opinions=bool(shares_opinions),
            requested_by=actor,
        )
        request.shared_documents.set(documents)
        audit_record(
            actor=actor,
            action="opinion.request",
            obj=request,
            changes={
                "dossier": [None, dossier.reference],
                "partner": [None, str(partner)],
                "organisation": [None, str(organisation) if organisation else None],
                "question": [None, question],
                "due_on": [None, due_on.isoformat()],
                "shared_documents": [
                    None,
                    [f"{d.get_kind_display()} : {d.original_name}" for d in documents],
                ],
                "shares_opinions": [None, bool(shares_opinions)],
            },
        )
        _tell_partner(
            request,
            subject=f"Portail IAE — avis demandé sur le dossier {dossier.reference}",
            intro=(
                f"{actor.get_full_name() or 'Le service instructeur'} ({settings.PORTAL_COUNCIL_NAME}) "
                f"vous demande votre avis sur un dossier d'aide, pour le {_day(due_on)}."
            ),
        )
        requests.append(request)
    return requests


def _tell_partner(request, *, subject, intro):
    """The partner hears of ``request`` in the portal and by e-mail; one who has not chosen
    a password yet (invited) receives instead the e-mail with the link to choose it. The
    notification names no dossier: partners never open the dossier's page, the message
    links to the request's."""
    partner = request.partner
    context = {
        "intro": intro,
        "dossier": request.dossier,
        "opinion_request": request,
        "url": _url(request.get_absolute_url()),
    }
    if partner.has_usable_password():
        notify([partner], dossier=None, subject=subject, template=PARTNER_TEMPLATE, context=context)
        return
    Notification.objects.create(
        user=partner,
        subject=subject,
        body=_render(context),
        emailed_at=timezone.now(),  # the invitation's e-mail below says it
    )
    transaction.on_commit(
        lambda: enqueue_quietly("aides.tasks.send_opinion_invitation", request.pk, subject, intro)
    )


def _render(context):
    return render_to_string(PARTNER_TEMPLATE, context)


# -- Answering ------------------------------------------------------------------------------


def opinion_give(*, actor, request, position, text, attachments=()):
    """``actor`` (the partner asked) gives an opinion: ``position`` (``PartnerPosition``),
    ``text`` and files (PDF, JPEG, PNG, checked and scanned before the transaction like
    every upload). The first one marks the request answered; the requester and the
    dossier's instructor are told. Returns the opinion."""
    if not perms.can_answer_opinion_request(actor, request):
        raise PermissionDenied
    _require(position in PartnerPosition.values, "Choisissez une position.")
    text = (text or "").strip()
    _require(text, "Rédigez votre avis.")
    attachments = list(attachments)
    _require(
        len(attachments) <= MAX_ATTACHMENTS,
        f"Joignez au plus {MAX_ATTACHMENTS} fichiers à un avis.",
    )
    checked = [uploaded(upload, "avis", actor=actor, journal=request) for upload in attachments]
    return _give(actor=actor, request=request, position=position, text=text, checked=checked)


@transaction.atomic
def _give(*, actor, request, position, text, checked):
    request = OpinionRequest.objects.select_for_update().get(pk=request.pk)
    _require(
        request.withdrawn_at is None,
        "Cette demande d'avis a été retirée par le service instructeur.",
    )
    now = timezone.now()
    late = request.answered_at is None and request.due_on < timezone.localdate()
    opinion = PartnerOpinion.objects.create(
        request=request, author=actor, position=position, text=text, created_at=now
    )
    files = []
    for fields in checked:
        attachment = PartnerOpinionAttachment.objects.create(
            opinion=opinion, uploaded_by=actor, **fields
        )
        after_saving(attachment)
        files.append(attachment.original_name)
    first = request.answered_at is None
    if first:
        OpinionRequest.objects.filter(pk=request.pk).update(answered_at=now)
        request.answered_at = now
    else:
        OpinionRequest.objects.filter(pk=request.pk).update(updated_at=now)
    audit_record(
        actor=actor,
        action="opinion.give",
        obj=request,
        changes={
            "position": [None, position],
            "text": [None, text],
            "attachments": [None, files],
        },
        reason="rendu après la date attendue" if late else "",
    )
    dossier = request.dossier
    position_label = PartnerPosition(position).label
    notify(
        [request.requested_by, dossier.instructor],
        dossier=dossier,
        subject=f"Portail IAE — dossier {dossier.reference} : avis de {actor} ({position_label})",
        template=STAFF_TEMPLATE,
        context={
            "intro": (
                f"{actor}{f' ({request.organisation})' if request.organisation_id else ''} a "
                f"{'rendu son avis' if first else 'rendu un nouvel avis'}"
                f"{' (après la date attendue)' if late else ''} : {position_label}."
            ),
            "text": text,
            "url": _url(request.get_absolute_url()),
        },
    )
    return opinion


def attachment_found_infected(sender, document, **kwargs):
    """An attachment kept while the antivirus was away was infected
    (``uploads.document_infected``, after the commit; the file is deleted and the request's
    journal says so): its author hears that it was removed and may give a new opinion with
    a sound file; the requester and the dossier's instructor, that it is gone."""
    opinion = document.opinion
    request, dossier = opinion.request, opinion.request.dossier
    intro = (
        f"La pièce jointe « {document.original_name} » de votre avis du "
        f"{timezone.localtime(opinion.created_at):%d/%m/%Y} a été retirée : l'antivirus y a "
        "trouvé un contenu malveillant. Si elle compte pour votre avis, rendez un nouvel avis "
        "accompagné d'un fichier sain."
    )
    _tell_partner(
        request,
        subject=f"Portail IAE — pièce jointe retirée (dossier {dossier.reference})",
        intro=intro,
    )
    notify(
        [request.requested_by, dossier.instructor],
        dossier=dossier,
        subject=f"Portail IAE — dossier {dossier.reference} : pièce jointe d'un avis retirée",
        template=STAFF_TEMPLATE,
        context={
            "intro": (
                f"La pièce jointe « {document.original_name} » de l'avis de {opinion.author} "
                "a été retirée : l'antivirus y a trouvé un contenu malveillant."
            ),
            "url": _url(request.get_absolute_url()),
        },
    )


# -- Withdrawing ----------------------------------------------------------------------------


@transaction.atomic
def opinion_request_withdraw(*, actor, request):
    """Withdraw a request still waiting: the partner no longer sees it (told so)."""
    if not perms.can_withdraw_opinion_request(actor, request):
        raise PermissionDenied
    now = timezone.now()
    written = OpinionRequest.objects.filter(
        pk=request.pk, withdrawn_at__isnull=True, answered_at__isnull=True
    ).update(withdrawn_at=now, withdrawn_by=actor, updated_at=now)
    _require(written, "Cette demande d'avis a déjà reçu une réponse ou a été retirée.")
    request.refresh_from_db()
    audit_record(
        actor=actor,
        action="opinion.withdraw",
        obj=request,
        changes={"withdrawn_at": [None, now.isoformat()]},
    )
    notify(
        [request.partner],
        dossier=None,
        subject=f"Portail IAE — demande d'avis retirée (dossier {request.dossier.reference})",
        template=PARTNER_TEMPLATE,
        context={
            "intro": "Le service instructeur a retiré sa demande d'avis : "
            "elle n'attend plus de réponse de votre part.",
            "dossier": request.dossier,
            "opinion_request": request,
            "withdrawn": True,
        },
    )
    return request


# -- Reminders ------------------------------------------------------------------------------


def _reminded(request, field, now):
    """Mark the reminder ``field`` sent, once (``False`` when it already was)."""
    return bool(
        OpinionRequest.objects.filter(pk=request.pk, **{f"{field}__isnull": True}).update(
            **{field: now}
        )
    )


def send_opinion_reminders(today=None):
    """Remind each partner whose opinion is waiting: once ``IAE_OPINION_REMINDER_DAYS_BEFORE``
    days before the due date (not for a request asked within those days: its first message
    is recent), once after the due date passed (from the day after). Requests of closed
    dossiers are left alone. Returns ``{"before": n, "late": n}``."""
    today = today or timezone.localdate()
    days = settings.IAE_OPINION_REMINDER_DAYS_BEFORE
    waiting = (
        OpinionRequest.objects.waiting()
        .exclude(dossier__state__in=TERMINAL)
        .filter(partner__is_active=True)
        .select_related("dossier__structure__department", "dossier__campaign__scheme", "partner")
    )
    sent = {"before": 0, "late": 0}
    soon = waiting.filter(
        reminded_before_at__isnull=True,
        due_on__gte=today,
        due_on__lte=today + datetime.timedelta(days=days),
    )
    for request in soon:
        asked_on = timezone.localtime(request.created_at).date()
        if asked_on > request.due_on - datetime.timedelta(days=days):
            continue
        if _remind(request, "reminded_before_at", late=False):
            sent["before"] += 1
    for request in waiting.filter(reminded_late_at__isnull=True, due_on__lt=today):
        if _remind(request, "reminded_late_at", late=True):
            sent["late"] += 1
    return sent


@transaction.atomic
def _remind(request, field, *, late):
    now = timezone.now()
    if not _reminded(request, field, now):
        return False
    reference = request.dossier.reference
    if late:
        subject = f"Portail IAE — avis en retard sur le dossier {reference}"
        intro = (
            f"Votre avis sur ce dossier était attendu pour le {_day(request.due_on)}. "
            "Le service instructeur l'attend toujours : vous pouvez encore le donner."
        )
    else:
        subject = f"Portail IAE — rappel : avis attendu sur le dossier {reference}"
        intro = f"Rappel : votre avis sur ce dossier est attendu pour le {_day(request.due_on)}."
    audit_record(
        actor=None,
        action="opinion.remind",
        obj=request,
        changes={field: [None, now.isoformat()]},
    )
    _tell_partner(request, subject=subject, intro=intro)
    return True
