"""Helpers of the partners' opinions tests (their fixtures: ``opinion_fixtures``)."""

import datetime

from django.utils import timezone

from aides.services import opinions
from iae_portal.users.enums import Role
from structures.models import OrganisationMembership
from tests.structures.factories import UserFactory


def partner_of(organisation, email, first_name="Paule", last_name="Partenaire"):
    user = UserFactory(
        email=email, role=Role.PARTENAIRE, first_name=first_name, last_name=last_name
    )
    OrganisationMembership.objects.create(organisation=organisation, user=user)
    return user


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
