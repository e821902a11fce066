"""Dossiers for the batch tests: eleven drafts whose amounts differ."""

from aides import services
from tests.aides.factories import CA_DATA
from tests.structures.factories import MembershipFactory, StructureFactory


def eleven_drafts(campaign):
    """Eleven drafts with different teams, one per structure, each with its own data."""
    made = []
    for n in range(11):
        structure = StructureFactory(kind="ACI" if n % 2 else "EI")
        director = MembershipFactory(structure=structure).user
        dossier = services.dossier_create(actor=director, structure=structure, campaign=campaign)
        data = {**CA_DATA, "team": {"members_count": 4 + n, "members_etp": 4}, "years": 1 + n % 4}
        made.append(
            services.dossier_save_data(
                actor=director, dossier=dossier, expected_version=dossier.version, data=data
            )
        )
    return made
