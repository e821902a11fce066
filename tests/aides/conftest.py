"""Fixtures of a dossier's life, built through the real services."""

import pytest

from aides import services
from tests.aides.factories import CA_DATA, CampaignFactory, CommissionFactory, move, pdf_upload


@pytest.fixture
def campaign():
    return CampaignFactory()


@pytest.fixture
def commission(campaign):
    return CommissionFactory(campaign=campaign)


@pytest.fixture
def draft(campaign, director_a, structure_a):
    dossier = services.dossier_create(
        actor=director_a, structure=structure_a, campaign=campaign, title="Équipe espaces verts"
    )
    services.dossier_save_data(
        actor=director_a, dossier=dossier, expected_version=dossier.version, data=CA_DATA
    )
    for kind in campaign.scheme.required_documents:
        services.document_add(
            actor=director_a, dossier=dossier, kind=kind, upload=pdf_upload(f"{kind}.pdf")
        )
    return dossier


@pytest.fixture
def draft_voted(draft, director_a, instructeur, chef_service, commission):
    move(draft, director_a, "submit")
    move(draft, instructeur, "start_instruction")
    move(draft, instructeur, "instruct", opinion="favorable")
    move(draft, chef_service, "vote", commission=commission, deliberation_number="CP-2026-118")
    return draft
