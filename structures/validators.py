from django.core.exceptions import ValidationError
from stdnum import luhn

# La Poste's establishments share one SIREN; their SIRETs follow a digit-sum rule instead.
LA_POSTE_SIREN = "356000000"


def normalize_siret(value):
    """Digits only: ``"123 456 789 00012"`` → ``"12345678900012"``."""
    return "".join(ch for ch in str(value or "") if not ch.isspace())


def siret_checksum_holds(value):
    if value.startswith(LA_POSTE_SIREN):
        return sum(int(digit) for digit in value) % 5 == 0
    return luhn.is_valid(value)


def validate_siret(value):
    """A SIRET is 14 digits, Luhn-valid over the 14 (structures.md); the SIREN is the first 9.

    Only the 14-digit key is checked, as the contract says: INSEE's SIRETs also carry a
    Luhn-valid SIREN, but files from partners are not held to more than the contract."""
    if len(value) != 14 or not value.isdigit():
        raise ValidationError(
            "Le SIRET doit comporter exactement 14 chiffres.", code="siret_format"
        )
    if not siret_checksum_holds(value):
        raise ValidationError(
            "Ce SIRET n'est pas valide (la clé de contrôle ne correspond pas).",
            code="siret_checksum",
        )


def validate_postal_code(value):
    if len(value) != 5 or not value.isdigit():
        raise ValidationError(
            "Le code postal doit comporter 5 chiffres.", code="postal_code_format"
        )
