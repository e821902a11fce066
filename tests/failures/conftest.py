"""Fixtures of the failure tests (tests/aides' dossier fixtures are reused)."""

from tests.aides.conftest import campaign, commission, draft, draft_voted  # noqa: F401
