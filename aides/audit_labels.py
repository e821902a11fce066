"""What the journal says of the aid schemes', campaigns' and dossiers' entries
(``iae_portal.audit.labels``): action names, and the schemes' parameters, which are no
model field."""

from iae_portal.audit.labels import register

from . import enums
from .rules import RULES, parameter_labels, params
from .workflow import TRANSITIONS

# Codes a parameter may list (criteria, contracts, roles, expense categories…).
CODE_LABELS = {
    code: label
    for choices in (
        enums.Criterion,
        enums.Contract,
        enums.PositionRole,
        enums.PositionFunction,
        enums.ExpenseCategory,
        enums.TrainingType,
        enums.RateMode,
    )
    for code, label in choices.choices
}

register(
    actions={
        "aides.parameters": "Nouveaux paramètres du dispositif",
        "aides.scheme": "Textes du dispositif",
        "aides.scheme_create": "Création du dispositif",
        "aides.batch": "Calcul des montants de l'appel à candidatures",
        "aides.batch_resume": "Reprise d'un traitement interrompu",
        "aides.letters": "Courriers de la commission",
        "aides.letter_settings": "Paramètres des courriers",
        "campaign.create": "Création de l'appel à candidatures",
        "dossier.create": "Création du dossier",
        "dossier.data": "Saisie du dossier",
        "dossier.document": "Pièce justificative déposée",
        "dossier.document_replace": "Pièce justificative remplacée",
        "dossier.document_remove": "Pièce justificative retirée",
        "dossier.payment": "Versement",
        "dossier.assign": "Attribution à un instructeur",
        "dossier.financing_plan": "Plan de financement",
        **{f"dossier.{name}": t.label for name, t in TRANSITIONS.items()},
        "opinion.request": "Avis demandé à un partenaire",
        "opinion.give": "Avis rendu par le partenaire",
        "opinion.withdraw": "Demande d'avis retirée",
        "opinion.remind": "Rappel envoyé au partenaire",
    },
)
# A request's entries (``services.opinions``): keys that are no field of the model.
register(
    model="aides.opinionrequest",
    fields={
        "partner": "Partenaire",
        "text": "Avis",
        "position": "Position",
        "attachments": "Pièces jointes",
        "dossier": "Dossier",
    },
    values={"position": enums.PartnerPosition.choices},
)
# A parameter's label is its rule kind's (the most general where kinds share a name).
register(
    model="aides.aidscheme",
    fields=parameter_labels(),
    values={
        p.name: {code: CODE_LABELS[code] for code in p.choices if code in CODE_LABELS}
        for rule in RULES.values()
        for p in rule.PARAMETERS
        if p.choices
    }
    | {"required_documents": enums.DocumentKind.choices},  # a JSON list, no field choices
    numbers={
        p.name
        for rule in RULES.values()
        for p in rule.PARAMETERS
        if p.kind in (params.RATE, params.RATES, params.AMOUNT, params.AMOUNTS, params.NUMBER)
    },
)
register(
    model="aides.campaign",
    fields={"commissions": "Dates des commissions", "scheme": "Dispositif"},
)
register(
    model="aides.dossier",
    fields={
        "computed_total": "Montant calculé (€)",
        "document": "Pièce",
        "batch": "Traitement",
        "version": "Version des paramètres",
        "financing_total_cost": "Coût total du projet (€)",
        "financing_lines": "Financements (hors Région)",
    },
    numbers={"financing_total_cost"},
)
