"""The applicant's pages through HTTP: create, fill in steps, attach, submit, answer a
request for documents, withdraw; every refusal on the way, and who may do what."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.client import encode_multipart
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aides import rules, services
from aides.enums import DossierState as S
from aides.messages import bad_input_text
from aides.models import AidScheme, Dossier, DossierDocument, Notification
from structures.enums import MembershipRole
from tests.aides.factories import CA_DATA, PDF, CampaignFactory, move, pdf_upload
from tests.structures.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("aides:dossier_create")
MY_DOSSIERS = reverse("aides:my_dossiers")
NOTIFICATIONS = reverse("aides:notifications")
BOUNDARY = "applicant-test-boundary"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def bare_draft(campaign, director_a, structure_a):
    """A draft made through the services, its data saved, no document yet (``draft``, of
    tests/aides/conftest.py, has every required document)."""
    dossier = services.dossier_create(
        actor=director_a, structure=structure_a, campaign=campaign, title="Équipe espaces verts"
    )
    return services.dossier_save_data(
        actor=director_a, dossier=dossier, expected_version=dossier.version, data=CA_DATA
    )


def edit_url(dossier, step):
    return f"{reverse('aides:dossier_edit', args=[dossier.uuid])}?etape={step}"


def transition_url(dossier, name):
    return reverse("aides:dossier_transition", args=[dossier.uuid, name])


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "200",
    }


def data_post(version, **overrides):
    """The data step of the Champagne-Ardenne worked case, as a browser sends it."""
    data = {
        "version": str(version),
        "title": "Équipe espaces verts",
        "requested_amount": "",
        "years": "4",
        "members_count": "8",
        "members_etp": "4",
        **management("positions", 2),
        "positions-0-role": "chef_equipe",
        "positions-0-etp": "1",
        "positions-0-annual_cost": "35000",
        "positions-0-contract": "CDI",
        "positions-1-role": "",
        "positions-1-etp": "1",
        **management("expenses", 1),
        "expenses-0-category": "investissement",
        "expenses-0-amount": "60000",
    }
    data.update(overrides)
    return data


def page_text(response):
    return html.unescape(response.content.decode())


def upload(client, dossier, kind, file):
    return client.post(edit_url(dossier, "pieces"), {"kind": kind, "file": file})


# -- The whole path through the views -------------------------------------------------------


def test_director_creates_fills_attaches_submits_and_follows(
    client, director_a, structure_a, campaign, django_capture_on_commit_callbacks
):
    client.force_login(director_a)
    page = client.get(CREATE)
    assert page.status_code == 200 and campaign.name in page_text(page)
    response = client.post(
        CREATE,
        {"structure": structure_a.siret, "campaign": str(campaign.uuid), "title": "Équipe verte"},
    )
    dossier = Dossier.objects.get()
    assert response.url == edit_url(dossier, "donnees")
    assert (dossier.structure, dossier.campaign, dossier.state) == (
        structure_a,
        campaign,
        S.BROUILLON,
    )

    page = client.get(edit_url(dossier, "donnees"))
    assert "kind" not in page.context["form"].fields  # the structure gives it
    assert {"years", "members_count", "members_etp"} <= set(page.context["form"].fields)
    assert [name for name, _, _ in page.context["sections"]] == ["positions", "expenses"]

    response = client.post(edit_url(dossier, "donnees"), data_post(dossier.version), follow=True)
    dossier.refresh_from_db()
    assert dossier.requested_amount == Decimal("106650.00")
    assert dossier.data["years"] == 4 and dossier.data["positions"][0]["role"] == "chef_equipe"
    text = page_text(response)
    assert "Éligible — 106\xa0650,00 €" in text and "Échéancier" in text
    assert "Données enregistrées" in text
    # The saved data comes back into the form.
    page = client.get(edit_url(dossier, "donnees"))
    assert page.context["form"]["years"].value() == 4
    assert page.context["sections"][0][2].forms[0]["annual_cost"].value() == "35000"

    page = client.get(edit_url(dossier, "depot"))
    assert "Pièces manquantes : Statuts" in page_text(page) and "submit-version" not in page_text(
        page
    )
    for kind in campaign.scheme.required_documents:
        response = upload(client, dossier, kind, pdf_upload(f"{kind}.pdf"))
        assert response.status_code == 302
    assert dossier.documents.count() == len(campaign.scheme.required_documents)
    page = client.get(edit_url(dossier, "pieces"))
    assert "Toutes les pièces demandées sont fournies." in page_text(page)

    page = client.get(edit_url(dossier, "depot"))
    text = page_text(page)
    assert "Pièces manquantes" not in text and 'name="submit-version"' in text
    assert "Chef d'équipe" in text and "106\xa0650,00" in text
    dossier.refresh_from_db()  # each document bumped the version the page now shows
    assert f'name="submit-version" value="{dossier.version}"' in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            transition_url(dossier, "submit"), {"submit-version": dossier.version}
        )
    assert response.url == dossier.get_absolute_url()
    dossier.refresh_from_db()
    assert dossier.state == S.DEPOSE and dossier.submitted_at is not None
    assert any(director_a.email in m.to for m in mail.outbox)

    text = page_text(client.get(MY_DOSSIERS))
    assert dossier.reference in text and "Déposé, en attente d'instruction" in text
    assert client.get(edit_url(dossier, "donnees")).status_code == 403  # no longer editable
    assert "Mes notifications (1" in page_text(client.get(reverse("home")))


def test_request_for_documents_then_resubmit_through_the_views(
    client, draft, director_a, instructeur, django_capture_on_commit_callbacks
):
    complete = draft
    services.dossiers_assign(actor=instructeur, dossiers=[complete], instructor=instructeur)
    complete.refresh_from_db()
    move(complete, director_a, "submit")
    move(complete, instructeur, "start_instruction")
    move(complete, instructeur, "request_documents", comment="Merci de joindre le devis signé.")
    client.force_login(director_a)
    text = page_text(client.get(MY_DOSSIERS))
    assert "Complément demandé : à vous de répondre" in text and "Répondre" in text

    text = page_text(client.get(edit_url(complete, "pieces")))
    assert "Merci de joindre le devis signé." in text
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, complete, "devis", pdf_upload("devis-signe.pdf"))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[instructeur.email]]

    text = page_text(client.get(edit_url(complete, "depot")))
    assert "Renvoyer le dossier complété" in text and 'name="resubmit-version"' in text
    complete.refresh_from_db()
    response = client.post(
        transition_url(complete, "resubmit"), {"resubmit-version": complete.version}
    )
    assert response.status_code == 302
    complete.refresh_from_db()
    assert complete.state == S.EN_INSTRUCTION


def test_withdraw_through_the_views(client, draft, director_a):
    client.force_login(director_a)
    assert "Retirer le dossier" in page_text(client.get(edit_url(draft, "depot")))
    response = client.post(
        transition_url(draft, "withdraw"),
        {"withdraw-version": draft.version, "withdraw-comment": "Projet abandonné."},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == S.RETIRE
    assert "Retiré" in page_text(client.get(MY_DOSSIERS))


def test_submitting_an_incomplete_dossier_is_refused(client, bare_draft, director_a):
    client.force_login(director_a)
    response = client.post(
        transition_url(bare_draft, "submit"), {"submit-version": bare_draft.version}
    )
    assert response.status_code == 400 and "Pièces manquantes" in page_text(response)
    bare_draft.refresh_from_db()
    assert bare_draft.state == S.BROUILLON


# -- The data step -------------------------------------------------------------------------


def test_a_stale_version_keeps_the_users_input(client, draft, director_a):
    client.force_login(director_a)
    seen = draft.version
    services.dossier_save_data(  # someone else saves in between
        actor=director_a, dossier=draft, expected_version=seen, data=CA_DATA, title="Autre"
    )
    response = client.post(
        edit_url(draft, "donnees"), data_post(seen, **{"positions-0-annual_cost": "36000"})
    )
    assert response.status_code == 200
    assert "modifié entre-temps" in page_text(response) and "rechargez" in page_text(response)
    assert response.context["sections"][0][2].forms[0]["annual_cost"].value() == "36000"
    draft.refresh_from_db()
    assert draft.title == "Autre" and draft.data["positions"][0]["annual_cost"] == 35000


def test_add_row_keeps_the_input_and_saves_nothing(client, draft, director_a):
    client.force_login(director_a)
    version = draft.version
    response = client.post(
        edit_url(draft, "donnees"),
        {**data_post(version, **{"positions-0-annual_cost": "1"}), "add_row": "positions"},
    )
    formset = response.context["sections"][0][2]
    assert formset.total_form_count() == 3
    assert formset.forms[0]["annual_cost"].value() == "1"
    assert formset.forms[2]["etp"].value() == "1"  # the default of an empty row
    draft.refresh_from_db()
    assert draft.version == version
    # Saved as it came back, the added row left untouched is ignored, not refused.
    post = {**data_post(version), **management("positions", 3), "positions-2-etp": "1"}
    assert client.post(edit_url(draft, "donnees"), post).status_code == 302
    draft.refresh_from_db()
    assert len(draft.data["positions"]) == 1


def test_a_blanked_saved_row_is_dropped_and_an_amount_can_be_asked(client, draft, director_a):
    client.force_login(director_a)
    page = client.get(edit_url(draft, "donnees"))
    expenses = page.context["sections"][1][2]
    assert expenses.initial_form_count() == 1  # rendered as saved rows
    post = data_post(
        draft.version,
        requested_amount="50000",
        **management("expenses", 1, initial=1),
        **{"expenses-0-category": "", "expenses-0-amount": ""},
    )
    assert client.post(edit_url(draft, "donnees"), post).status_code == 302
    draft.refresh_from_db()
    assert draft.data["expenses"] == [] and draft.requested_amount == Decimal("50000")
    assert draft.computation.total == Decimal("84150.00")  # without the investment
    # An asked amount different from the computed one comes back in the form.
    page = client.get(edit_url(draft, "donnees"))
    assert page.context["head"]["requested_amount"].value() == Decimal("50000")


def test_form_errors_are_french_and_nothing_is_saved(client, draft, director_a):
    client.force_login(director_a)
    version = draft.version
    response = client.post(
        edit_url(draft, "donnees"), data_post(version, years="", **{"positions-0-etp": "1.5"})
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.context["form"].errors["years"]
    draft.refresh_from_db()
    assert draft.version == version


def test_bad_input_from_the_rules_is_a_french_form_error(client, draft, director_a, monkeypatch):
    def refuse(**kwargs):
        raise rules.BadInput("positions[0].etp", "must be greater than 0 and at most 1")

    monkeypatch.setattr(services, "dossier_save_data", refuse)
    client.force_login(director_a)
    response = client.post(edit_url(draft, "donnees"), data_post(draft.version))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Donnée refusée par le calcul : Poste n° 1, etp doit être supérieur à 0 et au plus "
        "égal à 1."
    ]


def test_bad_input_text_reads_every_contract_message_in_french():
    assert (
        bad_input_text(rules.BadInput("years", "must be between 1 and 10"))
        == "Donnée refusée par le calcul : years doit être compris entre 1 et 10."
    )
    assert "n'est pas une valeur connue" in bad_input_text(
        rules.BadInput("expenses[2].category", "unknown value 'x', expected one of a, b")
    )
    assert "Dépense n° 3" in bad_input_text(rules.BadInput("expenses[2].category", "is required"))


# -- Uploads through the real HTTP path ----------------------------------------------------


def file_errors(response):
    return response.context["form"].errors["file"]


def test_a_renamed_executable_is_refused(client, bare_draft, director_a):
    client.force_login(director_a)
    response = upload(client, bare_draft, "rib", pdf_upload("rib.pdf", b"MZ\x90\x00 not a pdf"))
    assert response.status_code == 200
    assert "Seuls les fichiers PDF, JPEG et PNG sont acceptés" in file_errors(response)[0]
    assert not DossierDocument.objects.exists()


def test_an_oversized_file_is_refused(client, bare_draft, director_a):
    client.force_login(director_a)
    big = pdf_upload("gros.pdf", PDF + b"0" * (10 * 1024 * 1024))
    response = upload(client, bare_draft, "rib", big)
    assert file_errors(response) == ["Le fichier dépasse la taille maximale de 10 Mo."]
    assert not DossierDocument.objects.exists()


def test_a_path_in_the_file_name_is_refused(client, bare_draft, director_a):
    client.force_login(director_a)
    body = encode_multipart(BOUNDARY, {"kind": "rib", "file": pdf_upload("rib.pdf")})
    assert b'filename="rib.pdf"' in body
    body = body.replace(b'filename="rib.pdf"', b'filename="../../etc/rib.pdf"')
    response = client.post(
        edit_url(bare_draft, "pieces"),
        data=body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert response.status_code == 200
    assert file_errors(response) == [
        "Le nom du fichier ne doit pas contenir de chemin (/, \\ ou ..)."
    ]
    assert not DossierDocument.objects.exists()


def test_the_kinds_offered_are_the_schemes_then_the_others(client, bare_draft, director_a):
    client.force_login(director_a)
    form = client.get(edit_url(bare_draft, "pieces")).context["form"]
    groups = form.fields["kind"].choices
    assert [code for code, _ in groups[0][1]] == list(bare_draft.scheme.required_documents)
    assert "budget_projet" in [code for code, _ in groups[1][1]]
    assert form["kind"].value() == "statuts"  # the first missing one


def test_document_download(client, draft, director_a, director_b):
    document = services.document_add(
        actor=director_a, dossier=draft, kind="rib", upload=pdf_upload("Mon RIB.pdf")
    )
    url = document.get_absolute_url()
    client.force_login(director_a)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "Mon RIB.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    client.force_login(director_b)
    assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# -- Who may do what -----------------------------------------------------------------------


STEPS = ("donnees", "pieces", "depot")


def test_a_salarie_views_but_does_not_edit(client, bare_draft, structure_a):
    salarie = MembershipFactory(structure=structure_a, role=MembershipRole.SALARIE).user
    client.force_login(salarie)
    assert client.get(bare_draft.get_absolute_url()).status_code == 200
    for step in STEPS:
        assert client.get(edit_url(bare_draft, step)).status_code == 403
    assert (
        client.post(edit_url(bare_draft, "donnees"), data_post(bare_draft.version)).status_code
        == 403
    )
    assert upload(client, bare_draft, "rib", pdf_upload()).status_code == 403
    text = page_text(client.get(MY_DOSSIERS))
    assert bare_draft.reference in text and "Compléter" not in text
    assert client.get(CREATE).status_code == 200  # explained: only directors create
    assert not DossierDocument.objects.exists()


def test_a_foreign_director_gets_404(client, draft, director_b):
    client.force_login(director_b)
    assert client.get(draft.get_absolute_url()).status_code == 404
    for step in STEPS:
        assert client.get(edit_url(draft, step)).status_code == 404
    assert client.post(edit_url(draft, "donnees"), data_post(draft.version)).status_code == 404
    assert draft.reference not in page_text(client.get(MY_DOSSIERS))


@pytest.mark.parametrize("who", ["instructeur", "chef_service", "admin_user"])
def test_staff_cannot_use_the_applicants_pages(client, draft, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(draft.get_absolute_url()).status_code == 200
    for step in STEPS:
        assert client.get(edit_url(draft, step)).status_code == 403
    assert client.post(edit_url(draft, "donnees"), data_post(draft.version)).status_code == 403
    assert client.get(CREATE).status_code == 403


def test_anonymous_is_sent_to_login(client, draft):
    for url in (CREATE, edit_url(draft, "donnees"), MY_DOSSIERS, NOTIFICATIONS):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_creating_for_a_closed_campaign_or_a_foreign_structure_is_refused(
    client, director_a, structure_a, structure_b, campaign
):
    today = timezone.localdate()
    closed = CampaignFactory(
        opens_on=today - datetime.timedelta(days=60), closes_on=today - datetime.timedelta(days=1)
    )
    ei_only = CampaignFactory(scheme=AidScheme.objects.get(code="fc-tremplin-solidarites"))
    client.force_login(director_a)
    offered = client.get(CREATE).context["form"].fields["campaign"].queryset
    assert list(offered) == [campaign]  # not the closed one, not the one for EI only
    for structure, chosen in (
        (structure_a, closed),
        (structure_a, ei_only),
        (structure_b, campaign),
    ):
        response = client.post(
            CREATE, {"structure": structure.siret, "campaign": str(chosen.uuid), "title": "X"}
        )
        assert response.status_code == 200 and response.context["form"].errors
        assert "Sélectionnez un choix valide" in page_text(response)
    assert client.get(CREATE, {"structure": structure_b.siret}).status_code == 404
    assert not Dossier.objects.exists()


def test_create_is_prefilled_from_the_query(client, director_a, structure_a, campaign):
    client.force_login(director_a)
    form = client.get(
        CREATE, {"structure": structure_a.siret, "campagne": str(campaign.uuid)}
    ).context["form"]
    assert form["structure"].value() == structure_a.siret
    assert form["campaign"].value() == str(campaign.uuid)


# -- Lists ---------------------------------------------------------------------------------


def test_my_dossiers_query_count_is_bounded_and_flat(
    client, director_a, structure_a, campaign, django_assert_max_num_queries
):
    other = StructureFactory(name="Chantier C")
    MembershipFactory(structure=other, user=director_a)
    client.force_login(director_a)

    def queries_for(total):
        while Dossier.objects.count() < total:
            structure = (structure_a, other)[Dossier.objects.count() % 2]
            services.dossier_create(actor=director_a, structure=structure, campaign=campaign)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(MY_DOSSIERS)
        assert len(response.context["rows"]) == total
        return len(queries)

    at_5 = queries_for(5)
    assert queries_for(20) == at_5
    with django_assert_max_num_queries(7):
        client.get(MY_DOSSIERS)


def test_notifications_newest_first_marked_read_when_shown(client, draft, director_a, director_b):
    for n in range(25):
        Notification.objects.create(
            user=director_a,
            dossier=draft,
            subject=f"Sujet {n:02d}",
            body="Corps",
            created_at=timezone.now() - datetime.timedelta(minutes=25 - n),
        )
    Notification.objects.create(user=director_b, subject="Pas pour vous", body="")
    client.force_login(director_a)
    assert "Mes notifications (25" in page_text(client.get(reverse("home")))
    response = client.get(NOTIFICATIONS)
    subjects = [n.subject for n in response.context["page"]]
    assert subjects == [f"Sujet {n:02d}" for n in range(24, 4, -1)]
    assert len(response.context["unread"]) == 20
    text = page_text(response)
    assert "Pas pour vous" not in text and "Mes notifications (5" in text
    assert Notification.objects.filter(user=director_a, read_at__isnull=True).count() == 5
    assert client.post(NOTIFICATIONS).status_code == 302
    assert not Notification.objects.filter(user=director_a, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=director_b, read_at__isnull=True).exists()
    assert "Mes notifications (" not in page_text(client.get(reverse("home")))


def test_a_scheme_without_amount_rule_asks_only_the_amount(client, director_a, structure_a):
    campaign = CampaignFactory(scheme=AidScheme.objects.get(code="corse-et-iae"))
    dossier = services.dossier_create(actor=director_a, structure=structure_a, campaign=campaign)
    client.force_login(director_a)
    page = client.get(edit_url(dossier, "donnees"))
    assert page.context["form"].fields == {} and page.context["sections"] == []
    post = {"version": dossier.version, "title": "Outils", "requested_amount": "12000"}
    response = client.post(edit_url(dossier, "donnees"), post, follow=True)
    dossier.refresh_from_db()
    assert dossier.requested_amount == Decimal("12000") and dossier.computation.eligible
    assert "ne fixe pas de montant" in page_text(response)


def test_the_submission_step_says_when_the_campaign_has_closed(client, draft, director_a):
    campaign = draft.campaign
    campaign.closes_on = campaign.opens_on
    campaign.save()
    client.force_login(director_a)
    text = page_text(client.get(edit_url(draft, "depot")))
    assert "L'appel à candidatures n'est pas ouvert" in text
    assert 'name="submit-version"' not in text
