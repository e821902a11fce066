"""Demo data for the DLA: one DLA per demo département, the demo chargée's membership,
providers (some IAE networks), and a year of accompaniments over the demo structures.

Like ``structures.demo``, ``seed`` takes a ``random.Random`` and writes with
``bulk_create``: deterministic for a seed, a handful of queries whatever the count.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from iae_portal import demo as demo_steps
from iae_portal.users.models import User
from structures.demo_data import BATCH_SIZE, DEPARTMENT_CODES
from structures.enums import SIAE_KINDS

from .enums import AccompanimentState, Milestone, Mode, Prescriber, ProviderKind, Theme
from .followups import add_months, opens_on
from .models import (
    Accompaniment,
    Dla,
    DlaMembership,
    FollowUp,
    Prestation,
    Provider,
    StructureStaffCount,
)

CHARGÉ_EMAIL = "dla@demo.iae.fr"
CHARGÉ_DEPARTMENT = "54"
HOSTS = "France Active {}"
PROVIDERS = (
    ("Coorace Grand Est", ProviderKind.RESEAU_IAE),
    ("Chantier École Grand Est", ProviderKind.RESEAU_IAE),
    ("Fédération des entreprises d'insertion Grand Est", ProviderKind.RESEAU_IAE),
    ("Cabinet Ressources & Territoires", ProviderKind.CABINET_CONSEIL),
    ("Alter Conseil Lorraine", ProviderKind.CABINET_CONSEIL),
    ("Cabinet Rhin Solidaire", ProviderKind.CABINET_CONSEIL),
    ("Claire Fontaine, consultante", ProviderKind.CONSULTANT_INDEPENDANT),
    ("Marc Oberlin, consultant", ProviderKind.CONSULTANT_INDEPENDANT),
    ("URSCOP Grand Est", ProviderKind.AUTRE),
)  # fmt: skip
# Weights close to the 2011 national bilan (../shared/domain/dla.md).
INDIVIDUAL_THEMES = {
    Theme.STRATEGIE_CONSOLIDATION: 22, Theme.PROJET_STRUCTURE: 16,
    Theme.ORGANISATION_INTERNE: 15, Theme.MODELE_ECONOMIQUE: 10,
    Theme.RESSOURCES_HUMAINES: 9, Theme.EVOLUTION_ACTIVITE: 9, Theme.GOUVERNANCE: 6,
    Theme.COMMUNICATION_COMMERCIAL: 6, Theme.JURIDIQUE: 4, Theme.ETUDE_FAISABILITE: 3,
}  # fmt: skip
COLLECTIVE_THEMES = {
    Theme.MUTUALISATION: 16, Theme.CLAUSES_SOCIALES: 14, Theme.DIAGNOSTIC_TERRITORIAL: 12,
    Theme.RESSOURCES_HUMAINES: 14, Theme.COMMUNICATION_COMMERCIAL: 12,
    Theme.STRATEGIE_CONSOLIDATION: 12, Theme.AUTRE: 10,
}  # fmt: skip
PRESCRIBERS = {
    Prescriber.STRUCTURE: 40, Prescriber.FINANCEUR_PUBLIC: 25, Prescriber.DLA: 15,
    Prescriber.RESEAU_IAE: 11, Prescriber.AUTRE_ACCOMPAGNATEUR: 9,
}  # fmt: skip
DAILY_RATE = Decimal(750)
NEEDS = {
    Mode.INDIVIDUELLE: "Consolider le modèle économique et préparer le renouvellement du conventionnement.",
    Mode.COLLECTIVE: "Mutualiser des fonctions support entre structures du territoire.",
}
CLOSING = "Suivi à 6 mois réalisé : plan d'action engagé, emplois d'insertion maintenus."


@dataclass
class DlaDemo:
    dlas: list = field(default_factory=list)
    accompaniments: list = field(default_factory=list)
    prestations: list = field(default_factory=list)

    def summary(self):
        return [
            f"DLA : {len(self.dlas)}",
            f"Accompagnements DLA : {len(self.accompaniments)}",
            f"Prestations DLA : {len(self.prestations)}",
        ]


def _pick(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def seed(rng, *, structures, year=None):
    """Accompaniments of ``year`` (last year by default) for about a third of
    ``structures``; two in three individual, the others collective (3 to 6 structures)."""
    today = datetime.date.today()
    year = year or today.year - 1
    demo = DlaDemo()
    demo.dlas = Dla.objects.bulk_create(
        [Dla(department_id=code, host_name=HOSTS.format(code)) for code in DEPARTMENT_CODES]
    )
    dlas = {d.department_id: d for d in demo.dlas}
    chargé = User.objects.filter(email=CHARGÉ_EMAIL).first()
    if chargé is not None:
        DlaMembership.objects.create(user=chargé, dla=dlas[CHARGÉ_DEPARTMENT])
    providers = Provider.objects.bulk_create([Provider(name=n, kind=k) for n, k in PROVIDERS])

    by_department = {}
    for structure in structures:
        by_department.setdefault(structure.department_id, []).append(structure)
    accompaniments, prestations, links = [], [], []
    for code in sorted(by_department):
        pool = by_department[code]
        for index in range(max(1, len(pool) // 3)):
            ref = f"DEMO-{year}-{code}-{index + 1:03d}"
            collective = rng.random() < 1 / 3 and len(pool) >= 3
            beneficiaries = rng.sample(pool, rng.randint(3, min(6, len(pool))) if collective else 1)
            start = datetime.date(year, 1, 1) + datetime.timedelta(rng.randrange(300))
            end = start + datetime.timedelta(rng.randint(30, 120))
            days = Decimal(rng.choice([2, 3, 4, 5, 6, 8, 10]))
            # The earliest are closed; the others wait for their follow-up contacts.
            closed = start.month < 3
            accompaniments.append(
                Accompaniment(
                    ref=ref,
                    dla=dlas[code],
                    request_date=start - datetime.timedelta(rng.randint(20, 90)),
                    request_needs=NEEDS[Mode.COLLECTIVE if collective else Mode.INDIVIDUELLE],
                    state=AccompanimentState.CLOS if closed else AccompanimentState.INGENIERIE,
                    closed_on=min(end + datetime.timedelta(days=200), today) if closed else None,
                    closing_summary=CLOSING if closed else "",
                )
            )
            prestations.append(
                Prestation(
                    ref=f"{ref}-P1",
                    start_date=start,
                    end_date=end,
                    mode=Mode.COLLECTIVE if collective else Mode.INDIVIDUELLE,
                    theme=_pick(rng, COLLECTIVE_THEMES if collective else INDIVIDUAL_THEMES),
                    prescriber=_pick(rng, PRESCRIBERS),
                    provider=rng.choice(providers),
                    days=days,
                    cost=days * DAILY_RATE,
                )
            )
            links.append(beneficiaries)
    demo.accompaniments = Accompaniment.objects.bulk_create(accompaniments, batch_size=BATCH_SIZE)
    # The closed ones had their contact at 6 months (when it could take place before the
    # closing: from 30 days before it was due, dla.followups).
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                accompaniment=a,
                milestone=Milestone.SIX,
                contact_date=min(add_months(p.end_date, 6), a.closed_on),
                implemented="Plan d'action engagé, tableau de bord suivi en bureau.",
                jobs_kept=rng.randint(2, 20),
                jobs_created=rng.randint(0, 3),
            )
            for a, p in zip(demo.accompaniments, prestations, strict=True)
            if a.closed_on and opens_on(p.end_date, Milestone.SIX) <= a.closed_on
        ],
        batch_size=BATCH_SIZE,
    )
    for accompaniment, prestation in zip(demo.accompaniments, prestations, strict=True):
        prestation.accompaniment = accompaniment
    demo.prestations = Prestation.objects.bulk_create(prestations, batch_size=BATCH_SIZE)
    Beneficiary = Prestation.beneficiaries.through
    Beneficiary.objects.bulk_create(
        [
            Beneficiary(prestation_id=p.pk, structure_id=s.pk)
            for p, beneficiaries in zip(demo.prestations, links, strict=True)
            for s in beneficiaries
        ],
        batch_size=BATCH_SIZE,
    )
    served = {s.pk: s for beneficiaries in links for s in beneficiaries}
    StructureStaffCount.objects.bulk_create(
        [
            StructureStaffCount(
                structure_id=pk,
                permanents=rng.randint(2, 12),
                insertion_employees=rng.randint(8, 60) if s.kind in SIAE_KINDS else 0,
            )
            for pk, s in sorted(served.items())
        ],
        batch_size=BATCH_SIZE,
    )
    return demo


def reset():
    """Delete every DLA row (the demo owns them all); before the structures' reset."""
    Prestation.objects.all().delete()
    Accompaniment.objects.all().delete()
    StructureStaffCount.objects.all().delete()
    DlaMembership.objects.all().delete()
    Provider.objects.all().delete()
    Dla.objects.all().delete()


def _seed_step(run):
    return seed(run.rng, structures=run.made["structures"]).summary()


def register():
    """The last step of ``seed_demo``; reset before the structures."""
    demo_steps.register("dla", seed=_seed_step, reset=reset, order=40, reset_order=30)
