"""Financing plans (issue 17, part 2): the model's figures at their boundaries (the sum
equal to the cost, the public rate at the cap and a cent over), the save service, the
instruction's opinion refused over a blocking cap, the scheme's cap parameter."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from aides import services
from aides.enums import DocumentKind, FunderKind, FundingStatus
from aides.models import DossierDocument, FinancingPlan, FundingLine
from aides.services import financing, financing_checks
from aides.services.financing import LineInput
from iae_portal.audit.models import AuditEntry
from tests.aides.factories import move, pdf_upload

pytestmark = pytest.mark.django_db

D = Decimal


def make_plan(dossier, cost, *lines):
    """A plan written directly (the figures' tests need no service)."""
    plan = FinancingPlan.objects.create(dossier=dossier, total_cost=D(cost))
    for position, (funder, amount, status) in enumerate(lines):
        FundingLine.objects.create(
            plan=plan, funder=funder, amount=D(amount), status=status, position=position
        )
    return FinancingPlan.objects.get(pk=plan.pk)


def set_region(dossier, amount):
    """The region's part the plan reads: the proposed amount (before the vote)."""
    type(dossier).objects.filter(pk=dossier.pk).update(proposed_amount=D(amount))
    dossier.refresh_from_db()


DEMANDE, ACCORDE, REFUSE = FundingStatus.DEMANDE, FundingStatus.ACCORDE, FundingStatus.REFUSE


# -- The model's figures ------------------------------------------------------------------


def test_the_sum_equal_to_the_cost_is_balanced_and_a_cent_off_is_not(draft):
    set_region(draft, "30000.00")
    plan = make_plan(
        draft,
        "100000.00",
        (FunderKind.DEPARTEMENT, "50000.00", ACCORDE),
        (FunderKind.FONDS_PROPRES, "20000.00", DEMANDE),
    )
    assert plan.total_funding() == D("100000.00")
    assert plan.gap() == 0 and plan.is_balanced()
    assert financing_checks.balance_message(plan) is None

    FundingLine.objects.filter(plan=plan, funder=FunderKind.FONDS_PROPRES).update(
        amount=D("19999.99")
    )
    plan = FinancingPlan.objects.get(pk=plan.pk)
    assert plan.gap() == D("0.01") and not plan.is_balanced()
    assert financing_checks.balance_message(plan).startswith("Il manque 0,01\u00a0€")

    FundingLine.objects.filter(plan=plan, funder=FunderKind.FONDS_PROPRES).update(
        amount=D("20000.01")
    )
    plan = FinancingPlan.objects.get(pk=plan.pk)
    assert plan.gap() == D("-0.01")
    assert financing_checks.balance_message(plan).startswith(
        "Les financements dépassent le coût du projet de 0,01\u00a0€"
    )


def test_refused_lines_do_not_count(draft):
    set_region(draft, "10000.00")
    plan = make_plan(
        draft,
        "30000.00",
        (FunderKind.FSE, "20000.00", REFUSE),
        (FunderKind.FONDATION, "20000.00", DEMANDE),
    )
    assert plan.other_funding() == D("20000.00")
    assert plan.public_funding() == D("10000.00")  # the FSE refused: only the region
    assert plan.is_balanced()


def test_the_public_cap_exactly_met_passes_and_a_cent_over_does_not(draft):
    scheme = draft.campaign.scheme
    scheme.public_funding_cap = D("80")
    set_region(draft, "40000.00")
    plan = make_plan(
        draft,
        "100000.00",
        (FunderKind.ETAT_AIDE_POSTE, "40000.00", ACCORDE),
        (FunderKind.FRANCE_ACTIVE, "20000.00", ACCORDE),  # a lender: private
    )
    assert plan.public_funding() == D("80000.00")
    assert plan.public_rate() == D("80")
    assert not plan.exceeds_public_cap(scheme.public_funding_cap)
    assert financing_checks.cap_message(plan, scheme) is None

    FundingLine.objects.filter(plan=plan, funder=FunderKind.ETAT_AIDE_POSTE).update(
        amount=D("40000.01")
    )
    plan = FinancingPlan.objects.get(pk=plan.pk)
    assert plan.exceeds_public_cap(scheme.public_funding_cap)
    message = financing_checks.cap_message(plan, scheme)
    # Rounded, the rate would read 80 %: the sentence says it is over.
    assert "représentent plus de 80\u00a0% du coût, au-delà du plafond de 80\u00a0%" in message
    assert "80\u00a0000,01\u00a0€ de financements publics" in message


def test_the_cap_message_gives_the_rate_in_french(draft):
    scheme = draft.campaign.scheme
    scheme.public_funding_cap = D("80")
    set_region(draft, "50000.00")
    plan = make_plan(draft, "100000.00", (FunderKind.DEPARTEMENT, "33500.00", DEMANDE))
    assert financing_checks.cap_message(plan, scheme).startswith(
        "Les financements publics représentent 83,5\u00a0% du coût, au-delà du plafond de "
        "80\u00a0% fixé par le dispositif"
    )
    scheme.public_funding_cap = None
    assert financing_checks.cap_message(plan, scheme) is None
    assert financing_checks.plan_checks(plan, scheme) == [financing_checks.balance_message(plan)]


def test_a_plan_without_cost_is_said_over_the_cap_without_a_rate(draft):
    scheme = draft.campaign.scheme
    scheme.public_funding_cap = D("80")
    set_region(draft, "100.00")
    plan = make_plan(draft, "0.00")
    assert plan.public_rate() is None
    assert "le coût du projet déclaré est nul" in financing_checks.cap_message(plan, scheme)


# -- The service ----------------------------------------------------------------------------


def lines_of(*rows):
    return [LineInput(funder=f, amount=D(a), status=s) for f, a, s in rows]


def test_saving_replaces_the_lines_and_journals_before_and_after(draft, director_a):
    plan = financing.financing_plan_save(
        actor=director_a,
        dossier=draft,
        total_cost=D("120000.00"),
        lines=lines_of((FunderKind.DEPARTEMENT, "30000.00", DEMANDE)),
    )
    first_update, version = plan.updated_at, draft.version
    assert plan.updated_by == director_a
    entry = AuditEntry.objects.filter(action="dossier.financing_plan").get()
    assert entry.changes["financing_total_cost"] == [None, "120000.00"]
    assert entry.changes["financing_lines"][1] == ["Département : 30\u00a0000,00\u00a0€, demandé"]

    plan = financing.financing_plan_save(
        actor=director_a,
        dossier=draft,
        total_cost=D("120000.00"),
        lines=lines_of(
            (FunderKind.FSE, "25000.00", ACCORDE), (FunderKind.FONDS_PROPRES, "5000.00", DEMANDE)
        ),
        seen=first_update,
    )
    assert [(line.funder, line.amount) for line in plan.lines.all()] == [
        (FunderKind.FSE, D("25000.00")),
        (FunderKind.FONDS_PROPRES, D("5000.00")),
    ]
    assert FundingLine.objects.filter(plan=plan).count() == 2
    assert plan.updated_at > first_update
    draft.refresh_from_db()
    assert draft.version > version  # forms opened before are stale, as for a document
    second = AuditEntry.objects.filter(action="dossier.financing_plan").latest("pk")
    assert "financing_total_cost" not in second.changes  # unchanged
    assert second.changes["financing_lines"] == [
        ["Département : 30\u00a0000,00\u00a0€, demandé"],
        [
            "Fonds social européen (FSE+) : 25\u00a0000,00\u00a0€, accordé",
            "Fonds propres : 5\u00a0000,00\u00a0€, demandé",
        ],
    ]


def test_a_stale_page_cannot_overwrite_a_newer_plan(draft, director_a):
    save = financing.financing_plan_save
    save(actor=director_a, dossier=draft, total_cost=D("1000"), lines=[])
    with pytest.raises(financing.PlanChanged):
        save(actor=director_a, dossier=draft, total_cost=D("2000"), lines=[], seen=None)
    assert FinancingPlan.objects.get(dossier=draft).total_cost == D("1000.00")


def test_a_line_document_is_uploaded_through_the_documents_service_or_chosen(
    draft, director_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = LineInput(
        funder=FunderKind.DEPARTEMENT,
        amount=D("1000"),
        upload=pdf_upload("accord-departement.pdf"),
    )
    plan = financing.financing_plan_save(
        actor=director_a, dossier=draft, total_cost=D("1000"), lines=[upload]
    )
    document = plan.lines.get().document
    assert document.kind == DocumentKind.JUSTIFICATIF_COFINANCEMENT
    assert document.original_name == "accord-departement.pdf"
    assert AuditEntry.objects.filter(action="dossier.document").count() >= 1

    chosen = LineInput(funder=FunderKind.FSE, amount=D("10"), document=document)
    plan = financing.financing_plan_save(
        actor=director_a, dossier=draft, total_cost=D("1000"), lines=[chosen], seen=plan.updated_at
    )
    assert plan.lines.get().document == document


def test_a_refused_upload_names_its_line_and_writes_nothing(draft, director_a):
    bad = LineInput(
        funder=FunderKind.FSE,
        amount=D("10"),
        upload=pdf_upload("faux.pdf", content=b"MZ not a pdf at all"),
    )
    ok = LineInput(funder=FunderKind.DEPARTEMENT, amount=D("10"))
    with pytest.raises(ValidationError) as error:
        financing.financing_plan_save(
            actor=director_a, dossier=draft, total_cost=D("1000"), lines=[ok, bad]
        )
    assert error.value.line_index == 1
    assert not FinancingPlan.objects.filter(dossier=draft).exists()


def test_a_document_no_longer_current_cannot_be_chosen(draft, director_a):
    document = draft.documents.first()
    DossierDocument.objects.filter(pk=document.pk).update(
        removed_at=draft.created_at, removed_by=director_a
    )
    line = LineInput(funder=FunderKind.FSE, amount=D("10"), document=document)
    with pytest.raises(services.TransitionRefused):
        financing.financing_plan_save(
            actor=director_a, dossier=draft, total_cost=D("10"), lines=[line]
        )


def test_only_the_applicant_saves_and_only_while_the_dossier_is_editable(
    draft, director_a, director_b, instructeur
):
    save = financing.financing_plan_save
    for actor in (director_b, instructeur):
        with pytest.raises(PermissionDenied):
            save(actor=actor, dossier=draft, total_cost=D("10"), lines=[])
    move(draft, director_a, "submit")
    with pytest.raises(PermissionDenied):
        save(actor=director_a, dossier=draft, total_cost=D("10"), lines=[])
    move(draft, instructeur, "start_instruction")
    move(draft, instructeur, "request_documents", comment="Le plan de financement, SVP.")
    plan = save(actor=director_a, dossier=draft, total_cost=D("10"), lines=[])
    assert plan.total_cost == D("10.00")


# -- The instruction's opinion --------------------------------------------------------------


def instructed_plan(draft, director_a, instructeur, *, state_amount):
    """A draft with a 100 000 € plan: 40 000 € from the region (proposed), ``state_amount``
    from the State, the rest own funds; submitted and in instruction."""
    financing.financing_plan_save(
        actor=director_a,
        dossier=draft,
        total_cost=D("100000.00"),
        lines=lines_of(
            (FunderKind.ETAT_AIDE_POSTE, state_amount, ACCORDE),
            (FunderKind.FONDS_PROPRES, "20000.00", ACCORDE),
        ),
    )
    move(draft, director_a, "submit")
    move(draft, instructeur, "start_instruction")
    return draft


def instruct(draft, instructeur, opinion="favorable"):
    return move(
        draft,
        instructeur,
        "instruct",
        opinion=opinion,
        proposed_amount=D("40000.00"),
        justification="Plafonné au plan de financement.",
    )


@pytest.fixture
def capped(draft):
    scheme = draft.campaign.scheme
    scheme.public_funding_cap = D("80")
    scheme.public_cap_blocking = True
    scheme.save()
    return scheme


def test_a_blocking_cap_exactly_met_lets_a_favourable_opinion_through(
    draft, director_a, instructeur, capped
):
    instructed_plan(draft, director_a, instructeur, state_amount="40000.00")
    assert instruct(draft, instructeur).state == "instruit"


@pytest.mark.parametrize("opinion", ["favorable", "favorable_reserves"])
def test_a_blocking_cap_exceeded_by_a_cent_refuses_a_favourable_opinion(
    draft, director_a, instructeur, capped, opinion
):
    instructed_plan(draft, director_a, instructeur, state_amount="40000.01")
    with pytest.raises(services.TransitionRefused) as refused:
        instruct(draft, instructeur, opinion)
    assert str(refused.value).startswith("Avis favorable impossible : Les financements publics")
    assert "réduisez le montant proposé" in str(refused.value)
    draft.refresh_from_db()
    assert draft.state == "en_instruction" and draft.proposed_amount is None


def test_an_unfavourable_opinion_and_a_non_blocking_cap_go_through(
    draft, director_a, instructeur, capped
):
    instructed_plan(draft, director_a, instructeur, state_amount="40000.01")
    assert instruct(draft, instructeur, "defavorable").state == "instruit"


def test_a_non_blocking_cap_only_warns_the_instructeur(draft, director_a, instructeur, capped):
    capped.public_cap_blocking = False
    capped.save()
    instructed_plan(draft, director_a, instructeur, state_amount="40000.01")
    warnings = financing_checks.instruction_warnings(draft)
    assert any("Le plafond n'est pas bloquant pour ce dispositif" in w for w in warnings)
    assert instruct(draft, instructeur).state == "instruit"


def test_the_proposed_amount_is_the_region_part_the_cap_reads(
    draft, director_a, instructeur, capped
):
    """The computed amount alone would pass; the amount proposed in the opinion is what the
    plan reads."""
    instructed_plan(draft, director_a, instructeur, state_amount="40000.00")
    with pytest.raises(services.TransitionRefused):
        move(
            draft,
            instructeur,
            "instruct",
            opinion="favorable",
            proposed_amount=D("40000.01"),
            justification="Un centime de plus.",
        )


def test_an_unbalanced_plan_warns_the_instructeur_without_blocking(draft, director_a, instructeur):
    financing.financing_plan_save(
        actor=director_a,
        dossier=draft,
        total_cost=D("500000.00"),  # the region's computed 106 650 € and 1 000 €
        lines=lines_of((FunderKind.FONDATION, "1000.00", DEMANDE)),
    )
    move(draft, director_a, "submit")
    move(draft, instructeur, "start_instruction")
    warnings = financing_checks.instruction_warnings(draft)
    assert warnings[0].startswith("Plan de financement déséquilibré : Il manque ")
    assert instruct(draft, instructeur).state == "instruit"


def test_no_plan_is_said_and_blocks_nothing(draft, director_a, instructeur, capped):
    move(draft, director_a, "submit")
    move(draft, instructeur, "start_instruction")
    assert financing_checks.instruction_warnings(draft) == [
        "Le porteur n'a pas déclaré de plan de financement."
    ]
    assert instruct(draft, instructeur).state == "instruit"
