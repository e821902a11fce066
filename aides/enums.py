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
    JUSTIFICATIF_COFINANCEMENT = "justificatif_cofinancement", "Justificatif de cofinancement"


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


class PartnerPosition(models.TextChoices):
    """A partner's position in an opinion (avis) on a dossier."""

    FAVORABLE = "favorable", "Favorable"
    FAVORABLE_RESERVES = "favorable_reserves", "Favorable avec réserves"
    DEFAVORABLE = "defavorable", "Défavorable"
    NON_COMPETENT = "non_competent", "Non compétent"


class FunderKind(models.TextChoices):
    """The funders of a financing plan besides the region's scheme; ``PUBLIC_FUNDERS`` are
    public money (the cap on the public funding rate counts them with the region's)."""

    ETAT_AIDE_POSTE = "etat_aide_poste", "État — aides au poste"
    ETAT_FDI = "etat_fdi", "État — fonds départemental d'insertion (FDI)"
    ETAT_AUTRE = "etat_autre", "État — autre financement"
    DEPARTEMENT = "departement", "Département"
    FSE = "fse", "Fonds social européen (FSE+)"
    REGION_AUTRE = "region_autre", "Région — autre dispositif"
    COLLECTIVITE = "collectivite", "Commune, intercommunalité ou autre collectivité"
    FRANCE_ACTIVE = "france_active", "France Active"
    PRETEUR = "preteur", "Autre prêteur (banque, prêt d'honneur)"
    FONDATION = "fondation", "Fondation privée"
    FONDS_PROPRES = "fonds_propres", "Fonds propres"
    AUTRE_PRIVE = "autre_prive", "Autre financement privé"


PUBLIC_FUNDERS = frozenset(
    {
        FunderKind.ETAT_AIDE_POSTE,
        FunderKind.ETAT_FDI,
        FunderKind.ETAT_AUTRE,
        FunderKind.DEPARTEMENT,
        FunderKind.FSE,
        FunderKind.REGION_AUTRE,
        FunderKind.COLLECTIVITE,
    }
)


class FundingStatus(models.TextChoices):
    DEMANDE = "demande", "Demandé"
    ACCORDE = "accorde", "Accordé"
    REFUSE = "refuse", "Refusé"
