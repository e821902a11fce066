import datetime
import random

import pytest
from django.db.models import Sum

from clauses import demo
from clauses.models import FacilitatorMembership, HoursReport, Lot, Marche
from iae_portal.users.enums import Role
from tests.structures.factories import StructureFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 25)


def test_seed_is_deterministic_and_reset_empties(django_assert_max_num_queries):
    UserFactory(email=demo.DEMO_FACILITATOR_EMAIL, role=Role.FACILITATEUR)
    structures = [StructureFactory(kind=kind) for kind in ("ETTI", "AI", "ACI", "EI")]
    with django_assert_max_num_queries(40):
        first = demo.seed(random.Random(1), structures=structures, today=TODAY)
    assert len(first.marches) == demo.CONTRACTS and first.reports
    assert FacilitatorMembership.objects.filter(user__email=demo.DEMO_FACILITATOR_EMAIL).exists()
    assert all(r.period < TODAY.replace(day=1) for r in first.reports)
    assert not HoursReport.objects.filter(modality="embauche_directe", siae__isnull=False).exists()
    snapshot = sorted(HoursReport.objects.values_list("participant_ref", "period", "hours"))
    demo.reset()
    assert not Marche.objects.exists() and not Lot.objects.exists()
    demo.seed(random.Random(1), structures=structures, today=TODAY)
    assert sorted(HoursReport.objects.values_list("participant_ref", "period", "hours")) == snapshot


def test_every_demo_contract_has_the_amount_of_its_lots():
    demo.seed(random.Random(2), structures=[], today=TODAY)
    amounts = Marche.objects.annotate(lots_total=Sum("lots__amount_ht"))
    assert all(m.amount_ht == m.lots_total > 0 for m in amounts)
