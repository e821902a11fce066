"""Changes of a buyer's yearly programme of planned purchases (issue 19, part 4; clauses.md,
step 1: « the buying services list their coming needs each year »): enter or change a
purchase, abandon it, or turn it into a contract when it is notified. Each write runs in
a transaction, checks ``perms`` and leaves an audit entry on the purchase."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from iae_portal.audit.services import audit_record, diff

from . import perms
from .enums import Clause, PurchaseStatus
from .models import Lot, Marche, PlannedPurchase, hours_from_amount

FACTORS = ("labour_share", "insertion_rate", "hourly_cost")
# What the entry form gives (``hours_planned`` aside: typed, or computed).
FIELDS = (
    "buyer",
    "year",
    "object",
    "type",
    "activity_codes",
    "estimated_amount_ht",
    "launch_quarter",
    "clause",
    "facilitator",
    "department",
    "notes",
    *FACTORS,
)
JOURNALLED = (*FIELDS, "hours_planned")


def _snapshot(purchase):
    """The journalled fields as plain values (``audit.services.diff``)."""
    values = {}
    for name in JOURNALLED:
        value = getattr(purchase, name)
        if name == "activity_codes":
            value = ", ".join(value or [])
        elif name in ("buyer", "facilitator", "department"):
            value = str(value) if value is not None else None
        values[name] = value
    return values


def _check_facilitator(actor, facilitator):
    """A purchase a facilitator enters is one of theirs (``perms.purchase_facilitators``)."""
    allowed = perms.purchase_facilitators(actor)
    if facilitator is None:
        if not perms.can_import(actor):
            raise PermissionDenied
        return
    if not allowed.filter(pk=facilitator.pk).exists():
        raise PermissionDenied


def _set_hours(purchase, hours):
    """``hours`` when typed, else computed like a lot's (``PlannedPurchase.computed_hours``:
    estimated amount × labour share × insertion rate / hourly cost, rounded half up; the
    purchase's factors, else its buyer's). No clause: no hours."""
    if not purchase.has_clause:
        purchase.hours_planned = 0
        return
    if hours is None:
        hours = purchase.computed_hours()
        if hours is None:
            raise ValueError("Un facteur du calcul manque, sans valeur par défaut.")
    purchase.hours_planned = hours


def purchase_create(*, actor, data, hours=None):
    """Enter a planned purchase (``data``: ``FIELDS``); ``hours`` typed, or ``None`` to
    compute them from the estimated amount and the factors."""
    if not perms.can_add_purchase(actor):
        raise PermissionDenied
    _check_facilitator(actor, data.get("facilitator"))
    with transaction.atomic():
        purchase = PlannedPurchase(created_by=actor, **{name: data.get(name) for name in FIELDS})
        purchase.activity_codes = sorted(set(purchase.activity_codes or []))
        purchase.notes = purchase.notes or ""
        _set_hours(purchase, hours)
        purchase.save()
        audit_record(
            actor=actor,
            action="clauses.purchase_create",
            obj=purchase,
            changes=diff({}, _snapshot(purchase)),
            reason="heures saisies" if hours is not None else "heures calculées",
        )
    return purchase


def purchase_update(*, actor, purchase, data, hours=None):
    """Change a planned purchase (still « prévu »); hours typed or computed again."""
    if not perms.can_change_purchase(actor, purchase):
        raise PermissionDenied
    _check_facilitator(actor, data.get("facilitator"))
    with transaction.atomic():
        purchase = (
            PlannedPurchase.objects.select_for_update(of=("self",))
            .select_related("buyer", "facilitator", "department")
            .get(pk=purchase.pk)
        )
        if not perms.can_change_purchase(actor, purchase):  # changed meanwhile
            raise PermissionDenied
        before = _snapshot(purchase)
        for name in FIELDS:
            setattr(purchase, name, data.get(name))
        purchase.activity_codes = sorted(set(purchase.activity_codes or []))
        purchase.notes = purchase.notes or ""
        _set_hours(purchase, hours)
        purchase.save()
        changes = diff(before, _snapshot(purchase))
        if changes:
            audit_record(
                actor=actor,
                action="clauses.purchase_update",
                obj=purchase,
                changes=changes,
                reason="heures saisies" if hours is not None else "heures calculées",
            )
    return purchase


def purchase_abandon(*, actor, purchase, reason=""):
    """The buyer gives the purchase up: « abandonné », kept in the programme's figures."""
    if not perms.can_change_purchase(actor, purchase):
        raise PermissionDenied
    with transaction.atomic():
        purchase = PlannedPurchase.objects.select_for_update().get(pk=purchase.pk)
        if not perms.can_change_purchase(actor, purchase):
            raise PermissionDenied
        purchase.status = PurchaseStatus.ABANDONNE
        purchase.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="clauses.purchase_abandon",
            obj=purchase,
            changes={"status": [PurchaseStatus.PREVU, PurchaseStatus.ABANDONNE]},
            reason=reason,
        )
    return purchase


@dataclass(frozen=True)
class NewContract:
    """The contract a notified purchase becomes (already checked by the form)."""

    ref: str
    notification_date: object  # datetime.date
    procedure: str
    amount_ht: Decimal
    lot_ref: str = "L1"
    attributaire_name: str = ""
    attributaire_siret: str = ""
    hours: int | None = None  # typed; None: ``notified_hours``


def notified_hours(purchase, amount):
    """The hours the contract's lot requires when nothing is typed: the planned hours
    computed again on the real ``amount`` with the same factors when they were computed
    (they equal ``computed_hours`` on the estimated amount), else — typed, or a factor
    missing — the planned hours as they are. No clause: 0."""
    if not purchase.has_clause:
        return 0
    computed = purchase.computed_hours()
    if computed is None or computed != purchase.hours_planned:
        return purchase.hours_planned
    return hours_from_amount(amount, **purchase.hours_factors())


def _attachable(actor, purchase):
    """The contracts ``purchase`` may become: its buyer's, that ``actor`` sees, not the
    contract of another purchase."""
    return perms.visible_marches(actor).filter(
        buyer_id=purchase.buyer_id, planned_purchase__isnull=True
    )


def attachable_marches(actor, purchase):
    return _attachable(actor, purchase).order_by("-notification_date", "ref")


def purchase_notify(*, actor, purchase, contract=None, marche=None):
    """The purchase is notified: it becomes ``contract`` (a ``NewContract``: a new
    ``Marche`` of its buyer, type and département with one lot carrying its object, NAF
    codes, clause, facilitator, factors and hours) or the existing ``marche`` of its buyer
    that no other purchase became. Status « notifié », the contract linked."""
    if (contract is None) == (marche is None):
        raise ValueError("Un nouveau marché ou un marché existant, l'un des deux.")
    if not perms.can_change_purchase(actor, purchase):
        raise PermissionDenied
    with transaction.atomic():
        purchase = (
            PlannedPurchase.objects.select_for_update(of=("self",))
            .select_related("buyer", "facilitator")
            .get(pk=purchase.pk)
        )
        if not perms.can_change_purchase(actor, purchase):
            raise PermissionDenied
        if marche is not None:
            # Only the contract's row: the purchase it may already be is an outer join.
            marche = (
                _attachable(actor, purchase)
                .select_for_update(of=("self",))
                .filter(pk=marche.pk)
                .first()
            )
            if marche is None:
                raise ValidationError(
                    "Ce marché n'est pas un marché de l'acheteur encore libre de tout achat prévu."
                )
            how = "marché existant rattaché"
        else:
            marche = _create_contract(purchase, contract)
            how = "marché créé"
        purchase.status = PurchaseStatus.NOTIFIE
        purchase.marche = marche
        purchase.save(update_fields=["status", "marche", "updated_at"])
        audit_record(
            actor=actor,
            action="clauses.purchase_notify",
            obj=purchase,
            changes={
                "status": [PurchaseStatus.PREVU, PurchaseStatus.NOTIFIE],
                "marche": [None, marche.ref],
            },
            reason=how,
        )
    return purchase


def _create_contract(purchase, contract):
    if Marche.objects.filter(ref=contract.ref).exists():
        raise ValidationError(f"La référence « {contract.ref} » est déjà celle d'un marché.")
    marche = Marche.objects.create(
        ref=contract.ref,
        buyer=purchase.buyer,
        notification_date=contract.notification_date,
        type=purchase.type,
        amount_ht=contract.amount_ht,
        department_id=purchase.department_id,
    )
    hours = contract.hours
    if hours is None:
        hours = notified_hours(purchase, contract.amount_ht)
    codes = list(purchase.activity_codes or [])
    awarded = bool(contract.attributaire_name or contract.attributaire_siret)
    Lot.objects.create(
        marche=marche,
        ref=contract.lot_ref,
        object=purchase.object,
        procedure=contract.procedure,
        amount_ht=contract.amount_ht,
        clause=purchase.clause,
        hours_required=hours if purchase.clause != Clause.NONE else 0,
        facilitator=purchase.facilitator,
        attributaire_name=contract.attributaire_name,
        attributaire_siret=contract.attributaire_siret,
        activity_codes=codes,
        # As ``services_offers.lot_set_codes``: a lot with a clause, codes and no
        # attributaire is offered to the SIAE.
        offered_at=timezone.now() if codes and purchase.has_clause and not awarded else None,
        **{name: getattr(purchase, name) for name in FACTORS},
    )
    return marche
