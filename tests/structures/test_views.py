import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iae_portal.audit.models import AuditEntry
from iae_portal.users.enums import Role
from structures import services as structure_services
from structures.models import Department, NetworkAffiliation, Structure
from tests.structures.factories import (
    AffiliationFactory,
    ConventionFactory,
    FiguresFactory,
    StructureFactory,
    UserFactory,
    make_siret,
)

pytestmark = pytest.mark.django_db


def list_queries(client, count, **params):
    cache.clear()  # its option lists read as by a process's first request (iae_portal.options)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("structures:list"), {"per_page": count, **params})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == count
    return len(queries)


def test_list_query_count_does_not_grow_with_rows(client, instructeur):
    for structure in StructureFactory.create_batch(100):
        AffiliationFactory(structure=structure)
        ConventionFactory(structure=structure)
    client.force_login(instructeur)
    assert list_queries(client, 25) == list_queries(client, 100)
    assert list_queries(client, 25, network="coorace", active_convention="oui") == list_queries(
        client, 100, network="coorace", active_convention="oui"
    )


def test_list_query_count_is_bounded(client, instructeur, django_assert_max_num_queries):
    StructureFactory.create_batch(30)
    client.force_login(instructeur)
    with django_assert_max_num_queries(10):
        client.get(reverse("structures:list"))


def test_list_filters(client, instructeur):
    aci = StructureFactory(name="Les Jardins du Lac", kind="ACI")
    ei = StructureFactory(
        name="Recyclerie Mosellane", kind="EI", department=Department.objects.get(code="57")
    )
    AffiliationFactory(structure=ei, network="fei")
    ConventionFactory(structure=aci)
    client.force_login(instructeur)

    def names(**params):
        response = client.get(reverse("structures:list"), params)
        return {s.name for s in response.context["page"].object_list}

    assert names(kind="EI") == {ei.name}
    assert names(department="57") == {ei.name}
    assert names(region="44") == {aci.name, ei.name}
    assert names(network="fei") == {ei.name}
    assert names(active_convention="oui") == {aci.name}
    assert names(active_convention="non") == {ei.name}
    assert names(q="jardins") == {aci.name}
    assert names(q=aci.siret[:9]) == {aci.name}


def test_list_sorting_and_pagination(client, instructeur):
    for name in ["Bravo", "Alpha", "Charlie"]:
        StructureFactory(name=name)
    client.force_login(instructeur)
    response = client.get(reverse("structures:list"), {"sort": "-name"})
    assert [s.name for s in response.context["page"].object_list] == ["Charlie", "Bravo", "Alpha"]
    StructureFactory.create_batch(30)
    response = client.get(reverse("structures:list"), {"page": 2})
    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 8


def test_director_sees_only_own_structures(client, director_a, structure_a, structure_b):
    client.force_login(director_a)
    response = client.get(reverse("structures:list"))
    assert [s.pk for s in response.context["page"].object_list] == [structure_a.pk]
    assert client.get(structure_a.get_absolute_url()).status_code == 200
    assert client.get(structure_b.get_absolute_url()).status_code == 404
    assert client.get(reverse("structures:edit", args=[structure_b.siret])).status_code == 404


def test_director_cannot_edit_another_structure_by_post(client, director_a, structure_b):
    client.force_login(director_a)
    response = client.post(reverse("structures:edit", args=[structure_b.siret]), {"name": "Piraté"})
    assert response.status_code == 404
    structure_b.refresh_from_db()
    assert structure_b.name == "Entreprise B"


def test_instructeur_sees_every_structure_of_the_region(
    client, instructeur, structure_a, structure_b
):
    elsewhere = StructureFactory(department=Department.objects.get(code="75"))
    client.force_login(instructeur)
    response = client.get(reverse("structures:list"))
    assert {s.pk for s in response.context["page"].object_list} == {structure_a.pk, structure_b.pk}
    assert client.get(elsewhere.get_absolute_url()).status_code == 404


def test_staff_salarie_can_view_but_not_edit(client, structure_a):
    from tests.structures.factories import MembershipFactory

    salarie = MembershipFactory(structure=structure_a, role="salarie").user
    client.force_login(salarie)
    assert client.get(structure_a.get_absolute_url()).status_code == 200
    assert client.get(reverse("structures:edit", args=[structure_a.siret])).status_code == 403


def test_lecteur_reads_but_cannot_write(client, lecteur, structure_a):
    client.force_login(lecteur)
    assert client.get(structure_a.get_absolute_url()).status_code == 200
    assert client.get(reverse("structures:edit", args=[structure_a.siret])).status_code == 403
    assert client.get(reverse("structures:create")).status_code == 403
    assert client.get(reverse("structures:import")).status_code == 403


def test_anonymous_is_sent_to_login(client, structure_a):
    response = client.get(structure_a.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_detail_shows_figures_chart_and_members(client, instructeur, director_a, structure_a):
    FiguresFactory(structure=structure_a, year=2024)
    FiguresFactory(structure=structure_a, year=2025)
    client.force_login(instructeur)
    response = client.get(structure_a.get_absolute_url())
    content = response.content.decode()
    assert len(response.context["etp_chart"]["bars"]) == 2
    assert "<svg" in content and director_a.email in content
    assert "40&nbsp;%" in content  # self-financing: (1,000,000 - 600,000) / 1,000,000


def structure_post_data(structure=None, **overrides):
    data = {
        "siret": structure.siret if structure else make_siret(987654),
        "name": structure.name if structure else "Nouvelle régie",
        "kind": structure.kind if structure else "RQ",
        "legal_form": structure.legal_form if structure else "association",
        "address": "3 place Stanislas",
        "postal_code": "54000",
        "city": "Nancy",
        "department": "54",
        "networks": ["cnlrq"],
    }
    data.update(overrides)
    return data


def test_director_edits_own_structure_and_it_is_audited(client, director_a, structure_a):
    client.force_login(director_a)
    url = reverse("structures:edit", args=[structure_a.siret])
    response = client.post(url, structure_post_data(structure_a, name="Chantier A rénové"))
    assert response.status_code == 302
    structure_a.refresh_from_db()
    assert structure_a.name == "Chantier A rénové"
    assert (
        NetworkAffiliation.objects.current().filter(structure=structure_a, network="cnlrq").exists()
    )
    entry = AuditEntry.objects.get(action="structure.update")
    assert entry.actor == director_a
    assert entry.changes["name"] == ["Chantier A", "Chantier A rénové"]


def test_director_cannot_change_siret(client, director_a, structure_a):
    client.force_login(director_a)
    url = reverse("structures:edit", args=[structure_a.siret])
    client.post(url, structure_post_data(structure_a, siret=make_siret(5555)))
    structure_a.refresh_from_db()
    assert structure_a.siret != make_siret(5555)


def test_create_shows_french_field_errors_and_writes_nothing(client, instructeur):
    client.force_login(instructeur)
    response = client.post(
        reverse("structures:create"),
        structure_post_data(siret="73282932000075", postal_code="5400", kind=""),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "clé de contrôle" in errors["siret"][0]
    assert errors["postal_code"] == ["Le code postal doit comporter 5 chiffres."]
    assert errors["kind"] == ["Ce champ est obligatoire."]
    assert Structure.objects.count() == 0


def test_create_refuses_duplicate_siret(client, instructeur, structure_a):
    client.force_login(instructeur)
    response = client.post(
        reverse("structures:create"), structure_post_data(siret=structure_a.siret)
    )
    assert response.status_code == 200
    assert "existe déjà" in response.context["form"].errors["siret"][0]


def test_instructeur_creates_a_structure(client, instructeur):
    client.force_login(instructeur)
    response = client.post(reverse("structures:create"), structure_post_data())
    structure = Structure.objects.get()
    assert response["Location"] == structure.get_absolute_url()
    assert structure.region.code == "44"
    assert AuditEntry.objects.filter(action="structure.create", actor=instructeur).count() == 1


def test_figures_form_refuses_subsidies_above_resources(client, instructeur, structure_a):
    client.force_login(instructeur)
    response = client.post(
        reverse("structures:figures_add", args=[structure_a.siret]),
        {
            "year": 2025,
            "source": "comptes",
            "total_resources": "100",
            "public_subsidies": "200",
            "insertion_headcount": 1,
            "insertion_etp": "1",
            "permanent_headcount": 0,
            "permanent_etp": "0",
            "hours_worked": 0,
            "turnover": "0",
            "exits_cdi": 0,
            "exits_cdd": 0,
            "exits_contrat_aide": 0,
            "exits_formation": 0,
            "exits_interim": 0,
            "exits_other_siae": 0,
        },
    )
    assert response.status_code == 200
    assert "dépasser" in response.context["form"].errors["public_subsidies"][0]
    assert not structure_a.figures.exists()


def test_director_manages_members(client, director_a, structure_a):
    colleague = UserFactory(email="collegue@example.org", role=Role.SIAE)
    # People join by invitation (tests/structures/test_invitations.py); the director then
    # detaches them from the members' page.
    membership = structure_services.membership_add(
        actor=director_a, structure=structure_a, user=colleague, role="salarie"
    )
    assert membership.is_active
    client.force_login(director_a)
    response = client.post(
        reverse("structures:membership_deactivate", args=[structure_a.siret, membership.uuid])
    )
    assert response["Location"] == reverse("structures:members", args=[structure_a.siret])
    membership.refresh_from_db()
    assert not membership.is_active and membership.deactivated_at is not None
    # Deactivated: the colleague no longer sees the structure, history is kept.
    client.force_login(colleague)
    assert client.get(structure_a.get_absolute_url()).status_code == 404
    assert AuditEntry.objects.filter(action="structure.membership").count() == 2


def test_convention_added_then_edited_by_number_is_audited(client, instructeur, structure_a):
    client.force_login(instructeur)
    add = reverse("structures:convention_add", args=[structure_a.siret])
    data = {
        "kind": "ACI",
        "number": "ACI054250001",
        "start_date": "2025-01-01",
        "end_date": "2027-12-31",
    }
    assert client.post(add, data).status_code == 302
    edit = reverse("structures:convention_edit", args=[structure_a.siret, "ACI054250001"])
    assert client.post(edit, {**data, "end_date": "2026-12-31"}).status_code == 302
    assert str(structure_a.conventions.get().end_date) == "2026-12-31"
    changes = [
        e.changes for e in AuditEntry.objects.filter(action="structure.convention").order_by("id")
    ]
    assert changes[1] == {"ACI054250001.end_date": ["2027-12-31", "2026-12-31"]}


def test_convention_end_before_start_is_a_french_field_error(client, instructeur, structure_a):
    client.force_login(instructeur)
    response = client.post(
        reverse("structures:convention_add", args=[structure_a.siret]),
        {"kind": "ACI", "number": "X1", "start_date": "2025-01-01", "end_date": "2024-01-01"},
    )
    assert response.context["form"].errors["end_date"] == ["La fin doit être postérieure au début."]
    assert not structure_a.conventions.exists()
