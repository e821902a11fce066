import pytest

from aides import services

# The clamd fixtures (a fake one; the real one when it runs) for the antivirus tests.
from tests.clamd import fake_clamd, real_clamd  # noqa: F401


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    """Uploaded files under the test's own folder."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def upload_dossier(director_a, structure_a):
    """A draft of structure A's director, to upload documents to."""
    from tests.aides.factories import CampaignFactory

    return services.dossier_create(
        actor=director_a, structure=structure_a, campaign=CampaignFactory(), title="Équipe"
    )
