"""Word tables and proportions of the structures demo (see ``structures.demo``)."""

from typing import NamedTuple

from .enums import (
    CollectiveProjectKind,
    FiguresSource,
    LegalForm,
    Network,
    ProjectMemberRole,
    StructureKind,
)

REGION_CODE = "44"  # Grand Est
BATCH_SIZE = 500
FIGURES_YEARS = (2023, 2024, 2025)
K = StructureKind

# Département: (weight ≈ population in 10,000s, former region, places named after the land,
# towns as (commune, postal code), the prefecture first).
DEPARTMENTS = {
    "08": (27, "Champagne-Ardenne", ("des Ardennes", "de la Vallée de la Meuse", "du Pays Rethélois", "de l'Argonne ardennaise"),
           (("Charleville-Mézières", "08000"), ("Sedan", "08200"), ("Rethel", "08300"), ("Revin", "08500"), ("Givet", "08600"))),
    "10": (31, "Champagne-Ardenne", ("de l'Aube", "du Pays d'Othe", "de la Côte des Bar", "des Lacs de Champagne"),
           (("Troyes", "10000"), ("Romilly-sur-Seine", "10100"), ("Bar-sur-Aube", "10200"), ("La Chapelle-Saint-Luc", "10600"), ("Nogent-sur-Seine", "10400"))),
    "51": (56, "Champagne-Ardenne", ("de la Marne", "de Champagne", "de la Montagne de Reims", "du Perthois"),
           (("Châlons-en-Champagne", "51000"), ("Reims", "51100"), ("Épernay", "51200"), ("Vitry-le-François", "51300"), ("Sézanne", "51120"))),
    "52": (17, "Champagne-Ardenne", ("de Haute-Marne", "du Bassigny", "du Pays de Langres", "du Der"),
           (("Chaumont", "52000"), ("Saint-Dizier", "52100"), ("Langres", "52200"), ("Joinville", "52300"))),
    "54": (73, "Lorraine", ("de Meurthe-et-Moselle", "du Lunévillois", "du Pays-Haut", "du Toulois", "de Lorraine"),
           (("Nancy", "54000"), ("Vandœuvre-lès-Nancy", "54500"), ("Lunéville", "54300"), ("Toul", "54200"), ("Longwy", "54400"), ("Pont-à-Mousson", "54700"))),
    "55": (18, "Lorraine", ("de la Meuse", "de l'Argonne", "du Pays de Verdun", "des Côtes de Meuse"),
           (("Bar-le-Duc", "55000"), ("Verdun", "55100"), ("Commercy", "55200"), ("Saint-Mihiel", "55300"))),
    "57": (105, "Lorraine", ("de la Moselle", "du Pays de Bitche", "de la Vallée de la Fensch", "du Saulnois", "du Bassin houiller"),
           (("Metz", "57000"), ("Thionville", "57100"), ("Forbach", "57600"), ("Sarreguemines", "57200"), ("Sarrebourg", "57400"), ("Hayange", "57700"))),
    "67": (114, "Alsace", ("d'Alsace", "du Kochersberg", "de l'Alsace du Nord", "du Ried", "de l'Outre-Forêt"),
           (("Strasbourg", "67000"), ("Haguenau", "67500"), ("Sélestat", "67600"), ("Saverne", "67700"), ("Schiltigheim", "67300"), ("Obernai", "67210"))),
    "68": (77, "Alsace", ("du Haut-Rhin", "du Sundgau", "des Trois Frontières", "de la Vallée de la Thur"),
           (("Colmar", "68000"), ("Mulhouse", "68100"), ("Saint-Louis", "68300"), ("Guebwiller", "68500"), ("Thann", "68800"))),
    "88": (36, "Lorraine", ("des Vosges", "de la Déodatie", "de la Plaine des Vosges", "des Hautes-Vosges"),
           (("Épinal", "88000"), ("Saint-Dié-des-Vosges", "88100"), ("Remiremont", "88200"), ("Gérardmer", "88400"), ("Neufchâteau", "88300"))),
}  # fmt: skip

PHONE_AREAS = {"08": "24", "10": "25", "51": "26", "52": "25", "54": "83",
               "55": "29", "57": "87", "67": "88", "68": "89", "88": "29"}  # fmt: skip
DEPARTMENT_CODES = list(DEPARTMENTS)
DEPARTMENT_WEIGHTS = [weight for weight, *_ in DEPARTMENTS.values()]

# National mix of kinds (percent), partners included.
KIND_SHARES = {
    K.ACI: 45, K.AI: 18, K.EI: 20, K.ETTI: 7, K.GEIQ: 3, K.RQ: 3, K.EITI: 1,
    K.ASSOCIATION: 1.5, K.EPCI: 0.7, K.CREPI: 0.4, K.RESEAU: 0.4,
}  # fmt: skip

L = LegalForm
LEGAL_FORMS = {
    K.EI: {L.SARL: 35, L.SAS: 25, L.SCOP: 15, L.ASSOCIATION: 15, L.SCIC: 10},
    K.ETTI: {L.SAS: 45, L.SARL: 35, L.ASSOCIATION: 20},
    K.EITI: {L.SCIC: 40, L.SCOP: 30, L.ASSOCIATION: 30},
    K.EPCI: {L.EPCI: 1},
}  # every other kind is an association

# Share of each kind in at least one network (69 % of the SIAE overall, structures.md).
NETWORK_RATES = {K.ACI: 0.72, K.AI: 0.68, K.EI: 0.66, K.ETTI: 0.7, K.EITI: 0.5, K.GEIQ: 0.9, K.RQ: 0.85}  # fmt: skip

N = Network


class Theme(NamedTuple):
    names: tuple  # str.format templates: town, de_town, place, dept, word, quarter, old_region
    activities: tuple
    networks: tuple = ()


THEMES = {
    K.ACI: (
        Theme(("Les Jardins {place}", "Jardins de Cocagne {place}", "Le Potager solidaire {de_town}"),
              ("maraîchage biologique, vente de paniers de légumes", "maraîchage bio, arboriculture et vente directe"),
              (N.COCAGNE, N.CHANTIER_ECOLE, N.FNARS)),
        Theme(("Chantier d'insertion Bois & Nature – {town}", "Atelier Forêt {place}", "{word} Nature {town}"),
              ("entretien d'espaces naturels, bûcheronnage, bois de chauffage", "espaces verts, entretien des berges et des sentiers"),
              (N.CHANTIER_ECOLE, N.COORACE)),
        Theme(("Ressourcerie {place}", "Recyclerie {word} {town}", "Emmaüs {town}"),
              ("recyclerie : collecte, tri et revente d'objets de réemploi", "ressourcerie, réemploi de meubles et d'électroménager"),
              (N.EMMAUS, N.FNARS, N.COORACE)),
        Theme(("Chantier d'insertion Patrimoine {place}", "Les Bâtisseurs {de_town}", "{word} Bâtiment {town}"),
              ("BTP second œuvre : peinture, plâtrerie, rénovation de logements", "restauration du petit patrimoine bâti, maçonnerie traditionnelle"),
              (N.CHANTIER_ECOLE, N.COORACE)),
        Theme(("Blanchisserie solidaire {de_town}", "Atelier {word} – {town}", "La Fabrique textile {de_town}"),
              ("blanchisserie, repassage et couture", "couture, retouches et surcyclage textile", "restauration collective et traiteur solidaire"),
              (N.FNARS, N.TISSONS_LA_SOLIDARITE, N.COORACE)),
    ),
    K.AI: (
        Theme(("AI Services Plus {town}", "Association intermédiaire {word} {town}", "{word} Emploi {town}", "Proxim'Services {town}", "Solidarité Emploi {place}"),
              ("mise à disposition de personnel auprès des particuliers, des collectivités et des entreprises",
               "ménage et repassage chez les particuliers, entretien de locaux, manutention",
               "mise à disposition de personnel : aide à domicile, espaces verts, restauration scolaire"),
              (N.COORACE,)),
    ),
    K.EI: (
        Theme(("{word} Propreté {town}", "Net Services {town}", "Éco-Propre {place}"),
              ("nettoyage de locaux professionnels et remise en état", "propreté urbaine et nettoyage industriel"), (N.FEI, N.COORACE)),
        Theme(("Bâti Solidaire {town}", "Les Ateliers {de_town}", "{word} Rénovation {town}"),
              ("BTP second œuvre : plâtrerie, peinture, isolation", "menuiserie et agencement"), (N.FEI, N.COORACE)),
        Theme(("Envie {dept}", "Éco-Tri {place}", "Logistique Solidaire {town}"),
              ("collecte et rénovation d'électroménager", "tri et recyclage des déchets industriels", "logistique, préparation de commandes, conditionnement"),
              (N.FEI, N.COORACE)),
        Theme(("La Table {de_town}", "Cuisine {word} {town}"),
              ("restauration : cuisine centrale et portage de repas",), (N.FEI,)),
    ),
    K.ETTI: (
        Theme(("ETTI Intérim Solidaire {town}", "Intérim Insertion {place}", "{word} Intérim {town}", "Id'Intérim {town}"),
              ("travail temporaire d'insertion : BTP, industrie, logistique",
               "missions d'intérim dans le bâtiment, les travaux publics et la propreté",
               "intérim d'insertion dans l'industrie, le transport et la logistique"),
              (N.FEI, N.COORACE)),
    ),
    K.EITI: (
        Theme(("Coopérative {word} {town}", "Indépendants Solidaires {place}"),
              ("accompagnement de travailleurs indépendants : livraison à vélo, services à la personne",
               "travail indépendant accompagné : artisanat, petits travaux, vente sur les marchés"),
              (N.COORACE,)),
    ),
    K.GEIQ: (
        Theme(("GEIQ BTP {dept}", "GEIQ Propreté Grand Est", "GEIQ Industrie {town}", "GEIQ Transport Logistique {dept}"),
              ("contrats de professionnalisation dans le BTP pour les entreprises adhérentes",
               "parcours qualifiants en industrie et maintenance",
               "qualification de conducteurs et de préparateurs de commandes"),
              (N.CNCE_GEIQ,)),
    ),
    K.RQ: (
        Theme(("Régie de quartier {town} {quarter}", "Régie de territoire {place}", "Régie des quartiers {de_town}"),
              ("entretien des espaces communs et des espaces verts des bailleurs sociaux",
               "gestion urbaine de proximité, petits travaux, médiation"),
              (N.CNLRQ,)),
    ),
    K.ASSOCIATION: (
        Theme(("Association {word} Emploi {town}", "Mobilité Solidaire {place}"),
              ("accompagnement vers l'emploi, partenaire des SIAE du territoire", "garage solidaire et location de véhicules")),
    ),
    K.EPCI: (
        Theme(("Communauté d'agglomération {de_town}", "Communauté de communes {place}"),
              ("clauses sociales dans les marchés publics, politique de la ville",)),
    ),
    K.CREPI: (Theme(("CREPI {old_region}",), ("club d'entreprises partenaires de l'insertion : parrainage, visites d'entreprises",)),),
    K.RESEAU: (
        Theme(("COORACE Grand Est", "Fédération des entreprises d'insertion Grand Est", "Chantier École Grand Est", "Inter-réseaux IAE {dept}"),
              ("animation du réseau des SIAE, formation des permanents, représentation",)),
    ),
}  # fmt: skip

WORDS = ("Tremplin", "Passerelle", "Envol", "Horizon", "Rebond", "Trait d'Union", "Élan",
         "Solid'Action", "Boussole", "Escale", "Agir", "Ensemble")  # fmt: skip
QUARTERS = ("Nord", "Sud", "Est", "Ouest", "Centre", "Rive droite", "Les Hauts")
STREETS = ("rue des Tanneurs", "rue de la Gare", "avenue du Général Leclerc", "rue Jean Jaurès",
           "boulevard de la République", "rue des Jardiniers", "chemin du Moulin",
           "rue de l'Industrie", "rue Pasteur", "place du Marché", "rue Victor Hugo",
           "rue des Écoles", "allée des Tilleuls", "rue du Canal", "rue de la Forge")  # fmt: skip


class FiguresProfile(NamedTuple):
    headcount: tuple  # insertion employees over the year
    etp_per_head: tuple
    permanents: tuple
    turnover_per_etp: tuple  # € per insertion ETP
    subsidies_per_etp: tuple  # € per insertion ETP (aide au poste and local funding)
    exit_rate: tuple  # exits / headcount
    shares: tuple  # ranges for women, under 26, over 45, RSA (%)


FIGURES_PROFILES = {
    K.ACI: FiguresProfile((12, 60), (0.45, 0.6), (3, 10), (4_000, 15_000), (26_000, 34_000), (0.35, 0.55), ((25, 50), (10, 25), (25, 40), (40, 70))),
    K.AI: FiguresProfile((60, 260), (0.12, 0.2), (2, 7), (30_000, 38_000), (2_000, 5_000), (0.25, 0.45), ((45, 70), (10, 25), (30, 45), (20, 45))),
    K.EI: FiguresProfile((10, 50), (0.6, 0.8), (3, 12), (35_000, 70_000), (12_000, 15_000), (0.4, 0.6), ((20, 45), (15, 30), (20, 35), (20, 40))),
    K.ETTI: FiguresProfile((60, 250), (0.2, 0.3), (2, 8), (38_000, 48_000), (5_000, 7_000), (0.3, 0.5), ((10, 30), (20, 40), (15, 30), (10, 30))),
    K.EITI: FiguresProfile((8, 30), (0.5, 0.8), (2, 5), (5_000, 15_000), (6_000, 10_000), (0.2, 0.4), ((30, 55), (15, 35), (15, 30), (30, 60))),
    K.GEIQ: FiguresProfile((10, 60), (0.75, 0.9), (2, 6), (40_000, 55_000), (3_000, 6_000), (0.6, 0.8), ((15, 40), (25, 50), (10, 20), (10, 25))),
    K.RQ: FiguresProfile((15, 60), (0.5, 0.65), (4, 12), (20_000, 35_000), (12_000, 20_000), (0.3, 0.5), ((30, 55), (15, 30), (25, 40), (30, 55))),
}  # fmt: skip

FIGURES_SOURCES = (
    FiguresSource.RAPPORT_ACTIVITE,
    FiguresSource.COMPTES,
    FiguresSource.DIALOGUE_GESTION,
)
EXIT_WEIGHTS = {"exits_cdi": 15, "exits_cdd": 25, "exits_contrat_aide": 10,
                "exits_formation": 15, "exits_interim": 15, "exits_other_siae": 10}  # fmt: skip
EXIT_WEIGHTS_BY_KIND = {
    K.ETTI: {**EXIT_WEIGHTS, "exits_interim": 35},
    K.GEIQ: {**EXIT_WEIGHTS, "exits_cdi": 40, "exits_cdd": 30, "exits_contrat_aide": 2},
}

PROJECT_NAMES = {
    CollectiveProjectKind.GE: ("Groupement d'employeurs solidaire {place}", "GE {word} {town}"),
    CollectiveProjectKind.GES: ("Groupe économique solidaire {word}", "GES {place}"),
    CollectiveProjectKind.COLLECTIF: ("Collectif des SIAE {place}", "Collectif IAE {town}"),
    CollectiveProjectKind.PLATEFORME: ("Plateforme mobilité insertion {de_town}", "Plateforme emploi-formation {place}"),
    CollectiveProjectKind.PTCE: ("PTCE Économie circulaire {place}", "Pôle de coopération {word} {town}"),
    CollectiveProjectKind.FUSION: ("Rapprochement des SIAE {de_town}", "Projet de fusion {word} {town}"),
}  # fmt: skip
CONTRIBUTIONS = {  # € a year
    ProjectMemberRole.PORTEUR: (5_000, 40_000),
    ProjectMemberRole.MEMBRE: (0, 15_000),
    ProjectMemberRole.ASSOCIE: (0, 2_000),
}
SHARED_FUNCTIONS = ("Chargé(e) d'accompagnement socioprofessionnel", "Chargé(e) de relations entreprises",
                    "Responsable administratif et financier", "Encadrant(e) technique polyvalent",
                    "Chargé(e) de mission ressources humaines", "Comptable")  # fmt: skip
