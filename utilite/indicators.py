"""The registry of social utility (docs/utilite-sociale.md): the yearly report's indicators
(part 1) and the DTS self-assessment grid's axes and criteria (part 2), declared once.

Everything reads it: the model's columns (one per typed indicator, named by its code), the
computations, the import's columns, the bilan's keys and order. Pure Python: no Django.

Sources: COORACE, *Pour une démarche de Développement de Territoires Solidaires* (2010),
whose sheets are cited as ``fiche``.
"""

from dataclasses import dataclass

# -- Part 1: indicators -----------------------------------------------------------------------

# Types of typed figures.
COUNT, HOURS, EUROS, BOOL, SCALE = "count", "hours", "euros", "bool", "scale"
# The type of computed shares, and of the grid's axis scores in the statistics.
SHARE, AXIS = "share", "axis"
INTEGER_KINDS = frozenset({COUNT, HOURS, EUROS})
KIND_LABELS = {
    COUNT: "nombre",
    HOURS: "heures",
    EUROS: "euros",
    BOOL: "oui ou non",
    SCALE: "échelle de 0 à 3",
    SHARE: "part",
}
SCALE_MAX = 3
# A typed figure above this is refused (« Nombre trop grand »): it fits the columns
# (64-bit integers) on SQLite and PostgreSQL alike, and no structure counts that much.
MAX_FIGURE = 10**12

# Dimensions of the manual, in the report's order (its steps).
DIMENSIONS = (
    ("activite", "Activité", "I-C-1-a"),
    ("parcours", "Parcours", "I-C-1-b"),
    ("territoire", "Territoire", "I-C-1-c"),
    ("gouvernance", "Gouvernance", "I-C-2-h"),
    ("cooperation", "Coopération", "I-C-2-a"),
    ("environnement", "Environnement", "II-3"),
)
DIMENSION_LABELS = {code: label for code, label, _ in DIMENSIONS}


@dataclass(frozen=True)
class Indicator:
    """A typed figure of the report: ``code`` (its column), ``kind`` (count, hours, euros,
    bool, scale), its French ``label``, its ``dimension`` and an optional ``help``."""

    code: str
    kind: str
    label: str
    dimension: str
    help: str = ""


@dataclass(frozen=True)
class ComputedShare:
    """A share computed from counts: (Σ ``numerators`` − Σ ``minus``) / ``denominator``."""

    code: str
    label: str
    numerators: tuple
    denominator: str
    dimension: str
    minus: tuple = ()
    kind: str = SHARE


def _i(code, kind, label, dimension, help=""):
    return Indicator(code, kind, label, dimension, help)


# In part 1's order: the order of the import's columns and of the bilan's keys.
INDICATORS = (
    _i(
        "hours_worked",
        HOURS,
        "Heures travaillées en insertion",
        "activite",
        "AI, ETTI : heures de mise à disposition.",
    ),
    _i("turnover", EUROS, "Chiffre d'affaires", "activite"),
    _i("total_resources", EUROS, "Total des produits", "activite"),
    _i(
        "public_funding",
        EUROS,
        "Financements publics",
        "activite",
        "Subventions, aides au poste.",
    ),
    _i("wages_paid", EUROS, "Salaires bruts versés", "activite"),
    _i(
        "local_purchases",
        EUROS,
        "Achats locaux",
        "activite",
        "Achats auprès de fournisseurs du département.",
    ),
    _i("activities_created", COUNT, "Activités créées ou reprises", "activite"),
    _i(
        "insertion_employees",
        COUNT,
        "Salariés en parcours",
        "parcours",
        "Personnes distinctes employées ou mises à disposition en insertion dans l'année.",
    ),
    _i("women", COUNT, "dont femmes", "parcours"),
    _i("trained_employees", COUNT, "dont formés", "parcours"),
    _i("training_hours", HOURS, "Heures de formation", "parcours"),
    _i(
        "qualifications",
        COUNT,
        "Qualifications validées",
        "parcours",
        "Diplôme, titre, CQP, VAE.",
    ),
    _i(
        "exits_total",
        COUNT,
        "Sorties",
        "parcours",
        "Personnes dont le dernier contrat d'insertion de l'année s'est terminé dans "
        "l'année, comptées une fois : la somme des catégories de sortie.",
    ),
    _i("exits_cdi", COUNT, "Sorties en CDI", "parcours"),
    _i(
        "exits_cdd_6m",
        COUNT,
        "Sorties en CDD ou intérim de 6 mois ou plus",
        "parcours",
        "Une alternance compte comme un CDD de sa durée.",
    ),
    _i("exits_creation", COUNT, "Sorties en création d'entreprise", "parcours"),
    _i(
        "exits_fonction_publique",
        COUNT,
        "Sorties dans la fonction publique",
        "parcours",
        "Stage, titularisation.",
    ),
    _i("exits_cdd_court", COUNT, "Sorties en CDD ou intérim de moins de 6 mois", "parcours"),
    _i("exits_contrat_aide", COUNT, "Sorties en contrat aidé hors IAE", "parcours"),
    _i(
        "exits_formation",
        COUNT,
        "Sorties en formation qualifiante ou pré-qualifiante",
        "parcours",
    ),
    _i("exits_autre_siae", COUNT, "Sorties vers une autre SIAE", "parcours"),
    _i(
        "exits_autres",
        COUNT,
        "Autres sorties",
        "parcours",
        "Recherche d'emploi, inactivité, retraite, santé, déménagement, sans nouvelles.",
    ),
    _i(
        "territorial_bodies",
        COUNT,
        "Instances de concertation où siège la structure",
        "territoire",
        "CDIAE, PLIE…",
    ),
    _i("service_users", COUNT, "Usagers des services ouverts au territoire", "territoire"),
    _i(
        "participation_level",
        SCALE,
        "Participation des salariés en parcours",
        "gouvernance",
        "Degré le plus élevé pratiqué.",
    ),
    _i("cooperation_level", SCALE, "Niveau de coopération", "cooperation"),
    _i(
        "environmental_certification",
        BOOL,
        "Certification environnementale",
        "environnement",
        "HQE, bio, ISO 14001.",
    ),
)
INDICATOR_CODES = tuple(indicator.code for indicator in INDICATORS)
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}

# The levels of the two scales, 0 to 3.
SCALE_LEVELS = {
    "participation_level": ("information", "consultation", "concertation", "codécision"),
    "cooperation_level": (
        "aucune",
        "collectifs ou réseaux",
        "alliances ou pôle de coopération",
        "mutualisation dans un groupe (GES, GE)",
    ),
}

# Exit categories, by group (the three groups of exit rates, then the others).
EXITS_DURABLE = ("exits_cdi", "exits_cdd_6m", "exits_creation", "exits_fonction_publique")
EXITS_TRANSITION = ("exits_cdd_court", "exits_contrat_aide")
EXITS_POSITIVE = ("exits_formation", "exits_autre_siae")
EXITS_OTHER = ("exits_autres",)
EXIT_CATEGORIES = EXITS_DURABLE + EXITS_TRANSITION + EXITS_POSITIVE + EXITS_OTHER

COMPUTED = (
    ComputedShare(
        "self_financing_rate",
        "Taux d'autofinancement",
        ("total_resources",),
        "total_resources",
        "activite",
        minus=("public_funding",),
    ),
    ComputedShare(
        "commercial_rate", "Taux de commercialisation", ("turnover",), "total_resources", "activite"
    ),
    ComputedShare("women_share", "Part de femmes", ("women",), "insertion_employees", "parcours"),
    ComputedShare(
        "training_rate",
        "Taux de formation",
        ("trained_employees",),
        "insertion_employees",
        "parcours",
    ),
    ComputedShare(
        "exit_rate_durable",
        "Taux de sortie vers l'emploi durable",
        EXITS_DURABLE,
        "exits_total",
        "parcours",
    ),
    ComputedShare(
        "exit_rate_transition",
        "Taux de sortie vers l'emploi de transition",
        EXITS_TRANSITION,
        "exits_total",
        "parcours",
    ),
    ComputedShare(
        "exit_rate_positive",
        "Taux d'autres sorties positives",
        EXITS_POSITIVE,
        "exits_total",
        "parcours",
    ),
    ComputedShare(
        "exit_rate_dynamic",
        "Taux de sorties dynamiques",
        EXITS_DURABLE + EXITS_TRANSITION + EXITS_POSITIVE,
        "exits_total",
        "parcours",
    ),
)
COMPUTED_CODES = tuple(share.code for share in COMPUTED)
COMPUTED_BY_CODE = {share.code: share for share in COMPUTED}

# -- Part 2: the DTS self-assessment grid -----------------------------------------------------

SCORE_LABELS = ("pas engagé", "amorcé", "engagé", "pleinement engagé")
SCORE_MAX = 3
COMMENT_MAX_LENGTH = 1000
# FICHE II-3 wants three people or more to fill the grid: fewer is a warning.
GRID_PARTICIPANTS_ADVISED = 3


@dataclass(frozen=True)
class Criterion:
    code: str  # "<axis>_<n>"
    label: str
    axis: str


@dataclass(frozen=True)
class Axis:
    code: str
    label: str
    fiche: str
    criteria: tuple  # of Criterion, in order


def _axis(code, label, fiche, *criteria):
    return Axis(
        code,
        label,
        fiche,
        tuple(Criterion(f"{code}_{n}", text, code) for n, text in enumerate(criteria, 1)),
    )


# In the radar's order.
AXES = (
    _axis(
        "activite",
        "Création d'activités",
        "I-C-1-a",
        "Activités ancrées, non délocalisables",
        "Revenus réinjectés localement",
        "Utilité sociale au-delà de l'insertion",
    ),
    _axis(
        "parcours",
        "Sécurisation des parcours",
        "I-C-1-b",
        "Emplois stables et de qualité",
        "Formation, validation des acquis",
        "Transitions accompagnées vers l'emploi",
    ),
    _axis(
        "territoire",
        "Animation du territoire",
        "I-C-1-c",
        "Interface et médiation",
        "Expertise et observatoire",
        "Offre de services territoriaux",
    ),
    _axis(
        "cooperation",
        "Coopération",
        "I-C-2-a",
        "Collectifs, réseaux, alliances",
        "Mutualisation",
        "Coopération formalisée",
    ),
    _axis(
        "co_construction",
        "Co-construction",
        "I-C-2-b",
        "Parties prenantes internes associées",
        "Parties prenantes externes associées",
        "Suivi et évaluation partagés",
    ),
    _axis(
        "transversalite",
        "Transversalité",
        "I-C-2-c",
        "Approche globale des personnes",
        "Dispositifs et financements articulés",
        "Insertion liée à d'autres finalités",
    ),
    _axis(
        "decloisonnement",
        "Décloisonnement",
        "I-C-2-d",
        "Ouverture à tous les publics précaires",
        "Solidarisation des populations",
    ),
    _axis(
        "vision_strategique",
        "Vision stratégique",
        "I-C-2-e",
        "Diagnostic partagé du territoire et de ses acteurs",
        "Vision d'un territoire solidaire dans le projet",
        "Offre et projets qui la déclinent",
    ),
    _axis(
        "prospective",
        "Prospective",
        "I-C-2-f",
        "Veille",
        "Innovation, expérimentation",
        "Évaluation, capitalisation",
        "Pérennisation, transfert, essaimage",
    ),
    _axis(
        "representation",
        "Représentation des salariés",
        "I-C-2-g",
        "Institutions représentatives du personnel",
        "Accès aux droits, non-discrimination",
    ),
    _axis(
        "participation",
        "Participation des salariés",
        "I-C-2-h",
        "Salariés associés à la gouvernance",
        "Collectif de salariés",
        "Participation citoyenne",
    ),
    _axis(
        "economie_plurielle",
        "Économie plurielle",
        "II-3",
        "Emplois créés ou maintenus",
        "Économie locale, achats responsables",
        "Autres indicateurs de richesse",
    ),
    _axis(
        "solidarite_sociale",
        "Solidarité sociale",
        "II-3",
        "Tournée vers les plus fragilisés",
        "Qualité des emplois",
        "Égalité femmes-hommes",
    ),
    _axis(
        "environnement",
        "Respect de l'environnement",
        "II-3",
        "Ressources économisées",
        "Déchets réduits, triés, réemployés",
        "Transports réduits ou doux",
    ),
    _axis(
        "gouvernance_participative",
        "Gouvernance participative",
        "II-3",
        "Décisions préparées collectivement",
        "Engagement DD formalisé",
        "Évaluation permanente",
    ),
)
AXIS_CODES = tuple(axis.code for axis in AXES)
AXES_BY_CODE = {axis.code: axis for axis in AXES}
CRITERIA = tuple(criterion for axis in AXES for criterion in axis.criteria)
CRITERION_CODES = tuple(criterion.code for criterion in CRITERIA)
CRITERIA_BY_CODE = {criterion.code: criterion for criterion in CRITERIA}

# The import's columns after the typed figures (CSV contract).
GRID_COLUMNS = ("grid_participants", "priority_axes", *CRITERION_CODES)
IMPORT_COLUMNS = ("siret", "year", *INDICATOR_CODES, *GRID_COLUMNS)


def label_of(code):
    """The French label of an indicator, a computed share, an axis or a criterion."""
    for registry in (BY_CODE, COMPUTED_BY_CODE, AXES_BY_CODE, CRITERIA_BY_CODE):
        if code in registry:
            return registry[code].label
    return code


def _check():
    codes = INDICATOR_CODES + COMPUTED_CODES
    assert len(set(codes)) == len(codes), "duplicate indicator code"
    assert len(set(CRITERION_CODES)) == len(CRITERION_CODES), "duplicate criterion code"
    assert len(set(AXIS_CODES)) == len(AXIS_CODES), "duplicate axis code"
    assert {i.dimension for i in INDICATORS} <= set(DIMENSION_LABELS)
    for share in COMPUTED:
        for name in (*share.numerators, *share.minus, share.denominator):
            assert BY_CODE[name].kind in INTEGER_KINDS, name


_check()
