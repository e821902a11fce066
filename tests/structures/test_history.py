"""The structure page's history reads in French for staff: the action's label, the author's
name, the field's label and choice labels, never the recorded codes (issue 14, item 6)."""

import pytest

from structures import services

pytestmark = pytest.mark.django_db


def test_history_shows_labels_not_codes(client, instructeur, structure_a):
    services.structure_update(
        actor=instructeur,
        structure=structure_a,
        data={"name": "Chantier Renouveau", "legal_form": "scic"},
        reason="fusion",
    )
    client.force_login(instructeur)
    page = client.get(structure_a.get_absolute_url()).content.decode()
    history = page[page.index('id="history-title"') :]
    assert "structure.update" not in history
    assert "legal_form" not in history and "<code>name</code>" not in history
    assert instructeur.get_full_name() in history
    assert "Chantier Renouveau" in history and "fusion" in history
    assert "SCIC" in history  # the legal form's label, not its code
