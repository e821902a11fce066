from clauses.enums import ImportKind

from ._import import ClausesImportCommand


class Command(ClausesImportCommand):
    help = (
        "Importe des marchés et leurs lots depuis un CSV (une ligne par lot, format de "
        "clauses.md), mise à jour par référence de marché et de lot. Tout ou rien."
    )
    kind = ImportKind.MARCHES
