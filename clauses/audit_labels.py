"""What the journal says of the social clauses' entries (``iae_portal.audit.labels``)."""

from iae_portal.audit.labels import register

from .enums import ImportKind

register(
    actions={
        "heures déclarées": "Heures déclarées",
        "clauses.lot_hours": "Heures d'insertion exigées du lot",
        **{
            f"clauses.import_{kind}": f"Import : {label.lower()}"
            for kind, label in ImportKind.choices
        },
    },
    model="clauses.lot",
    fields={"period": "Mois", "lines": "Lignes", "hours": "Heures"},
)
register(
    model="clauses.importrun",
    fields={
        "file": "Fichier",
        "created": "Créés",
        "updated": "Mis à jour",
        "unchanged": "Inchangés",
    },
)
register(
    actions={"clauses.digest": "Récapitulatif mensuel des lots envoyé"},
    model="users.user",
    fields={"month": "Mois", "lots": "Lots"},
    numbers=("lots",),
)
