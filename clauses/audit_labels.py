"""What the journal says of the social clauses' entries (``iae_portal.audit.labels``)."""

from iae_portal.audit.labels import register

from .enums import Clause, ImportKind, MarcheType, PurchaseStatus, Quarter

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

# A buyer's yearly programme of planned purchases (issue 19, part 4).
register(
    actions={
        "clauses.purchase_create": "Achat prévu enregistré",
        "clauses.purchase_update": "Achat prévu modifié",
        "clauses.purchase_notify": "Achat prévu notifié",
        "clauses.purchase_abandon": "Achat prévu abandonné",
    },
    model="clauses.plannedpurchase",
    fields={
        "buyer": "Acheteur",
        "year": "Année du programme",
        "object": "Objet",
        "type": "Type de marché",
        "activity_codes": "Codes NAF",
        "estimated_amount_ht": "Montant estimé HT",
        "launch_quarter": "Trimestre de lancement",
        "clause": "Clause prévue",
        "hours_planned": "Heures prévues",
        "facilitator": "Facilitateur",
        "department": "Département d'exécution",
        "notes": "Remarques",
        "labour_share": "Part de main-d'œuvre",
        "insertion_rate": "Taux d'insertion",
        "hourly_cost": "Coût horaire moyen",
        "status": "État",
        "marche": "Marché notifié",
    },
    values={
        "type": MarcheType.choices,
        "clause": Clause.choices,
        "status": PurchaseStatus.choices,
        "launch_quarter": Quarter.choices,
    },
    numbers=("hours_planned", "estimated_amount_ht"),
)

# Facilitators' partnership agreements and their quarterly reviews (issue 19, part 5).
register(
    actions={
        "clauses.agreement_create": "Convention de partenariat enregistrée",
        "clauses.agreement_update": "Convention de partenariat modifiée",
        "clauses.review_save": "Revue trimestrielle enregistrée",
        "clauses.minutes_remove": "Compte rendu retiré",
    },
    model="clauses.partnershipagreement",
    fields={
        "facilitator": "Facilitateur",
        "buyers": "Acheteurs signataires",
        "quarter": "Trimestre",
        "held_on": "Réunion du",
        "attendees": "Participants",
        "summary": "Relevé de décisions",
        "minutes": "Compte rendu",
    },
    numbers=("hours_objective",),
)
