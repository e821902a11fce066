"""The schemes of aid-rules.md, loaded by ``make setup`` (``load_aid_schemes``).

Each preset names its rule kind; its parameters are the rule module's defaults, which are
the source's figures. The source sentence and the retained reading are shown to staff.
"""

PRESETS = (
    {
        "code": "pc-emplois-tremplin-environnement",
        "name": "Emplois Tremplin Environnement",
        "origin_region": "Poitou-Charentes",
        "rule_kind": "tremplin_environnement",
        "description": "Aide aux postes d'encadrement et d'exécution créés dans le secteur de "
        "l'environnement par les SIAE et les associations environnementales, et à "
        "l'investissement ponctuel.",
        "source_text": "Encadrement : 30 % du coût annuel à taux plein, 25 % la première année "
        "puis 5 points de moins chaque année en dégressif, plafond 10 000 € par ETP et par an ; "
        "exécution : 20 % à taux plein, 20, 15, 10, 5 % en dégressif, plafond 5 000 € par ETP ; "
        "investissement ponctuel : 40 % des dépenses d'équipement, plafond 3 000 € ; 4 ans au plus.",
        "retained_reading": "Une demande de plus de 4 ans est calculée sur 4 ans. Le mode "
        "dégressif s'applique par défaut.",
        "required_documents": ["statuts", "comptes", "rib", "fiches_postes", "devis"],
    },
    {
        "code": "fc-tremplin-solidarites",
        "name": "Tremplin Solidarités Insertion",
        "origin_region": "Franche-Comté",
        "rule_kind": "tremplin_solidarites",
        "description": "Aide au poste d'insertion en CDDI dans les entreprises d'insertion et "
        "aide à la formation des salariés recrutés.",
        "source_text": "Aide au poste jusqu'à 3 000 € par ETP et par an ; formation : 75 % des "
        "coûts pédagogiques, plafond 2 400 € par formation, si la demande est faite à "
        "l'embauche et l'organisme n'est pas l'employeur.",
        "retained_reading": "Le maximum est accordé ; une année par demande.",
        "required_documents": ["statuts", "comptes", "rib", "contrats", "devis_formation"],
    },
    {
        "code": "idf-emploi-tremplin-iae",
        "name": "Emploi-tremplin-IAE",
        "origin_region": "Île-de-France",
        "rule_kind": "emploi_tremplin_iae",
        "description": "Aide aux postes d'insertion des ACI, AI, EI et régies de quartier, "
        "modulée selon les critères prioritaires régionaux.",
        "source_text": "ACI : 1 000 ou 2 000 € par ETP ; AI : 1 000, 1 500 ou 2 000 € par ETP "
        "annuel, 20 ETP au plus ; EI et RQ : 2 000 € par ETP pour les CDI, 5 postes au plus ; "
        "les postes de bénéficiaires du RSA socle sont exclus.",
        "retained_reading": "ACI : 2 000 € si le poste répond à un critère parmi jeune, senior, "
        "politique de la ville, développement durable, 1 000 € sinon. AI : ces quatre critères "
        "plus taux d'encadrement et politique sociale ; 0 critère → 1 000 €, 1 → 1 500 €, 2 et "
        "plus → 2 000 € ; les 20 ETP retenus sont les mieux aidés d'abord (à égalité, l'ordre "
        "donné), un poste à cheval comptant pour la part qui tient. EI et RQ : les cinq premiers "
        "postes en CDI. Une année par demande.",
        "required_documents": ["statuts", "comptes", "rib", "etat_postes"],
    },
    {
        "code": "bzh-fonctions-mutualisees",
        "name": "Fonctions mutualisées entre SIAE",
        "origin_region": "Bretagne",
        "rule_kind": "fonctions_mutualisees",
        "description": "Aide à la création d'une fonction nouvelle (développement commercial, "
        "ressources humaines) portée par une SIAE pour un groupe de structures.",
        "source_text": "Poste en CDI, au moins à mi-temps, porté pour un groupe ensemblier ou un "
        "collectif de SIAE, avec une contribution financière des structures bénéficiaires ; "
        "coût annuel moins la contribution, plafond 30 000 € par an.",
        "retained_reading": "La durée est celle demandée (la source ne fixe pas de maximum).",
        "required_documents": ["statuts", "comptes", "rib", "convention_mutualisation"],
    },
    {
        "code": "mp-recrutement-jeunes",
        "name": "Recrutement de jeunes dans l'IAE",
        "origin_region": "Midi-Pyrénées",
        "rule_kind": "recrutement_jeunes",
        "description": "Soutien à l'embauche de jeunes de 16 à 26 ans sans qualification, "
        "habitant un quartier prioritaire ou une zone rurale.",
        "source_text": "Contrat de professionnalisation dans un GEIQ, une EI ou une AI ; CDI "
        "dans le cadre d'un CREPI ; CDD de 6 mois ou plus. CUI-CIE, CUI-CAE et CDD de moins "
        "de 6 mois exclus.",
        "retained_reading": "La source ne donne pas de montant : le simulateur répond sur "
        "l'éligibilité, le montant est fixé par l'instructeur.",
        "required_documents": ["statuts", "rib", "contrats"],
    },
    {
        "code": "ra-aci-encadrement-formation",
        "name": "Encadrement et formation dans les ACI",
        "origin_region": "Rhône-Alpes",
        "rule_kind": "encadrement_formation",
        "description": "Aide à l'encadrement technique et à l'accompagnement dans les ateliers "
        "et chantiers d'insertion, et à la formation externe des salariés.",
        "source_text": "Au moins 4 salariés en insertion dans l'action, au moins 20 % de moins "
        "de 26 ans, organisation proche de l'entreprise, complémentarité avec l'offre locale ; "
        "un ETP d'encadrement pour 8 personnes encadrées simultanément, 20 000 € par ETP ; "
        "formation externe : 50 %.",
        "retained_reading": "Postes financés : encadrants techniques et chargés d'insertion "
        "(l'accompagnement social seul et les postes administratifs ne le sont pas). ETP "
        "éligibles = min(ETP d'encadrement, personnes encadrées simultanément / 8) ; montant = "
        "min(coût annuel, 20 000 € × ETP éligibles), une année.",
        "required_documents": ["statuts", "comptes", "rib", "fiches_postes", "devis_formation"],
    },
    {
        "code": "idf-arsie",
        "name": "ARSIE — aide régionale aux structures d'insertion par l'économique",
        "origin_region": "Île-de-France",
        "rule_kind": "arsie",
        "description": "Études de faisabilité et de repositionnement, investissements pour de "
        "nouvelles activités, démarrage de GEIQ.",
        "source_text": "Étude de faisabilité interne : 80 %, plafond 7 500 € ; externe ou mixte : "
        "80 %, plafond 15 000 € ; investissement : 70 %, plafond 30 000 € ; étude de "
        "repositionnement : 80 %, plafond 15 000 € ; démarrage de GEIQ : dépenses jusqu'à "
        "15 000 €. Bonifications pour les territoires prioritaires et les projets "
        "éco-responsables.",
        "retained_reading": "Par modalité, les dépenses sont additionnées, le taux appliqué, puis "
        "le plafond. Les bonifications n'ont pas de montant dans la source : paramètres à 0, "
        "appliqués par l'instructeur.",
        "required_documents": ["statuts", "comptes", "rib", "devis", "cahier_des_charges"],
    },
    {
        "code": "ca-equipes-insertion",
        "name": "Équipes d'insertion",
        "origin_region": "Champagne-Ardenne",
        "rule_kind": "equipes_insertion",
        "description": "Création d'équipes d'insertion encadrées par un chef d'équipe à temps "
        "plein : poste de chef d'équipe, démarrage et équipement.",
        "source_text": "Chef d'équipe à temps plein, équipe d'au moins 4 ETP, ou 8 mi-temps, ou "
        "6 contrats aidés ; chef d'équipe dégressif plafonné à 30 000 € par an : 80 %, 65 %, "
        "50 %, 30 % du coût annuel (4 ans au plus) ; démarrage : 600 € par membre de l'équipe, "
        "chef inclus ; équipement : 20 % (50 % pour un ACI) des investissements, plafonnés à "
        "45 000 € sur les 4 ans.",
        "retained_reading": "L'équipement est financé sur les dépenses d'investissement. "
        "« Plafonnées » s'accorde avec « dépenses » : le plafond de 45 000 € porte sur les "
        "dépenses (aide maximale 9 000 €, ou 22 500 € pour un ACI), en année 1. Seul le premier "
        "poste de chef d'équipe est financé.",
        "required_documents": ["statuts", "comptes", "rib", "fiches_postes", "devis"],
    },
    {
        "code": "fc-investissement-siae",
        "name": "Investissement dans les SIAE",
        "origin_region": "Franche-Comté",
        "rule_kind": "investissement_siae",
        "description": "Aide aux investissements matériels (et immobiliers pour les ACI) des "
        "SIAE cofinancés par des financeurs publics et privés.",
        "source_text": "40 % des dépenses éligibles, 80 % pour le tri des déchets (avec "
        "l'ADEME), plafond 200 000 € ; immobilier pour les ACI seulement.",
        "retained_reading": "Au-delà du plafond, les lignes sont retenues dans l'ordre donné "
        "jusqu'à 200 000 €.",
        "required_documents": ["statuts", "comptes", "rib", "devis", "plan_financement"],
    },
    {
        "code": "mp-aap-innovation",
        "name": "Appel à projets innovants dans l'IAE",
        "origin_region": "Midi-Pyrénées",
        "rule_kind": "aap_innovation",
        "description": "Expérimentations innovantes portées par des SIAE, des CREPI ou des "
        "réseaux de l'IAE.",
        "source_text": "50 % des dépenses de fonctionnement (hors aides au poste déjà prises en "
        "charge), plafond 25 000 € ; un réseau seulement pour une expérimentation menée par "
        "plusieurs structures dans plusieurs départements.",
        "retained_reading": "Les aides au poste déjà prises en charge sont retirées des dépenses "
        "de fonctionnement, puis le taux de 50 % s'applique, puis le plafond de 25 000 €. "
        "Les critères de sélection (innovation, intérêt régional, développement durable, "
        "emplois durables, formation mutualisée) sont notés par le jury.",
        "required_documents": ["statuts", "comptes", "rib", "budget_projet"],
    },
    {
        "code": "corse-et-iae",
        "name": "ET'IAE",
        "origin_region": "Corse",
        "rule_kind": "manual",
        "description": "Soutien aux SIAE en priorité, et aux structures de l'ESS ayant une "
        "activité d'insertion (épiceries sociales, ESAT, entreprises adaptées).",
        "source_text": "La source ne donne pas de règle de montant.",
        "retained_reading": "Les services vérifient l'éligibilité et fixent le montant.",
        "parameters": {
            "applicant_kinds": ["ACI", "AI", "EI", "ETTI", "EITI", "GEIQ", "RQ", "ASSOCIATION"]
        },
        "required_documents": ["statuts", "comptes", "rib"],
    },
    {
        "code": "aquitaine-accord-cadre-formation",
        "name": "Accord-cadre régional de formation des salariés en insertion",
        "origin_region": "Aquitaine",
        "rule_kind": "manual",
        "description": "Formation des salariés en insertion, en priorité ceux de plus de 45 ans "
        "au premier niveau de qualification et ceux de moins de 26 ans.",
        "source_text": "La source ne donne pas de règle de montant.",
        "retained_reading": "Les services vérifient l'éligibilité et fixent le montant.",
        "required_documents": ["statuts", "rib", "devis_formation"],
    },
    {
        "code": "sl-outils-iae",
        "name": "Outils du Département pour l'IAE (DLA+ IAE, fonds d'intervention, appel à "
        "projets de coopération)",
        "origin_region": "Saône-et-Loire",
        "rule_kind": "manual",
        "description": "Accompagnement renforcé (DLA+ IAE), fonds d'intervention pour les "
        "avances de trésorerie et les fonds propres, appel à projets de coopération.",
        "source_text": "La source ne donne pas de règle de montant.",
        "retained_reading": "Les services vérifient l'éligibilité et fixent le montant.",
        "parameters": {
            "applicant_kinds": ["ACI", "AI", "EI", "ETTI", "EITI", "GEIQ", "RQ", "ASSOCIATION"]
        },
        "required_documents": ["statuts", "comptes", "rib"],
    },
)
