"""Vocabularies of social utility (docs/utilite-sociale.md): codes exactly as written there."""

from django.db import models


class ReportStatus(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    SOUMIS = "soumis", "Soumis"
    VALIDE = "valide", "Validé"
    A_CORRIGER = "a_corriger", "À corriger"


# A report in these statuses is still awaited from the director (the bilan's « missing »).
AWAITED = frozenset({ReportStatus.BROUILLON, ReportStatus.A_CORRIGER})
