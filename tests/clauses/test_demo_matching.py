"""The demo of the clauses matching: SIAE with NAF activities, reserved lots offered to the
SIAE, the demo director's structures matching some of them, ranked candidates with their
reasons, and interests the demo facilitator sees; without changing the rest of the demo."""

import io
import random

import pytest
from django.core.management import call_command

from aides.models import Dossier
from clauses import demo as clauses_demo
from clauses import perms
from clauses.enums import Clause
from clauses.models import HoursReport, LotInterest
from clauses.ranking import offered_lots, rank_for
from iae_portal.users.models import User
from structures import demo as structures_demo
from structures import naf
from structures.enums import SIAE_KINDS
from structures.models import Structure, StructureActivity
from utilite.models import SocialReport

pytestmark = pytest.mark.django_db


def seed_demo(**options):
    call_command("seed_demo", structures=20, stdout=io.StringIO(), **options)


def snapshot():
    """What the matching's data must leave as it was: draws of every step after it."""
    return {
        "dossiers": sorted(
            Dossier.objects.values_list("structure__siret", "state", "requested_amount")
        ),
        "hours": sorted(HoursReport.objects.values_list("participant_ref", "period", "hours")),
        "reports": sorted(SocialReport.objects.values_list("structure__siret", "year", "status")),
    }


def matching_data():
    return {
        "activities": sorted(
            StructureActivity.objects.values_list("structure__siret", "naf_code", "is_main")
        ),
        "offered": sorted(
            (lot.marche.ref, lot.ref, lot.clause, tuple(lot.activity_codes))
            for lot in offered_lots()
        ),
        "interests": sorted(
            LotInterest.objects.values_list("lot__marche__ref", "lot__ref", "structure__siret")
        ),
    }


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed_demo()


def test_the_demo_director_sees_offered_lots_and_the_facilitator_an_interest(demo):
    siae = Structure.objects.filter(kind__in=SIAE_KINDS)
    with_codes = siae.filter(activities__is_main=True).distinct()
    assert with_codes.count() >= 0.8 * siae.count()
    assert all(
        naf.get(code) for code in StructureActivity.objects.values_list("naf_code", flat=True)
    )

    director = User.objects.get(email="directeur@demo.iae.fr")
    found = perms.offers_for(director)
    assert found, "the demo director's structures match no offered lot"
    # One of them is left for the director to say « Je suis intéressé ».
    mine = set(LotInterest.objects.filter(user=director).values_list("lot_id", flat=True))
    assert any(lot.pk not in mine for lot, _ in found)

    facilitator = User.objects.get(email=clauses_demo.DEMO_FACILITATOR_EMAIL)
    theirs = LotInterest.objects.filter(
        structure__memberships__user=director, withdrawn_at=None
    ).select_related("lot")
    assert any(perms.can_view_interests(facilitator, i.lot) for i in theirs)


def test_an_offered_reserved_lot_has_ranked_candidates_with_reasons(demo):
    reserved = [lot for lot in offered_lots() if lot.clause == Clause.MARCHE_RESERVE]
    assert reserved
    ranked = rank_for(reserved[0], Structure.objects.filter(kind__in=SIAE_KINDS))
    assert ranked and ranked[0].fit > 0
    assert ranked[0].reasons[0].startswith("Activité : ") and "(identique)" in ranked[0].reasons[0]
    assert [row.position for row in ranked] == list(range(1, len(ranked) + 1))


def test_the_matching_data_is_the_same_after_a_reset_and_changes_nothing_else(
    demo, monkeypatch, settings
):
    first, other = matching_data(), snapshot()
    settings.DEBUG = True
    seed_demo(reset=True)
    assert matching_data() == first and snapshot() == other

    # Without the matching's data, every other step draws the same.
    monkeypatch.setattr(structures_demo, "seed_activities", lambda rng, structures: [])
    monkeypatch.setattr(clauses_demo.demo_matching, "seed", lambda *args, **kwargs: ([], []))
    seed_demo(reset=True)
    assert not StructureActivity.objects.exists() and not LotInterest.objects.exists()
    assert snapshot() == other


def test_the_derived_generator_leaves_the_demo_generator_untouched():
    rng = random.Random(7)
    state = rng.getstate()
    first = structures_demo.derived_rng(rng, "x").random()
    assert rng.getstate() == state
    assert structures_demo.derived_rng(rng, "x").random() == first
    assert structures_demo.derived_rng(rng, "y").random() != first
