"""Vocabularies of ../shared/domain/structures.md: codes exactly as written there."""

from django.db import models


class StructureKind(models.TextChoices):
    ACI = "ACI", "Atelier et chantier d'insertion"
    AI = "AI", "Association intermédiaire"
    EI = "EI", "Entreprise d'insertion"
    ETTI = "ETTI", "Entreprise de travail temporaire d'insertion"
    EITI = "EITI", "Entreprise d'insertion par le travail indépendant"
    GEIQ = "GEIQ", "Groupement d'employeurs pour l'insertion et la qualification"
    RQ = "RQ", "Régie de quartier ou de territoire"
    ASSOCIATION = "ASSOCIATION", "Association"
    EPCI = "EPCI", "Établissement public de coopération intercommunale"
    ETABLISSEMENT_ENSEIGNEMENT = "ETABLISSEMENT_ENSEIGNEMENT", "Établissement d'enseignement"
    CREPI = "CREPI", "Club régional d'entreprises partenaires de l'insertion"
    RESEAU = "RESEAU", "Réseau de l'IAE"
    PORTEUR_PROJET = "PORTEUR_PROJET", "Porteur de projet (structure en création)"
    EA = "EA", "Entreprise adaptée"
    ESAT = "ESAT", "Établissement et service d'aide par le travail"
    GE = "GE", "Groupement d'employeurs"
    GES = "GES", "Groupe économique solidaire"
    PTCE = "PTCE", "Pôle territorial de coopération économique"
    COLLECTIF = "COLLECTIF", "Collectif"


SIAE_KINDS = frozenset(
    {
        StructureKind.ACI,
        StructureKind.AI,
        StructureKind.EI,
        StructureKind.ETTI,
        StructureKind.EITI,
        StructureKind.GEIQ,
        StructureKind.RQ,
    }
)

# Kinds whose code is the acronym people use (« ACI · 67 »); the others are named in words
# (« Régie de quartier ou de territoire », « Association »).
KINDS_KNOWN_BY_ACRONYM = (SIAE_KINDS - {StructureKind.RQ}) | {
    StructureKind.EPCI,
    StructureKind.CREPI,
    StructureKind.EA,
    StructureKind.ESAT,
    StructureKind.PTCE,
}


class ConventionKind(models.TextChoices):
    """The State conventions an SIAE can hold (one association may carry an ACI and an AI)."""

    ACI = "ACI", "ACI"
    AI = "AI", "AI"
    EI = "EI", "EI"
    ETTI = "ETTI", "ETTI"
    EITI = "EITI", "EITI"


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", "Association"
    SCOP = "scop", "SCOP"
    SCIC = "scic", "SCIC"
    SARL = "sarl", "SARL"
    SAS = "sas", "SAS"
    SA = "sa", "SA"
    EPCI = "epci", "EPCI"
    OTHER = "other", "Autre"


class Network(models.TextChoices):
    COORACE = "coorace", "COORACE"
    TISSONS_LA_SOLIDARITE = "tissons_la_solidarite", "Tissons la solidarité"
    COCAGNE = "cocagne", "Réseau Cocagne"
    FNARS = "fnars", "Fédération des acteurs de la solidarité (ex-FNARS)"
    CNCE_GEIQ = "cnce_geiq", "CNCE-GEIQ"
    CHANTIER_ECOLE = "chantier_ecole", "Chantier école"
    CNLRQ = "cnlrq", "CNLRQ (régies de quartier)"
    FEI = "fei", "Fédération des entreprises d'insertion (ex-UREI)"
    EMMAUS = "emmaus", "Emmaüs"
    AUTRE = "autre", "Autre réseau"


class MembershipRole(models.TextChoices):
    DIRECTEUR = "directeur", "Direction"
    SALARIE = "salarie", "Salarié"


class CollectiveProjectKind(models.TextChoices):
    GE = "GE", "Groupement d'employeurs"
    GES = "GES", "Groupe économique solidaire"
    COLLECTIF = "COLLECTIF", "Collectif"
    PLATEFORME = "PLATEFORME", "Plateforme"
    PTCE = "PTCE", "Pôle territorial de coopération économique"
    FUSION = "FUSION", "Fusion"


class ProjectMemberRole(models.TextChoices):
    PORTEUR = "porteur", "Porteur"
    MEMBRE = "membre", "Membre"
    ASSOCIE = "associe", "Partenaire associé"


class FiguresSource(models.TextChoices):
    RAPPORT_ACTIVITE = "rapport_activite", "Rapport d'activité"
    COMPTES = "comptes", "Comptes annuels"
    DIALOGUE_GESTION = "dialogue_gestion", "Dialogue de gestion (État)"
    DECLARATION = "declaration", "Déclaration de la structure"
    AUTRE = "autre", "Autre"
