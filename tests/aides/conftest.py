"""Fixtures of a dossier's life, built through the real services."""

import pytest

from tests.aides.dossier_paths import complete_draft
from tests.aides.factories import CampaignFactory, CommissionFactory, move


@pytest.fixture
def campaign():
    return CampaignFactory()


@pytest.fixture
def commission(campaign):
    return CommissionFactory(campaign=campaign)


@pytest.fixture
def draft(campaign, director_a, structure_a):
    return complete_draft(
        director=director_a, structure=structure_a, campaign=campaign, title="Équipe espaces verts"
    )


@pytest.fixture
def draft_voted(draft, director_a, instructeur, chef_service, commission):
    move(draft, director_a, "submit")
    move(draft, instructeur, "start_instruction")
    move(draft, instructeur, "instruct", opinion="favorable")
    move(draft, chef_service, "vote", commission=commission, deliberation_number="CP-2026-118")
    return draft
