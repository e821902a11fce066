import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dla import services
from dla.models import Accompaniment, Deliverable, Diagnostic, Prestation, SupportPlan
from tests.structures.factories import StructureFactory

from .factories import (
    DIAGNOSTIC,
    PLAN,
    ProviderFactory,
    accompaniment_at,
    chargé,
    prestation_values,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%fake but well-marked\n"
DAY_AFTER = datetime.date(2024, 1, 20)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def user():
    return chargé("charge54@example.org", "54")


@pytest.fixture
def acc(user, structure_a):
    return accompaniment_at("demande", user, [structure_a])


def step_url(name, accompaniment):
    return reverse(f"dla:step_{name}", args=[accompaniment.uuid])


def form_data(values, step):
    """What the page's form of ``step`` posts: its fields carry the step as prefix."""
    return {f"{step}-{k}": ("" if v is None else v) for k, v in values.items()}


def diagnostic_data(**overrides):
    return form_data(
        {**DIAGNOSTIC, "date": DIAGNOSTIC["date"].isoformat(), **overrides}, "diagnostic"
    )


def test_chargé_records_the_diagnostic_from_the_page(client, user, acc):
    client.force_login(user)
    content = client.get(acc.get_absolute_url()).content.decode()
    assert 'aria-current="step"' in content
    assert re.search(r'aria-current="step"[^>]*>[^<]*1\. Demande', content)
    assert step_url("diagnostic", acc) in content
    assert step_url("plan", acc) not in content  # not before the diagnostic
    response = client.post(step_url("diagnostic", acc), diagnostic_data())
    assert response.status_code == 302
    assert response["Location"].endswith("#etape-diagnostic")
    acc.refresh_from_db()
    assert acc.state == "diagnostic" and acc.diagnostic.situation == DIAGNOSTIC["situation"]
    content = client.get(acc.get_absolute_url()).content.decode()
    assert re.search(r'aria-current="step"[^>]*>[^<]*2\. Diagnostic partagé', content)
    assert step_url("plan", acc) in content


def test_invalid_step_comes_back_with_errors_next_to_fields(client, user, acc):
    client.force_login(user)
    response = client.post(
        step_url("diagnostic", acc), diagnostic_data(situation="", date="2023-01-01")
    )
    assert response.status_code == 400
    form = response.context["forms"]["diagnostic"]
    assert "situation" in form.errors
    assert not Diagnostic.objects.exists()
    # A date before the request: the service's refusal lands on its field.
    response = client.post(step_url("diagnostic", acc), diagnostic_data(date="2023-01-01"))
    assert response.status_code == 400
    assert response.context["forms"]["diagnostic"].errors["date"] == [
        "Le diagnostic ne peut pas précéder la demande (15/01/2024)."
    ]
    acc.refresh_from_db()
    assert acc.state == "demande"


def test_a_step_out_of_order_is_refused_on_the_page(client, user, acc):
    client.force_login(user)
    data = form_data(PLAN, "plan")
    response = client.post(step_url("plan", acc), data)
    assert response.status_code == 400
    assert "Enregistrez d&#x27;abord le diagnostic partagé" in response.content.decode()
    assert not SupportPlan.objects.exists()
    acc.refresh_from_db()
    assert acc.state == "demande"


def test_other_dla_gets_404_staff_and_director_read_only(
    client, acc, instructeur, director_a, director_b
):
    url = acc.get_absolute_url()
    client.force_login(chargé("charge57@example.org", "57"))
    assert client.get(url).status_code == 404
    assert client.post(step_url("diagnostic", acc), diagnostic_data()).status_code == 404
    for reader in (instructeur, director_a):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["forms"] == {}
        assert "Consultation seule" in response.content.decode()
        assert step_url("diagnostic", acc) not in response.content.decode()
        assert client.post(step_url("diagnostic", acc), diagnostic_data()).status_code == 403
    client.force_login(director_b)
    assert client.get(url).status_code == 404
    assert client.post(step_url("diagnostic", acc), diagnostic_data()).status_code == 404
    acc.refresh_from_db()
    assert acc.state == "demande"


def test_quick_request_from_the_list(client, user, structure_a, structure_b, instructeur):
    client.force_login(user)
    response = client.get(reverse("dla:request"), {"siret": structure_a.siret})
    assert response.status_code == 200
    assert re.search(rf">\s*{structure_a.siret}</textarea>", response.content.decode())
    content = client.get(reverse("dla:list")).content.decode()
    assert reverse("dla:request") in content and "Enregistrer une nouvelle demande" in content
    data = {
        "dla": user.dla_memberships.get().dla_id,
        "structures": f"{structure_a.siret}\n{structure_b.siret[:3]} {structure_b.siret[3:]}",
        "request_date": "2024-04-02",
        "requester": "reseau_iae",
        "request_prescriber": "reseau_iae",
        "request_needs": "Structurer la fonction commerciale.",
    }
    response = client.post(reverse("dla:request"), {**data, "structures": "12345678901234"})
    assert response.status_code == 400
    assert "Aucune structure de l&#x27;annuaire n&#x27;a ce SIRET : 12345678901234." in (
        response.content.decode()
    )
    response = client.post(reverse("dla:request"), data)
    accompaniment = Accompaniment.objects.get()
    assert response.status_code == 302 and response["Location"] == accompaniment.get_absolute_url()
    assert set(accompaniment.structures.all()) == {structure_a, structure_b}
    assert accompaniment.state == "demande"
    client.force_login(instructeur)
    assert (
        "Enregistrer une nouvelle demande" not in client.get(reverse("dla:list")).content.decode()
    )
    assert client.get(reverse("dla:request")).status_code == 403
    assert client.post(reverse("dla:request"), data).status_code == 403
    assert Accompaniment.objects.count() == 1


def test_chargé_cannot_log_a_request_at_another_dla(client, user, structure_a):
    other = chargé("charge57@example.org", "57").dla_memberships.get().dla
    client.force_login(user)
    response = client.post(
        reverse("dla:request"),
        {
            "dla": other.pk,
            "structures": structure_a.siret,
            "request_date": "2024-04-02",
            "requester": "structure",
            "request_needs": "x",
        },
    )
    assert response.status_code == 400
    assert "dla" in response.context["form"].errors
    assert not Accompaniment.objects.exists()


def prestation_data(structures, **overrides):
    values = prestation_values(**overrides)
    values["start_date"] = values["start_date"].isoformat()
    values["end_date"] = values["end_date"].isoformat()
    values["beneficiaries"] = "\n".join(s.siret for s in structures)
    return form_data(values, "prestation")


def test_add_a_collective_prestation_with_a_deliverable(client, user, structure_a):
    accompaniment = accompaniment_at("plan", user, [structure_a])
    other = StructureFactory(name="Partenaire")
    client.force_login(user)
    content = client.get(accompaniment.get_absolute_url()).content.decode()
    assert 'id="dla-providers"' in content
    data = prestation_data([structure_a, other], mode="collective")
    data["prestation-files"] = SimpleUploadedFile("livrable.pdf", PDF)
    response = client.post(step_url("prestation", accompaniment), data)
    assert response.status_code == 302, response.context["forms"]["prestation"].errors
    prestation = Prestation.objects.get()
    assert set(prestation.beneficiaries.all()) == {structure_a, other}
    deliverable = prestation.deliverables.get()
    response = client.get(deliverable.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "livrable.pdf" in response["Content-Disposition"]
    client.force_login(chargé("charge57@example.org", "57"))
    assert client.get(deliverable.get_absolute_url()).status_code == 404


def test_a_bad_deliverable_is_reported_next_to_the_field(client, user, structure_a):
    accompaniment = accompaniment_at("plan", user, [structure_a])
    client.force_login(user)
    data = prestation_data([structure_a])
    data["prestation-files"] = SimpleUploadedFile("rapport.pdf", b"GIF89a not accepted")
    response = client.post(step_url("prestation", accompaniment), data)
    assert response.status_code == 400
    errors = response.context["forms"]["prestation"].errors["files"]
    assert errors[0].startswith("rapport.pdf : Seuls les fichiers PDF, JPEG et PNG")
    assert not Prestation.objects.exists() and not Deliverable.objects.exists()


def test_deliverables_added_to_a_prestation(client, user, structure_a, director_a):
    accompaniment = accompaniment_at("ingenierie", user, [structure_a])
    prestation = accompaniment.prestations.get()
    url = reverse("dla:step_deliverables", args=[accompaniment.uuid, prestation.uuid])
    client.force_login(user)
    response = client.post(url, {"files": SimpleUploadedFile("vide.pdf", b"")})
    assert response.status_code == 400
    assert response.context["prestations"][0].deliverable_form.errors["files"]
    response = client.post(url, {"files": [SimpleUploadedFile(f"{n}.pdf", PDF) for n in "ab"]})
    assert response.status_code == 302
    assert sorted(prestation.deliverables.values_list("original_name", flat=True)) == [
        "a.pdf",
        "b.pdf",
    ]
    client.force_login(director_a)
    assert client.post(url, {"files": SimpleUploadedFile("c.pdf", PDF)}).status_code == 403
    deliverable = prestation.deliverables.first()
    assert client.get(deliverable.get_absolute_url()).status_code == 200


def test_follow_up_then_closing_from_the_page(client, user, structure_a):
    accompaniment = accompaniment_at("ingenierie", user, [structure_a])
    client.force_login(user)
    response = client.post(
        step_url("follow_up", accompaniment),
        {
            "follow_up-milestone": "12",
            "follow_up-contact_date": "2025-06-02",
            "follow_up-implemented": "Nouveau tableau de bord.",
            "follow_up-jobs_kept": "12",
            "follow_up-jobs_created": "",  # blank: none
            "follow_up-entity_created": "on",
        },
    )
    assert response.status_code == 302
    follow_up = accompaniment.follow_ups.get()
    assert (follow_up.milestone, follow_up.entity_created, follow_up.new_activity) == (
        12,
        True,
        False,
    )
    assert (follow_up.jobs_kept, follow_up.jobs_created) == (12, 0)
    response = client.post(step_url("close", accompaniment), {"close-closed_on": "2025-06-03"})
    assert response.status_code == 400
    assert "summary" in response.context["forms"]["close"].errors
    response = client.post(
        step_url("close", accompaniment),
        {"close-closed_on": "2025-06-03", "close-summary": "Terminé."},
    )
    assert response.status_code == 302
    response = client.get(accompaniment.get_absolute_url())
    assert response.context["forms"] == {}
    assert "Terminé." in response.content.decode()
    response = client.post(
        step_url("diagnostic", accompaniment), diagnostic_data(situation="Autre"), follow=True
    )
    assert response.redirect_chain == [(accompaniment.get_absolute_url(), 302)]
    assert "Cet accompagnement est clos" in response.content.decode()
    assert Diagnostic.objects.get().situation == DIAGNOSTIC["situation"]


def grow(user, accompaniment, structures, n):
    services.accompaniment_diagnose(actor=user, accompaniment=accompaniment, **DIAGNOSTIC)
    services.accompaniment_plan(actor=user, accompaniment=accompaniment, **PLAN)
    for i in range(n):
        services.accompaniment_add_prestation(
            actor=user,
            accompaniment=accompaniment,
            beneficiaries=structures,
            files=[SimpleUploadedFile(f"l{i}.pdf", PDF)],
            **prestation_values(mode="collective", provider_name=f"Cabinet {i}"),
        )


@pytest.mark.parametrize("size", [1, 12])
def test_detail_query_count_is_constant(client, user, django_assert_max_num_queries, size):
    structures = [StructureFactory() for _ in range(3)]
    accompaniment = accompaniment_at("demande", user, structures)
    grow(user, accompaniment, structures, size)
    client.force_login(user)
    with django_assert_max_num_queries(16):
        response = client.get(accompaniment.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["prestations"]) == size
    assert response.content.decode().count("Ajouter des livrables à") == size


def test_detail_of_an_imported_accompaniment_offers_prestations_and_follow_up(
    client, user, structure_a
):
    accompaniment = Accompaniment.objects.create(
        ref="IMP-1", dla=user.dla_memberships.get().dla, state="ingenierie"
    )
    Prestation.objects.create(
        ref="IMP-1-P1",
        accompaniment=accompaniment,
        provider=ProviderFactory(),
        **{
            k: v
            for k, v in prestation_values().items()
            if k not in ("provider_name", "provider_kind")
        },
    ).beneficiaries.add(structure_a)
    client.force_login(user)
    response = client.get(accompaniment.get_absolute_url())
    assert set(response.context["forms"]) == {
        "request",
        "diagnostic",
        "prestation",
        "follow_up",
        "close",
    }
    # Ended on 31/05/2024: every contact may be recorded; the form offers the one the
    # chargé's home lists, the latest (it makes the earlier ones moot).
    assert response.context["forms"]["follow_up"].initial == {"milestone": 24}


@pytest.mark.parametrize("size", [2, 20])
def test_list_of_a_chargé_new_requests_first_constant_queries(
    client, user, django_assert_max_num_queries, size
):
    structures = [StructureFactory() for _ in range(2)]
    for _ in range(size):
        accompaniment_at("ingenierie", user, structures)
    request = accompaniment_at("demande", user, structures[1:], request_date=DAY_AFTER)
    client.force_login(user)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("dla:list"), {"per_page": 50})
    rows = response.context["page"].object_list
    assert rows[0] == request and len(rows) == size + 1
    assert structures[1].name in response.content.decode()
    assert "demande du 20/01/2024" in response.content.decode()
    response = client.get(reverse("dla:list"), {"state": "demande"})
    assert list(response.context["page"].object_list) == [request]


def test_the_history_names_the_author_and_the_step(client, user, acc):
    client.force_login(user)
    client.post(step_url("diagnostic", acc), diagnostic_data())
    content = client.get(acc.get_absolute_url()).content.decode()
    history = content[content.index('id="history-title"') :]
    assert f"{user.get_full_name()} : Diagnostic partagé" in history
    assert user.email not in history and "dla.diagnostic" not in history
