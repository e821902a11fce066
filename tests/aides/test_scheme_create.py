"""« Nouveau dispositif »: the chef de service creates a scheme of a registered rule kind in
two steps (its texts and kind, then that kind's parameters and their reason), audited;
bad input gets French field errors and writes nothing."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from aides import rules
from aides.models import AidScheme, ParameterVersion
from aides.services.schemes import scheme_create
from iae_portal.audit.models import AuditEntry
from tests.aides.page_forms import find_form, submit

pytestmark = pytest.mark.django_db

CREATE = reverse("aides:scheme_create")
CATALOGUE = reverse("aides:scheme_list")
FIRST = "Continuer : les paramètres"
SLUG = (
    "Le code ne prend que des minuscules sans accent, des chiffres et des tirets "
    "(par exemple ge-investissement-vert)."
)
REQUIRED = "Ce champ est obligatoire."
NEGATIVE = "Assurez-vous que cette valeur est supérieure ou égale à 0."
LAST = "Créer le dispositif"

TEXTS = {
    "code": "ge-investissement-vert",
    "name": "Investissement vert dans les SIAE",
    "origin_region": "Grand Est",
    "rule_kind": "investissement_siae",
    "description": "Matériel de tri et de réemploi des SIAE du Grand Est.",
    "legal_basis_reference": "CP-2026-200",
    "legal_basis_date": "2026-03-12",
    "required_documents": ["statuts", "rib", "devis"],
    "budget_envelope": "43400",
}


def text(response):
    return html.unescape(response.content.decode())


def field_errors(response, form="form"):
    return {name: list(errors) for name, errors in response.context[form].errors.items()}


@pytest.fixture
def chef(client, chef_service):
    client.force_login(chef_service)
    return client


def first_step(client, **fields):
    return submit(client, client.get(CREATE), FIRST, {**TEXTS, **fields})


def test_the_catalogue_offers_it_to_those_who_may_create(client, chef_service, instructeur):
    client.force_login(instructeur)
    assert "Nouveau dispositif" not in text(client.get(CATALOGUE))
    client.force_login(chef_service)
    assert f'href="{CREATE}"' in client.get(CATALOGUE).content.decode()


def test_chef_creates_a_scheme_in_two_steps(chef, chef_service):
    page = chef.get(CREATE)
    assert page.status_code == 200
    # The registered kinds by their labels; the chef's region first.
    form, _ = find_form(page.content, FIRST)
    assert set(form.choices["rule_kind"]) == {"", *rules.RULES}
    assert form.fields["origin_region"] == ["Grand Est"]
    assert rules.RULES["investissement_siae"].LABEL in text(page)

    second = first_step(chef)
    assert second.status_code == 200 and not AidScheme.objects.filter(code=TEXTS["code"])
    page = text(second)
    for shown in (
        "Investissement vert dans les SIAE",
        rules.RULES["investissement_siae"].LABEL,
        "Délibération CP-2026-200 du 12/03/2026",
        "Statuts, Relevé d'identité bancaire, Devis",
        "43\xa0400,00\xa0€",
    ):
        assert shown in page, shown
    parameters = second.context["parameters"]
    # The kind's defaults to start with, and the reason proposed from the deliberation.
    assert parameters["rate"].value() == "0,40" and parameters["cap"].value() == "200000"
    assert parameters["reason"].value() == "Délibération CP-2026-200 du 12/03/2026"

    done = submit(
        chef,
        second,
        LAST,
        {"param-rate": "0,5", "param-cap": "60000", "param-real_estate_kinds": ["ACI", "EI"]},
        follow=True,
    )
    scheme = AidScheme.objects.get(code=TEXTS["code"])
    assert done.redirect_chain[-1][0] == scheme.get_absolute_url()
    page = text(done)
    assert "Le dispositif « Investissement vert dans les SIAE » est créé" in page
    assert "Enveloppe : 43\xa0400,00\xa0€" in page  # amounts with their cents
    # No source text nor reading given: no empty heading for them.
    assert "Ce que dit la source" not in page and "Lecture retenue" not in page
    assert (scheme.name, scheme.origin_region, scheme.rule_kind) == (
        TEXTS["name"],
        "Grand Est",
        "investissement_siae",
    )
    assert scheme.required_documents == ["statuts", "rib", "devis"]
    assert scheme.budget_envelope == Decimal("43400")
    assert scheme.legal_basis_date == datetime.date(2026, 3, 12)
    version = scheme.current_version
    assert (version.number, version.created_by, version.reason) == (
        1,
        chef_service,
        "Délibération CP-2026-200 du 12/03/2026",
    )
    values = scheme.parameters()
    assert values["rate"] == Decimal("0.5") and values["cap"] == Decimal("60000")
    assert values["waste_sorting_rate"] == Decimal("0.80")  # untouched: the default
    assert values["real_estate_kinds"] == ("ACI", "EI")
    entry = AuditEntry.objects.get(action="aides.scheme_create")
    assert entry.actor == chef_service and entry.reason == version.reason
    assert entry.changes["code"] == [None, TEXTS["code"]]
    assert entry.changes["rate"] == [None, "0.5"]


def test_going_back_keeps_the_answers_and_another_kind_brings_its_parameters(chef):
    second = first_step(chef)
    back = submit(chef, second, "Revenir à l'étape 1")
    assert back.context["parameters"] is None
    assert back.context["form"]["name"].value() == TEXTS["name"]
    again = submit(chef, back, FIRST, {"rule_kind": "arsie"})
    names = set(again.context["parameters"].fields)
    assert "investissement_rate" in names and "waste_sorting_rate" not in names
    assert not AidScheme.objects.filter(code=TEXTS["code"]).exists()


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"code": "fc-investissement-siae"},
            {"code": ["Un dispositif porte déjà ce code : choisissez-en un autre."]},
        ),
        (
            {"code": "Investissement Vert"},
            {"code": [SLUG]},
        ),
        ({"code": "ge-réemploi"}, {"code": [SLUG]}),
        (
            {"code": "campagnes"},
            {"code": ["Ce code est celui d'une page du portail : choisissez-en un autre."]},
        ),
        (
            {"code": "simulateur"},
            {"code": ["Ce code est celui d'une page du portail : choisissez-en un autre."]},
        ),
        ({"rule_kind": "", "name": ""}, {"name": [REQUIRED], "rule_kind": [REQUIRED]}),
        (
            {"active_from": "2026-06-01", "active_until": "2026-01-01"},
            {"active_until": ["La fin doit être postérieure au début."]},
        ),
        ({"budget_envelope": "-5"}, {"budget_envelope": [NEGATIVE]}),
    ],
    ids=["duplicate", "not-a-slug", "accent", "page-campagnes", "page-simulateur", "missing",
         "dates", "negative"],
)  # fmt: skip
def test_bad_texts_get_french_errors_on_the_first_step(chef, fields, errors):
    response = first_step(chef, **fields)
    assert response.status_code == 200 and response.context["parameters"] is None
    found = field_errors(response)
    assert found == errors
    assert AidScheme.objects.filter(name=TEXTS["name"]).count() == 0


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"param-rate": "1,5"},
            {"rate": ["un taux est compris entre 0 et 1 (0,25 pour 25 %)"]},
        ),
        ({"param-cap": "beaucoup"}, {"cap": ["nombre attendu"]}),
        ({"param-cap": "-1"}, {"cap": ["nombre positif ou nul attendu"]}),
        ({"param-cap": ""}, {"cap": ["Ce champ est obligatoire."]}),
        ({"param-reason": ""}, {"reason": ["Ce champ est obligatoire."]}),
    ],
    ids=["rate", "text", "negative", "empty", "no-reason"],
)
def test_bad_parameters_get_french_errors_and_write_nothing(chef, fields, errors):
    response = submit(chef, first_step(chef), LAST, fields)
    assert response.status_code == 200
    assert field_errors(response, "parameters") == errors
    assert "Le formulaire contient des erreurs" in text(response)
    assert not AidScheme.objects.filter(code=TEXTS["code"]).exists()
    assert not ParameterVersion.objects.filter(scheme__code=TEXTS["code"]).exists()


def test_a_code_taken_meanwhile_sends_back_to_the_first_step(chef, chef_service):
    second = first_step(chef)
    scheme_create(
        actor=chef_service,
        data={**TEXTS, "required_documents": []},
        parameters={},
        reason="Créé entre-temps",
    )
    response = submit(chef, second, LAST)
    assert response.context["parameters"] is None
    assert field_errors(response) == {
        "code": ["Un dispositif porte déjà ce code : choisissez-en un autre."]
    }
    assert AidScheme.objects.filter(code=TEXTS["code"]).count() == 1


def test_the_service_checks_who_the_kind_and_the_documents(chef_service, instructeur):
    data = {**TEXTS, "required_documents": ["statuts"]}
    with pytest.raises(PermissionDenied):
        scheme_create(actor=instructeur, data=data, parameters={}, reason="Essai")
    with pytest.raises(ValidationError) as refused:
        scheme_create(
            actor=chef_service, data={**data, "rule_kind": "inconnu"}, parameters={}, reason="x"
        )
    assert set(refused.value.message_dict) == {"rule_kind"}
    with pytest.raises(ValidationError) as refused:
        scheme_create(
            actor=chef_service,
            data={**data, "required_documents": ["passeport"]},
            parameters={},
            reason="x",
        )
    assert set(refused.value.message_dict) == {"required_documents"}
    with pytest.raises(rules.ParameterError):
        scheme_create(actor=chef_service, data=data, parameters={"rate": "2"}, reason="x")
    with pytest.raises(ValidationError):
        scheme_create(actor=chef_service, data=data, parameters={}, reason="  ")
    assert not AidScheme.objects.filter(code=TEXTS["code"]).exists()
    scheme = scheme_create(actor=chef_service, data=data, parameters={}, reason="Délibération")
    assert scheme.parameters() == rules.clean_parameters("investissement_siae", {})


def test_the_journal_reads_the_creation_in_french(client, chef_service, admin_user):
    scheme = scheme_create(
        actor=chef_service,
        data=TEXTS,
        parameters={"rate": "0.5"},
        reason="Délibération CP-2026-200",
    )
    client.force_login(admin_user)
    page = text(client.get(reverse("audit:journal"), {"per_page": 100}))
    assert "Création du dispositif" in page
    assert scheme.name in page
    for words in ("Règle de calcul", "Pièces justificatives", "Relevé d'identité bancaire"):
        assert words in page, words
    assert "investissement_siae" not in page and "['statuts'" not in page
