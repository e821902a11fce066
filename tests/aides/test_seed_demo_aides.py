"""The aid part of ``seed_demo``: campaigns, dossiers in every state with consistent amounts,
instalments, documents, and the demo director's dossiers."""

import random
from collections import Counter
from decimal import Decimal
from io import StringIO
from itertools import pairwise

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from aides import demo
from aides.enums import DossierState as S
from aides.models import AidComputation, Campaign, Dossier, DossierDocument, Instalment
from aides.workflow import TRANSITIONS
from iae_portal.audit.models import AuditEntry
from iae_portal.users.enums import REGIONAL_WRITER_ROLES
from iae_portal.users.models import User

pytestmark = pytest.mark.django_db

DECIDED = (S.VOTE, S.NOTIFIE, S.EN_PAIEMENT, S.SOLDE)
COUNTED = (Campaign, Dossier, AidComputation, DossierDocument, Instalment, User)


def seed(**options):
    out = StringIO()
    call_command("seed_demo", structures=60, stdout=out, **options)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def seeded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return seed()


def dossiers():
    return Dossier.objects.select_related(
        "campaign__scheme", "structure", "computation", "commission"
    ).prefetch_related("instalments", "documents")


def test_campaigns_of_a_few_schemes_last_years_closed_this_years_open(seeded):
    today = timezone.localdate()
    campaigns = list(Campaign.objects.select_related("scheme").prefetch_related("commissions"))
    by_scheme = Counter(c.scheme.code for c in campaigns)
    assert len(by_scheme) >= 5 and all(2 <= n <= 3 for n in by_scheme.values())
    for code in by_scheme:
        mine = [c for c in campaigns if c.scheme.code == code]
        assert [c.closes_on.year for c in mine if not c.is_open] == [today.year - 1]
        assert all(c.is_open for c in mine if c.closes_on >= today)
    for campaign in campaigns:
        assert len(campaign.commissions.all()) == 2
        voted = campaign.dossiers.aggregate(total=Sum("voted_amount"))["total"] or 0
        assert campaign.budget_envelope >= max(voted, 100_000)


def test_dossiers_cover_every_state_about_one_per_structure(seeded):
    states = Counter(Dossier.objects.values_list("state", flat=True))
    assert set(states) == set(S.values)
    assert 45 <= sum(states.values()) <= 80
    assert "Dossiers d'aide" in seeded and "Appels à candidatures" in seeded


def test_amounts_follow_the_state_and_the_stored_computation(seeded):
    now = timezone.now()
    for dossier in dossiers():
        scheme, computation = dossier.campaign.scheme, dossier.computation
        assert dossier.structure.kind in scheme.eligible_kinds
        if dossier.submitted_at is not None:
            assert computation is not None and dossier.requested_amount is not None
            assert dossier.created_at <= dossier.submitted_at <= dossier.state_changed_at <= now
            assert dossier.submitted_at.date() <= dossier.campaign.closes_on
        if computation is not None:  # the pure rules, with the version the row names
            assert computation.recompute().to_dict() == computation.result
            if computation.total is not None:
                assert dossier.requested_amount == computation.total
        instructed = dossier.proposed_amount is not None
        assert instructed == (dossier.state in (S.INSTRUIT, S.REFUSE, *DECIDED))
        assert (dossier.voted_amount is not None) == (dossier.state in DECIDED)
        assert (dossier.commission_id is not None) == (dossier.state in (S.REFUSE, *DECIDED))
        if instructed:
            assert dossier.opinion and dossier.proposed_amount <= dossier.requested_amount
            if computation.total is not None and dossier.proposed_amount != computation.total:
                assert dossier.proposed_justification
        if dossier.voted_amount is not None:
            assert dossier.voted_amount <= dossier.proposed_amount
            assert dossier.commission.campaign_id == dossier.campaign_id
            assert dossier.commission.date <= timezone.localdate()


def test_voted_dossiers_have_instalments_summing_to_the_voted_amount(seeded):
    for dossier in dossiers():
        instalments = list(dossier.instalments.all())
        if dossier.state not in DECIDED:
            assert not instalments
            continue
        assert sum(i.amount for i in instalments) == dossier.voted_amount
        paid = [i for i in instalments if i.paid_on]
        assert all(i.payment_reference and i.paid_by_id for i in paid)
        assert all(dossier.commission.date < i.paid_on < timezone.localdate() for i in paid)
        counts = {
            S.VOTE: (0, 0),
            S.NOTIFIE: (0, 0),
            S.EN_PAIEMENT: (1, len(instalments) - 1),
            S.SOLDE: (len(instalments), len(instalments)),
        }
        low, high = counts[dossier.state]
        assert low <= len(paid) <= high, (dossier.reference, dossier.state, instalments)
    assert Instalment.objects.filter(paid_on__isnull=False).exists()


def test_submitted_dossiers_have_their_documents_as_small_pdfs(seeded):
    for dossier in dossiers().exclude(submitted_at=None):
        kinds = {document.kind for document in dossier.documents.all()}
        assert set(dossier.campaign.scheme.required_documents) <= kinds
    document = DossierDocument.objects.first()
    with default_storage.open(document.file.name) as file:
        content = file.read()
    assert content.startswith(b"%PDF-") and len(content) == document.size


def test_most_dossiers_in_instruction_have_an_instructor(seeded):
    in_instruction = Dossier.objects.filter(state__in=(S.EN_INSTRUCTION, S.COMPLEMENT_DEMANDE))
    assigned = in_instruction.exclude(instructor=None)
    assert assigned.count() >= 0.75 * in_instruction.count()
    roles = set(Dossier.objects.exclude(instructor=None).values_list("instructor__role", flat=True))
    assert roles <= REGIONAL_WRITER_ROLES
    assert Dossier.objects.filter(instructor__email="instructeur@demo.iae.fr").exists()
    colleagues = Dossier.objects.exclude(instructor=None).exclude(
        instructor__email="instructeur@demo.iae.fr"
    )
    assert colleagues.exists()


def test_the_demo_director_has_a_draft_and_a_dossier_awaiting_her_documents(seeded):
    director = User.objects.get(email="directeur@demo.iae.fr")
    mine = Dossier.objects.visible_to(director)
    states = set(mine.values_list("state", flat=True))
    assert {S.COMPLEMENT_DEMANDE, S.BROUILLON} <= states and 2 <= mine.count() <= 3
    assert set(mine.values_list("created_by", flat=True)) == {director.pk}
    waiting = mine.get(state=S.COMPLEMENT_DEMANDE)
    assert waiting.instructor.email == "instructeur@demo.iae.fr"
    assert waiting.comments.filter(internal=False, author=waiting.instructor).exists()
    # Every other applying structure has its own director, who created its dossiers.
    others = Dossier.objects.exclude(structure__in=mine.values("structure"))
    assert not others.filter(created_by=director).exists()
    assert all(d.created_by.email.endswith(f"@{demo.APPLICANT_DOMAIN}") for d in others[:20])


def test_every_state_renders_for_the_demo_instructeur(seeded, client):
    client.force_login(User.objects.get(email="instructeur@demo.iae.fr"))
    for state in S.values:
        dossier = Dossier.objects.filter(state=state).first()
        response = client.get(reverse("aides:dossier_detail", args=[dossier.uuid]))
        assert response.status_code == 200, state


def test_a_second_run_creates_nothing(seeded):
    before = counts()
    assert "déjà présentes" in seed()
    assert counts() == before


def test_reset_deletes_the_dossiers_first_and_rebuilds_the_same(seeded, settings):
    settings.DEBUG = True
    before = counts()
    plan = Counter(Dossier.objects.values_list("state", "requested_amount", "voted_amount"))
    seed(reset=True)
    assert counts() == before
    assert Counter(Dossier.objects.values_list("state", "requested_amount", "voted_amount")) == plan


@pytest.mark.parametrize("state", S.values)
def test_each_demo_path_follows_the_workflow(state):
    for seed_value in range(20):
        current = S.BROUILLON
        for name in demo.path(random.Random(seed_value), state):
            assert current in TRANSITIONS[name].sources, (state, name)
            current = TRANSITIONS[name].target
        assert current == state


def test_voted_amount_is_split_like_the_services_do():
    schedule = [{"year": 1, "amount": "55900.00"}, {"year": 2, "amount": "22750.00"}]
    split = demo.split_voted(schedule, Decimal("50000.00"))
    assert [year for year, _ in split] == [1, 2]
    assert sum(amount for _, amount in split) == Decimal("50000.00")
    assert demo.split_voted([], Decimal("1200.00")) == [(1, Decimal("1200.00"))]


def test_demo_dossiers_have_the_history_of_their_path(seeded, client):
    """Each demo dossier's history starts at its creation and ends in its state, each step
    by a person the workflow lets fire it; its page tells it in words."""
    walked = Dossier.objects.exclude(state=S.BROUILLON).select_related("campaign")[:40]
    for dossier in walked:
        entries = list(AuditEntry.objects.filter(object_id=str(dossier.uuid)).order_by("at", "pk"))
        assert entries[0].action == "dossier.create"
        states = [entry.changes["state"] for entry in entries]
        assert all(before[1] == after[0] for before, after in pairwise(states))
        assert states[-1][1] == dossier.state
        assert all(entry.actor is not None for entry in entries)
        assert [entry.at for entry in entries] == sorted(entry.at for entry in entries)
    client.force_login(User.objects.get(email="instructeur@demo.iae.fr"))
    page = client.get(walked[0].get_absolute_url()).content.decode()
    assert "Aucune étape enregistrée" not in page
    assert "Le dossier a été déposé." in page
