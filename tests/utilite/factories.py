"""Reports for the tests: valid figures and grids, and the contract's worked example."""

import datetime

import factory

from structures.models import Department
from tests.structures.factories import ConventionFactory, StructureFactory
from utilite.enums import ReportStatus
from utilite.indicators import CRITERION_CODES, INDICATOR_CODES
from utilite.models import SocialReport

from .contract import EXAMPLE


def valid_figures(**changes):
    """Figures meeting every rule of the contract."""
    figures = dict.fromkeys(INDICATOR_CODES, 0)
    figures.update(
        hours_worked=12000,
        turnover=100000,
        total_resources=500000,
        public_funding=300000,
        wages_paid=250000,
        local_purchases=20000,
        activities_created=1,
        insertion_employees=100,
        women=40,
        trained_employees=10,
        training_hours=140,
        qualifications=3,
        exits_total=6,
        exits_cdi=2,
        exits_autres=4,
        territorial_bodies=2,
        service_users=50,
        participation_level=2,
        cooperation_level=1,
        environmental_certification=True,
    )
    figures.update(changes)
    return figures


def full_grid(score=1, **changes):
    scores = dict.fromkeys(CRITERION_CODES, score)
    scores.update(changes)
    return scores


class ReportFactory(factory.django.DjangoModelFactory):
    """A validated report with valid figures and no grid."""

    class Meta:
        model = SocialReport

    structure = factory.SubFactory(StructureFactory)
    year = 2024
    status = ReportStatus.VALIDE

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        figures = valid_figures(**{k: kwargs.pop(k) for k in list(kwargs) if k in INDICATOR_CODES})
        return super()._create(model_class, *args, **figures, **kwargs)


def siae(siret, kind, department="71", year=2012, name=None):
    """A structure of ``kind`` with a conventionnement over ``year``."""
    structure = StructureFactory(
        siret=siret,
        kind=kind,
        name=name or f"Structure {siret}",
        department=Department.objects.get(code=department),
        postal_code=f"{department}000",
    )
    ConventionFactory(
        structure=structure,
        kind=kind if kind in ("ACI", "AI", "EI", "ETTI", "EITI") else "ACI",
        start_date=datetime.date(year, 3, 1),
        end_date=datetime.date(year + 2, 2, 28),
    )
    return structure


def worked_example():
    """A, B, C (validated) and D (no report) of the contract's example, 2012, département 71."""
    structures = {
        name: siae(info["siret"], info["kind"], name=f"Structure {name}")
        for name, info in EXAMPLE["structures"].items()
    }
    for name, inputs in EXAMPLE["inputs"].items():
        scores = full_grid(2)
        for n, score in enumerate(inputs["prospective"], 1):
            scores[f"prospective_{n}"] = score
        ReportFactory(
            structure=structures[name],
            year=EXAMPLE["year"],
            grid_participants=4,
            grid_scores=scores,
            priority_axes=["prospective"] if name == "A" else [],
            **{k: v for k, v in inputs.items() if k in INDICATOR_CODES},
        )
    return structures
