"""The structures list (its filters, every page) as CSV or XLSX, through the core's writer
(``iae_portal.exports``). Up to ``IAE_EXPORT_IMMEDIATE_ROWS`` structures the file is the
answer to the request; beyond, it is prepared in the background (``structures.prepared``).
Identity, territory, networks and convention only: never the members."""

from django.utils import timezone

from iae_portal.exports import DATE, TEXT, Column

from .enums import LegalForm, Network, StructureKind

COLUMNS = [
    Column("SIRET", TEXT, 16),
    Column("Raison sociale", TEXT, 40),
    Column("Type", TEXT, 28),
    Column("Forme juridique", TEXT, 20),
    Column("Adresse", TEXT, 36),
    Column("Code postal", TEXT, 10),
    Column("Commune", TEXT, 24),
    Column("Département", TEXT, 24),
    Column("Région", TEXT, 24),
    Column("Réseaux", TEXT, 28),
    Column("Conventionnement en cours", TEXT, 14),
    Column("Modifiée le", DATE, 12),
]
SHEET = "Structures"
KINDS, LEGAL_FORMS, NETWORKS = (
    dict(StructureKind.choices),
    dict(LegalForm.choices),
    dict(Network.choices),
)


def rows(queryset, chunk_size=2000):
    """Plain values of each structure of ``queryset`` (a ``for_list()`` one), in
    ``COLUMNS`` order."""
    for s in queryset.iterator(chunk_size=chunk_size):
        yield [
            s.siret,
            s.name,
            KINDS.get(s.kind, s.kind),
            LEGAL_FORMS.get(s.legal_form, s.legal_form),
            s.address,
            s.postal_code,
            s.city,
            f"{s.department.code} — {s.department.name}",
            s.department.region.name,
            ", ".join(NETWORKS.get(a.network, a.network) for a in s.current_affiliations),
            "Oui" if s.has_active_convention else "Non",
            timezone.localtime(s.updated_at).date(),
        ]


def filename(fmt):
    return f"structures-{timezone.localdate():%Y-%m-%d}.{fmt}"
