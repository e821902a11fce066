import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from dla.bilan import dla_bilan
from dla.models import Prestation
from iae_portal.bilans import flatten
from tests.prepared_files import download
from tests.samples import SAMPLES
from tests.structures.factories import StructureFactory

from .factories import AccompanimentFactory, PrestationFactory, chargé, dla_of

pytestmark = pytest.mark.django_db
SAMPLE_CSV = SAMPLES / "dla-sample.csv"


def make_accompaniments(n, prefix="A"):
    for i in range(n):
        acc = AccompanimentFactory(ref=f"{prefix}-{i:03d}", dla=dla_of("54"))
        PrestationFactory(
            accompaniment=acc,
            ref=f"{prefix}-P{i:03d}",
            mode="collective" if i % 2 else "individuelle",
            theme="mutualisation" if i % 3 == 0 else "juridique",
            start_date=datetime.date(2023 + i % 2, 2, 1),
            end_date=datetime.date(2024, 12, 1),
            beneficiaries=[StructureFactory(kind="EI" if i % 2 else "ACI"), StructureFactory()],
        )


def refs(response):
    return sorted(a.ref for a in response.context["page"].object_list)


def test_list_filters(client, instructeur):
    make_accompaniments(6)
    client.force_login(instructeur)
    url = reverse("dla:list")
    assert len(refs(client.get(url))) == 6
    assert refs(client.get(url, {"mode": "collective"})) == ["A-001", "A-003", "A-005"]
    assert refs(client.get(url, {"theme": "mutualisation"})) == ["A-000", "A-003"]
    # Both on the same prestation.
    assert refs(client.get(url, {"theme": "mutualisation", "mode": "collective"})) == ["A-003"]
    assert refs(client.get(url, {"year": "2023"})) == ["A-000", "A-002", "A-004"]
    assert refs(client.get(url, {"structure_kind": "EI"})) == ["A-001", "A-003", "A-005"]
    assert refs(client.get(url, {"state": "clos"})) == []


@pytest.mark.parametrize("size", [2, 30])
def test_list_query_count_is_constant(client, instructeur, django_assert_max_num_queries, size):
    make_accompaniments(size)
    client.force_login(instructeur)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("dla:list"), {"per_page": 50, "mode": "individuelle"})
    assert response.status_code == 200


def test_bilan_page_shows_dla_bilan(client, instructeur):
    make_accompaniments(7)
    client.force_login(instructeur)
    response = client.get(reverse("dla:bilan"), {"year": 2024})
    assert response.status_code == 200
    assert response.context["bilan"] == dla_bilan(2024)
    content = response.content.decode()
    bilan = response.context["bilan"]
    # The kinds, the networks, and one chart per mode with prestations.
    assert content.count("<svg") == 2 + sum(1 for themes in bilan["themes"].values() if themes)
    assert bilan["prestations"] == 3 and bilan["themes"]["collective"]
    assert 'viewBox="0 0 340 ' in content  # not localized: no decimal comma in the geometry
    assert "Bilan annuel SIAE des DLA — 2024</h1>" in content  # no thousands separator
    assert '<option value="2024" selected>2024</option>' in content
    # Restricted to one département.
    response = client.get(reverse("dla:bilan"), {"year": 2024, "department": "54"})
    assert response.context["bilan"] == dla_bilan(2024, departments=["54"])


def test_bilan_of_a_chargé_is_restricted_to_their_dla(client):
    make_accompaniments(3)
    acc = AccompanimentFactory(dla=dla_of("57"))
    PrestationFactory(accompaniment=acc, beneficiaries=[StructureFactory()])
    client.force_login(chargé("c@example.org", "57"))
    response = client.get(reverse("dla:bilan"), {"year": 2024})
    assert response.context["bilan"] == dla_bilan(2024, departments=["57"])
    assert client.get(reverse("dla:bilan"), {"year": 2024, "department": "54"}).status_code == 404


def test_bilan_csv(client, instructeur):
    make_accompaniments(5)
    client.force_login(instructeur)
    response = client.get(reverse("dla:bilan_csv"), {"year": 2024})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    # For people: French labels (test_views_bilan.py); the command keeps dla.md's keys.
    assert rows[0] == ["Indicateur", "Valeur"]
    bilan = dla_bilan(2024)
    assert dict(rows[1:])["SIAE bénéficiaires"] == str(bilan["siae_beneficiaries"])
    assert len([row for row in rows[1:] if row[0] != "Département"]) == len(flatten(bilan))


def upload(client, content, name="dla.csv"):
    return client.post(reverse("dla:import"), {"file": SimpleUploadedFile(name, content)})


def test_import_reports_then_writes_on_confirmation(client, instructeur):
    client.force_login(instructeur)
    response = upload(client, SAMPLE_CSV.read_bytes())
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.is_valid and plan.counts["prestations créées"] > 0
    assert "Confirmer l'import" in response.content.decode()
    assert not Prestation.objects.exists()
    response = client.post(reverse("dla:import"), {"token": response.context["token"]})
    assert response.status_code == 302
    assert Prestation.objects.count() == plan.counts["prestations créées"]


def test_import_bad_file_writes_nothing(client, instructeur):
    client.force_login(instructeur)
    lines = SAMPLE_CSV.read_text(encoding="utf-8").splitlines()
    bad = "\n".join(
        [lines[0], lines[1].replace("individuelle", "solo").replace("collective", "solo")]
    )
    response = upload(client, bad.encode())
    assert response.context["plan"].errors
    assert "Confirmer l'import" not in response.content.decode()
    # Even a forged confirmation writes nothing.
    client.post(reverse("dla:import"), {"token": response.context["token"]})
    assert not Prestation.objects.exists()


def test_import_expired_token(client, instructeur):
    client.force_login(instructeur)
    response = client.post(reverse("dla:import"), {"token": "nope"})
    assert response.status_code == 302
    assert not Prestation.objects.exists()


def test_chargé_imports_only_their_dla(client):
    departments = {row.split(",")[2] for row in SAMPLE_CSV.read_text().splitlines()[1:]}
    client.force_login(chargé("c@example.org", "08" if "08" not in departments else "10"))
    response = upload(client, SAMPLE_CSV.read_bytes())
    assert response.context["plan"].errors
    client.post(reverse("dla:import"), {"token": response.context["token"]})
    assert not Prestation.objects.exists()


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_bilan_pdf_through_the_letters_pipeline(client, instructeur, director_a):
    make_accompaniments(7)
    client.force_login(instructeur)
    page = client.get(reverse("dla:bilan"), {"year": 2024}).content.decode()
    assert reverse("dla:bilan_pdf") + "?year=2024" in page
    # Prepared in the background (iae_portal.prepared), then downloaded.
    response, content = download(
        client, reverse("dla:bilan_pdf"), {"year": 2024, "department": "54"}
    )
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="bilan-dla-2024-54.pdf"' in response["Content-Disposition"]
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "Bilan annuel SIAE des DLA — 2024" in text
    assert "département 54" in text
    assert "Mutualisation" in text  # a theme of the year's collective prestations
    client.force_login(director_a)
    assert client.get(reverse("dla:bilan_pdf"), {"year": 2024}).status_code == 403


def test_bilan_pdf_fetches_nothing_outside_static(client, instructeur, monkeypatch):
    """The core's restricted fetcher is the one used: a user-typed name cannot make it fetch."""
    from iae_portal import pdf

    fetchers = []
    original = pdf.StaticOnlyFetcher

    def spy(*args, **kwargs):
        fetchers.append(original(*args, **kwargs))
        return fetchers[-1]

    monkeypatch.setattr(pdf, "StaticOnlyFetcher", spy)
    make_accompaniments(2)
    client.force_login(instructeur)
    download(client, reverse("dla:bilan_pdf"), {"year": 2024})
    assert len(fetchers) == 1 and fetchers[0].refused == []
