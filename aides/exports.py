"""Exports of the instruction queue (the filtered dossiers, every page) to CSV and XLSX,
through the core's writer (``iae_portal.exports``: formulas neutralised, French Excel CSV).

Rows are read with ``values_list(...).iterator()``: one query whatever the number of
dossiers, and no model instance per row. Up to ``IAE_EXPORT_IMMEDIATE_ROWS`` dossiers the
file is the answer to the request; beyond, it is prepared in the background
(``aides.prepared``).
"""

from django.utils import timezone

from iae_portal.exports import AMOUNT, DATE, TEXT, Column

from .enums import DossierState
from .filters import QueueFilter
from .perms import visible_dossiers

# French header, kind, width in the spreadsheet.
COLUMNS = [
    Column("Référence", TEXT, 14),
    Column("Intitulé du projet", TEXT, 40),
    Column("Structure", TEXT, 36),
    Column("SIRET", TEXT, 16),
    Column("Type de structure", TEXT, 12),
    Column("Département", TEXT, 12),
    Column("Dispositif", TEXT, 36),
    Column("Appel à candidatures", TEXT, 36),
    Column("État", TEXT, 20),
    Column("Instructeur", TEXT, 28),
    Column("Montant demandé (€)", AMOUNT, 16),
    Column("Montant proposé (€)", AMOUNT, 16),
    Column("Montant voté (€)", AMOUNT, 16),
    Column("Déposé le", DATE, 12),
    Column("Modifié le", DATE, 12),
]
SHEET = "Dossiers"
FIELDS = (
    "reference",
    "title",
    "structure__name",
    "structure__siret",
    "structure__kind",
    "structure__department_id",
    "campaign__scheme__name",
    "campaign__name",
    "state",
    "instructor__first_name",
    "instructor__last_name",
    "instructor__email",
    "requested_amount",
    "proposed_amount",
    "voted_amount",
    "submitted_at",
    "updated_at",
)
STATE_LABELS = dict(DossierState.choices)


def queue_queryset(user, query):
    """The dossiers of the queue ``user`` sees with the filters of ``query`` (a
    ``QueryDict``), every page, in the queue's order: as the queue page lists them."""
    return QueueFilter(query, queryset=visible_dossiers(user).for_queue(), user=user).qs


def _day(moment):
    return timezone.localtime(moment).date() if moment else None


def rows(queryset):
    """Plain values of each dossier, in ``COLUMNS`` order: ``str``, ``Decimal``, ``date``."""
    for row in queryset.values_list(*FIELDS).iterator(chunk_size=2000):
        (reference, title, name, siret, kind, department, scheme, campaign, state) = row[:9]
        first_name, last_name, email, requested, proposed, voted, submitted, updated = row[9:]
        instructor = f"{first_name or ''} {last_name or ''}".strip() or (email or "")
        yield [
            reference,
            title,
            name,
            siret,
            kind,
            department,
            scheme,
            campaign,
            STATE_LABELS.get(state, state),
            instructor,
            requested,
            proposed,
            voted,
            _day(submitted),
            _day(updated),
        ]


def filename(fmt):
    return f"file-instruction-{timezone.localdate():%Y-%m-%d}.{fmt}"
