from clauses.enums import ImportKind

from ._import import ClausesImportCommand


class Command(ClausesImportCommand):
    help = (
        "Importe les heures d'insertion réalisées depuis un CSV (une ligne par déclaration, "
        "format de clauses.md). Les lots et les SIAE doivent exister. Tout ou rien."
    )
    kind = ImportKind.HEURES
