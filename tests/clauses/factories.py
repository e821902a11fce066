import datetime

import factory

from clauses.models import Buyer, Facilitator, FacilitatorMembership, HoursReport, Lot, Marche
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
