"""The dossier's services: create, fill, move through the workflow, pay (documents:
``documents``).

Every write of a dossier is a compare-and-set on its ``version``: of two people acting at
once on the same dossier, one succeeds and the other gets ``DossierChanged`` (reload), so
no update is ever lost. Transitions are declared in ``workflow``; this module checks who
fires them and their preconditions, writes the audit entry and the notifications.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from iae_portal.antivirus import ScanState
from iae_portal.audit.services import audit_record, diff

from .. import perms
from ..enums import DocumentKind, DossierState
from ..models import Dossier, DossierComment, Instalment
from ..presenters import money
from ..workflow import APPLICANT_EDITABLE, TRANSITIONS
from . import financing_checks
from .notifications import applicants_of, notify
from .schemes import computation_record, jsonable

CENT = Decimal("0.01")


class DossierChanged(Exception):
    """Someone else changed the dossier since the actor loaded it."""

    message = (
        "Ce dossier a été modifié entre-temps par quelqu'un d'autre : rechargez la page "
        "pour voir son état actuel, puis recommencez si besoin."
    )


class TransitionRefused(Exception):
    """A precondition of the transition does not hold; the message says which, in French."""


def _compare_and_set(dossier, expected_version, states, **fields):
    fields.update(version=F("version") + 1, updated_at=timezone.now())
    written = Dossier.objects.filter(
        pk=dossier.pk, version=expected_version, state__in=states
    ).update(**fields)
    if not written:
        raise DossierChanged
    dossier.refresh_from_db()
    return dossier


@transaction.atomic
def dossier_create(*, actor, structure, campaign, title="", data=None):
    """A draft dossier of ``structure`` for ``campaign``, by one of its directors; ``data``
    (the simulate contract's input, such as a simulation carried over) pre-fills it and is
    computed at once, as ``dossier_save_data`` does (raises ``rules.BadInput``)."""
    if not perms.can_create_dossier(actor, structure):
        raise PermissionDenied
    if not campaign.is_open:
        raise TransitionRefused(
            f"L'appel à candidatures « {campaign} » n'est pas ouvert "
            f"(du {campaign.opens_on:%d/%m/%Y} au {campaign.closes_on:%d/%m/%Y})."
        )
    dossier = Dossier.objects.create(
        reference=f"tmp-{timezone.now().timestamp()}-{actor.pk}",
        structure=structure,
        campaign=campaign,
        title=title,
        created_by=actor,
    )
    dossier.reference = f"{campaign.opens_on.year}-{dossier.pk:06d}"
    dossier.save(update_fields=["reference"])
    audit_record(
        actor=actor, action="dossier.create", obj=dossier, changes={"state": [None, dossier.state]}
    )
    if data is not None:
        dossier = dossier_save_data(
            actor=actor, dossier=dossier, expected_version=dossier.version, data=data
        )
    return dossier


@transaction.atomic
def dossier_save_data(*, actor, dossier, expected_version, data, title=None, requested_amount=None):
    """Store the scheme's data of a dossier the applicant may edit, computed at once with
    the current parameters (raises ``rules.BadInput`` on data outside the contract)."""
    if not perms.can_edit_dossier(actor, dossier):
        raise PermissionDenied
    data = {k: v for k, v in data.items() if k not in ("scheme", "structure")}
    computation = computation_record(
        actor=actor,
        scheme=dossier.campaign.scheme,
        data={**data, "structure": {"kind": dossier.structure.kind}},
        structure=dossier.structure,
    )
    before = {"requested_amount": dossier.requested_amount, "title": dossier.title}
    if requested_amount is None:
        requested_amount = computation.total
    fields = {
        "data": jsonable(data),
        "computation": computation,
        "requested_amount": requested_amount,
    }
    if title is not None:
        fields["title"] = title
    _compare_and_set(dossier, expected_version, APPLICANT_EDITABLE, **fields)
    changes = diff(before, {"requested_amount": dossier.requested_amount, "title": dossier.title})
    changes["computed_total"] = [None, computation.result["total"]]
    audit_record(actor=actor, action="dossier.data", obj=dossier, changes=changes)
    return dossier


def missing_documents(dossier, documents=None):
    """Required kinds of documents the dossier does not have yet (replaced or removed ones
    do not count, nor those the antivirus found infected after their upload).
    ``documents``: the dossier's documents already read (its current ones at least), rather
    than a query."""
    if documents is None:
        current = dossier.documents.current().exclude(scan_state=ScanState.INFECTED)
        present = set(current.values_list("kind", flat=True))
    else:
        present = {d.kind for d in documents if d.is_current and d.scan_state != ScanState.INFECTED}
    return [kind for kind in dossier.campaign.scheme.required_documents if kind not in present]


# -- Transitions ----------------------------------------------------------------------------


def _require(condition, message):
    if not condition:
        raise TransitionRefused(message)


def _pre_submit(dossier, payload):
    _require(dossier.computation_id, "Enregistrez d'abord les données du dossier.")
    _require(
        dossier.campaign.is_open,
        f"L'appel à candidatures est clos depuis le {dossier.campaign.closes_on:%d/%m/%Y}.",
    )
    missing = missing_documents(dossier)
    _require(
        not missing,
        "Pièces manquantes : " + ", ".join(DocumentKind(kind).label for kind in missing) + ".",
    )
    return {"submitted_at": timezone.now()}


def _computed_total(dossier):
    total = dossier.computation.result.get("total") if dossier.computation_id else None
    return Decimal(total) if total is not None else None


def _pre_instruct(dossier, payload):
    opinion = payload.get("opinion")
    _require(opinion, "Indiquez l'avis d'instruction.")
    computed = _computed_total(dossier)
    proposed = payload.get("proposed_amount")
    if proposed is None:
        proposed = computed if computed is not None else dossier.requested_amount
    _require(proposed is not None, "Indiquez le montant proposé.")
    _require(proposed >= 0, "Le montant proposé ne peut pas être négatif.")
    justification = (payload.get("justification") or "").strip()
    _require(
        computed is None or proposed == computed or justification,
        "Un montant différent du montant calculé doit être justifié.",
    )
    # A favourable opinion on a plan over the scheme's cap, when its parameters make the
    # cap blocking (the region's part: the amount proposed here).
    refusal = financing_checks.instruction_refusal(dossier, opinion, proposed)
    _require(refusal is None, refusal)
    return {
        "opinion": opinion,
        "opinion_comment": payload.get("comment", ""),
        "proposed_amount": proposed,
        "proposed_justification": justification,
    }


def _commission_fields(dossier, payload):
    commission = payload.get("commission")
    _require(
        commission is not None and commission.campaign_id == dossier.campaign_id,
        "Choisissez une commission de cet appel à candidatures.",
    )
    # A decision is the commission's: it cannot be recorded before the commission has met
    # (its letter would cite a deliberation dated after the letter).
    _require(commission.has_met, commission.not_met_message)
    number = (payload.get("deliberation_number") or "").strip()
    _require(number, "Indiquez le numéro de délibération.")
    return {"commission": commission, "deliberation_number": number}


def _pre_vote(dossier, payload):
    fields = _commission_fields(dossier, payload)
    voted = payload.get("voted_amount")
    if voted is None:
        voted = dossier.proposed_amount
    _require(voted is not None and voted >= 0, "Indiquez le montant voté.")
    return {**fields, "voted_amount": voted}


def _pre_settle(dossier, payload):
    _require(
        not dossier.instalments.filter(paid_on__isnull=True).exists(),
        "Tous les versements doivent être payés pour solder le dossier.",
    )
    return {}


PRECONDITIONS = {
    "submit": _pre_submit,
    "instruct": _pre_instruct,
    "vote": _pre_vote,
    "refuse": _commission_fields,
    "settle": _pre_settle,
}


@transaction.atomic
def dossier_transition(*, actor, dossier, name, expected_version, comment="", **payload):
    """Fire transition ``name`` as ``actor``, who saw the dossier at ``expected_version``.

    Raises ``PermissionDenied`` (not this actor's transition), ``TransitionRefused`` (a
    precondition, in French) or ``DossierChanged`` (someone acted first)."""
    transition = TRANSITIONS[name]
    if not transition.actors & perms.dossier_actors(actor, dossier):
        raise PermissionDenied
    return _move(
        dossier,
        transition,
        actor=actor,
        expected_version=expected_version,
        comment=comment,
        **payload,
    )


def _move(dossier, transition, *, actor, expected_version, comment="", **payload):
    if dossier.version != expected_version:
        raise DossierChanged
    if dossier.state not in transition.sources:
        raise TransitionRefused(
            f"« {transition.label} » n'est pas possible quand le dossier est « {dossier.get_state_display()} »."
        )
    comment = (comment or "").strip()
    _require(
        not transition.comment_required or comment,
        "Un commentaire est obligatoire pour cette action.",
    )
    fields = PRECONDITIONS.get(transition.name, lambda d, p: {})(
        dossier, {**payload, "comment": comment}
    )
    before = dossier.state
    _compare_and_set(
        dossier,
        expected_version,
        transition.sources,
        state=transition.target,
        state_changed_at=timezone.now(),
        **fields,
    )
    audit_record(
        actor=actor,
        action=f"dossier.{transition.name}",
        obj=dossier,
        changes={
            "state": [before, dossier.state],
            **{k: [None, str(v)] for k, v in fields.items() if k not in ("submitted_at",)},
        },
        reason=comment,
    )
    if comment and transition.notify_applicant:
        DossierComment.objects.create(dossier=dossier, author=actor, body=comment, internal=False)
    if transition.name == "vote":
        _create_instalments(dossier)
    if transition.notify_applicant:
        _notify(
            dossier,
            transition.name,
            staff=False,
            intro=f"Votre dossier a changé d'état : {dossier.applicant_state_label}.",
            comment=comment,
        )
    if transition.notify_instructor:
        _notify(
            dossier,
            transition.name,
            staff=True,
            intro=f"{transition.done} Il est maintenant « {dossier.get_state_display()} ».",
            comment=comment,
        )
    return dossier


def _notify(dossier, event, *, staff, intro, comment=""):
    users = [dossier.instructor] if staff else applicants_of(dossier)
    subject = f"Portail IAE — dossier {dossier.reference} : " + (
        dossier.get_state_display() if staff else dossier.applicant_state_label
    )
    notify(
        users,
        dossier=dossier,
        subject=subject,
        template="emails/dossier_event.txt",
        context={
            "intro": intro,
            "comment": comment,
            "for_staff": staff,
            "url": settings.PORTAL_BASE_URL + dossier.get_absolute_url(),
        },
    )


def split_voted(schedule, voted):
    """``[(year, amount)]``: the computed schedule scaled to the voted amount, the rounding
    residue on the last year; a single year-1 instalment when there is no schedule."""
    computed = sum((Decimal(row["amount"]) for row in schedule), Decimal(0))
    if not schedule or not computed:
        return [(1, voted)]
    amounts = [
        (Decimal(row["amount"]) * voted / computed).quantize(CENT, rounding=ROUND_HALF_UP)
        for row in schedule
    ]
    amounts[-1] += voted - sum(amounts)
    return list(zip((row["year"] for row in schedule), amounts, strict=True))


def _create_instalments(dossier):
    """One instalment per year of the computed schedule, scaled to the voted amount."""
    if dossier.instalments.exists():
        return
    schedule = dossier.computation.result.get("schedule", []) if dossier.computation_id else []
    Instalment.objects.bulk_create(
        Instalment(dossier=dossier, year=year, amount=amount)
        for year, amount in split_voted(schedule, dossier.voted_amount)
    )


@transaction.atomic
def instalment_pay(*, actor, instalment, paid_on, reference):
    """Record an instalment as paid (once); the dossier goes into payment, then is settled
    when every instalment is paid."""
    # The dossier is locked first: two payments at once then follow one another, so the
    # first moves it into payment and the last one settles it.
    dossier = Dossier.objects.select_for_update().get(pk=instalment.dossier_id)
    actors = perms.dossier_actors(actor, dossier)
    if not actors & TRANSITIONS["start_payment"].actors:
        raise PermissionDenied
    _require(
        dossier.state in (DossierState.NOTIFIE, DossierState.EN_PAIEMENT),
        "La décision doit d'abord être notifiée.",
    )
    _require((reference or "").strip(), "Indiquez la référence du mandat de paiement.")
    written = Instalment.objects.filter(pk=instalment.pk, paid_on__isnull=True).update(
        paid_on=paid_on, payment_reference=reference.strip(), paid_by=actor
    )
    if not written:
        raise DossierChanged
    audit_record(
        actor=actor,
        action="dossier.payment",
        obj=dossier,
        changes={
            f"versement année {instalment.year}": [
                None,
                f"{money(instalment.amount)} le {paid_on:%d/%m/%Y} ({reference})",
            ]
        },
    )
    dossier.refresh_from_db()
    if dossier.state == DossierState.NOTIFIE:
        _move(dossier, TRANSITIONS["start_payment"], actor=actor, expected_version=dossier.version)
    if not dossier.instalments.filter(paid_on__isnull=True).exists():
        _move(dossier, TRANSITIONS["settle"], actor=actor, expected_version=dossier.version)
    return dossier


@transaction.atomic
def dossiers_assign(*, actor, dossiers, instructor):
    """Assign dossiers to an instructor (regional staff who write); returns how many."""
    if instructor is not None and not perms.can_be_assigned(instructor):
        raise TransitionRefused("Seul un instructeur ou un chef de service peut être assigné.")
    count = 0
    for dossier in dossiers:
        if not perms.dossier_actors(actor, dossier) & {"instructor", "chef"}:
            raise PermissionDenied
        if dossier.instructor_id == (instructor.pk if instructor else None):
            continue
        before = str(dossier.instructor) if dossier.instructor_id else None
        # Not a compare-and-set: the last assignment wins (both are audited), and an
        # assignment does not make the forms others have open stale.
        Dossier.objects.filter(pk=dossier.pk).update(
            instructor=instructor, updated_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="dossier.assign",
            obj=dossier,
            changes={"instructor": [before, str(instructor) if instructor else None]},
        )
        count += 1
    return count


def dossiers_vote(*, actor, items, commission, deliberation_number):
    """Record a commission's vote for ``items`` (``(dossier, expected_version)``), each at
    its proposed amount; one failing dossier does not stop the others.

    Returns ``(voted, failures)`` with failures as ``(dossier, French message)``."""
    voted, failures = [], []
    for dossier, expected_version in items:
        try:
            voted.append(
                dossier_transition(
                    actor=actor,
                    dossier=dossier,
                    name="vote",
                    expected_version=expected_version,
                    commission=commission,
                    deliberation_number=deliberation_number,
                )
            )
        except (TransitionRefused, DossierChanged, PermissionDenied) as error:
            message = getattr(error, "message", None) or str(error) or "Action non autorisée."
            failures.append((dossier, message))
    return voted, failures


@transaction.atomic
def comment_add(*, actor, dossier, body, internal=False):
    """A message to the other side, or (staff only) an internal comment."""
    staff = perms.can_comment_internally(actor, dossier)
    if not perms.can_comment_dossier(actor, dossier) or (internal and not staff):
        raise PermissionDenied
    body = (body or "").strip()
    _require(body, "Le message est vide.")
    comment = DossierComment.objects.create(
        dossier=dossier, author=actor, body=body, internal=internal
    )
    if not internal:
        _notify(
            dossier,
            "message",
            staff=not staff,
            intro="Un nouveau message a été déposé sur le dossier.",
            comment=body,
        )
    return comment
