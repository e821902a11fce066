"""Demo data of the clauses matching (issue 19, parts 2 and 3), added by ``clauses.demo``'s
step: the NAF codes of the lots' work, a few reserved lots just notified and not yet awarded
(offered to the SIAE on « Marchés à saisir »), and SIAE that said « intéressé ».

The demo director's structures match at least two of the offered lots; one of them, followed
by the demo facilitator, already has the director's interest, so the facilitator sees it.
Draws come from a generator of their own (``structures.demo.derived_rng``): the rest of the
demo is the same as without them."""

import datetime
from decimal import Decimal

from django.utils import timezone

from iae_portal.users.models import User
from structures.demo_data import BATCH_SIZE
from structures.enums import SIAE_KINDS, MembershipRole
from structures.models import Membership, StructureActivity

from . import matching
from .enums import Clause, MarcheType, Procedure
from .models import Lot, LotInterest, Marche
from .ranking import lots_matching
from .rules import hours_from_amount

DEMO_DIRECTOR_EMAIL = "directeur@demo.iae.fr"
# The NAF sous-classes of each lot object of ``clauses.demo.OBJECTS``.
OBJECT_CODES = {
    "Gros œuvre": ["43.99C"],
    "Voirie": ["42.11Z"],
    "Espaces verts": ["81.30Z"],
    "Plâtrerie": ["43.31Z"],
    "Peinture": ["43.34Z"],
    "Nettoyage des locaux": ["81.21Z"],
    "Entretien des espaces verts": ["81.30Z"],
    "Collecte": ["38.11Z"],
    "Mobilier": ["31.01Z"],
    "Fournitures de bureau": ["46.66Z"],
    "Équipements": ["46.69B"],
}
RESERVED = (Clause.MARCHE_RESERVE, Clause.MARCHE_INSERTION)
# Offered lots: contracts notified in the last days, their lots not awarded yet.
OPEN_CONTRACTS = 6
OPEN_OBJECTS = {
    MarcheType.TRAVAUX: ["Plâtrerie", "Peinture", "Espaces verts", "Gros œuvre"],
    MarcheType.SERVICES: ["Nettoyage des locaux", "Entretien des espaces verts", "Collecte"],
}


def seed(rng, demo, structures, *, today, factors, departments):
    """Codes on ``demo``'s lots, the offered lots and the interests; returns
    ``(offered lots, interests)``."""
    coded = []
    for lot in demo.lots:
        if lot.clause in RESERVED or (lot.has_clause and rng.random() < 0.5):
            lot.activity_codes = OBJECT_CODES.get(lot.object, [])
            coded.append(lot)
    Lot.objects.bulk_update(coded, ["activity_codes"], batch_size=BATCH_SIZE)
    director = _director_structures(structures)
    wanted = [_object_for(director)] * 2 + [None] * (OPEN_CONTRACTS - 2)
    drafts = [
        _open_contract(rng, index, demo, (today, factors, departments), target)
        for index, target in enumerate(wanted)
    ]
    Marche.objects.bulk_create([marche for marche, _ in drafts])
    offered = Lot.objects.bulk_create([lot for _, lots in drafts for lot in lots])
    user = User.objects.filter(email=DEMO_DIRECTOR_EMAIL).first()
    interests = _interests(rng, offered, structures, director, user)
    return offered, LotInterest.objects.bulk_create(interests)


def _director_structures(structures):
    directed = set(
        Membership.objects.filter(
            user__email=DEMO_DIRECTOR_EMAIL, role=MembershipRole.DIRECTEUR
        ).values_list("structure_id", flat=True)
    )
    return [s for s in structures if s.pk in directed]


def _object_for(director):
    """``(object, codes)`` of a lot the director's structures match: the first object whose
    codes are close to theirs, else their first structure's main activity."""
    codes = list(
        StructureActivity.objects.filter(structure__in=director)
        .order_by("structure__name", "-is_main", "naf_code")
        .values_list("naf_code", flat=True)
    )
    for name, object_codes in OBJECT_CODES.items():
        if matching.similar(object_codes, codes):
            return name, object_codes
    if codes:
        return "Prestations de l'activité principale", codes[:1]
    return "Espaces verts", OBJECT_CODES["Espaces verts"]


def _open_contract(rng, index, demo, context, target):
    """A contract notified in the last month whose first lot is reserved, the lots offered
    since the notification; ``target`` (object, codes) fixes the first lot's work, the first
    contract going to the demo facilitator in their département."""
    today, factors, departments = context
    marche_type = rng.choice([MarcheType.TRAVAUX, MarcheType.SERVICES])
    notified = today - datetime.timedelta(days=rng.randint(2, 25))
    buyer = rng.choice(demo.buyers)
    facilitators = [rng.choice(demo.facilitators)]
    if index == 0:  # the demo facilitator's, in their département
        facilitators = demo.facilitators[:1]
        buyer = next((b for b in demo.buyers if b.name == "Métropole du Grand Nancy"), buyer)
    marche = Marche(
        ref=f"DEMO-{today.year}-{101 + index}",
        buyer=buyer,
        department_id=departments[buyer.name],
        notification_date=notified,
        type=marche_type,
        amount_ht=Decimal(0),
    )
    offered_at = timezone.make_aware(
        datetime.datetime.combine(notified, datetime.time(9 + index, 30))
    )
    lots = []
    for number in range(1, rng.randint(1, 2) + 1):
        amount = Decimal(rng.randrange(40, 400) * 1000)
        if number == 1:
            clause = rng.choice(RESERVED) if target is None else Clause.MARCHE_RESERVE
            name, codes = target or _object(rng, marche_type)
        else:
            clause = Clause.CONDITION_EXECUTION
            name, codes = _object(rng, marche_type)
        lots.append(
            Lot(
                marche=marche,
                ref=f"L{number}",
                object=name,
                procedure=Procedure.APPEL_OFFRES if amount > 200_000 else Procedure.MAPA,
                amount_ht=amount,
                clause=clause,
                hours_required=hours_from_amount(amount, **factors),
                facilitator=facilitators[0],
                activity_codes=list(codes),
                offered_at=offered_at,
            )
        )
    marche.amount_ht = sum((lot.amount_ht for lot in lots), Decimal(0))
    return marche, lots


def _object(rng, marche_type):
    name = rng.choice(OPEN_OBJECTS[marche_type])
    return name, OBJECT_CODES[name]


def _interests(rng, offered, structures, director, user):
    """The director's structure on the demo facilitator's lot, and one or two matching SIAE
    on most offered lots."""
    siae = [s for s in structures if s.kind in SIAE_KINDS]
    interests = []
    for lot, matched in lots_matching(siae, offered):
        chosen = []
        if lot.marche.ref.endswith("-101") and lot.ref == "L1":
            chosen = [s for s in matched if s in director][:1]
        others = sorted((s for s in matched if s not in director), key=lambda s: s.siret)
        if others and rng.random() < 0.8:
            chosen += rng.sample(others, k=min(len(others), rng.randint(1, 2)))
        for hours, structure in enumerate(chosen, start=2):
            interests.append(
                LotInterest(
                    lot=lot,
                    structure=structure,
                    user=user if structure in director else None,
                    created_at=lot.offered_at + datetime.timedelta(hours=hours),
                )
            )
    return interests
