"""Plain French for the rule modules' codes (reasons and exclusions), shown to applicants."""

import re

REASONS = {
    "applicant_kind": "Ce type de structure ne peut pas bénéficier de ce dispositif.",
    "nothing_to_fund": "Aucun poste ni aucune dépense finançable n'est indiqué : il n'y a rien à financer.",
    "no_eligible_hire": "Aucune embauche ne remplit les conditions du dispositif.",
    "not_environment_sector": "Les postes doivent relever du secteur de l'environnement.",
    "not_grouped_structures": "Le poste doit être porté pour un groupe de structures (groupe ensemblier ou collectif de SIAE proches).",
    "no_beneficiary_contribution": "Les structures bénéficiaires doivent apporter une contribution financière explicite.",
    "not_new_function": "La fonction financée doit être nouvelle.",
    "too_few_insertion_employees": "L'action ne compte pas assez de salariés en insertion.",
    "young_share_too_low": "La part de jeunes de moins de 26 ans dans l'ACI est insuffisante.",
    "not_enterprise_like": "Le travail doit être organisé au plus près de celui d'une entreprise.",
    "no_complementarity": "L'action doit être complémentaire des outils présents sur le territoire.",
    "no_full_time_leader": "Il faut un chef d'équipe à temps plein (le premier poste de chef d'équipe indiqué, à 1 ETP).",
    "team_too_small": "L'équipe est trop petite : il faut au moins 4 ETP, ou 8 salariés à mi-temps, ou 6 contrats aidés.",
    "no_cofinancing": "Le projet doit être cofinancé par d'autres financeurs publics et privés.",
    "network_needs_several_structures": "Un réseau n'est éligible que pour une expérimentation menée par plusieurs structures dans plusieurs départements.",
}  # fmt: skip

EXCLUSIONS = {
    "not_funded_by_scheme": "ce dispositif ne finance pas ce type de ligne",
    "role_not_funded": "ce type de poste n'est pas financé par le dispositif",
    "post_not_funded": "seul le premier poste de chef d'équipe est financé",
    "expense_not_funded": "cette catégorie de dépense n'est pas financée par le dispositif",
    "contract_not_eligible": "ce type de contrat n'est pas éligible",
    "contract_too_short": "le CDD doit durer au moins 6 mois",
    "rsa_socle": "les postes occupés par un bénéficiaire du RSA socle sont exclus",
    "etp_limit_reached": "le nombre maximal d'ETP aidés est atteint",
    "post_limit_reached": "le nombre maximal de postes aidés est atteint",
    "function_not_eligible": "cette fonction n'est pas éligible",
    "etp_below_minimum": "le poste doit être au moins à mi-temps",
    "training_not_requested_at_hiring": "la formation doit être demandée à l'embauche",
    "training_by_employer": "la formation ne doit pas être dispensée par l'employeur",
    "training_type_not_eligible": "ce type de formation n'est pas éligible",
    "age_unknown": "l'âge de la personne n'est pas indiqué",
    "age_out_of_range": "la personne doit avoir entre 16 et 26 ans",
    "holder_qualified": "la personne ne doit avoir ni diplôme ni qualification",
    "not_qpv_or_zrr": "la personne doit habiter un quartier prioritaire ou une zone rurale",
    "project_holder_feasibility_only": "un porteur de projet ne peut demander que des études de faisabilité",
    "geiq_only": "le démarrage est réservé aux GEIQ",
    "real_estate_aci_only": "l'immobilier n'est financé que pour les ACI",
    "cap_reached": "le plafond de l'aide est déjà atteint par les lignes précédentes",
}

SECTIONS = {"positions": "Poste", "expenses": "Dépense", "trainings": "Formation"}


def reason_text(code):
    return REASONS.get(code, code)


def exclusion_text(code):
    return EXCLUSIONS.get(code, code)


def ref_text(ref):
    """``positions[2]`` → ``Poste n° 3``."""
    match = re.fullmatch(r"(\w+)\[(\d+)\]", ref or "")
    if match and match.group(1) in SECTIONS:
        return f"{SECTIONS[match.group(1)]} n° {int(match.group(2)) + 1}"
    return ref


# The rules' bad-input messages (English, for the simulate contract's CLI) in French.
BAD_INPUT = (
    (r"is required", "est obligatoire"),
    (r"must be greater than 0 and at most 1", "doit être supérieur à 0 et au plus égal à 1"),
    (r"must be between (\d+) and (\d+)", r"doit être compris entre \1 et \2"),
    (r"must not be negative", "ne doit pas être négatif"),
    (r"a whole number is expected", "doit être un nombre entier"),
    (r"a (finite )?number is expected", "doit être un nombre"),
    (r"true or false is expected", "doit être oui ou non"),
    (r"is a share between 0 and 1", "doit être une part comprise entre 0 et 100 %"),
    (r"unknown value .*", "n'est pas une valeur connue"),
)


def bad_input_text(error):
    """A ``rules.BadInput`` in French: where (``Poste n° 1, etp``) and what is wrong."""
    where = re.sub(r"^(\w+\[\d+\])", lambda match: ref_text(match.group(1)), error.field)
    what = next(
        (
            re.sub(pattern, french, error.message)
            for pattern, french in BAD_INPUT
            if re.fullmatch(pattern, error.message)
        ),
        "n'est pas accepté",
    )
    return f"Donnée refusée par le calcul : {where.replace('.', ', ')} {what}."
