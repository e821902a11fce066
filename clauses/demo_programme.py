"""Demo data of the buyers' yearly programmes of planned purchases (issue 19, part 4), added
by ``clauses.demo``'s step:

- last year's programme (the year of the demo contracts): most purchases were notified and
  became demo contracts of their buyer (same object, clause and facilitator, an estimate
  near the real amount), one was abandoned, two are still « prévu » (late);
- this year's programme: purchases planned over the four quarters, one abandoned.

The demo facilitator's facilitator has purchases in both years. Draws come from a generator
of their own (``structures.demo.derived_rng``); one ``bulk_create``: nobody acts, no audit."""

from decimal import Decimal

from .enums import Clause, MarcheType, PurchaseStatus
from .models import PlannedPurchase
from .rules import hours_from_amount

NOTIFIED_LAST_YEAR = 10
# This year's programme: (object, type, clause, estimated amount in k€, quarter)
PLANNED = [
    (
        "Réhabilitation du lycée Jean-Prouvé",
        MarcheType.TRAVAUX,
        Clause.CONDITION_EXECUTION,
        1800,
        1,
    ),
    ("Voirie de la zone d'activités", MarcheType.TRAVAUX, Clause.CONDITION_EXECUTION, 950, 1),
    ("Entretien des espaces verts", MarcheType.SERVICES, Clause.MARCHE_RESERVE, 240, 2),
    ("Nettoyage des locaux administratifs", MarcheType.SERVICES, Clause.MARCHE_INSERTION, 180, 2),
    ("Peinture des logements sociaux", MarcheType.TRAVAUX, Clause.CONDITION_EXECUTION, 620, 3),
    ("Collecte des encombrants", MarcheType.SERVICES, Clause.CONDITION_EXECUTION, 300, 3),
    ("Mobilier des salles de classe", MarcheType.FOURNITURES, Clause.NONE, 150, 4),
    ("Extension de la médiathèque", MarcheType.TRAVAUX, Clause.CONDITION_EXECUTION, 1200, 4),
]
CODES = {
    "Réhabilitation du lycée Jean-Prouvé": ["41.20B", "43.99C"],
    "Voirie de la zone d'activités": ["42.11Z"],
    "Entretien des espaces verts": ["81.30Z"],
    "Nettoyage des locaux administratifs": ["81.21Z"],
    "Peinture des logements sociaux": ["43.34Z"],
    "Collecte des encombrants": ["38.11Z"],
    "Mobilier des salles de classe": ["31.01Z"],
    "Extension de la médiathèque": ["41.20B"],
}


def seed(rng, demo, *, today, factors, object_codes, departments):
    """The programmes of last year and this year; returns the purchases."""
    purchases = _last_year(rng, demo, today.year - 1, factors, object_codes)
    purchases += _this_year(rng, demo, today.year, factors, departments)
    return PlannedPurchase.objects.bulk_create(purchases)


def _hours(clause, amount, factors):
    return hours_from_amount(amount, **factors) if clause != Clause.NONE else 0


def _last_year(rng, demo, year, factors, object_codes):
    """Purchases of ``year`` that became demo contracts of that year (one per contract with
    a clause, the demo facilitator's first), one abandoned and two not notified yet."""
    lots = sorted(
        (
            lot
            for lot in demo.lots
            if lot.has_clause and lot.ref == "L1" and lot.marche.notification_date.year == year
        ),
        key=lambda lot: (lot.facilitator != demo.facilitators[0], lot.marche.ref),
    )
    purchases = []
    for lot in lots[:NOTIFIED_LAST_YEAR]:
        marche = lot.marche
        estimate = (marche.amount_ht * Decimal(rng.choice(["0.85", "0.95", "1", "1.1"]))).quantize(
            Decimal(1000)
        )
        quarter = max(1, (marche.notification_date.month - 1) // 3 + rng.choice([0, 0, -1]))
        purchases.append(
            PlannedPurchase(
                buyer=marche.buyer,
                year=year,
                object=lot.object,
                type=marche.type,
                activity_codes=object_codes.get(lot.object, []),
                estimated_amount_ht=estimate,
                launch_quarter=quarter,
                clause=lot.clause,
                hours_planned=_hours(lot.clause, estimate, factors),
                facilitator=lot.facilitator,
                department_id=marche.department_id,
                status=PurchaseStatus.NOTIFIE,
                marche=marche,
            )
        )
    for index, (name, quarter, status) in enumerate(
        [
            ("Rénovation énergétique du gymnase", 2, PurchaseStatus.ABANDONNE),
            ("Aménagement des berges", 4, PurchaseStatus.PREVU),
            ("Entretien des espaces verts des collèges", 4, PurchaseStatus.PREVU),
        ]
    ):
        buyer = demo.buyers[index % len(demo.buyers)]
        estimate = Decimal(rng.randrange(200, 900) * 1000)
        purchases.append(
            PlannedPurchase(
                buyer=buyer,
                year=year,
                object=name,
                type=MarcheType.TRAVAUX,
                activity_codes=["43.99C"] if index == 0 else ["81.30Z"],
                estimated_amount_ht=estimate,
                launch_quarter=quarter,
                clause=Clause.CONDITION_EXECUTION,
                hours_planned=_hours(Clause.CONDITION_EXECUTION, estimate, factors),
                facilitator=demo.facilitators[index % len(demo.facilitators)],
                status=status,
            )
        )
    return purchases


def _this_year(rng, demo, year, factors, departments):
    """This year's programme, spread over the buyers; the demo facilitator's facilitator
    follows every other purchase, the last with a clause is abandoned."""
    purchases = []
    for index, (name, marche_type, clause, thousands, quarter) in enumerate(PLANNED):
        buyer = demo.buyers[(index * 2 + 1) % len(demo.buyers)]
        facilitator = demo.facilitators[0] if index % 2 == 0 else rng.choice(demo.facilitators)
        estimate = Decimal(thousands * 1000)
        purchases.append(
            PlannedPurchase(
                buyer=buyer,
                year=year,
                object=name,
                type=marche_type,
                activity_codes=CODES[name],
                estimated_amount_ht=estimate,
                launch_quarter=quarter,
                clause=clause,
                hours_planned=_hours(clause, estimate, factors),
                facilitator=facilitator if clause != Clause.NONE else None,
                department_id=departments.get(buyer.name),
                status=PurchaseStatus.ABANDONNE if index == 5 else PurchaseStatus.PREVU,
            )
        )
    return purchases
