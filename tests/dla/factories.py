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
