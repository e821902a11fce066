import datetime
from decimal import Decimal

import factory
from stdnum import luhn

from iae_portal.users.enums import Role
from structures.enums import ConventionKind, LegalForm, MembershipRole, StructureKind
from structures.models import (
    Convention,
    Department,
    Membership,
    NetworkAffiliation,
    Structure,
    YearlyFigures,
)


def make_siret(n):
    """A valid SIRET (Luhn-valid SIREN, then Luhn-valid SIRET) unique for 0 ≤ n < 10¹²."""
    siren = f"{n % 10**8:08d}"
    siren += luhn.calc_check_digit(siren)
    body = siren + f"{n // 10**8:04d}"
    return body + luhn.calc_check_digit(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "users.User"
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    role = Role.SIAE
    password = factory.django.Password("motdepasse-de-test")


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    siret = factory.Sequence(lambda n: make_siret(10_000_000 + n))
    name = factory.Sequence(lambda n: f"Structure {n:04d}")
    kind = StructureKind.ACI
    legal_form = LegalForm.ASSOCIATION
    postal_code = "54000"
    city = "Nancy"
    department = factory.LazyFunction(lambda: Department.objects.get(code="54"))


class ConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convention

    structure = factory.SubFactory(StructureFactory)
    kind = ConventionKind.ACI
    number = factory.Sequence(lambda n: f"ACI-054-{n:05d}")
    start_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=365))
    end_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=365))


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkAffiliation

    structure = factory.SubFactory(StructureFactory)
    network = "coorace"


class FiguresFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YearlyFigures

    structure = factory.SubFactory(StructureFactory)
    year = 2025
    source = "rapport_activite"
    insertion_headcount = 40
    insertion_etp = Decimal("25.50")
    total_resources = Decimal("1000000.00")
    public_subsidies = Decimal("600000.00")
    turnover = Decimal("350000.00")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    role = MembershipRole.DIRECTEUR
