"""Issue 14, defect 15: the catalogue (and the simulator's choice of scheme) is filtered by
region, the visitor's own by default, with the count; a call shown under its scheme does
not repeat the scheme's name."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from aides import catalogue
from aides.models import AidScheme
from tests.aides.factories import CampaignFactory, move
from tests.structures.factories import UserFactory

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("aides:scheme_list")
SIMULATOR = reverse("aides:simulator")
# The 2016 region of each preset's origin (Saône-et-Loire is a département).
REGIONS = {
    "pc-emplois-tremplin-environnement": "75",
    "fc-tremplin-solidarites": "27",
    "idf-emploi-tremplin-iae": "11",
    "bzh-fonctions-mutualisees": "53",
    "mp-recrutement-jeunes": "76",
    "ra-aci-encadrement-formation": "84",
    "idf-arsie": "11",
    "ca-equipes-insertion": "44",
    "fc-investissement-siae": "27",
    "mp-aap-innovation": "76",
    "corse-et-iae": "94",
    "aquitaine-accord-cadre-formation": "75",
    "sl-outils-iae": "27",
}


def codes(response):
    return {scheme.code for scheme in response.context["schemes"]}


def selected_region(content):
    select = re.search(r'<select name="region"[^>]*>(.*?)</select>', content, re.S)
    assert select
    return re.search(r'<option value="([^"]*)"[^>]*selected', select[1])[1]


def test_every_preset_lies_in_a_region_of_today():
    for scheme in AidScheme.objects.all():
        assert catalogue.region_code(scheme) == REGIONS[scheme.code], scheme.code


def test_a_grand_est_director_sees_the_schemes_of_grand_est_first(client, director_a):
    client.force_login(director_a)
    response = client.get(CATALOGUE)
    content = html.unescape(response.content.decode())
    assert codes(response) == {"ca-equipes-insertion"}
    assert selected_region(content) == "44"
    assert "1 dispositif pour la région Grand Est" in content

    response = client.get(CATALOGUE, {"region": ""})
    assert len(codes(response)) == 13
    assert "13 dispositifs, toutes régions confondues" in html.unescape(response.content.decode())


def test_regional_staff_see_their_region_and_anonymous_visitors_every_region(client, instructeur):
    response = client.get(CATALOGUE)
    assert len(codes(response)) == 13
    assert selected_region(response.content.decode()) == ""

    client.force_login(instructeur)
    assert codes(client.get(CATALOGUE)) == {"ca-equipes-insertion"}
    assert codes(client.get(CATALOGUE, {"region": "11"})) == {
        "idf-emploi-tremplin-iae",
        "idf-arsie",
    }
    national = UserFactory(email="national@example.org", role="instructeur", region=None)
    client.force_login(national)
    assert len(codes(client.get(CATALOGUE))) == 13


def test_an_unknown_region_shows_every_scheme(client):
    assert len(codes(client.get(CATALOGUE, {"region": "zz"}))) == 13


def test_a_call_under_its_scheme_shows_its_own_label_and_dates(client):
    today = timezone.localdate()
    CampaignFactory(
        name="Équipes d'insertion — appel 2026",
        opens_on=datetime.date(2026, 2, 1),
        closes_on=today + datetime.timedelta(days=40),
    )
    CampaignFactory(name="Équipes d'insertion — appel 2020", closes_on=today - datetime.timedelta(days=1), opens_on=datetime.date(2020, 1, 1))  # fmt: skip
    content = html.unescape(client.get(CATALOGUE).content.decode())
    assert "Appel 2026" in content
    assert "Équipes d'insertion — appel" not in content
    assert "appel 2020" not in content.lower()  # a closed call is not listed
    assert f"jusqu'au {today + datetime.timedelta(days=40):%d/%m/%Y}" in content


def test_the_simulator_offers_the_schemes_of_the_visitor_s_region(client, director_a):
    assert len(client.get(SIMULATOR).context["schemes"]) == 13
    client.force_login(director_a)
    response = client.get(SIMULATOR)
    assert codes(response) == {"ca-equipes-insertion"}
    assert selected_region(response.content.decode()) == "44"
    assert len(client.get(SIMULATOR, {"region": ""}).context["schemes"]) == 13
    # A scheme asked for by its code is offered with its own region's schemes.
    response = client.get(SIMULATOR, {"dispositif": "idf-arsie"})
    assert response.context["scheme"].code == "idf-arsie"
    assert codes(response) == {"idf-arsie", "idf-emploi-tremplin-iae"}
    # For a structure, its region comes first, whoever simulates.
    client.force_login(UserFactory(email="national@example.org", role="admin"))
    response = client.get(SIMULATOR, {"structure": director_a.memberships.get().structure.siret})
    assert codes(response) == {"ca-equipes-insertion"}
    # Choosing another region is choosing among its schemes.
    response = client.get(SIMULATOR, {"dispositif": "idf-arsie", "region": "44"})
    assert response.context["scheme"] is None
    assert codes(response) == {"ca-equipes-insertion"}


def test_campaign_label_keeps_a_name_that_does_not_repeat_the_scheme():
    campaign = CampaignFactory(name="Appel à projets 2026")
    assert campaign.label_under_scheme == "Appel à projets 2026"
    campaign.name = campaign.scheme.name
    assert campaign.label_under_scheme == campaign.scheme.name  # nothing else to show
    campaign.name = f"{campaign.scheme.name.upper()} — appel 2027"
    assert campaign.label_under_scheme == "Appel 2027"


@pytest.mark.parametrize("who", ["director", "instructeur"])
def test_pages_name_the_call_without_repeating_its_scheme(client, draft, instructeur, who):
    draft.campaign.name = f"{draft.campaign.scheme.name} — appel 2026"
    draft.campaign.save()
    move(draft, draft.structure.memberships.get().user, "submit")
    user = draft.structure.memberships.get().user if who == "director" else instructeur
    client.force_login(user)
    pages = [draft.get_absolute_url()]
    pages.append(reverse("aides:my_dossiers") if who == "director" else reverse("aides:queue"))
    for url in pages:
        text = html.unescape(client.get(url).content.decode())
        scheme = draft.campaign.scheme.name
        assert "Appel 2026" in text, url
        # Beside the scheme's name, the call's own name only.
        assert f"{scheme} · {scheme}" not in text, url
        assert f'<span class="muted">{scheme} — appel 2026' not in text, url
