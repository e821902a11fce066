"""Fixtures of the partners' opinions tests: organisations of Grand Est, partners acting
for them, a deposited dossier of structure A and requests on it, built through the
services."""

import datetime

import pytest
from django.utils import timezone

from aides.services import opinions
from iae_portal.users.enums import Role
from structures.models import Organisation, OrganisationKind, OrganisationMembership
from tests.aides.factories import move
from tests.structures.factories import UserFactory


def partner_of(organisation, email, first_name="Paule", last_name="Partenaire"):
    user = UserFactory(
        email=email, role=Role.PARTENAIRE, first_name=first_name, last_name=last_name
    )
    OrganisationMembership.objects.create(organisation=organisation, user=user)
    return user


@pytest.fixture
def dreets(grand_est):
    return Organisation.objects.create(
        name="DREETS Grand Est", kind=OrganisationKind.ETAT, region=grand_est
    )


@pytest.fixture
def departement(grand_est):
    return Organisation.objects.create(
        name="Conseil départemental de Meurthe-et-Moselle",
        kind=OrganisationKind.DEPARTEMENT,
        region=grand_est,
        department_id="54",
    )


@pytest.fixture
def partner_etat(dreets):
    return partner_of(dreets, "etat@partenaire.test", "Élise", "État")


@pytest.fixture
def partner_dep(departement):
    return partner_of(departement, "dep@partenaire.test", "Denis", "Département")


@pytest.fixture
def deposited(draft, director_a):
    move(draft, director_a, "submit")
    draft.refresh_from_db()
    return draft


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def ask(instructeur, dossier, partners, *, due_on=None, documents=(), shares=False, **kwargs):
    return opinions.opinion_request_create(
        actor=instructeur,
        dossier=dossier,
        partners=partners,
        question="Ce projet répond-il aux besoins du territoire ?",
        due_on=due_on or in_days(10),
        documents=documents,
        shares_opinions=shares,
        **kwargs,
    )
