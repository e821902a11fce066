"""The contract's facts (tests/fixtures/utilite_contract.json) and helpers the tests share."""

import json
from pathlib import Path

CONTRACT = json.loads(
    (Path(__file__).resolve().parent.parent / "fixtures" / "utilite_contract.json").read_text(
        encoding="utf-8"
    )
)
EXAMPLE = CONTRACT["worked_example"]
