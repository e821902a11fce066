"""Financing plans through the pages: the director's plan (French amounts, bad input as
field errors, rows added without JavaScript, documents with the lines), the dossier
page's section for staff and the applicant, the instruct form's warning and refusal, the
scheme's cap on its form and page, the convention's financial annex, the campaign
dashboard's leverage (its figures, and its queries whatever the number of dossiers)."""

import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from aides import letters, services
from aides.enums import DocumentKind, FunderKind, FundingStatus
from aides.models import AidScheme, FinancingPlan, FundingLine, LetterSettings
from aides.services import financing
from aides.services.financing import LineInput
from iae_portal.audit.models import AuditEntry
from structures.models import Department
from tests.aides.factories import move, pdf_upload
from tests.aides.test_views_applicant import page_text, transition_url
from tests.aides.test_views_staff import submitted_dossiers

pytestmark = pytest.mark.django_db

D = Decimal
PREFIX = "lignes"
JUSTIFICATIF = DocumentKind.JUSTIFICATIF_COFINANCEMENT


def plan_url(dossier):
    return reverse("aides:financing_plan", args=[dossier.uuid])


def form_data(total_cost, *rows, seen="", total=None):
    """The page's POST: the cost, then ``rows`` of (funder, amount, status[, label])."""
    data = {
        "total_cost": total_cost,
        "seen": seen,
        f"{PREFIX}-TOTAL_FORMS": str(total if total is not None else len(rows)),
        f"{PREFIX}-INITIAL_FORMS": "0",
        f"{PREFIX}-MIN_NUM_FORMS": "0",
        f"{PREFIX}-MAX_NUM_FORMS": "1000",
    }
    for index, (funder, amount, status, *label) in enumerate(rows):
        data |= {
            f"{PREFIX}-{index}-funder": funder,
            f"{PREFIX}-{index}-amount": amount,
            f"{PREFIX}-{index}-status": status,
            f"{PREFIX}-{index}-label": label[0] if label else "",
        }
    return data


def text(response):
    """The page's text without its tags, spaces normalised."""
    page = re.sub(r"<[^>]+>", " ", page_text(response))
    return " ".join(page.replace("\u00a0", " ").replace("\u202f", " ").split())


# -- The director's page ------------------------------------------------------------------


def test_the_director_declares_the_plan_in_french_amounts_and_reads_its_checks(
    client, draft, director_a
):
    client.force_login(director_a)
    page = text(client.get(plan_url(draft)))
    assert "Région — Équipes d'insertion" in page or "Région — " in page
    assert "montant calculé, 106 650,00 €" in page
    assert "Choisir un financeur" in page and "État — aides au poste" in page

    response = client.post(
        plan_url(draft),
        form_data(
            "200 000,00 €",
            ("departement", "12 345,67", "demande", "RSA"),
            ("fonds_propres", "1000.5", "accorde"),
            ("", "", "demande"),  # an empty row: ignored
        ),
    )
    assert response.status_code == 302
    plan = FinancingPlan.objects.get(dossier=draft)
    assert plan.total_cost == D("200000.00")
    assert [(line.funder, line.amount, line.label) for line in plan.lines.all()] == [
        ("departement", D("12345.67"), "RSA"),
        ("fonds_propres", D("1000.50"), ""),
    ]
    page = text(client.get(response.url))
    assert "Plan de financement enregistré." in page
    # 200 000 − 106 650 − 12 345,67 − 1 000,50 = 80 003,83
    assert "Il manque 80 003,83 €" in page
    assert "Reste à financer 80 003,83 €" in page


def test_a_balanced_plan_says_so_and_an_excess_is_named(client, draft, director_a):
    client.force_login(director_a)
    client.post(plan_url(draft), form_data("106650,00"))
    assert "Le plan est équilibré" in text(client.get(plan_url(draft)))
    plan = FinancingPlan.objects.get(dossier=draft)
    client.post(
        plan_url(draft),
        form_data("106650", ("fondation", "0,01", "demande"), seen=plan.updated_at.isoformat()),
    )
    assert "Les financements dépassent le coût du projet de 0,01 €" in text(
        client.get(plan_url(draft))
    )


def test_the_public_cap_warns_the_director_without_stopping_the_save(client, draft, director_a):
    scheme = draft.campaign.scheme
    scheme.public_funding_cap = D("80")
    scheme.save()
    client.force_login(director_a)
    response = client.post(
        plan_url(draft), form_data("150000", ("fse", "43350", "accorde"))
    )  # 106 650 + 43 350 = 150 000, all public
    assert response.status_code == 302
    page = text(client.get(plan_url(draft)))
    assert (
        "Les financements publics représentent 100 % du coût, au-delà du plafond de 80 % "
        "fixé par le dispositif" in page
    )
    assert "Plafond de financement public du dispositif : 80 % (signalé, non bloquant" in page


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("total_cost", "-5", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        ("total_cost", "1e30", "pas plus de 12 chiffres"),
        ("total_cost", "abc", "Saisissez un montant en euros, par exemple 12 500,00."),
        ("total_cost", "12\x0034", "Saisissez un montant en euros"),
        ("total_cost", "NaN", "Saisissez un montant en euros"),
        ("total_cost", "1,234,5", "Saisissez un montant en euros"),
        ("total_cost", "", "Ce champ est obligatoire."),
        ("amount", "-0,01", "supérieure ou égale à 0"),
        ("amount", "99999999999999", "pas plus de 12 chiffres"),
        ("amount", "1,001", "pas plus de 2 chiffres après la virgule"),
        ("amount", "douze", "Saisissez un montant en euros"),
        ("funder", "martien", "Sélectionnez un choix valide."),
        ("status", "perdu", "Sélectionnez un choix valide."),
        ("label", "RSA\x00", "Le caractère nul n’est pas autorisé."),
        ("label", "x" * 201, "au plus 200 caractères"),
    ],
)
def test_bad_input_gets_a_french_field_error_never_a_500(
    client, draft, director_a, field, value, error
):
    client.force_login(director_a)
    data = form_data("1000", ("departement", "100", "demande"))
    key = field if field == "total_cost" else f"{PREFIX}-0-{field}"
    data[key] = value
    response = client.post(plan_url(draft), data)
    assert response.status_code == 400
    assert error in text(response)
    assert not FinancingPlan.objects.filter(dossier=draft).exists()


def test_a_document_of_another_dossier_cannot_be_chosen(
    client, draft, director_a, director_b, structure_b, campaign
):
    other = services.dossier_create(actor=director_b, structure=structure_b, campaign=campaign)
    theirs = services.document_add(
        actor=director_b, dossier=other, kind=JUSTIFICATIF, upload=pdf_upload("b.pdf")
    )
    services.document_add(actor=director_a, dossier=draft, kind=JUSTIFICATIF, upload=pdf_upload())
    client.force_login(director_a)
    for value in (str(theirs.uuid), "not-a-uuid"):
        data = form_data("1000", ("departement", "100", "demande"))
        data[f"{PREFIX}-0-document"] = value
        response = client.post(plan_url(draft), data)
        assert response.status_code == 400
        assert "Choisissez un justificatif de ce dossier." in text(response)
    assert not FinancingPlan.objects.exists()


@pytest.mark.parametrize("total", ["abc", "-1", "99999999", "\x00"])
def test_a_forged_management_form_is_an_error_not_a_500(client, draft, director_a, total):
    client.force_login(director_a)
    response = client.post(plan_url(draft), form_data("1000", total=total))
    assert response.status_code in (302, 400)  # no rows (a plan of its cost alone) or refused
    assert not FundingLine.objects.exists()


def test_a_forged_or_stale_version_token_is_refused(client, draft, director_a):
    client.force_login(director_a)
    response = client.post(plan_url(draft), form_data("1000", seen="hier"))
    assert response.status_code == 400
    assert "Le formulaire n'est plus valable : rechargez la page." in text(response)
    client.post(plan_url(draft), form_data("1000"))
    response = client.post(plan_url(draft), form_data("2000"))  # seen empty: stale
    assert response.status_code == 400
    assert "Le plan de financement a été modifié entre-temps" in text(response)
    assert FinancingPlan.objects.get(dossier=draft).total_cost == D("1000.00")


def test_rows_are_added_without_javascript_and_removed_by_a_box(client, draft, director_a):
    client.force_login(director_a)
    data = form_data("1000", ("departement", "100", "demande")) | {"add_line": "1"}
    response = client.post(plan_url(draft), data)
    assert response.status_code == 200
    assert len(response.context["lines"].forms) == 2
    assert not FinancingPlan.objects.exists()  # adding a row saves nothing

    data = form_data("1000", ("departement", "100", "demande"), ("fse", "200", "accorde"))
    data[f"{PREFIX}-0-DELETE"] = "on"
    assert client.post(plan_url(draft), data).status_code == 302
    assert list(FundingLine.objects.values_list("funder", flat=True)) == ["fse"]
    # The page shows the saved lines again, and an empty row for one more.
    forms = client.get(plan_url(draft)).context["lines"].forms
    assert [form.initial.get("funder") for form in forms] == ["fse", None]


def test_a_line_brings_its_document_or_points_to_one(client, draft, director_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(director_a)
    data = form_data("1000", ("departement", "100", "accorde"))
    data[f"{PREFIX}-0-upload"] = pdf_upload("decision-cd54.pdf")
    assert client.post(plan_url(draft), data).status_code == 302
    line = FundingLine.objects.get()
    assert line.document.original_name == "decision-cd54.pdf"
    assert line.document.kind == "justificatif_cofinancement"

    page = client.get(plan_url(draft))
    assert page.context["lines"].forms[0].initial["document"] == line.document.uuid
    plan = FinancingPlan.objects.get()
    data = form_data("1000", ("fse", "50", "demande"), seen=plan.updated_at.isoformat())
    data[f"{PREFIX}-0-document"] = str(line.document.uuid)
    assert client.post(plan_url(draft), data).status_code == 302
    assert FundingLine.objects.get().document == line.document


def test_the_upload_says_or_only_when_a_document_may_be_chosen(
    client, draft, director_a, settings, tmp_path
):
    """Without a justificatif to choose, the row's file field is « Justificatif », not
    « Ou nouveau justificatif » (an alternative to nothing); with one, both are offered."""
    settings.MEDIA_ROOT = tmp_path
    client.force_login(director_a)
    page = text(client.get(plan_url(draft)))
    assert "Ou nouveau justificatif" not in page
    assert "Justificatif :" in page
    services.document_add(actor=director_a, dossier=draft, kind=JUSTIFICATIF, upload=pdf_upload())
    page = text(client.get(plan_url(draft)))
    assert "Justificatif déjà déposé :" in page
    assert "Ou nouveau justificatif :" in page


def test_a_refused_upload_is_shown_on_its_row(client, draft, director_a):
    client.force_login(director_a)
    data = form_data("1000", ("departement", "100", "accorde"))
    data[f"{PREFIX}-0-upload"] = pdf_upload("faux.pdf", content=b"MZ\x90\x00 not a pdf")
    response = client.post(plan_url(draft), data)
    assert response.status_code == 400
    assert response.context["lines"].forms[0].errors["upload"]
    assert not FinancingPlan.objects.exists()


def test_the_plan_is_edited_only_while_the_applicant_may_change_the_dossier(
    client, draft, director_a, director_b, instructeur
):
    client.force_login(director_b)
    assert client.get(plan_url(draft)).status_code == 404  # not theirs to see
    client.force_login(instructeur)
    assert client.get(plan_url(draft)).status_code == 403  # staff read it, never edit it
    client.force_login(director_a)
    assert client.get(plan_url(draft)).status_code == 200
    move(draft, director_a, "submit")
    assert client.get(plan_url(draft)).status_code == 403
    assert client.post(plan_url(draft), form_data("10")).status_code == 403
    assert not FinancingPlan.objects.exists()
    client.force_login(instructeur)
    assert client.get(plan_url(draft)).status_code == 403  # read on the dossier page
    move(draft, instructeur, "start_instruction")
    move(draft, instructeur, "request_documents", comment="Votre plan de financement.")
    client.force_login(director_a)
    assert client.post(plan_url(draft), form_data("10")).status_code == 302


# -- The dossier page -----------------------------------------------------------------------


def declare(dossier, director, cost="150000", *lines):
    return financing.financing_plan_save(
        actor=director,
        dossier=dossier,
        total_cost=D(cost),
        lines=[LineInput(funder=f, amount=D(a), status=s) for f, a, s in lines],
    )


def test_staff_and_applicant_read_the_plan_on_the_dossier_page(
    client, draft, director_a, instructeur
):
    declare(
        draft,
        director_a,
        "150000",
        (FunderKind.DEPARTEMENT, "30000", FundingStatus.ACCORDE),
        (FunderKind.FSE, "5000", FundingStatus.REFUSE),
    )
    client.force_login(director_a)
    page = text(client.get(draft.get_absolute_url()))
    assert "Plan de financement" in page and "Modifier le plan de financement" in page
    assert "Département" in page and "(non compté)" in page
    assert "Reste à financer 13 350,00 €" in page

    move(draft, director_a, "submit")
    move(draft, instructeur, "start_instruction")
    client.force_login(instructeur)
    page = text(client.get(draft.get_absolute_url()))
    assert "Reste à financer 13 350,00 €" in page
    assert "Modifier le plan de financement" not in page  # read-only for staff
    assert "Plan de financement déséquilibré : Il manque 13 350,00 €" in page  # instruct form

    move(
        draft,
        instructeur,
        "instruct",
        opinion="favorable",
        proposed_amount=D("100000"),
        justification="Revu.",
    )
    assert "100 000,00 € Montant proposé par l'instruction" in text(
        client.get(draft.get_absolute_url())
    )
    # The applicant never reads the amount the instruction proposed (nor its opinion).
    client.force_login(director_a)
    page = text(client.get(draft.get_absolute_url()))
    assert "100 000,00" not in page and "106 650,00 € Montant calculé" in page


def test_a_dossier_without_plan_says_so(client, draft, director_a):
    client.force_login(director_a)
    page = text(client.get(draft.get_absolute_url()))
    assert "Vous n'avez pas encore déclaré le plan de financement" in page
    assert "Déclarer le plan de financement" in page


def test_the_instruct_form_shows_the_blocking_refusal(client, draft, director_a, instructeur):
    scheme = draft.campaign.scheme
    scheme.public_funding_cap, scheme.public_cap_blocking = D("80"), True
    scheme.save()
    declare(draft, director_a, "106650.01")  # the region alone: 100 % public
    move(draft, director_a, "submit")
    move(draft, instructeur, "start_instruction")
    client.force_login(instructeur)
    draft.refresh_from_db()
    response = client.post(
        transition_url(draft, "instruct"),
        {"instruct-version": draft.version, "instruct-opinion": "favorable"},
    )
    assert response.status_code == 400
    page = text(response)
    assert "Avis favorable impossible : Les financements publics représentent 100 % du coût" in (
        page
    )
    draft.refresh_from_db()
    assert draft.state == "en_instruction"
    # The form starts on no opinion (not on « Favorable », refused here), and its amounts
    # are written the French way.
    page = client.get(draft.get_absolute_url()).content.decode()
    assert '<option value="" selected>— Choisissez l&#x27;avis —</option>' in page
    field = re.search(r'<input[^>]*name="instruct-proposed_amount"[^>]*>', page).group()
    assert 'value="106\xa0650,00"' in field, field
    response = client.post(transition_url(draft, "instruct"), {"instruct-version": draft.version})
    assert response.status_code == 400
    assert "Choisissez l&#x27;avis d&#x27;instruction." in response.content.decode()
    # The amount as the form writes it is read back.
    response = client.post(
        transition_url(draft, "instruct"),
        {
            "instruct-version": draft.version,
            "instruct-opinion": "defavorable",
            "instruct-proposed_amount": "106\xa0650,00",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.proposed_amount == D("106650.00") and draft.state == "instruit"


# -- The scheme's cap -----------------------------------------------------------------------


def scheme_form(scheme, **changes):
    data = {
        "name": scheme.name,
        "description": scheme.description,
        "legal_basis_reference": scheme.legal_basis_reference,
        "required_documents": scheme.required_documents,
    }
    return data | changes


def test_the_chef_sets_the_cap_in_french_and_it_is_journalled_and_shown(client, chef_service):
    scheme = AidScheme.objects.get(code="ca-equipes-insertion")
    client.force_login(chef_service)
    url = reverse("aides:scheme_edit", args=[scheme.code])
    response = client.post(
        url, scheme_form(scheme, public_funding_cap="82,5 %", public_cap_blocking="on")
    )
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.public_funding_cap == D("82.50") and scheme.public_cap_blocking
    entry = AuditEntry.objects.filter(action="aides.scheme").latest("pk")
    assert entry.changes["public_funding_cap"] == [None, "82.5"]
    assert entry.changes["public_cap_blocking"] == [False, True]
    page = text(client.get(scheme.get_absolute_url()))
    assert "Plafond de financement public : 82,5 % (bloquant pour l'avis d'instruction)" in page
    # The form shows it back with a comma.
    assert 'value="82,5"' in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("150", "inférieure ou égale à 100"),
        ("-1", "supérieure ou égale à 0"),
        ("quatre-vingts", "Saisissez un pourcentage entre 0 et 100, par exemple 80."),
        ("8\x000", "Saisissez un pourcentage"),
        ("1e30", "pas plus de 5 chiffres au total"),
        ("80,123", "pas plus de 2 chiffres après la virgule"),
    ],
)
def test_a_bad_cap_is_a_french_field_error(client, chef_service, value, error):
    scheme = AidScheme.objects.get(code="ca-equipes-insertion")
    client.force_login(chef_service)
    url = reverse("aides:scheme_edit", args=[scheme.code])
    response = client.post(url, scheme_form(scheme, public_funding_cap=value))
    assert response.status_code == 200
    assert error in text(response)
    scheme.refresh_from_db()
    assert scheme.public_funding_cap is None


def test_a_blocking_cap_needs_a_cap(client, chef_service):
    scheme = AidScheme.objects.get(code="ca-equipes-insertion")
    client.force_login(chef_service)
    url = reverse("aides:scheme_edit", args=[scheme.code])
    response = client.post(url, scheme_form(scheme, public_cap_blocking="on"))
    assert "Indiquez le plafond de financement public qui bloque." in text(response)


# -- The convention's financial annex --------------------------------------------------------


def test_the_convention_prints_the_plan_in_its_financial_annex(
    draft, director_a, instructeur, chef_service, commission
):
    scheme = draft.campaign.scheme
    scheme.public_funding_cap = D("80")
    scheme.save()
    declare(
        draft,
        director_a,
        "200000",
        (FunderKind.ETAT_AIDE_POSTE, "40000", FundingStatus.ACCORDE),
        (FunderKind.FRANCE_ACTIVE, "30000", FundingStatus.DEMANDE),
        (FunderKind.FSE, "9999", FundingStatus.REFUSE),
    )
    move(draft, director_a, "submit")
    move(draft, instructeur, "start_instruction")
    move(draft, instructeur, "instruct", opinion="favorable")
    move(draft, chef_service, "vote", commission=commission, deliberation_number="CP-2026-7")
    pdf = letters.render_letter_pdf("convention", draft, LetterSettings.current())
    reader = PdfReader(io.BytesIO(pdf))
    annex = " ".join(
        " ".join(page.extract_text().replace("\u00a0", " ").replace("\u202f", " ").split())
        for page in reader.pages
    )
    assert "Annexe financière" in annex and "Plan de financement du projet" in annex
    assert "Coût total du projet déclaré par le bénéficiaire : 200 000,00 €" in annex
    assert "Montant voté 106 650,00 €" in annex
    assert "État — aides au poste Accordé 40 000,00 €" in annex
    assert "France Active Demandé 30 000,00 €" in annex
    assert "Refusé (non compté) 9 999,00 €" in annex
    assert "Total des financements 176 650,00 €" in annex
    assert "Reste à financer 23 350,00 €" in annex
    assert "(73,3 % du coût) 146 650,00 €" in annex
    assert "Plafond de financement public du dispositif : 80 %" in annex


def test_a_convention_without_plan_says_so(draft_voted):
    html = letters.render_letter_html("convention", draft_voted, LetterSettings.current())
    assert "Le bénéficiaire n'a pas déclaré de plan de financement." in html


# -- The campaign dashboard's leverage -------------------------------------------------------


def plan_for(dossier, cost, *lines):
    plan = FinancingPlan.objects.create(dossier=dossier, total_cost=D(cost))
    FundingLine.objects.bulk_create(
        FundingLine(plan=plan, funder=f, amount=D(a), status=s) for f, a, s in lines
    )


def test_the_leverage_by_departement_and_for_the_scheme(client, campaign, instructeur):
    in_54 = submitted_dossiers(2, campaign=campaign, amounts=[D("10000")])
    (in_57,) = submitted_dossiers(
        1, campaign=campaign, amounts=[D("20000")], department=Department.objects.get(code="57")
    )
    for dossier in in_54:  # computed 106 650 € each: the region part
        plan_for(
            dossier,
            "400000",
            (FunderKind.DEPARTEMENT, "100000", FundingStatus.ACCORDE),
            (FunderKind.FONDATION, "50000", FundingStatus.REFUSE),  # not counted
        )
    plan_for(in_57, "300000", (FunderKind.FRANCE_ACTIVE, "50000", FundingStatus.DEMANDE))
    type(in_57).objects.filter(pk=in_57.pk).update(proposed_amount=D("20000"))
    withdrawn = submitted_dossiers(1, campaign=campaign)[0]
    plan_for(withdrawn, "1", (FunderKind.FSE, "999999", FundingStatus.ACCORDE))
    type(withdrawn).objects.filter(pk=withdrawn.pk).update(state="retire")

    client.force_login(instructeur)
    response = client.get(campaign.get_absolute_url())
    rows, total = response.context["leverage_rows"], response.context["leverage_total"]
    assert [(r.label, r.dossiers, r.region, r.others) for r in rows] == [
        ("54 - Meurthe-et-Moselle", 2, D("213300.00"), D("200000.00")),
        ("57 - Moselle", 1, D("20000.00"), D("50000.00")),
    ]
    assert (total.dossiers, total.region, total.others) == (3, D("233300.00"), D("250000.00"))
    page = text(response)
    assert "Effet levier" in page
    assert "1 € de la Région pour 2,50 € des autres financeurs" in page  # 57
    assert "1 € de la Région pour 1,07 € des autres financeurs" in page  # the scheme


def test_the_leverage_costs_the_same_queries_for_5_and_20_dossiers(client, campaign, instructeur):
    def dashboard_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(campaign.get_absolute_url()).status_code == 200
        return len(queries)

    def with_plans(dossiers):
        for dossier in dossiers:
            plan_for(dossier, "300000", (FunderKind.FSE, "1000", FundingStatus.ACCORDE))

    with_plans(submitted_dossiers(5, campaign=campaign))
    client.force_login(instructeur)
    five = dashboard_queries()
    with_plans(
        submitted_dossiers(15, campaign=campaign, department=Department.objects.get(code="57"))
    )
    assert dashboard_queries() == five
    assert client.get(campaign.get_absolute_url()).context["leverage_total"].dossiers == 20
