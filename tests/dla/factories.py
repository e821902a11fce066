import datetime
from decimal import Decimal

import factory

from dla.models import Accompaniment, Dla, DlaMembership, Prestation, Provider
from structures.models import Department
from tests.structures.factories import UserFactory


def dla_of(code):
    return Dla.objects.get_or_create(department=Department.objects.get(code=code))[0]


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Cabinet {n}")
    kind = "cabinet_conseil"


class AccompanimentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Accompaniment

    ref = factory.Sequence(lambda n: f"ACC-{n:05d}")
    dla = factory.LazyFunction(lambda: dla_of("54"))


class PrestationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prestation
        skip_postgeneration_save = True

    ref = factory.Sequence(lambda n: f"PRE-{n:05d}")
    accompaniment = factory.SubFactory(AccompanimentFactory)
    start_date = datetime.date(2024, 3, 1)
    end_date = datetime.date(2024, 6, 1)
    mode = "individuelle"
    theme = "juridique"
    prescriber = "structure"
    provider = factory.SubFactory(ProviderFactory)
    days = Decimal("3.5")
    cost = Decimal("2100.00")

    @factory.post_generation
    def beneficiaries(self, create, extracted, **kwargs):
        if create and extracted:
            self.beneficiaries.add(*extracted)


def chargé(email, *codes):
    user = UserFactory(email=email, role="dla")
    for code in codes:
        DlaMembership.objects.create(user=user, dla=dla_of(code))
    return user


# -- Accompaniments built through the services, step by step -----------------------------

DAY = datetime.date(2024, 1, 15)
DIAGNOSTIC = {
    "date": datetime.date(2024, 2, 1),
    "situation": "Trésorerie tendue, conventionnement à renouveler.",
    "objectives": "Consolider le modèle économique.",
    "stakes": "Maintien de 20 postes d'insertion.",
    "priorities": "Tableau de bord financier ; diversification des activités.",
    "participants": ["salaries", "conseil"],
    "participants_detail": "",
}
PLAN = {
    "expected_results": "Un plan de trésorerie à 3 ans.",
    "method": "ingenierie_individuelle",
    "terms_objectives": "Construire le plan.",
    "terms_context": "",
    "terms_deliverables": "Rapport et tableau de bord.",
    "provider": None,
    "provider_reason": "",
    "phases": "Diagnostic financier puis plan d'action.",
    "days": Decimal("4"),
}
FOLLOW_UP = {
    "implemented": "Tableau de bord en place.",
    "entity_created": False,
    "jobs_kept": 18,
    "jobs_created": 2,
    "new_activity": True,
    "outcomes": "",
}


def prestation_values(**overrides):
    return {
        "mode": "individuelle",
        "theme": "modele_economique",
        "prescriber": "dla",
        "start_date": datetime.date(2024, 3, 1),
        "end_date": datetime.date(2024, 5, 31),
        "days": Decimal("4"),
        "cost": Decimal("3000.00"),
        "recommendations": "Suivre la trésorerie chaque mois.",
        "provider_name": "Cabinet Test",
        "provider_kind": "cabinet_conseil",
        **overrides,
    }


def open_accompaniment(actor, structures, *, code="54", **overrides):
    from dla import services

    values = {
        "request_date": DAY,
        "requester": "structure",
        "needs": "Consolider la structure.",
        **overrides,
    }
    return services.accompaniment_open(
        actor=actor, dla=dla_of(code), structures=structures, **values
    )


def accompaniment_at(step, actor, structures, **options):
    """An accompaniment taken through the services up to ``step`` (a state code)."""
    from dla import services

    accompaniment = open_accompaniment(actor, structures, **options)
    steps = ["diagnostic", "plan", "ingenierie", "suivi"]
    for reached in steps[: steps.index(step) + 1] if step in steps else []:
        if reached == "diagnostic":
            services.accompaniment_diagnose(actor=actor, accompaniment=accompaniment, **DIAGNOSTIC)
        elif reached == "plan":
            services.accompaniment_plan(actor=actor, accompaniment=accompaniment, **PLAN)
        elif reached == "ingenierie":
            services.accompaniment_add_prestation(
                actor=actor,
                accompaniment=accompaniment,
                beneficiaries=structures[:1],
                **prestation_values(),
            )
        else:
            services.accompaniment_follow_up(
                actor=actor,
                accompaniment=accompaniment,
                milestone=6,
                contact_date=datetime.date(2024, 12, 2),
                **FOLLOW_UP,
            )
    accompaniment.refresh_from_db()
    return accompaniment


def prestation_body(accompaniment, *beneficiaries, **values):
    """What an API client sends to record a prestation of ``accompaniment``."""
    return {
        "accompaniment": str(accompaniment.uuid),
        "mode": "individuelle",
        "theme": "gouvernance",
        "prescriber": "reseau_iae",
        "provider_name": "Réseau Exemple",
        "provider_kind": "reseau_iae",
        "start_date": "2024-09-02",
        "end_date": "2024-10-15",
        "days": "3",
        "cost": "2400.00",
        "beneficiaries": [s.siret for s in beneficiaries],
    } | values
