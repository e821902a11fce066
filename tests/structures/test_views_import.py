import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from structures.models import Structure
from tests.structures.factories import make_siret

pytestmark = pytest.mark.django_db

HEADER = "siret,name,kind,legal_form,department,postal_code,city,networks\n"


def csv_file(*rows):
    return SimpleUploadedFile("structures.csv", (HEADER + "".join(rows)).encode(), "text/csv")


def good_row(n, name="Les Jardins de Meuse"):
    return f"{make_siret(n)},{name},ACI,association,55,55100,Verdun,cocagne\n"


def test_upload_shows_report_then_writes_on_confirmation(client, instructeur):
    client.force_login(instructeur)
    url = reverse("structures:import")
    response = client.post(url, {"file": csv_file(good_row(1), good_row(2, "Recyclerie du Nord"))})
    assert response.status_code == 200
    assert "2 structures à créer" in response.content.decode()
    assert Structure.objects.count() == 0  # nothing written before confirmation

    response = client.post(url, {"token": response.context["token"]})
    assert response.status_code == 302
    assert set(Structure.objects.values_list("name", flat=True)) == {
        "Les Jardins de Meuse",
        "Recyclerie du Nord",
    }


def test_planned_updates_are_written_in_french(client, instructeur):
    """The report names each change as the journal does, never the file's column codes."""
    client.force_login(instructeur)
    url = reverse("structures:import")
    client.post(url, {"token": client.post(url, {"file": csv_file(good_row(1))}).context["token"]})
    renamed = f"{make_siret(1)},Jardins de Meuse,AI,association,55,55100,Verdun,cocagne;fei\n"

    page = client.post(url, {"file": csv_file(renamed)}).content.decode()

    assert "Raison sociale : Les Jardins de Meuse → Jardins de Meuse" in page
    assert "Type : Atelier et chantier d&#x27;insertion → Association intermédiaire" in page
    assert "Réseaux : " in page
    assert "name :" not in page and "kind :" not in page


def test_upload_with_a_bad_line_offers_no_confirmation(client, instructeur):
    client.force_login(instructeur)
    bad = "12345678901234,Sans clé,ACI,association,55,55100,Verdun,\n"
    response = client.post(reverse("structures:import"), {"file": csv_file(good_row(1), bad)})
    content = response.content.decode()
    assert "Ligne" in content or "ligne" in content
    assert "<td>3</td>" in content  # the bad row is line 3 (header is line 1)
    assert 'name="token"' not in content
    assert Structure.objects.count() == 0


def test_partial_upload_writes_only_valid_lines(client, instructeur):
    client.force_login(instructeur)
    url = reverse("structures:import")
    bad = "12345678901234,Sans clé,ACI,association,55,55100,Verdun,\n"
    response = client.post(url, {"file": csv_file(good_row(1), bad), "partial": "on"})
    client.post(url, {"token": response.context["token"]})
    assert list(Structure.objects.values_list("name", flat=True)) == ["Les Jardins de Meuse"]


def test_stale_token_is_refused(client, instructeur):
    client.force_login(instructeur)
    response = client.post(reverse("structures:import"), {"token": "inconnu"})
    assert response.status_code == 302
    assert Structure.objects.count() == 0


def test_director_cannot_import(client, director_a):
    client.force_login(director_a)
    response = client.post(reverse("structures:import"), {"file": csv_file(good_row(1))})
    assert response.status_code == 403
    assert not Structure.objects.filter(siret=make_siret(1)).exists()
