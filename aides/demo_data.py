"""Tables and input generators of the aides demo (see ``aides.demo``)."""

import datetime
from decimal import Decimal

from .enums import DossierState as S

DAY = datetime.timedelta(days=1)
PDF_DIR = "demo/pieces"
CENT = Decimal("0.01")
APPLICANT_DOMAIN = "siae.demo.iae.fr"  # director accounts of the applying structures
COLLEAGUES = (
    ("amandine.petitjean@demo.iae.fr", "Amandine", "Petitjean"),
    ("olivier.kieffer@demo.iae.fr", "Olivier", "Kieffer"),
    ("lea.gerard@demo.iae.fr", "Léa", "Gérard"),
)
FIRST_NAMES = (
    "Anne", "Bruno", "Camille", "Céline", "Christophe", "David", "Élodie", "Emmanuel", "Fabienne",
    "Florian", "Hélène", "Isabelle", "Jérôme", "Laurence", "Marc", "Martine", "Mathieu", "Nadia",
    "Nicolas", "Pascal", "Patricia", "Philippe", "Rachid", "Sandrine", "Sébastien", "Sylvie",
    "Thierry", "Valérie", "Vincent", "Yasmina",
)  # fmt: skip
LAST_NAMES = (
    "Bauer", "Becker", "Collin", "Didier", "Fischer", "François", "Gaspard", "Guerin", "Hoffmann",
    "Jacquot", "Keller", "Lambert", "Laurent", "Lefèvre", "Marchand", "Mathieu", "Meyer", "Michel",
    "Nicolas", "Perrin", "Remy", "Richard", "Roth", "Schneider", "Simon", "Thomas", "Vautrin",
    "Wagner", "Weiss", "Zimmermann",
)  # fmt: skip
# code: (weight, project titles); the last year's call is closed, this year's are open.
SCHEMES = {
    "ca-equipes-insertion": (25, ("Équipe espaces verts", "Équipe bâtiment second œuvre", "Équipe maraîchage biologique", "Équipe entretien des berges")),
    "pc-emplois-tremplin-environnement": (15, ("Entretien des rivières et zones humides", "Réemploi des encombrants", "Gestion des espaces naturels sensibles")),
    "fc-investissement-siae": (20, ("Achat d'un véhicule utilitaire", "Équipement de l'atelier vélo", "Aménagement de la légumerie", "Matériel de tri textile")),
    "idf-arsie": (15, ("Étude de faisabilité d'une recyclerie", "Nouvelle activité de blanchisserie", "Repositionnement stratégique")),
    "mp-recrutement-jeunes": (15, ("Recrutement de jeunes des quartiers prioritaires", "Jeunes en contrat de professionnalisation")),
    "mp-aap-innovation": (10, ("Plateforme de mobilité partagée", "Parcours croisés IAE et entreprises", "Tiers-lieu de l'insertion")),
}  # fmt: skip
SECOND_SESSION = ("ca-equipes-insertion", "fc-investissement-siae")
CLOSED, VOTING, OPEN = "closed", "voting", "open"  # phases: has a commission been held?
WEIGHTS = {
    CLOSED: {S.SOLDE: 28, S.EN_PAIEMENT: 22, S.NOTIFIE: 4, S.REFUSE: 14, S.IRRECEVABLE: 10, S.RETIRE: 10, S.SANS_SUITE: 12},
    VOTING: {S.BROUILLON: 12, S.DEPOSE: 11, S.EN_INSTRUCTION: 14, S.COMPLEMENT_DEMANDE: 8, S.INSTRUIT: 10, S.VOTE: 7, S.NOTIFIE: 6, S.EN_PAIEMENT: 6, S.SOLDE: 4, S.REFUSE: 5, S.IRRECEVABLE: 4, S.RETIRE: 4, S.SANS_SUITE: 3},
    OPEN: {S.BROUILLON: 22, S.DEPOSE: 20, S.EN_INSTRUCTION: 22, S.COMPLEMENT_DEMANDE: 10, S.INSTRUIT: 10, S.IRRECEVABLE: 5, S.RETIRE: 6, S.SANS_SUITE: 5},
}  # fmt: skip
# Every state at least once when the region is big enough: (state, scheme, phase).
TOUR = (
    (S.BROUILLON, "ca-equipes-insertion", VOTING), (S.DEPOSE, "fc-investissement-siae", VOTING),
    (S.EN_INSTRUCTION, "idf-arsie", VOTING), (S.COMPLEMENT_DEMANDE, "pc-emplois-tremplin-environnement", VOTING),
    (S.INSTRUIT, "ca-equipes-insertion", VOTING), (S.VOTE, "fc-investissement-siae", VOTING),
    (S.NOTIFIE, "mp-recrutement-jeunes", VOTING), (S.EN_PAIEMENT, "ca-equipes-insertion", CLOSED),
    (S.SOLDE, "fc-investissement-siae", CLOSED), (S.REFUSE, "idf-arsie", CLOSED),
    (S.IRRECEVABLE, "pc-emplois-tremplin-environnement", VOTING), (S.RETIRE, "idf-arsie", VOTING),
    (S.SANS_SUITE, "ca-equipes-insertion", CLOSED),
)  # fmt: skip
# The demo director's dossiers, on the ACI and the AI she runs.
DIRECTOR_DOSSIERS = (
    ("ACI", S.COMPLEMENT_DEMANDE, "ca-equipes-insertion", VOTING),
    ("AI", S.BROUILLON, "idf-arsie", VOTING),
    ("ACI", S.EN_PAIEMENT, "pc-emplois-tremplin-environnement", CLOSED),
)
DECIDED = (S.VOTE, S.NOTIFIE, S.EN_PAIEMENT, S.SOLDE)
SETTLED = ("submit", "start_instruction", "instruct", "vote", "notify", "start_payment", "settle")
BASE_PATHS = {  # the transitions to each state; ``path`` varies them
    S.BROUILLON: (), S.DEPOSE: SETTLED[:1], S.EN_INSTRUCTION: SETTLED[:2],
    S.COMPLEMENT_DEMANDE: (*SETTLED[:2], "request_documents"), S.INSTRUIT: SETTLED[:3],
    S.VOTE: SETTLED[:4], S.NOTIFIE: SETTLED[:5], S.EN_PAIEMENT: SETTLED[:6], S.SOLDE: SETTLED,
    S.REFUSE: (*SETTLED[:3], "refuse"), S.IRRECEVABLE: ("submit", "declare_inadmissible"),
    S.RETIRE: ("submit", "withdraw"), S.SANS_SUITE: (*SETTLED[:2], "close"),
}  # fmt: skip
COMMENTS = {
    "request_documents": ("Merci de joindre le devis signé et daté.", "Le RIB transmis est illisible : merci d'en déposer un nouveau.", "Merci de préciser les cofinancements obtenus dans le plan de financement.", "Les fiches de poste ne mentionnent pas le temps de travail : merci de les compléter."),
    "refuse": ("L'enveloppe de la session ne permet pas de retenir le projet.", "La commission n'a pas retenu le projet, jugé insuffisamment abouti."),
    "declare_inadmissible": ("La structure ne remplit pas les conditions d'éligibilité du dispositif.", "Le dossier a été déposé pour des dépenses déjà engagées."),
    "close": ("Sans réponse à la demande de complément depuis plus de deux mois.", "Doublon du dossier déposé pour le même projet."),
}  # fmt: skip
ARSIE = {  # modality: expenses (€), low and high
    "etude_faisabilite_interne": (4_000, 12_000),
    "etude_faisabilite_externe": (8_000, 25_000),
    "investissement": (15_000, 80_000),
    "etude_repositionnement": (6_000, 20_000),
    "demarrage_geiq": (8_000, 20_000),
}
OPINION_COMMENTS = (
    "Projet cohérent avec le diagnostic territorial.",
    "Plan de financement équilibré, cofinancements confirmés.",
    "Structure solide, à suivre sur les sorties en emploi.",
    "Montant réduit au regard de l'enveloppe disponible.",
)


# -- The simulate contract's input, per scheme ------------------------------------------------
# Each takes the structure's kind and whether to break one condition of the scheme (an
# inadmissible dossier), and returns the input without ``scheme`` nor ``structure``.


def _euros(rng, low, high, step=500):
    return rng.randrange(low, high + 1, step)


def _equipes_insertion(rng, kind, broken):
    members = 5 if broken else rng.randint(8, 14)
    data = {
        "years": rng.choice((2, 3, 4, 4)),
        "positions": [{"role": "chef_equipe", "etp": 1, "annual_cost": _euros(rng, 31_000, 42_000), "contract": "CDI"}],
        "team": {"members_count": members, "members_etp": str(Decimal(members) / (3 if broken else 2))},
    }  # fmt: skip
    if rng.random() < 0.7:
        data["expenses"] = [{"category": "investissement", "amount": _euros(rng, 10_000, 60_000)}]
    return data


def _tremplin_environnement(rng, kind, broken):
    operators = [
        {"role": "execution", "etp": rng.choice(("1", "0.8", "0.6")), "annual_cost": _euros(rng, 18_000, 23_000), "contract": "CDDI"}
        for _ in range(rng.randint(1, 4))
    ]  # fmt: skip
    data = {
        "years": rng.choice((2, 3, 4)),
        "rate_mode": "degressive" if rng.random() < 0.85 else "full",
        "positions": [{"role": "encadrement", "etp": 1, "annual_cost": _euros(rng, 32_000, 40_000), "contract": "CDI"}, *operators],
        "flags": {"environment_sector": not broken},
    }  # fmt: skip
    if rng.random() < 0.5:
        data["expenses"] = [{"category": "equipement", "amount": _euros(rng, 2_000, 9_000)}]
    return data


def _investissement(rng, kind, broken):
    expenses = [{"category": "materiel", "amount": _euros(rng, 15_000, 150_000, 1_000), "waste_sorting": rng.random() < 0.2}]  # fmt: skip
    if kind == "ACI" and rng.random() < 0.3:
        expenses.append({"category": "immobilier", "amount": _euros(rng, 60_000, 300_000, 5_000)})
    return {"expenses": expenses, "flags": {"cofinancing": not broken}}


def _arsie(rng, kind, broken):
    if broken:  # operating costs: not a modality of the scheme
        return {"expenses": [{"category": "fonctionnement", "amount": _euros(rng, 10_000, 40_000)}]}
    modalities = [m for m in ARSIE if m != "demarrage_geiq" or kind == "GEIQ"]
    chosen = rng.sample(modalities, k=rng.choice((1, 1, 2)))
    return {"expenses": [{"category": m, "amount": _euros(rng, *ARSIE[m])} for m in chosen]}


def _recrutement_jeunes(rng, kind, broken):
    hires = []
    for _ in range(rng.randint(1, 4)):
        pro = not broken and kind in ("GEIQ", "EI", "AI") and rng.random() < 0.5
        months = rng.choice((3, 4, 5) if broken else (18, 24) if pro else (6, 8, 12))
        qpv = rng.random() < 0.6
        hires.append({
            "role": "insertion", "etp": 1, "annual_cost": _euros(rng, 16_000, 20_000),
            "contract": "CONTRAT_PRO" if pro else "CDD", "contract_months": months,
            "holder": {"age": rng.randint(17, 25), "qualified": False, "qpv": qpv, "zrr": not qpv},
        })  # fmt: skip
    return {"positions": hires}


def _aap_innovation(rng, kind, broken):
    expenses = _euros(rng, 6_000, 10_000) if broken else _euros(rng, 20_000, 90_000, 1_000)
    funded = _euros(rng, 6_000, 12_000) if broken else _euros(rng, 0, 15_000)
    return {
        "operating_expenses": expenses,
        "aides_au_poste_already_funded": funded,
        "flags": {"multi_structure_multi_department": kind == "RESEAU" and not broken},
    }


DATA = {
    "ca-equipes-insertion": _equipes_insertion,
    "pc-emplois-tremplin-environnement": _tremplin_environnement,
    "fc-investissement-siae": _investissement,
    "idf-arsie": _arsie,
    "mp-recrutement-jeunes": _recrutement_jeunes,
    "mp-aap-innovation": _aap_innovation,
}


# -- Partners' opinions and financing plans (issue 17) ----------------------------------------

# Who is asked: the demo partner accounts; the Département's only on its own dossiers.
OPINION_PARTNERS = (
    ("partenaire-etat@demo.iae.fr", None, 12),  # (e-mail, département, how many requests)
    ("partenaire-departement@demo.iae.fr", "57", 8),
)
OPINION_QUESTIONS = (
    "Le projet est-il cohérent avec les conventionnements et les aides au poste accordés par l'État ?",
    "Les postes d'insertion prévus correspondent-ils aux besoins du territoire et au public RSA suivi par le Département ?",
    "La structure vous paraît-elle en mesure de porter ce projet au regard de sa situation financière ?",
    "Avez-vous connaissance d'un projet concurrent sur le même bassin d'emploi ?",
    "Le cofinancement annoncé dans le plan de financement est-il acquis ou seulement sollicité ?",
    "Ce projet a-t-il été présenté en CDIAE ? Merci de nous indiquer l'avis du comité.",
)  # fmt: skip
OPINION_TEXTS = {
    "favorable": (
        "Avis favorable : la structure est connue de nos services, son dialogue de gestion 2025 s'est bien passé et le projet répond aux besoins repérés sur le bassin d'emploi.",
        "Favorable. Le projet a reçu un avis positif en CDIAE ; les aides au poste correspondantes sont inscrites dans l'annexe financière de la convention.",
        "Avis favorable du Département : les postes prévus accueilleront en priorité des allocataires du RSA orientés par nos services.",
    ),
    "favorable_reserves": (
        "Favorable sous réserve que la structure transmette son bilan d'activité et ses comptes certifiés avant la commission.",
        "Avis favorable avec réserves : le taux de sorties dynamiques reste faible (28 %) ; un plan d'action sur l'accompagnement socioprofessionnel est attendu.",
        "Favorable, sous réserve de la confirmation du cofinancement du FSE+, seulement sollicité à ce jour.",
    ),
    "defavorable": (
        "Avis défavorable : la structure présente des fonds propres négatifs depuis deux exercices et n'a pas donné suite à l'accompagnement DLA proposé.",
        "Défavorable : un projet très proche est déjà financé sur le même territoire, le marché local ne permettra pas deux activités de ce type.",
    ),
    "non_competent": (
        "Nos services n'ont eu à connaître ni de cette structure ni de ce projet : nous ne sommes pas compétents pour rendre un avis.",
        "Le projet relève de l'investissement productif, hors du champ de nos dispositifs : pas d'avis de notre part.",
    ),
}  # fmt: skip
# Schemes whose plans are capped at 80 % of public funding (investment-type): (code, blocking).
PUBLIC_CAPS = (("fc-investissement-siae", True), ("idf-arsie", False))
PUBLIC_CAP = Decimal(80)
# The region's share of the project's cost, then the other funders as shares of the cost
# (low, high, status when not decided), per scheme; own funds close the plan.
FUNDING_PROFILES = {
    "ca-equipes-insertion": ((0.15, 0.3), (("etat_aide_poste", 0.3, 0.45), ("departement", 0.05, 0.15), ("fse", 0.05, 0.1))),
    "pc-emplois-tremplin-environnement": ((0.2, 0.35), (("etat_aide_poste", 0.25, 0.4), ("collectivite", 0.03, 0.08), ("fondation", 0.02, 0.06))),
    "fc-investissement-siae": ((0.3, 0.45), (("etat_fdi", 0.08, 0.15), ("departement", 0.05, 0.1), ("france_active", 0.1, 0.2))),
    "idf-arsie": ((0.35, 0.5), (("etat_fdi", 0.05, 0.12), ("departement", 0.05, 0.1), ("preteur", 0.05, 0.12))),
    "mp-recrutement-jeunes": ((0.2, 0.35), (("etat_aide_poste", 0.25, 0.4), ("fse", 0.05, 0.1), ("fondation", 0.02, 0.05))),
    "mp-aap-innovation": ((0.25, 0.4), (("fse", 0.1, 0.2), ("collectivite", 0.05, 0.1), ("fondation", 0.05, 0.15))),
}  # fmt: skip
FUNDER_LABELS = {
    "etat_aide_poste": "DDETS, aides au poste",
    "etat_fdi": "DDETS, fonds départemental d'insertion",
    "departement": "Conseil départemental, convention RSA",
    "fse": "FSE+ (programme national)",
    "collectivite": "Communauté de communes",
    "fondation": "Fondation Vinci pour la Cité",
    "france_active": "France Active Lorraine, prêt participatif",
    "preteur": "Crédit coopératif, prêt",
    "fonds_propres": "Autofinancement de la structure",
}
