"""Who may see and report what about contracts with social clauses: the one place that
decides, for views and templates.

- facilitators (``facilitator.member``): the lots of the facilitators where their membership is
  active (and the contracts holding them); they report the hours of those lots and see the
  participants' pseudonymous references there;
- regional staff (``region.read``) and administrators (the clause officer): every contract, lot and hour,
  the yearly bilan and its export (aggregates only: never more than pseudonymous
  references leave the portal); those who write (``region.write``) and administrators
  import and set the hours a lot requires;
- facilitators also read the yearly bilan (aggregates only) of the lots they follow and of
  the lots executed in the départements they cover (``bilan_lots``);
- the SIAE able to answer a reserved lot: whoever may see the lot, among the structures
  they may see (``structures.perms.visible_structures``);
- SIAE directors (``structures.member``): the hours their structure delivered (on the
  structure's page);
- anyone else: nothing (views answer 404 for an object, 403 for a page).

Each rule gives its queryset (``visible_…``), its predicates, and the deletions feed's
audience (``clauses_audience``, ``hours_audience``).
"""

import functools
import operator

from django.db.models import Q

from iae_portal.api.deletions import scoped_to
from iae_portal.users.roles import ADMIN, FACILITATOR_MEMBER, REGION_READ, REGION_WRITE
from structures import perms as structure_perms
from structures.models import Department, Structure

from .enums import RESERVED_TO, PurchaseStatus
from .models import (
    Facilitator,
    HoursReport,
    Lot,
    LotInterest,
    Marche,
    PartnershipAgreement,
    PlannedPurchase,
)
from .querysets import executed_in
from .ranking import lots_matching, offered_lots


def _active(user):
    return user.is_authenticated and user.is_active


def is_clause_officer(user):
    return _active(user) and (user.can(ADMIN) or user.can(REGION_READ))


def is_facilitator(user):
    return _active(user) and user.can(FACILITATOR_MEMBER)


def followed_lots(user):
    """The lots of the facilitators ``user`` actively belongs to."""
    if not is_facilitator(user):
        return Lot.objects.none()
    return Lot.objects.filter(
        facilitator__memberships__user=user, facilitator__memberships__is_active=True
    )


def visible_lots(user):
    if is_clause_officer(user):
        return Lot.objects.all()
    return followed_lots(user)


def visible_marches(user):
    """The contracts ``user`` may open, as a queryset to refine."""
    if is_clause_officer(user):
        return Marche.objects.all()
    if is_facilitator(user):
        return Marche.objects.filter(pk__in=followed_lots(user).values("marche_id"))
    return Marche.objects.none()


def can_list_marches(user):
    return is_clause_officer(user) or is_facilitator(user)


def can_view_marche(user, marche):
    return visible_marches(user).filter(pk=marche.pk).exists()


def follows_lot(user, lot):
    return followed_lots(user).filter(pk=lot.pk).exists()


def can_report_hours(user, lot):
    return lot.has_clause and follows_lot(user, lot)


def can_view_participants(user, lot):
    """Participant references are shown to the facilitator who follows the lot only: the
    clause officer works on totals."""
    return follows_lot(user, lot)


def can_edit_lot_hours(user, lot):
    """Computing or typing the hours a lot with a clause requires: the clause officer's
    writers (those who import the contracts)."""
    return lot.has_clause and can_import(user)


def can_view_candidates(user, lot):
    """The SIAE able to answer ``lot``: a reserved lot the user may see."""
    return lot.clause in RESERVED_TO and visible_lots(user).filter(pk=lot.pk).exists()


def can_view_bilan(user):
    """The yearly bilan and its CSV: the clause officer's of every lot, a facilitator's of
    ``bilan_lots`` (aggregates only, as for the officer)."""
    return is_clause_officer(user) or is_facilitator(user)


def followed_facilitators(user):
    """The facilitators ``user`` actively works for."""
    if not is_facilitator(user):
        return Facilitator.objects.none()
    return Facilitator.objects.filter(memberships__user=user, memberships__is_active=True)


def bilan_lots(user):
    """The lots whose figures make ``user``'s yearly bilan: ``None`` for every lot (the
    clause officer); for a facilitator, the lots of the facilitators they work for and the
    lots executed in the départements these cover (``Lot.execution_departments``)."""
    if is_clause_officer(user):
        return None
    facilitators = followed_facilitators(user)
    covered = Department.objects.filter(clause_facilitators__in=facilitators).values("code")
    return Lot.objects.filter(Q(facilitator__in=facilitators) | executed_in(covered))


def can_import(user):
    return _active(user) and (user.can(ADMIN) or user.can(REGION_WRITE))


def can_view_structure_hours(user, structure):
    """The hours a structure delivered: the clause officer (within their structure scope) and
    the structure's directors."""
    if is_clause_officer(user):
        return structure_perms.can_view_structure(user, structure)
    return structure_perms.member_reach(user, directors=True).contains(structure)


def visible_hours(user):
    """The reports ``user`` may read: those of the lots they see, and for an SIAE director
    those their structures delivered (``can_view_structure_hours``), as a queryset."""
    if is_clause_officer(user):
        return HoursReport.objects.all()
    if is_facilitator(user):
        return HoursReport.objects.filter(lot__in=followed_lots(user))
    directs = structure_perms.member_reach(user, directors=True)
    if not directs.nothing:
        return HoursReport.objects.filter(siae_id__in=directs.structure_ids())
    return HoursReport.objects.none()


def clauses_audience(user):
    """Whose deleted contracts and lots ``user`` sees in the API's deletions feed: as
    ``visible_marches``/``visible_lots``, over the tombstones' ``facilitator`` scopes."""
    if is_clause_officer(user):
        return Q()
    if is_facilitator(user):
        return scoped_to("facilitator", followed_facilitator_ids(user))
    return None


def hours_audience(user):
    """Whose deleted hours reports ``user`` sees: as ``visible_hours`` (the officer's, a
    facilitator's lots', a director's structures')."""
    audience = clauses_audience(user)
    return audience if audience is not None else _directed_audience(user)


def _directed_audience(user):
    """The tombstones of the structures ``user`` directs (``None`` when none)."""
    directs = structure_perms.member_reach(user, directors=True)
    if directs.nothing:
        return None
    uuids = directs.memberships().values_list("structure__uuid", flat=True)
    return scoped_to("structure", [str(u) for u in uuids])


def structure_hours(structure):
    """The reports delivered by ``structure`` (as SIAE), with their lot and contract."""
    return HoursReport.objects.filter(siae=structure)


def followed_facilitator_ids(user):
    """Ids of the facilitators ``user`` works for, or ``None`` when they see every lot."""
    if is_clause_officer(user):
        return None
    if not is_facilitator(user):
        return []
    return list(
        user.facilitator_memberships.filter(is_active=True).values_list("facilitator_id", flat=True)
    )


# -- Clauses matching (issue 19): the ranked candidates, shortlists, the lots offered to SIAE -
#
# - the ranked candidates of a reserved lot and its shortlist: as ``can_view_candidates``
#   (the clause officer, the lot's facilitator); its NAF codes: the clause officer's writers;
# - the lots offered to the SIAE (``ranking.offered_lots``): a director sees those matching
#   one of the structures they direct (codes and territory, ``ranking.lots_matching``) and
#   says « intéressé » for such a structure; whoever sees the lot otherwise (the clause
#   officer, its facilitator) sees the offer and who is interested.


def can_shortlist(user, lot):
    """Keep a candidate on the lot's shortlist: those who see the candidates and write
    (the clause officer's writers) or follow the lot (its facilitator)."""
    return can_view_candidates(user, lot) and (can_import(user) or follows_lot(user, lot))


def can_set_lot_codes(user, lot):
    return lot.has_clause and can_import(user)


def directed_structures(user):
    """The structures ``user`` directs (active director memberships), as a list with their
    département."""
    reach = structure_perms.member_reach(user, directors=True)
    if reach.nothing or not _active(user):
        return []
    return list(
        reach.filter(Structure.objects.all()).select_related("department").order_by("name", "siret")
    )


def can_list_offers(user):
    """The « Marchés à saisir » page: whoever acts for structures (``structures.member``)
    and directs at least one."""
    return _active(user) and bool(structure_perms.directed_structure_ids(user))


def offers_for(user, lots=None):
    """``[(lot, [structures of user's it matches])]``: the offered lots ``user`` sees as a
    director."""
    structures = directed_structures(user)
    if not structures:
        return []
    return lots_matching(structures, lots)


def offer_structures(user, lot):
    """The structures ``user`` directs that ``lot`` matches (empty when none, or when the
    lot is not offered)."""
    found = offers_for(user, offered_lots().filter(pk=lot.pk))
    return found[0][1] if found else []


def can_view_offer(user, lot):
    """A lot's offer page: a director of a matching structure, and whoever sees the lot."""
    if not offered_lots().filter(pk=lot.pk).exists():
        return False
    return visible_lots(user).filter(pk=lot.pk).exists() or bool(offer_structures(user, lot))


def can_view_interests(user, lot):
    """Who said « intéressé »: the clause officer and the lot's facilitator."""
    return visible_lots(user).filter(pk=lot.pk).exists()


# -- Purchases planned ahead (issue 19, part 4) --------------------------------------------
#
# A buyer's yearly programme is entered by the facilitator with the buyer (buyers have no
# accounts) or by the clause officer's writers:
# - the clause officer reads every planned purchase, its writers enter and change any;
# - a facilitator reads, enters and changes the purchases of the facilitators they work for
#   (a purchase entered by a facilitator is theirs);
# - a purchase is turned into a contract (« notifié ») or abandoned by whoever may change it;
#   a notified or abandoned purchase is no longer changed.


def visible_purchases(user):
    if is_clause_officer(user):
        return PlannedPurchase.objects.all()
    if is_facilitator(user):
        return PlannedPurchase.objects.filter(facilitator__in=followed_facilitators(user))
    return PlannedPurchase.objects.none()


def can_list_purchases(user):
    return can_list_marches(user)


def can_add_purchase(user):
    return can_import(user) or is_facilitator(user)


def purchase_facilitators(user):
    """The facilitators a purchase ``user`` enters may be given: any for the clause
    officer's writers, else those ``user`` works for."""
    if can_import(user):
        return Facilitator.objects.all()
    return followed_facilitators(user)


def can_change_purchase(user, purchase):
    """Change, notify or abandon ``purchase``: while it is planned, the clause officer's
    writers and the facilitators of the purchase."""
    if purchase.status != PurchaseStatus.PREVU:
        return False
    if can_import(user):
        return True
    return purchase.facilitator_id is not None and (
        followed_facilitators(user).filter(pk=purchase.facilitator_id).exists()
    )


def purchases_audience(user):
    """Whose deleted planned purchases ``user`` sees in the deletions feed (``facilitator``
    scope, as ``visible_purchases``)."""
    return clauses_audience(user)


def bilan_purchases(user):
    """The planned purchases whose programme figures make ``user``'s yearly bilan: ``None``
    for every purchase (the clause officer), else the purchases they see (a facilitator's:
    those of the facilitators they work for)."""
    if is_clause_officer(user):
        return None
    return visible_purchases(user)


# -- Facilitators' partnership agreements and quarterly reviews (issue 19, part 5) ---------
#
# - a facilitator reads and writes the agreements of the facilitators they work for, and
#   their quarterly reviews (minutes attached);
# - the clause officer reads every agreement and review; its writers may also write them
#   (the Région is often a signatory);
# - nobody else sees them (the minutes may name people).


def visible_agreements(user):
    if is_clause_officer(user):
        return PartnershipAgreement.objects.all()
    if is_facilitator(user):
        return PartnershipAgreement.objects.filter(facilitator__in=followed_facilitators(user))
    return PartnershipAgreement.objects.none()


def can_list_agreements(user):
    return can_list_marches(user)


def can_add_agreement(user):
    return can_import(user) or is_facilitator(user)


def agreement_facilitators(user):
    """The facilitators an agreement ``user`` enters may be signed by."""
    return purchase_facilitators(user)


def can_change_agreement(user, agreement):
    """Change ``agreement`` and write its quarterly reviews and their minutes."""
    if can_import(user):
        return True
    return followed_facilitators(user).filter(pk=agreement.facilitator_id).exists()


def can_download_minutes(user, minutes):
    """A review's minutes: whoever sees its agreement (``UploadedDocument.may_download``
    then keeps a file waiting for the antivirus to its uploader)."""
    return visible_agreements(user).filter(pk=minutes.review.agreement_id).exists()


# -- The API's interests (issue 19, part 6): who said « intéressé » ------------------------


def visible_interests(user):
    """The interests ``user`` reads: those on the lots they see (the clause officer, the
    lot's facilitator, as ``can_view_interests``) and those of the structures they direct."""
    if is_clause_officer(user):
        return LotInterest.objects.all()
    mine = Q(lot__in=followed_lots(user)) if is_facilitator(user) else Q(pk__in=[])
    directs = structure_perms.member_reach(user, directors=True)
    if not directs.nothing:
        mine |= Q(structure_id__in=directs.structure_ids())
    return LotInterest.objects.filter(mine)


def interests_audience(user):
    """Whose deleted interests ``user`` sees in the deletions feed: as ``visible_interests``
    (the tombstones keep the lot's facilitator and the structure)."""
    if is_clause_officer(user):
        return Q()
    parts = [_directed_audience(user)]
    if is_facilitator(user):
        parts.append(scoped_to("facilitator", followed_facilitator_ids(user)))
    parts = [part for part in parts if part is not None]
    return functools.reduce(operator.or_, parts) if parts else None
