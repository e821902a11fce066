"""What the journal says of the social clauses' entries (``iae_portal.audit.labels``)."""

from iae_portal.audit.labels import register

from .enums import ImportKind

register(
    actions={
        "heures déclarées": "Heures déclarées",
        "clauses.lot_hours": "Heures d'insertion exigées du lot",
        "clauses.lot_codes": "Codes NAF du lot",
        "clauses.shortlist_add": "Présélection : structure ajoutée",
        "clauses.shortlist_remove": "Présélection : structure retirée",
        "clauses.interest": "Structure intéressée",
        "clauses.interest_withdrawn": "Intérêt retiré",
        **{
            f"clauses.import_{kind}": f"Import : {label.lower()}"
            for kind, label in ImportKind.choices
        },
    },
    model="clauses.lot",
    fields={
        "period": "Mois",
        "lines": "Lignes",
        "hours": "Heures",
        "activity_codes": "Codes NAF",
        "structure": "Structure",
    },
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

register(
    actions={"clauses.offer_subscription": "E-mail des lots à saisir"},
    model="clauses.offersubscription",
    fields={"enabled": "Activé"},
)
