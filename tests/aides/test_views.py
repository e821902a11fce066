import html

import pytest
from django.urls import reverse

from aides.models import AidComputation, AidScheme, ParameterVersion

pytestmark = pytest.mark.django_db

SIMULATOR = reverse("aides:simulator")


def management(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "200",
    }


def ca_post(**overrides):
    data = {
        "kind": "ACI",
        "years": "4",
        "members_count": "8",
        "members_etp": "4",
        **management("positions", 2),
        "positions-0-role": "chef_equipe",
        "positions-0-etp": "1",
        "positions-0-annual_cost": "35000",
        # An untouched row: ignored.
        "positions-1-role": "",
        "positions-1-etp": "1",
        **management("expenses", 1),
        "expenses-0-category": "investissement",
        "expenses-0-amount": "60000",
    }
    data.update(overrides)
    return data


def test_simulator_is_public_and_lists_schemes(client):
    response = client.get(SIMULATOR)
    assert response.status_code == 200
    assert len(response.context["schemes"]) == 13


def test_simulator_shows_only_the_fields_the_rule_uses(client):
    response = client.get(SIMULATOR, {"dispositif": "ca-equipes-insertion"})
    form = response.context["form"]
    assert {"kind", "years", "members_count", "members_etp"} <= set(form.fields)
    assert "environment_sector" not in form.fields and "operating_expenses" not in form.fields
    assert [name for name, _, _ in response.context["sections"]] == ["positions", "expenses"]

    response = client.get(SIMULATOR, {"dispositif": "mp-aap-innovation"})
    assert set(response.context["form"].fields) == {
        "kind",
        "operating_expenses",
        "aides_au_poste_already_funded",
        "multi_structure_multi_department",
    }
    assert response.context["sections"] == []


def test_simulator_computes_the_worked_case(client):
    response = client.post(f"{SIMULATOR}?dispositif=ca-equipes-insertion", ca_post())
    result = response.context["result"]
    assert result["eligible"] and result["total"] == "106650.00"
    assert [row["amount"] for row in result["schedule"]] == [
        "55900.00",
        "22750.00",
        "17500.00",
        "10500.00",
    ]
    content = response.content.decode()
    assert "106\xa0650,00" in content and "Échéancier" in content
    assert AidComputation.objects.count() == 0  # anonymous simulations are not kept


def test_simulator_explains_a_refusal_in_french(client):
    response = client.post(
        f"{SIMULATOR}?dispositif=ca-equipes-insertion",
        ca_post(kind="CREPI", **{"positions-0-etp": "0.5"}),
    )
    content = html.unescape(response.content.decode())
    assert "Non éligible" in content
    assert "Ce type de structure ne peut pas bénéficier de ce dispositif." in content
    assert "Il faut un chef d'équipe à temps plein" in content


def test_simulator_bad_input_is_a_field_error_not_a_crash(client):
    response = client.post(
        f"{SIMULATOR}?dispositif=ca-equipes-insertion", ca_post(**{"positions-0-etp": "1.5"})
    )
    assert response.status_code == 200
    assert "result" not in response.context
    errors = response.context["sections"][0][2].errors[0]
    assert "etp" in errors


def test_add_row_keeps_what_was_typed(client):
    response = client.post(
        f"{SIMULATOR}?dispositif=ca-equipes-insertion", {**ca_post(), "add_row": "positions"}
    )
    formset = response.context["sections"][0][2]
    assert formset.total_form_count() == 3
    assert formset.forms[0]["annual_cost"].value() == "35000"
    assert "result" not in response.context


def test_simulation_from_a_structure_is_kept_with_its_version(client, director_a, structure_a):
    client.force_login(director_a)
    url = f"{SIMULATOR}?dispositif=ca-equipes-insertion&structure={structure_a.siret}"
    assert client.get(url).context["form"]["kind"].value() == "ACI"
    client.post(url, ca_post())
    computation = AidComputation.objects.get()
    assert computation.structure == structure_a and computation.version.number == 1
    page = client.get(structure_a.get_absolute_url()).content.decode()
    assert computation.get_absolute_url() in page
    assert client.get(computation.get_absolute_url()).status_code == 200


def test_simulation_for_a_foreign_structure_is_refused(client, director_a, structure_b):
    client.force_login(director_a)
    url = f"{SIMULATOR}?dispositif=ca-equipes-insertion&structure={structure_b.siret}"
    assert client.get(url).status_code == 404
    assert client.post(url, ca_post()).status_code == 404
    assert AidComputation.objects.count() == 0


def test_chef_changes_parameters_and_old_computation_shows_its_version(
    client, chef_service, director_a, structure_a
):
    client.force_login(director_a)
    client.post(
        f"{SIMULATOR}?dispositif=ca-equipes-insertion&structure={structure_a.siret}", ca_post()
    )
    computation = AidComputation.objects.get()

    client.force_login(chef_service)
    scheme = AidScheme.objects.get(code="ca-equipes-insertion")
    url = reverse("aides:scheme_parameters", args=[scheme.code])
    form = client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if name != "reason"}
    data.update(startup_per_member="700", reason="Délibération 2026-77 du 20 novembre 2026")
    response = client.post(url, data)
    assert response.status_code == 302
    assert ParameterVersion.objects.filter(scheme=scheme).count() == 2

    # The next simulation uses version 2: start-up 700 × 9 instead of 600 × 9.
    result = client.post(f"{SIMULATOR}?dispositif=ca-equipes-insertion", ca_post()).context[
        "result"
    ]
    assert result["total"] == "107550.00"

    client.force_login(director_a)
    page = client.get(computation.get_absolute_url())
    assert page.context["result"]["total"] == "106650.00"
    assert "version 1" in page.content.decode()
    assert page.context["current_result"]["total"] == "107550.00"


def test_bad_parameter_value_is_a_french_field_error(client, chef_service):
    client.force_login(chef_service)
    url = reverse("aides:scheme_parameters", args=["ca-equipes-insertion"])
    form = client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if name != "reason"}
    data.update(investment_rate="1,5", reason="test")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "entre 0 et 1" in response.context["form"].errors["investment_rate"][0]
    assert ParameterVersion.objects.filter(scheme__code="ca-equipes-insertion").count() == 1


@pytest.mark.parametrize("who", ["instructeur", "lecteur", "director_a"])
def test_only_chef_and_admin_change_parameters(client, request, who):
    client.force_login(request.getfixturevalue(who))
    url = reverse("aides:scheme_parameters", args=["ca-equipes-insertion"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x"}).status_code == 403


def test_scheme_page_lists_conditions_amounts_and_documents_in_french(client):
    response = client.get(reverse("aides:scheme_detail", args=["ca-equipes-insertion"]))
    content = html.unescape(response.content.decode())
    assert "Lecture retenue" in content and "Pièces à fournir" in content
    assert "Chef d'équipe : plafond annuel (€)" in content and "30\u202f000 €" in content
    assert "Relevé d'identité bancaire" in content
    assert "Historique des paramètres" not in content  # staff only


def test_staff_see_the_parameter_history(client, instructeur):
    client.force_login(instructeur)
    response = client.get(reverse("aides:scheme_detail", args=["ca-equipes-insertion"]))
    assert "Historique des paramètres" in response.content.decode()


def test_an_added_row_left_empty_does_not_block_the_simulation(client):
    url = f"{SIMULATOR}?dispositif=ca-equipes-insertion"
    response = client.post(url, {**ca_post(), "add_row": "positions"})
    data = ca_post()
    data.update(
        {
            key: field.value() or ""
            for key, field in (
                (f"positions-2-{name}", response.context["sections"][0][2].forms[2][name])
                for name in ("role", "etp", "annual_cost", "contract")
            )
        }
    )
    data["positions-TOTAL_FORMS"] = "3"
    result = client.post(url, data).context["result"]
    assert result["total"] == "106650.00"


def test_the_parameter_history_shows_only_what_changed_and_who_by_name(client, chef_service):
    client.force_login(chef_service)
    scheme = AidScheme.objects.get(code="ca-equipes-insertion")
    url = reverse("aides:scheme_parameters", args=[scheme.code])
    form = client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if name != "reason"}
    data.update(startup_per_member="700", reason="Délibération 2026-77")
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("aides:scheme_detail", args=[scheme.code]))
    [(version, changes, _), _] = page.context["versions"]
    assert version.number == 2
    assert [label for label, _, _ in changes] == [
        {p.name: p.label for p in scheme.rule.PARAMETERS}["startup_per_member"]
    ]
    text = html.unescape(page.content.decode())
    history = text[text.index("Historique des paramètres") :]
    assert "600 € → 700 €" in history.replace("\u202f", " ")
    assert chef_service.email not in history
    assert f"{chef_service.get_full_name()} (chef de service, Conseil régional)" in history
