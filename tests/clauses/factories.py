import datetime

import factory

from clauses.models import (
    Buyer,
    Facilitator,
    FacilitatorMembership,
    HoursReport,
    Lot,
    Marche,
    PlannedPurchase,
)
from iae_portal.users.enums import Role
from tests.structures.factories import UserFactory


class BuyerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Buyer
        django_get_or_create = ("name", "kind")

    name = factory.Sequence(lambda n: f"Acheteur {n}")
    kind = "region"


class FacilitatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facilitator
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"PLIE {n}")


class FacilitatorMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FacilitatorMembership

    user = factory.SubFactory(UserFactory, role=Role.FACILITATEUR)
    facilitator = factory.SubFactory(FacilitatorFactory)


class MarcheFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Marche

    ref = factory.Sequence(lambda n: f"M-{n:04d}")
    buyer = factory.SubFactory(BuyerFactory)
    notification_date = datetime.date(2025, 3, 1)
    type = "travaux"
    amount_ht = 100_000


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    marche = factory.SubFactory(MarcheFactory)
    ref = factory.Sequence(lambda n: f"L{n}")
    object = "Gros œuvre"
    procedure = "appel_offres"
    amount_ht = 50_000
    clause = "condition_execution"
    hours_required = 100
    facilitator = factory.SubFactory(FacilitatorFactory)


class HoursReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HoursReport

    lot = factory.SubFactory(LotFactory)
    period = datetime.date(2025, 4, 1)
    participant_ref = factory.Sequence(lambda n: f"P-{n:04d}")
    public_category = "rsa"
    modality = "embauche_directe"
    hours = 10


class PlannedPurchaseFactory(factory.django.DjangoModelFactory):
    """A purchase of a buyer's programme, planned (« prévu »), with typed hours."""

    class Meta:
        model = PlannedPurchase

    buyer = factory.SubFactory(BuyerFactory)
    year = 2025
    object = factory.Sequence(lambda n: f"Achat prévu {n}")
    type = "travaux"
    estimated_amount_ht = 200_000
    launch_quarter = 2
    clause = "condition_execution"
    hours_planned = 300
    facilitator = factory.SubFactory(FacilitatorFactory)
