"""Where tests read the domain's facts: ``tests/fixtures/``, copies of the shared domain
folder's sample files and aid cases, so a clone alone runs the suite."""

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = FIXTURES / "samples"
