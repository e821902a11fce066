"""What the batches of computations and of letters share: how long a runner holds a batch
(``lease_length``) and a commission's dossiers that get letters (``voted_dossiers``)."""

import datetime

from django.conf import settings

from ..models import Dossier
from ..workflow import LETTER_STATES


def lease_length():
    """How long a runner holds a batch without renewing (``IAE_BATCH_LEASE`` seconds)."""
    return datetime.timedelta(seconds=settings.IAE_BATCH_LEASE)


def voted_dossiers(commission):
    """The dossiers of ``commission`` whose letters a batch renders."""
    return Dossier.objects.filter(commission=commission, state__in=LETTER_STATES)
