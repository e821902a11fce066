"""Issue 14, defect 8: the simulator and the dossier form offer, for each scheme, only the
roles and expense categories its rule funds, in the scheme's words, and the scheme page
says the same; a simulation is carried into a new draft dossier."""

import html
import re

import pytest
from django.urls import reverse

from aides import rules, services
from aides.models import AidComputation, AidScheme, Dossier
from aides.presets import PRESETS
from aides.rules import case as C
from tests.aides.factories import CampaignFactory
from tests.aides.test_views import ca_post

pytestmark = pytest.mark.django_db

SIMULATOR = reverse("aides:simulator")
VOCABULARY = {
    "role": C.ROLES,
    "category": C.EXPENSE_CATEGORIES,
    "function": C.FUNCTIONS,
    "type": C.TRAINING_TYPES,
}
# Exclusion reasons that mean "this scheme does not fund that kind of line".
NOT_FUNDED = {
    "role_not_funded",
    "post_not_funded",
    "expense_not_funded",
    "function_not_eligible",
    "training_type_not_eligible",
    "not_funded_by_scheme",
}
# Fields a rule names although they decide nothing (every hire of the youth scheme is an
# insertion post): the form offers one code, the rule refuses none.
NOT_A_CRITERION = {("recrutement_jeunes", "role")}


def _line_case(rule_kind, field, code, parameters):
    kinds = parameters["applicant_kinds"]
    kind = "GEIQ" if code == "demarrage_geiq" else "ACI" if "ACI" in kinds else kinds[0]
    position = {"role": "fonction_mutualisee", "etp": 1, "annual_cost": 30000, "contract": "CDI"}
    if field == "role":
        case = {"positions": [{**position, "role": code, "function": "grh"}]}
    elif field == "function":
        case = {"positions": [{**position, "function": code}]}
    elif field == "category":
        case = {"expenses": [{"category": code, "amount": 10000}]}
    else:
        case = {"trainings": [{"cost": 1000, "type": code}]}
    ref = {"role": "positions[0]", "function": "positions[0]", "category": "expenses[0]"}
    return rules.parse_case(
        {"scheme": "x", "structure": {"kind": kind}, **case}, schemes={"x": (rule_kind, None)}
    ), ref.get(field, "trainings[0]")


@pytest.mark.parametrize("rule_kind", sorted(rules.RULES))
def test_what_a_rule_declares_it_accepts_is_what_it_funds(rule_kind):
    parameters = rules.clean_parameters(rule_kind, {})
    for field, offered in rules.accepted(rule_kind, parameters).items():
        codes = [code for code, _ in offered]
        assert codes and set(codes) <= set(VOCABULARY[field])
        for code in VOCABULARY[field]:
            case, ref = _line_case(rule_kind, field, code, parameters)
            result = rules.evaluate(rule_kind, case, parameters)
            refused = {e.reason for e in result.excluded if e.ref == ref} & NOT_FUNDED
            if code in codes:
                assert not refused, (field, code, refused)
            elif (rule_kind, field) not in NOT_A_CRITERION:
                assert refused, (field, code)


def test_a_rule_reading_its_accepted_codes_from_a_parameter_follows_the_parameter():
    parameters = rules.clean_parameters(
        "encadrement_formation", {"supervision_roles": ["encadrant_technique"]}
    )
    assert rules.accepted("encadrement_formation", parameters)["role"] == [
        ("encadrant_technique", None)
    ]


def options(content, name):
    """``[(value, label)]`` of the select named ``name`` in a page."""
    select = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', content, re.S)
    assert select, name
    return [
        (value, html.unescape(label).strip())
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select[1])
    ]


def test_the_simulator_offers_equipes_insertion_only_what_it_funds_in_its_words(client):
    content = client.get(SIMULATOR, {"dispositif": "ca-equipes-insertion"}).content.decode()
    assert options(content, "expenses-0-category") == [
        ("", "—"),
        ("investissement", "Investissement en équipement"),
    ]
    assert options(content, "positions-0-role") == [
        ("", "—"),
        ("chef_equipe", "Chef d'équipe"),
    ]


@pytest.mark.parametrize(
    "code, field, expected",
    [
        ("pc-emplois-tremplin-environnement", "positions-0-role", {"encadrement", "execution"}),
        ("pc-emplois-tremplin-environnement", "expenses-0-category", {"equipement"}),
        ("fc-investissement-siae", "expenses-0-category", {"materiel", "immobilier"}),
        ("idf-emploi-tremplin-iae", "positions-0-role", {"insertion"}),
        ("bzh-fonctions-mutualisees", "positions-0-function", {"developpement_commercial", "grh"}),
        ("ra-aci-encadrement-formation", "positions-0-role", {"encadrant_technique", "charge_insertion"}),
        ("idf-arsie", "expenses-0-category", {
            "etude_faisabilite_interne", "etude_faisabilite_externe", "investissement",
            "etude_repositionnement", "demarrage_geiq",
        }),
    ],
)  # fmt: skip
def test_each_scheme_is_offered_only_what_its_rule_funds(client, code, field, expected):
    content = client.get(SIMULATOR, {"dispositif": code}).content.decode()
    assert {value for value, _ in options(content, field)} - {""} == expected


def test_a_changed_parameter_changes_what_the_form_offers(client, chef_service):
    scheme = AidScheme.objects.get(code="ra-aci-encadrement-formation")
    values = rules.params.to_json(
        scheme.rule.PARAMETERS,
        {**scheme.parameters(), "supervision_roles": ("encadrant_technique",)},
    )
    services.scheme_parameters_change(
        actor=chef_service, scheme=scheme, values=rules.clean_parameters(scheme.rule_kind, values),
        reason="Délibération CP-2026-12",
    )  # fmt: skip
    content = client.get(SIMULATOR, {"dispositif": scheme.code}).content.decode()
    assert [v for v, _ in options(content, "positions-0-role")] == ["", "encadrant_technique"]


def test_the_dossier_form_offers_only_what_the_scheme_funds(client, director_a, draft):
    client.force_login(director_a)
    url = reverse("aides:dossier_edit", args=[draft.uuid]) + "?etape=donnees"
    content = client.get(url).content.decode()
    assert [v for v, _ in options(content, "expenses-0-category")] == ["", "investissement"]
    assert [v for v, _ in options(content, "expenses-1-category")] == ["", "investissement"]


def test_a_saved_line_the_scheme_does_not_fund_stays_shown_as_such(client, director_a, draft):
    Dossier.objects.filter(pk=draft.pk).update(
        data={**draft.data, "expenses": [{"category": "equipement", "amount": "5000"}]}
    )
    client.force_login(director_a)
    url = reverse("aides:dossier_edit", args=[draft.uuid]) + "?etape=donnees"
    content = client.get(url).content.decode()
    assert options(content, "expenses-0-category") == [
        ("", "—"),
        ("investissement", "Investissement en équipement"),
        ("equipement", "Équipement (non financé par ce dispositif)"),
    ]
    assert [v for v, _ in options(content, "expenses-1-category")] == ["", "investissement"]
    summary = client.get(url.replace("donnees", "depot")).content.decode()
    assert "Équipement" in html.unescape(summary) and ">equipement<" not in summary


@pytest.mark.parametrize(
    "preset", [p for p in PRESETS if hasattr(rules.RULES[p["rule_kind"]], "ACCEPTS")]
)
def test_the_scheme_page_names_what_the_simulator_offers(client, preset):
    scheme = AidScheme.objects.get(code=preset["code"])
    page = html.unescape(client.get(scheme.get_absolute_url()).content.decode())
    simulator = client.get(SIMULATOR, {"dispositif": scheme.code}).content.decode()
    offered = [
        label
        for field in ("positions-0-role", "positions-0-function", "expenses-0-category")
        if f'name="{field}"' in simulator
        for _, label in options(simulator, field)[1:]
    ]
    assert offered
    for label in offered:
        assert label in page, label


def test_equipes_insertion_page_speaks_of_the_investment_it_funds(client):
    scheme = AidScheme.objects.get(code="ca-equipes-insertion")
    page = html.unescape(client.get(scheme.get_absolute_url()).content.decode())
    assert "Investissement en équipement" in page
    assert "Chef d'équipe" in page


# -- Carrying a simulation into a new dossier ---------------------------------------------

CARRY = "Déposer une demande avec ces éléments"


def _simulate(client, structure=None, **post):
    url = f"{SIMULATOR}?dispositif=ca-equipes-insertion"
    if structure is not None:
        url += f"&structure={structure.siret}"
    return client.post(url, {**ca_post(), **post})


def test_a_director_carries_a_simulation_into_a_prefilled_draft(client, director_a, structure_a):
    campaign = CampaignFactory()
    client.force_login(director_a)
    page = html.unescape(_simulate(client).content.decode())
    assert CARRY in page
    # Its own form sends the data as computed (an Enter in the simulation never files).
    assert '<input type="hidden" name="expenses-0-amount" value="60000">' in page

    response = _simulate(client, deposer="1")
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("aides:dossier_edit", args=[dossier.uuid]) + "?etape=donnees"
    assert (dossier.structure, dossier.campaign, dossier.state) == (
        structure_a,
        campaign,
        "brouillon",
    )
    assert dossier.data["positions"] == [
        {"role": "chef_equipe", "etp": "1", "annual_cost": "35000"}
    ]
    assert dossier.data["expenses"] == [{"category": "investissement", "amount": "60000"}]
    assert dossier.computation.total == 106650
    step = client.get(response.url).content.decode()
    assert 'value="35000' in step and "106\xa0650,00" in step
    # The simulation itself was not recorded twice: the dossier's computation only.
    assert AidComputation.objects.count() == 1


def test_the_director_picks_the_structure_and_the_call_when_there_are_several(
    client, director_a, structure_a
):
    from tests.structures.factories import MembershipFactory, StructureFactory

    other = StructureFactory(name="Chantier C")
    MembershipFactory(structure=other, user=director_a)
    CampaignFactory(name="Équipes d'insertion — appel 2026")
    second = CampaignFactory(name="Équipes d'insertion — appel 2026, 2e session")
    client.force_login(director_a)
    content = _simulate(client).content.decode()
    assert {v for v, _ in options(content, "depot-structure")} == {
        structure_a.siret,
        other.siret,
    }
    assert next(label for _, label in options(content, "depot-campaign")).startswith(
        "Appel 2026 (jusqu"
    )
    _simulate(client, deposer="1", **{"depot-structure": other.siret, "depot-campaign": str(second.uuid)})  # fmt: skip
    dossier = Dossier.objects.get()
    assert (dossier.structure, dossier.campaign) == (other, second)


def test_the_carry_button_needs_an_open_call_and_a_director(
    client, director_a, instructeur, structure_a
):
    assert CARRY not in html.unescape(_simulate(client).content.decode())  # anonymous
    client.force_login(director_a)
    assert CARRY not in html.unescape(_simulate(client).content.decode())  # no open call
    CampaignFactory()
    client.force_login(instructeur)
    assert CARRY not in html.unescape(_simulate(client).content.decode())
    assert _simulate(client, deposer="1").status_code == 200
    assert not Dossier.objects.exists()


def test_a_refused_simulation_is_not_carried(client, director_a):
    CampaignFactory()
    client.force_login(director_a)
    response = _simulate(client, **{"positions-0-etp": "0.5"})
    assert not response.context["result"]["eligible"]
    assert CARRY not in html.unescape(response.content.decode())


def test_a_director_cannot_carry_into_a_structure_she_does_not_direct(
    client, director_a, structure_b
):
    campaign = CampaignFactory()
    client.force_login(director_a)
    post = {"deposer": "1", "depot-structure": structure_b.siret, "kind": "EI"}
    _simulate(client, **post, **{"depot-campaign": str(campaign.uuid)})
    assert not Dossier.objects.exists()


def test_dossier_create_takes_the_initial_data(director_a, structure_a):
    from tests.aides.factories import CA_DATA

    dossier = services.dossier_create(
        actor=director_a,
        structure=structure_a,
        campaign=CampaignFactory(),
        title="Équipe maraîchage",
        data=CA_DATA,
    )
    assert dossier.data["team"] == {"members_count": 8, "members_etp": 4}
    assert dossier.computation.total == 106650 and dossier.requested_amount == 106650
