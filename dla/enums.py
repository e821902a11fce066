"""Vocabularies of ../shared/domain/dla.md: codes exactly as written there."""

from django.db import models


class Mode(models.TextChoices):
    INDIVIDUELLE = "individuelle", "Individuelle"
    COLLECTIVE = "collective", "Collective"


class Theme(models.TextChoices):
    STRATEGIE_CONSOLIDATION = "strategie_consolidation", "Stratégie de consolidation"
    PROJET_STRUCTURE = "projet_structure", "Projet de la structure"
    ORGANISATION_INTERNE = "organisation_interne", "Organisation interne"
    EVOLUTION_ACTIVITE = "evolution_activite", "Évolution de l'activité"
    MUTUALISATION = "mutualisation", "Mutualisation"
    RESSOURCES_HUMAINES = "ressources_humaines", "Ressources humaines"
    CLAUSES_SOCIALES = "clauses_sociales", "Clauses sociales"
    GOUVERNANCE = "gouvernance", "Gouvernance"
    COMMUNICATION_COMMERCIAL = "communication_commercial", "Communication et commercial"
    MODELE_ECONOMIQUE = "modele_economique", "Modèle économique"
    JURIDIQUE = "juridique", "Juridique"
    ETUDE_FAISABILITE = "etude_faisabilite", "Étude de faisabilité"
    DIAGNOSTIC_TERRITORIAL = "diagnostic_territorial", "Diagnostic territorial"
    AUTRE = "autre", "Autre"


class Prescriber(models.TextChoices):
    RESEAU_IAE = "reseau_iae", "Réseau de l'IAE"
    FINANCEUR_PUBLIC = "financeur_public", "Financeur public"
    DLA = "dla", "DLA"
    STRUCTURE = "structure", "La structure elle-même"
    AUTRE_ACCOMPAGNATEUR = "autre_accompagnateur", "Autre accompagnateur"


class ProviderKind(models.TextChoices):
    CABINET_CONSEIL = "cabinet_conseil", "Cabinet de conseil"
    RESEAU_IAE = "reseau_iae", "Réseau de l'IAE"
    CONSULTANT_INDEPENDANT = "consultant_independant", "Consultant indépendant"
    AUTRE = "autre", "Autre"


class AccompanimentState(models.TextChoices):
    """Where an accompaniment stands on the path of dla.md: the last step recorded."""

    DEMANDE = "demande", "Demande reçue"
    DIAGNOSTIC = "diagnostic", "Diagnostic partagé"
    PLAN = "plan", "Plan d'accompagnement"
    INGENIERIE = "ingenierie", "Ingénierie en cours"
    SUIVI = "suivi", "Suivi"
    CLOS = "clos", "Clos"


# The order of the path: a state never goes back.
STATE_ORDER = list(AccompanimentState.values)


class Requester(models.TextChoices):
    """Who asked for the accompaniment (dla.md, step 1)."""

    STRUCTURE = "structure", "La structure elle-même"
    COLLECTIF = "collectif", "Un collectif de structures"
    RESEAU_IAE = "reseau_iae", "Un réseau de l'IAE"
    FINANCEUR_PUBLIC = "financeur_public", "Un financeur public"
    DLA = "dla", "Le DLA, de sa propre initiative"


class DiagnosticParticipant(models.TextChoices):
    SALARIES = "salaries", "Salariés"
    CONSEIL = "conseil", "Conseil d'administration"
    RESEAUX = "reseaux", "Réseaux"
    PARTENAIRES = "partenaires", "Partenaires"


class PlanMethod(models.TextChoices):
    INGENIERIE_INDIVIDUELLE = "ingenierie_individuelle", "Ingénierie individuelle"
    INGENIERIE_COLLECTIVE = "ingenierie_collective", "Ingénierie collective"
    FORMATION = "formation", "Formation"
    ETUDE = "etude", "Étude"


class Milestone(models.IntegerChoices):
    """The follow-up contacts, in months after the end of the engineering."""

    SIX = 6, "6 mois"
    TWELVE = 12, "12 mois"
    TWENTY_FOUR = 24, "24 mois"
