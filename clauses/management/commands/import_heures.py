from clauses.import_heures import import_heures

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe les heures d'insertion réalisées depuis un CSV (une ligne par déclaration, "
        "format de clauses.md). Les lots et les SIAE doivent exister. Tout ou rien."
    )
    importer = staticmethod(import_heures)
