from django.db import models


class DocumentKind(models.TextChoices):
    """Supporting documents a scheme may require."""

    STATUTS = "statuts", "Statuts"
    COMPTES = "comptes", "Derniers comptes approuvés"
    RIB = "rib", "Relevé d'identité bancaire"
    FICHES_POSTES = "fiches_postes", "Fiches de poste"
    CONTRATS = "contrats", "Contrats de travail"
    ETAT_POSTES = "etat_postes", "État des postes d'insertion"
    DEVIS = "devis", "Devis"
    DEVIS_FORMATION = "devis_formation", "Devis de formation"
    CONVENTION_MUTUALISATION = "convention_mutualisation", "Convention de mutualisation"
    CAHIER_DES_CHARGES = "cahier_des_charges", "Cahier des charges de l'étude"
    PLAN_FINANCEMENT = "plan_financement", "Plan de financement"
    BUDGET_PROJET = "budget_projet", "Budget du projet"


class PositionRole(models.TextChoices):
    ENCADREMENT = "encadrement", "Encadrement"
    EXECUTION = "execution", "Exécution"
    INSERTION = "insertion", "Poste d'insertion"
    CHEF_EQUIPE = "chef_equipe", "Chef d'équipe"
    ENCADRANT_TECHNIQUE = "encadrant_technique", "Encadrant technique"
    CHARGE_INSERTION = "charge_insertion", "Chargé d'insertion"
    ADMINISTRATIF = "administratif", "Administratif"
    ACCOMPAGNEMENT_SOCIAL = "accompagnement_social", "Accompagnement social"
    FONCTION_MUTUALISEE = "fonction_mutualisee", "Fonction mutualisée"


class Contract(models.TextChoices):
    CDI = "CDI", "CDI"
    CDDI = "CDDI", "CDDI (contrat à durée déterminée d'insertion)"
    CDD = "CDD", "CDD"
    CUI_CIE = "CUI-CIE", "CUI-CIE"
    CUI_CAE = "CUI-CAE", "CUI-CAE"
    CONTRAT_PRO = "CONTRAT_PRO", "Contrat de professionnalisation"


class Criterion(models.TextChoices):
    JEUNE = "jeune", "Jeune"
    SENIOR = "senior", "Senior"
    POLITIQUE_DE_LA_VILLE = "politique_de_la_ville", "Politique de la ville"
    DEVELOPPEMENT_DURABLE = "developpement_durable", "Développement durable"
    TAUX_ENCADREMENT = "taux_encadrement", "Taux d'encadrement"
    POLITIQUE_SOCIALE = "politique_sociale", "Politique sociale"


class PositionFunction(models.TextChoices):
    DEVELOPPEMENT_COMMERCIAL = "developpement_commercial", "Développement commercial"
    GRH = "grh", "Ressources humaines"
    COMPTABILITE = "comptabilite", "Comptabilité"
    AUTRE = "autre", "Autre"


class ExpenseCategory(models.TextChoices):
    EQUIPEMENT = "equipement", "Équipement"
    MATERIEL = "materiel", "Matériel et aménagements"
    IMMOBILIER = "immobilier", "Immobilier"
    INVESTISSEMENT = "investissement", "Investissement"
    ETUDE_FAISABILITE_INTERNE = "etude_faisabilite_interne", "Étude de faisabilité interne"
    ETUDE_FAISABILITE_EXTERNE = "etude_faisabilite_externe", "Étude de faisabilité externe ou mixte"
    ETUDE_REPOSITIONNEMENT = "etude_repositionnement", "Étude de repositionnement"
    DEMARRAGE_GEIQ = "demarrage_geiq", "Démarrage d'un GEIQ"
    FONCTIONNEMENT = "fonctionnement", "Fonctionnement"


class TrainingType(models.TextChoices):
    SAVOIRS_DE_BASE = "savoirs_de_base", "Savoirs de base"
    COMPETENCES_PROFESSIONNELLES = "competences_professionnelles", "Compétences professionnelles"
    CERTIFIANTE = "certifiante", "Certifiante"
    HYGIENE_SECURITE = "hygiene_securite", "Hygiène et sécurité"
    BUREAUTIQUE = "bureautique", "Bureautique"
    PERMIS = "permis", "Permis de conduire"
    AUTRE = "autre", "Autre"


class RateMode(models.TextChoices):
    DEGRESSIVE = "degressive", "Dégressif"
    FULL = "full", "Taux plein"


class DossierState(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    DEPOSE = "depose", "Déposé"
    EN_INSTRUCTION = "en_instruction", "En instruction"
    COMPLEMENT_DEMANDE = "complement_demande", "Complément demandé"
    INSTRUIT = "instruit", "Instruit"
    VOTE = "vote", "Voté"
    NOTIFIE = "notifie", "Notifié"
    EN_PAIEMENT = "en_paiement", "En paiement"
    SOLDE = "solde", "Soldé"
    REFUSE = "refuse", "Refusé"
    IRRECEVABLE = "irrecevable", "Irrecevable"
    RETIRE = "retire", "Retiré"
    SANS_SUITE = "sans_suite", "Classé sans suite"


class Opinion(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    FAVORABLE_RESERVES = "favorable_reserves", "Favorable avec réserves"
    DEFAVORABLE = "defavorable", "Défavorable"
