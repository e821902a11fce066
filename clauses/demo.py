"""Demo data for social clauses: buyers and facilitators of the Grand Est, a year of
contracts (notified last year) with their lots and clauses, and the monthly hours reported
since, by demo SIAE.

Like ``structures.demo`` and ``aides.demo``, ``seed`` takes a ``random.Random`` (same seed,
same data) and writes with ``bulk_create``, bypassing ``services`` and the audit: nobody
acts. Clause shares follow the Lorraine figures of clauses.md (about 40 % of works, 8 % of
services); some lots report fewer hours than their calendar asks or stopped reporting a few
months ago, so the list's « en retard » and « mois manquants » filters, the homes and the
detail's alerts have something to show.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from iae_portal import demo as demo_steps
from iae_portal.users.models import User
from structures.demo import derived_rng
from structures.demo_data import BATCH_SIZE
from structures.enums import SIAE_KINDS

from . import demo_agreements, demo_matching, demo_programme
from .enums import BuyerKind, Clause, MarcheType, Modality, Procedure, PublicCategory
from .models import (
    Buyer,
    Facilitator,
    FacilitatorMembership,
    HoursReport,
    Lot,
    Marche,
    PlannedPurchase,
)
from .rules import execution_period, hours_from_amount

DEMO_FACILITATOR_EMAIL = "facilitateur@demo.iae.fr"
CONTRACTS = 90
# name, kind, département where its contracts are executed (None: left to the facilitator's
# territory, as for an imported contract)
BUYERS = [
    ("Région Grand Est", BuyerKind.REGION, None),
    ("Département de Meurthe-et-Moselle", BuyerKind.DEPARTEMENT, "54"),
    ("Département de la Moselle", BuyerKind.DEPARTEMENT, "57"),
    ("Métropole du Grand Nancy", BuyerKind.EPCI, "54"),
    ("Eurométropole de Metz", BuyerKind.EPCI, "57"),
    ("Ville de Strasbourg", BuyerKind.COMMUNE, "67"),
    ("Office public de l'habitat de Meurthe-et-Moselle", BuyerKind.BAILLEUR_SOCIAL, "54"),
    ("CHRU de Nancy", BuyerKind.HOPITAL, "54"),
    ("Préfecture de la région Grand Est", BuyerKind.ETAT, None),
]
# name: départements covered
FACILITATORS = {
    "PLIE du Grand Nancy": ["54"],
    "Maison de l'emploi de Metz Métropole": ["57"],
    "PLIE de l'Eurométropole de Strasbourg": ["67"],
    "Relais clauses sociales de la Marne": ["51"],
    "Maison de l'emploi du Grand Reims": ["51", "08"],
}
# type: (weight, chance that the contract carries a clause)
TYPES = {
    MarcheType.TRAVAUX: (60, 0.4),
    MarcheType.SERVICES: (30, 0.1),
    MarcheType.FOURNITURES: (10, 0.03),
}
OBJECTS = {
    MarcheType.TRAVAUX: ["Gros œuvre", "Voirie", "Espaces verts", "Plâtrerie", "Peinture"],
    MarcheType.SERVICES: ["Nettoyage des locaux", "Entretien des espaces verts", "Collecte"],
    MarcheType.FOURNITURES: ["Mobilier", "Fournitures de bureau", "Équipements"],
}
DEPARTMENTS = {name: code for name, _, code in BUYERS}
# The buyers' defaults for computing the hours of a lot (clauses.md).
FACTORS = {
    "labour_share": Decimal("0.4"),
    "insertion_rate": Decimal("0.07"),
    "hourly_cost": Decimal("32"),
}
LOT_CLAUSES = [Clause.CONDITION_EXECUTION] * 6 + [Clause.MARCHE_RESERVE, Clause.MARCHE_INSERTION]
MODALITIES = [
    Modality.EMBAUCHE_DIRECTE,
    Modality.MISE_A_DISPOSITION,
    Modality.MISE_A_DISPOSITION,
    Modality.SOUS_TRAITANCE_SIAE,
    Modality.COTRAITANCE_SIAE,
    Modality.FORMATION,
]
LENT = {Modality.MISE_A_DISPOSITION, Modality.SOUS_TRAITANCE_SIAE, Modality.COTRAITANCE_SIAE}


@dataclass
class ClausesDemo:
    buyers: list = field(default_factory=list)
    facilitators: list = field(default_factory=list)
    marches: list = field(default_factory=list)
    lots: list = field(default_factory=list)
    reports: list = field(default_factory=list)

    def summary(self):
        clauses = sum(1 for lot in self.lots if lot.clause != Clause.NONE)
        hours = sum((r.hours for r in self.reports), Decimal(0))
        return [
            f"Marchés clausés : {len(self.marches)} marchés ({len(self.lots)} lots dont "
            f"{clauses} avec clause), {len(self.buyers)} acheteurs, "
            f"{len(self.facilitators)} facilitateurs",
            f"Heures d'insertion déclarées : {len(self.reports)} lignes, {hours:.0f} h",
        ]


def seed(rng, *, structures, today=None):
    """Create the demo's buyers, facilitators, contracts of last year and their hours."""
    today = today or timezone.localdate()
    demo = ClausesDemo()
    demo.buyers = Buyer.objects.bulk_create(Buyer(name=n, kind=k, **FACTORS) for n, k, _ in BUYERS)
    demo.facilitators = Facilitator.objects.bulk_create(Facilitator(name=n) for n in FACILITATORS)
    Facilitator.departments.through.objects.bulk_create(
        Facilitator.departments.through(facilitator_id=f.pk, department_id=code)
        for f in demo.facilitators
        for code in FACILITATORS[f.name]
    )
    user = User.objects.filter(email=DEMO_FACILITATOR_EMAIL).first()
    if user is not None:
        FacilitatorMembership.objects.create(user=user, facilitator=demo.facilitators[0])
    year = today.year - 1
    drafts = [_marche(rng, index, year, demo.buyers) for index in range(CONTRACTS)]
    lots = []
    for marche, clause_chance in drafts:
        # Before the contracts are written: each takes the sum of its lots as its amount.
        lots.extend(_lots(rng, marche, clause_chance, demo.facilitators))
    demo.marches = Marche.objects.bulk_create([m for m, _ in drafts], batch_size=BATCH_SIZE)
    demo.lots = Lot.objects.bulk_create(lots, batch_size=BATCH_SIZE)
    siae = [s for s in structures if s.kind in SIAE_KINDS]
    # The demo facilitator's latest lot stopped reporting too: their home shows it.
    followed = [
        lot for lot in demo.lots if lot.has_clause and lot.facilitator == demo.facilitators[0]
    ]
    stalled = max(followed, key=lambda lot: lot.marche.notification_date, default=None)
    reports = [
        r
        for lot in demo.lots
        if lot.has_clause
        for r in _reports(rng, lot, siae, today, stalled=lot is stalled)
    ]
    demo.reports = HoursReport.objects.bulk_create(reports, batch_size=BATCH_SIZE)
    return demo


def reset():
    """Delete every contract, hours report, buyer and facilitator (hours protect the
    structures that ``structures.demo.reset`` deletes next)."""
    HoursReport.objects.all().delete()
    demo_agreements.reset()  # agreements protect their facilitators
    # Planned purchases protect their buyers, and a notified one may not lose its contract.
    PlannedPurchase.objects.all().delete()
    Marche.objects.all().delete()
    Buyer.objects.all().delete()
    Facilitator.objects.all().delete()


def _marche(rng, index, year, buyers):
    types = list(TYPES)
    marche_type = rng.choices(types, weights=[TYPES[t][0] for t in types])[0]
    start = datetime.date(year, 1, 1)
    buyer = rng.choice(buyers)
    marche = Marche(
        ref=f"DEMO-{year}-{index + 1:03d}",
        buyer=buyer,
        department_id=DEPARTMENTS[buyer.name],
        notification_date=start + datetime.timedelta(days=rng.randrange(365)),
        type=marche_type,
        amount_ht=Decimal(0),
    )
    return marche, TYPES[marche_type][1]


def _lots(rng, marche, clause_chance, facilitators):
    with_clause = rng.random() < clause_chance
    count = rng.randint(1, 4)
    lots = []
    for number in range(1, count + 1):
        amount = Decimal(rng.randrange(40, 900) * 1000)
        clause = Clause.NONE
        if with_clause and (number == 1 or rng.random() < 0.6):
            clause = rng.choice(LOT_CLAUSES)
        lots.append(
            Lot(
                marche=marche,
                ref=f"L{number}",
                object=rng.choice(OBJECTS[marche.type]),
                procedure=Procedure.APPEL_OFFRES if amount > 200_000 else Procedure.MAPA,
                amount_ht=amount,
                clause=clause,
                hours_required=(
                    hours_from_amount(amount, **FACTORS) if clause != Clause.NONE else 0
                ),
                facilitator=rng.choice(facilitators) if clause != Clause.NONE else None,
                attributaire_name=f"Entreprise {rng.choice('ABCDEFGHJK')}{number}",
            )
        )
    marche.amount_ht = sum((lot.amount_ht for lot in lots), Decimal(0))
    return lots


def _reports(rng, lot, siae, today, stalled=False):
    """Monthly lines from the month after notification to the last full month of the
    execution period (or last month); ``pace`` below 1 leaves some lots behind."""
    start, end = execution_period(lot.marche.notification_date)
    months = []
    month = _next_month(start)
    while month <= min(end, today) and _next_month(month) <= today:
        months.append(month)
        month = _next_month(month)
    if not months:
        return []
    # About one lot in four stopped reporting a few months ago: the missing months of the
    # homes, the list's « mois manquants » filter and the facilitators' digest (clauses.gaps).
    if len(months) > 3 and (rng.random() < 0.25 or stalled):
        months = months[: -rng.randint(2, 3)]
    pace = rng.choice([0.4, 0.7, 0.9, 1.0, 1.0, 1.1])
    people = []
    for number in range(rng.randint(2, 6)):
        modality = rng.choice(MODALITIES)
        lender = None
        if modality in LENT:
            if siae:
                lender = rng.choice(siae)
            else:
                modality = Modality.EMBAUCHE_DIRECTE
        people.append(
            (
                f"P-{lot.marche.ref[-3:]}{lot.ref}-{number + 1:02d}",
                rng.choice(PublicCategory.values),
                modality,
                lender,
            )
        )
    monthly = Decimal(lot.hours_required * pace / 12 / len(people))
    monthly = max(Decimal("0.5"), (monthly * 2).quantize(Decimal(1)) / 2)
    return [
        HoursReport(
            lot=lot,
            period=period,
            participant_ref=ref,
            public_category=public,
            modality=modality,
            siae=lender,
            hours=monthly,
        )
        for period in months
        for ref, public, modality, lender in people
    ]


def _next_month(day):
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _seed_step(run):
    demo = seed(run.rng, structures=run.made["structures"])
    # The matching's codes, offered lots and interests, on a generator of their own.
    demo_matching.seed(
        derived_rng(run.rng, "clauses-matching"),
        demo,
        run.made["structures"],
        today=timezone.localdate(),
        factors=FACTORS,
        departments=DEPARTMENTS,
    )
    # The buyers' yearly programmes of planned purchases, some notified into the contracts.
    demo_programme.seed(
        derived_rng(run.rng, "clauses-programme"),
        demo,
        today=timezone.localdate(),
        factors=FACTORS,
        object_codes=demo_matching.OBJECT_CODES,
        departments=DEPARTMENTS,
    )
    # The facilitators' partnership agreements and their quarterly reviews.
    demo_agreements.seed(
        derived_rng(run.rng, "clauses-agreements"), demo, today=timezone.localdate()
    )
    return []  # seed_demo prints no summary of the contracts


def register():
    """A step of ``seed_demo`` after the aid dossiers; reset before the structures."""
    demo_steps.register("clauses", seed=_seed_step, reset=reset, order=30, reset_order=20)
