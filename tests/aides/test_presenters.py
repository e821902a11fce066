"""French texts of parameters and versions (``aides.presenters``)."""

from aides.presenters import version_changes
from aides.rules import RULES


def test_a_version_lists_only_the_parameters_that_changed():
    spec = RULES["aap_innovation"].PARAMETERS
    older = {"applicant_kinds": ["ACI", "AI", "CREPI", "RESEAU"], "rate": "0.50", "cap": "25000"}
    # The form sends the kinds in its own order and the rate as typed: nothing changed but
    # the cap.
    newer = {"applicant_kinds": ["RESEAU", "CREPI", "AI", "ACI"], "rate": "0.5", "cap": "30000"}
    changes = version_changes(spec, older, newer)
    assert [label for label, _, _ in changes] == ["Plafond (€)"]
    assert version_changes(spec, older, older) == []
