"""The simulate contract over many cases: schemes and parameters read once, then pure rules.

Used by ``simulate_aid`` and the API so both answer exactly alike.
"""

from . import rules
from .models import AidScheme


class SchemeBook:
    """Every scheme's rule kind and current typed parameters, loaded in two queries."""

    def __init__(self, schemes=None):
        schemes = schemes if schemes is not None else AidScheme.objects.with_current_version()
        self.entries = {scheme.code: (scheme.rule_kind, scheme.parameters()) for scheme in schemes}

    def simulate(self, data, *, field_prefix=""):
        """One case (the contract's input) → the contract's output dict.

        Raises ``rules.BadInput`` whose field is prefixed with ``field_prefix``."""
        try:
            case = rules.parse_case(data, schemes=self.entries)
        except rules.BadInput as error:
            raise rules.BadInput(f"{field_prefix}{error.field}", error.message) from None
        rule_kind, parameters = self.entries[case.scheme]
        return rules.evaluate(rule_kind, case, parameters).to_dict()

    def simulate_many(self, data):
        """A case or a list of cases, answered in the same shape and order."""
        if isinstance(data, list):
            return [self.simulate(item, field_prefix=f"[{i}].") for i, item in enumerate(data)]
        return self.simulate(data)
