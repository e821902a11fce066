import io

import pytest
from django.core.management import call_command
from django.db.models import Max

from dla.bilan import dla_bilan
from dla.followups import opens_on
from dla.models import (
    Accompaniment,
    Dla,
    DlaMembership,
    FollowUp,
    Prestation,
    StructureStaffCount,
)
from iae_portal.users.models import User

pytestmark = pytest.mark.django_db


def seed(**options):
    call_command("seed_demo", structures=60, stdout=io.StringIO(), **options)


def snapshot():
    return sorted(
        Prestation.objects.values_list(
            "ref", "start_date", "mode", "theme", "provider__name", "beneficiaries__siret"
        )
    )


def test_seed_demo_creates_dla_data_deterministically(client):
    seed()
    assert Dla.objects.count() == 10
    assert Prestation.objects.filter(mode="collective").exists()
    assert Prestation.objects.filter(provider__kind="reseau_iae").exists()
    served = Prestation.beneficiaries.through.objects.values("structure_id").distinct().count()
    assert StructureStaffCount.objects.count() == served
    chargé = User.objects.get(email="dla@demo.iae.fr")
    assert DlaMembership.objects.get(user=chargé).dla.department_id == "54"
    year = Prestation.objects.first().start_date.year
    assert dla_bilan(year)["siae_beneficiaries"] > 0
    client.force_login(chargé)
    response = client.get("/dla/")
    assert response.status_code == 200
    assert {a.dla.department_id for a in response.context["page"].object_list} == {"54"}
    assert client.get("/dla/bilan/").context["bilan"]["year"] == year
    # The closed ones had their 6-month contact; the others are waiting for theirs.
    closed = Accompaniment.objects.filter(state="clos")
    assert closed.exists() and FollowUp.objects.count() == closed.count()
    # Each took place when the service would accept it: from 30 days before it was due.
    for follow_up in FollowUp.objects.select_related("accompaniment"):
        last_end = follow_up.accompaniment.prestations.aggregate(m=Max("end_date"))["m"]
        assert opens_on(last_end, follow_up.milestone) <= follow_up.contact_date
        assert follow_up.contact_date <= follow_up.accompaniment.closed_on
    assert "Suivis à faire" in client.get("/").content.decode()

    before = snapshot()
    seed(reset=True, force=True)
    assert snapshot() == before
    assert Accompaniment.objects.count() == len({ref for ref, *_ in before})
