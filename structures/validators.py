from django.core.exceptions import ValidationError
from stdnum.fr import siret as stdnum_siret


def normalize_siret(value):
    """Digits only: ``"123 456 789 00012"`` → ``"12345678900012"``."""
    return "".join(ch for ch in str(value or "") if not ch.isspace())


def validate_siret(value):
    """A SIRET is 14 digits whose Luhn checksum holds (python-stdnum handles La Poste)."""
    if len(value) != 14 or not value.isdigit():
        raise ValidationError(
            "Le SIRET doit comporter exactement 14 chiffres.", code="siret_format"
        )
    if not stdnum_siret.is_valid(value):
        raise ValidationError(
            "Ce SIRET n'est pas valide (la clé de contrôle ne correspond pas).",
            code="siret_checksum",
        )


def validate_postal_code(value):
    if len(value) != 5 or not value.isdigit():
        raise ValidationError(
            "Le code postal doit comporter 5 chiffres.", code="postal_code_format"
        )
