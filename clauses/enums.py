"""Vocabularies of ../shared/domain/clauses.md: codes exactly as written there."""

from django.db import models

from structures.enums import SIAE_KINDS


class MarcheType(models.TextChoices):
    TRAVAUX = "travaux", "Travaux"
    SERVICES = "services", "Services"
    FOURNITURES = "fournitures", "Fournitures"


class Procedure(models.TextChoices):
    APPEL_OFFRES = "appel_offres", "Appel d'offres"
    MAPA = "mapa", "Marché à procédure adaptée"
    AUTRE = "autre", "Autre procédure"


class Clause(models.TextChoices):
    NONE = "none", "Sans clause"
    CONDITION_EXECUTION = "condition_execution", "Insertion, condition d'exécution"
    MARCHE_RESERVE = "marche_reserve", "Marché réservé aux SIAE"
    MARCHE_INSERTION = "marche_insertion", "Marché d'insertion"


# Who a reserved lot is reserved to: clauses.md's « marche_reserve (reserved to SIAE) ». The
# other clauses are open to every bidder (the winner may then employ through an SIAE).
RESERVED_TO = {Clause.MARCHE_RESERVE: SIAE_KINDS}


class BuyerKind(models.TextChoices):
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    BAILLEUR_SOCIAL = "bailleur_social", "Bailleur social"
    HOPITAL = "hopital", "Hôpital"
    ETAT = "etat", "État"
    AUTRE = "autre", "Autre acheteur"


class PublicCategory(models.TextChoices):
    DELD = "deld", "Demandeur d'emploi de longue durée"
    RSA = "rsa", "Bénéficiaire du RSA"
    JEUNE_SANS_QUALIFICATION = "jeune_sans_qualification", "Jeune sans qualification"
    TRAVAILLEUR_HANDICAPE = "travailleur_handicape", "Travailleur handicapé"
    SENIOR = "senior", "Senior"
    RESIDANT_QPV = "residant_qpv", "Résidant d'un quartier prioritaire"
    AUTRE = "autre", "Autre public"


class Modality(models.TextChoices):
    EMBAUCHE_DIRECTE = "embauche_directe", "Embauche directe"
    MISE_A_DISPOSITION = "mise_a_disposition", "Mise à disposition (ETTI, AI)"
    SOUS_TRAITANCE_SIAE = "sous_traitance_siae", "Sous-traitance à une SIAE"
    COTRAITANCE_SIAE = "cotraitance_siae", "Cotraitance avec une SIAE"
    FORMATION = "formation", "Formation"


class ImportKind(models.TextChoices):
    """The two CSV files of clauses.md."""

    MARCHES = "marches", "Marchés et lots"
    HEURES = "heures", "Heures réalisées"


class PurchaseStatus(models.TextChoices):
    """Where a planned purchase of a buyer's yearly programme stands (issue 19, part 4)."""

    PREVU = "prevu", "Prévu"
    NOTIFIE = "notifie", "Notifié"
    ABANDONNE = "abandonne", "Abandonné"


class Quarter(models.IntegerChoices):
    T1 = 1, "1er trimestre"
    T2 = 2, "2e trimestre"
    T3 = 3, "3e trimestre"
    T4 = 4, "4e trimestre"
