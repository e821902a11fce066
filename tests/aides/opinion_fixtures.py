"""Fixtures of the partners' opinions tests: organisations of Grand Est, partners acting
for them, a deposited dossier of structure A and requests on it, built through the
services."""

import pytest

from structures.models import Organisation, OrganisationKind
from tests.aides.factories import move
from tests.aides.opinion_helpers import partner_of
from tests.clamd import fake_clamd  # noqa: F401 (a fixture of the attachments' tests)


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
