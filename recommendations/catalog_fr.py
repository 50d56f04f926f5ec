"""The starter catalog's client-facing texts in Canadian French, by control code.

The same four texts as recommendations.catalog (title, description, why_it_matters,
consequences), written for the same reader: a Quebec executive deciding whether to accept
or refuse. Installed into the Control table by migration beside the English ones.
"""

STARTER_CATALOG_FR: dict[str, dict[str, str]] = {
    # --- identité ---------------------------------------------------------------
    "IAM-MFA": {
        "title": "Authentification multifacteur pour tous les utilisateurs et services",
        "description": (
            "Chaque connexion au courriel, aux applications infonuagiques et à l’accès à distance exige une "
            "deuxième preuve d’identité en plus du mot de passe, par exemple une approbation dans une "
            "application sur téléphone."
        ),
        "why_it_matters": (
            "Les mots de passe volés ou devinés sont le moyen le plus courant pour les criminels d’entrer dans "
            "une entreprise. Un deuxième facteur bloque presque toutes ces tentatives, même quand le mot de "
            "passe est déjà entre les mains d’un attaquant."
        ),
        "consequences": (
            "Un seul mot de passe divulgué peut permettre à un attaquant de lire et d’envoyer des courriels au "
            "nom de votre personnel, de détourner les paiements de vos clients ou de lancer un rançongiciel "
            "qui paralyse vos activités pendant des jours, voire des semaines."
        ),
    },
    "IAM-ADMIN-PHISHRES": {
        "title": "Authentification multifacteur résistante à l’hameçonnage pour les comptes administrateurs",
        "description": (
            "Les comptes qui peuvent modifier les systèmes ou les accès des autres utilisateurs se connectent "
            "avec une clé de sécurité matérielle ou une clé d’accès, qu’on ne peut pas piéger pour approuver "
            "une fausse page de connexion."
        ),
        "why_it_matters": (
            "Les attaquants contournent désormais couramment les codes par texto et les approbations "
            "poussées au moyen de fausses pages de connexion et de demandes répétées. Les comptes "
            "administrateurs sont leur première cible, car un seul d’entre eux donne accès à tout le reste."
        ),
        "consequences": (
            "Un administrateur compromis peut désactiver les outils de sécurité, supprimer les sauvegardes et "
            "chiffrer tous les systèmes d’un coup, ce qui transforme un incident en panne générale de "
            "l’entreprise accompagnée d’une demande de rançon."
        ),
    },
    "IAM-PRIV-ACCOUNTS": {
        "title": "Comptes administrateurs distincts, aux privilèges minimaux",
        "description": (
            "Les personnes qui administrent les systèmes utilisent un compte administrateur réservé aux tâches "
            "d’administration, et un compte ordinaire pour le courriel et la navigation. Les droits "
            "d’administration ne sont accordés que là où ils sont nécessaires et sont revus régulièrement."
        ),
        "why_it_matters": (
            "Quand les comptes de tous les jours ont des droits d’administration, n’importe quel lien ou pièce "
            "jointe malveillant s’exécute avec le plein contrôle du système. Séparer les deux limite ce "
            "qu’une seule erreur peut causer."
        ),
        "consequences": (
            "Un seul clic sur un courriel d’hameçonnage par un employé qui a des droits d’administration peut "
            "donner à un attaquant le contrôle de tout le réseau, avec vol de données, rançon et longue "
            "reconstruction à la clé."
        ),
    },
    "IAM-PASSWORD-MGR": {
        "title": "Gestionnaire de mots de passe d’entreprise",
        "description": (
            "Le personnel conserve et génère ses mots de passe dans un gestionnaire de mots de passe géré par "
            "l’entreprise\u00a0: chaque système a ainsi un mot de passe long et unique, et les accès partagés sont "
            "remis de façon sécuritaire."
        ),
        "why_it_matters": (
            "Les gens réutilisent leurs mots de passe d’un site à l’autre, et les fuites de sites sans lien "
            "avec l’entreprise les exposent. Un gestionnaire de mots de passe rend les mots de passe uniques "
            "faciles à utiliser et permet à l’entreprise de retirer les accès partagés au départ d’une "
            "personne."
        ),
        "consequences": (
            "Un mot de passe divulgué par un site de magasinage personnel peut être réutilisé pour ouvrir les "
            "systèmes de l’entreprise, et les mots de passe partagés conservés dans des chiffriers restent "
            "utilisables par d’anciens employés."
        ),
    },
    "IAM-OFFBOARDING": {
        "title": "Retrait des accès le jour même du départ d’une personne",
        "description": (
            "Une liste de vérification documentée, déclenchée par les ressources humaines, désactive les "
            "comptes, l’accès à distance, les mots de passe partagés et les appareils d’une personne qui part, "
            "le jour de son départ, et consigne que c’est fait."
        ),
        "why_it_matters": (
            "Les comptes d’anciens employés et de sous-traitants sont souvent oubliés et restent actifs "
            "pendant des mois. Ils sont une porte d’entrée facile pour un ancien employé mécontent ou pour "
            "quiconque obtient l’ancien mot de passe."
        ),
        "consequences": (
            "Un ancien employé pourrait copier des listes de clients ou des fichiers confidentiels, supprimer "
            "des données ou continuer de lire des boîtes de courriel après son départ, exposant l’entreprise "
            "à des pertes de clients, à des poursuites et à des plaintes en matière de vie privée."
        ),
    },
    # --- protection des données -------------------------------------------------
    "BCK-OFFSITE": {
        "title": "Sauvegardes hors site et inaltérables des données de l’entreprise",
        "description": (
            "Les serveurs et les données de l’entreprise sont sauvegardés automatiquement chaque jour dans un "
            "lieu distinct, sous une forme qui ne peut être ni modifiée ni supprimée pendant une période "
            "déterminée, même par un administrateur."
        ),
        "why_it_matters": (
            "Les groupes criminels qui utilisent des rançongiciels cherchent les sauvegardes et les "
            "détruisent avant de chiffrer tout le reste. Une copie hors site et protégée contre la "
            "suppression est ce qui permet à une entreprise de se rétablir sans payer."
        ),
        "consequences": (
            "Après une attaque par rançongiciel, un incendie ou une panne de matériel, l’entreprise pourrait "
            "n’avoir aucun moyen de récupérer ses données et faire face à une demande de rançon, à des "
            "semaines d’arrêt ou à la perte définitive de ses dossiers."
        ),
    },
    "BCK-RESTORE-TEST": {
        "title": "Tests de restauration réguliers et documentés",
        "description": (
            "Au moins chaque trimestre, le FSG restaure à partir des sauvegardes un échantillon de fichiers et "
            "au moins un système complet, mesure le temps nécessaire et consigne le résultat."
        ),
        "why_it_matters": (
            "Les sauvegardes échouent sans bruit\u00a0: des tâches sautent des fichiers, les supports se dégradent "
            "et les paramètres dérivent. Seule une vraie restauration prouve que les données peuvent être "
            "récupérées, et en combien de temps."
        ),
        "consequences": (
            "L’entreprise pourrait découvrir en pleine crise que ses sauvegardes sont incomplètes ou prennent "
            "des jours à restaurer, ce qui transforme un incident récupérable en arrêt prolongé ou en perte "
            "définitive de données."
        ),
    },
    "BCK-SAAS": {
        "title": "Sauvegarde de Microsoft 365 et des autres applications infonuagiques",
        "description": (
            "Les données du courriel, de OneDrive, de SharePoint et de Teams, ainsi que des autres "
            "applications infonuagiques importantes, sont copiées vers un service de sauvegarde indépendant "
            "qui a sa propre durée de conservation."
        ),
        "why_it_matters": (
            "Les fournisseurs infonuagiques assurent le fonctionnement de leur service, mais ne promettent pas "
            "de récupérer les données que vos utilisateurs ou un attaquant ont supprimées ou chiffrées. Leurs "
            "corbeilles sont de courte durée et faciles à vider."
        ),
        "consequences": (
            "Des boîtes de courriel et des fichiers partagés perdus à cause d’une erreur, d’une personne "
            "malveillante à l’interne ou d’un compte compromis pourraient être irrécupérables, y compris des "
            "documents que la loi vous oblige à conserver."
        ),
    },
    "DAT-CLASSIFY-RETAIN": {
        "title": "Classification des données et calendrier de conservation",
        "description": (
            "L’entreprise classe ses renseignements selon leur sensibilité (par exemple public, interne, "
            "confidentiel), décide combien de temps chaque type est conservé et le détruit de façon "
            "sécuritaire à l’échéance."
        ),
        "why_it_matters": (
            "On ne peut pas protéger des données qu’on n’a pas repérées, et les données conservées plus "
            "longtemps que nécessaire ne font qu’augmenter ce qui peut être volé. Les lois sur la protection "
            "des renseignements personnels exigent aussi de ne pas les garder plus longtemps que nécessaire."
        ),
        "consequences": (
            "Une fuite expose des années de dossiers de clients et d’employés qui auraient dû être détruits, "
            "ce qui alourdit les coûts d’avis aux personnes touchées, les sanctions des autorités et "
            "l’atteinte à la réputation."
        ),
    },
    "DAT-DISK-ENC": {
        "title": "Chiffrement complet des disques des portables et des supports amovibles",
        "description": (
            "Les ordinateurs portables, les ordinateurs de bureau et les clés USB qui contiennent des données "
            "de l’entreprise sont chiffrés\u00a0: leur contenu est illisible sans la connexion de l’utilisateur."
        ),
        "why_it_matters": (
            "Des portables se perdent et se font voler. Avec le chiffrement, un appareil perdu ne coûte que "
            "le prix du matériel; sans chiffrement, chaque fichier et chaque mot de passe enregistré qu’il "
            "contient est exposé."
        ),
        "consequences": (
            "Un seul portable volé peut constituer un incident de confidentialité à déclarer, avec des coûts "
            "d’avis, l’examen des autorités de réglementation et une perte de confiance de vos clients."
        ),
    },
    # --- postes de travail ------------------------------------------------------
    "END-EDR": {
        "title": "Détection et réponse sur les terminaux (EDR) sur tous les appareils",
        "description": (
            "Chaque ordinateur et chaque serveur exécute un agent de sécurité géré qui surveille les "
            "comportements suspects, bloque les attaques connues et permet au FSG d’isoler à distance un "
            "appareil infecté."
        ),
        "why_it_matters": (
            "L’antivirus traditionnel rate la plupart des attaques modernes, qui se servent d’outils légitimes "
            "et ne déposent jamais de virus connu. L’EDR repère le comportement et permet d’intervenir en "
            "quelques minutes plutôt qu’en quelques jours."
        ),
        "consequences": (
            "Un intrus peut circuler dans le réseau sans être vu pendant des semaines, voler des données puis "
            "chiffrer tous les systèmes, ce qui entraîne un arrêt prolongé et une demande de rançon."
        ),
    },
    "END-PATCH-SLA": {
        "title": "Mises à jour de sécurité appliquées dans un délai défini",
        "description": (
            "Les systèmes d’exploitation et les applications reçoivent leurs mises à jour de sécurité selon un "
            "calendrier convenu\u00a0: les correctifs critiques en quelques jours, tout le reste en un mois, et "
            "les exceptions sont suivies."
        ),
        "why_it_matters": (
            "Les attaquants commencent à exploiter les failles publiées quelques jours après la sortie d’un "
            "correctif. Appliquer les correctifs rapidement ferme la porte avant qu’elle serve."
        ),
        "consequences": (
            "Des systèmes non corrigés peuvent être pris en main par des attaques automatisées sans qu’aucun "
            "utilisateur ne fasse d’erreur, avec rançongiciel, vol de données et arrêt de service à la clé."
        ),
    },
    "END-MDM": {
        "title": "Gestion des appareils mobiles pour les téléphones et les tablettes",
        "description": (
            "Les téléphones et les tablettes qui accèdent au courriel ou aux fichiers de l’entreprise sont "
            "inscrits à un service de gestion qui impose un verrouillage de l’écran et le chiffrement, et "
            "qui peut effacer à distance les données de l’entreprise."
        ),
        "why_it_matters": (
            "Les appareils mobiles contiennent les mêmes courriels et fichiers que les portables, mais se "
            "perdent beaucoup plus souvent. La gestion garde les données de l’entreprise sous son contrôle, "
            "y compris sur les téléphones personnels."
        ),
        "consequences": (
            "Un téléphone perdu ou volé, ou gardé par un ancien employé, peut continuer de donner accès au "
            "courriel et aux dossiers des clients sans aucun moyen de retirer cet accès."
        ),
    },
    "END-APP-ALLOWLIST": {
        "title": "Liste d’applications autorisées",
        "description": (
            "Les ordinateurs n’exécutent que les logiciels approuvés par l’entreprise; tout le reste, y "
            "compris les programmes et les scripts inconnus, est bloqué jusqu’à ce qu’il soit examiné."
        ),
        "why_it_matters": (
            "La plupart des logiciels malveillants doivent exécuter un programme que l’entreprise n’a jamais "
            "voulu installer. Bloquer les logiciels non approuvés les arrête à cette étape et empêche aussi "
            "l’utilisation d’outils sans licence ou risqués."
        ),
        "consequences": (
            "Des logiciels malveillants ou non vérifiés peuvent s’exécuter librement, ce qui mène à des "
            "infections, à des fuites de données et à une responsabilité en matière de licences."
        ),
    },
    "END-LOCAL-ADMIN": {
        "title": "Retrait des droits d’administrateur local aux utilisateurs de tous les jours",
        "description": (
            "Le personnel utilise son ordinateur sans droits d’administrateur; les installations de logiciels "
            "et les modifications passent par le FSG, et le mot de passe administrateur intégré de chaque "
            "appareil est unique et changé régulièrement."
        ),
        "why_it_matters": (
            "La plupart des logiciels malveillants ont besoin des droits d’administrateur pour s’installer, "
            "désactiver les protections ou se propager. Sans ces droits, bien des attaques échouent tout "
            "simplement."
        ),
        "consequences": (
            "Un seul portable infecté peut devenir un point de départ pour attaquer le reste du réseau, et "
            "les utilisateurs peuvent installer sans que personne le remarque des logiciels sans licence ou "
            "malveillants."
        ),
    },
    "END-SECURE-BASELINE": {
        "title": "Configurations de référence sécurisées",
        "description": (
            "Les ordinateurs, les serveurs et les appareils réseau sont configurés selon une norme documentée "
            "et renforcée\u00a0: services inutiles désactivés, mots de passe par défaut changés et paramètres "
            "vérifiés pour détecter les écarts."
        ),
        "why_it_matters": (
            "À leur sortie de la boîte, les systèmes privilégient la commodité plutôt que la sécurité. Une "
            "configuration de référence uniforme élimine les faiblesses faciles à exploiter et rend les "
            "problèmes plus faciles à repérer."
        ),
        "consequences": (
            "Les paramètres par défaut et les services oubliés offrent aux attaquants des points d’entrée "
            "faciles, et des systèmes disparates prennent plus de temps à corriger pendant un incident."
        ),
    },
    # --- réseau -----------------------------------------------------------------
    "NET-FW-VPN": {
        "title": "Hygiène du pare-feu et de l’accès à distance (RPV)",
        "description": (
            "Les pare-feu et les passerelles RPV utilisent un micrologiciel à jour et pris en charge, "
            "n’exposent que les services dont l’entreprise a besoin, exigent l’authentification multifacteur "
            "pour l’accès à distance, et leurs règles sont revues au moins une fois par année."
        ),
        "why_it_matters": (
            "Les pare-feu et les RPV exposés à Internet sont parmi les appareils les plus attaqués, et leurs "
            "failles sont exploitées en quelques jours. Les vieilles règles et les ports ouverts "
            "s’accumulent avec le temps."
        ),
        "consequences": (
            "Un pare-feu désuet ou mal configuré peut laisser les attaquants entrer directement dans le réseau "
            "interne, un point de départ fréquent des rançongiciels et des vols de données."
        ),
    },
    "NET-SEGMENT": {
        "title": "Segmentation du réseau",
        "description": (
            "Le réseau est divisé en zones distinctes, par exemple les ordinateurs du personnel, les serveurs, "
            "les téléphones et les imprimantes, et les invités, et la circulation entre elles est limitée à "
            "ce qui est nécessaire."
        ),
        "why_it_matters": (
            "Dans un réseau sans segmentation, un seul appareil infecté peut atteindre tous les autres. La "
            "segmentation circonscrit un incident à une petite zone et protège les systèmes les plus "
            "précieux."
        ),
        "consequences": (
            "Une infection sur une imprimante, une caméra ou un seul portable peut se propager à tous les "
            "serveurs et transformer un petit incident en panne générale de l’entreprise."
        ),
    },
    "NET-WIFI": {
        "title": "Wi-Fi sécurisé avec un réseau distinct pour les invités",
        "description": (
            "Le Wi-Fi du bureau utilise un chiffrement actuel et des identifiants individuels ou changés "
            "régulièrement, et les visiteurs utilisent un réseau pour invités qui ne peut pas atteindre les "
            "systèmes de l’entreprise."
        ),
        "why_it_matters": (
            "Un mot de passe Wi-Fi partagé qui ne change jamais est connu des anciens employés, des visiteurs "
            "et des voisins. Toute personne branchée au réseau du personnel peut atteindre les systèmes "
            "internes."
        ),
        "consequences": (
            "Une personne dans le stationnement ou un ancien employé pourrait se joindre au réseau et "
            "atteindre les fichiers, les imprimantes et les serveurs sans que personne s’en aperçoive."
        ),
    },
    "NET-DNS-FILTER": {
        "title": "Filtrage DNS et Web",
        "description": (
            "Un service de filtrage vérifie chaque site Web qu’un appareil tente de joindre, au bureau comme "
            "à l’extérieur, et bloque les sites malveillants et frauduleux connus."
        ),
        "why_it_matters": (
            "La plupart des attaques doivent passer par un site Web malveillant, soit pour tromper "
            "l’utilisateur, soit pour télécharger d’autres logiciels malveillants. Bloquer ces sites arrête "
            "bien des attaques tôt et à peu de frais."
        ),
        "consequences": (
            "Le personnel peut aboutir sur de fausses pages de connexion et sur des sites infectés, ce qui "
            "mène au vol de mots de passe, à des logiciels malveillants et à de la fraude."
        ),
    },
    # --- courriel ---------------------------------------------------------------
    "EML-FILTER": {
        "title": "Filtrage avancé du courriel",
        "description": (
            "Le courriel entrant passe par un service de filtrage qui retire les pourriels, les pièces "
            "jointes malveillantes et les liens dangereux, et qui signale les tentatives d’usurpation "
            "d’identité avant qu’elles arrivent dans la boîte de réception."
        ),
        "why_it_matters": (
            "Le courriel est le moyen le plus courant par lequel les attaques atteignent le personnel. Chaque "
            "message arrêté par le filtre est un message que personne n’a à juger correctement."
        ),
        "consequences": (
            "Des pièces jointes malveillantes et de fausses factures parviennent au personnel chaque jour, ce "
            "qui augmente le risque de rançongiciel, de vol de mots de passe et de paiements frauduleux."
        ),
    },
    "EML-DMARC": {
        "title": "Protection du domaine de courriel (SPF, DKIM, DMARC)",
        "description": (
            "Le domaine de courriel de l’entreprise publie des enregistrements qui indiquent aux serveurs "
            "destinataires quels expéditeurs sont authentiques, et leur demande de refuser les messages qui "
            "prétendent seulement venir de vous."
        ),
        "why_it_matters": (
            "Sans ces enregistrements, n’importe qui peut envoyer des courriels qui semblent provenir de "
            "votre domaine. Les grands fournisseurs de courriel refusent aussi de plus en plus les messages "
            "des domaines qui n’en ont pas, ou les classent comme pourriels."
        ),
        "consequences": (
            "Des criminels peuvent envoyer à vos clients, en votre nom, de fausses factures convaincantes, et "
            "vos propres courriels légitimes peuvent aboutir dans les pourriels ou être refusés."
        ),
    },
    # --- personnes --------------------------------------------------------------
    "PPL-AWARENESS": {
        "title": "Formation de sensibilisation à la sécurité",
        "description": (
            "Tout le personnel suit une courte formation en sécurité à son arrivée et au moins une fois par "
            "année; elle porte sur l’hameçonnage, les mots de passe, la fraude et la façon de signaler "
            "quelque chose de suspect."
        ),
        "why_it_matters": (
            "La plupart des attaques réussies commencent par tromper une personne. Un personnel qui connaît "
            "les signes avant-coureurs et qui se sent à l’aise de signaler ses erreurs constitue un système "
            "d’alerte précoce."
        ),
        "consequences": (
            "Le personnel risque davantage d’ouvrir des pièces jointes malveillantes, de divulguer des mots de "
            "passe ou de donner suite à de fausses demandes de paiement, et de cacher une erreur au lieu de "
            "la signaler."
        ),
    },
    "PPL-PHISH-SIM": {
        "title": "Exercices d’hameçonnage simulé",
        "description": (
            "Le FSG envoie périodiquement au personnel des courriels d’hameçonnage réalistes mais inoffensifs, "
            "propose une courte leçon à quiconque clique et présente l’évolution des résultats à la "
            "direction."
        ),
        "why_it_matters": (
            "La pratique crée l’habitude de prendre une pause avant de cliquer, et les résultats montrent à "
            "la direction où une formation supplémentaire est nécessaire."
        ),
        "consequences": (
            "L’entreprise n’a aucune mesure de la facilité avec laquelle son personnel se laisse tromper, et "
            "le premier vrai test est une attaque réelle."
        ),
    },
    "PPL-PAYMENT-VERIFY": {
        "title": "Vérification par rappel des changements de paiement et de coordonnées bancaires",
        "description": (
            "Toute demande de modification des coordonnées bancaires d’un fournisseur, ou de paiement urgent "
            "ou inhabituel, est confirmée par téléphone à un numéro déjà au dossier, jamais à un numéro "
            "fourni dans la demande."
        ),
        "why_it_matters": (
            "Des fraudeurs se font passer pour des dirigeants et des fournisseurs par courriel afin de "
            "détourner des paiements, et ces messages proviennent souvent de comptes réels qui ont été "
            "compromis. Un simple rappel les déjoue."
        ),
        "consequences": (
            "Un seul virement frauduleux peut coûter des dizaines ou des centaines de milliers de dollars; il "
            "est rarement récupéré et souvent exclu de l’assurance quand aucune vérification n’a été faite."
        ),
    },
    # --- exploitation -----------------------------------------------------------
    "OPS-LOG-MONITOR": {
        "title": "Journalisation centralisée et surveillance de la sécurité",
        "description": (
            "Les journaux des connexions, du pare-feu, des serveurs et des services infonuagiques sont "
            "rassemblés au même endroit, conservés au moins un an et surveillés pour détecter les activités "
            "suspectes, avec alertes au FSG."
        ),
        "why_it_matters": (
            "Les attaquants sont souvent présents depuis des semaines avant de frapper. Des journaux "
            "surveillés permettent de les repérer tôt et, après coup, de montrer ce qui a été consulté."
        ),
        "consequences": (
            "Une intrusion peut passer inaperçue jusqu’à ce que le mal soit fait, et sans journaux "
            "l’entreprise ne peut pas savoir ce qui a été pris, ce qui l’oblige souvent à aviser tout le "
            "monde comme si toutes les données avaient été volées."
        ),
    },
    "OPS-VULN-SCAN": {
        "title": "Balayage régulier des vulnérabilités",
        "description": (
            "Les systèmes internes et tout ce qui est exposé à Internet sont balayés automatiquement au "
            "moins une fois par mois pour repérer les mises à jour manquantes et les paramètres faibles, et "
            "les problèmes trouvés sont corrigés par ordre de priorité."
        ),
        "why_it_matters": (
            "Le balayage trouve les faiblesses que cherchent les attaquants avant qu’eux ne les trouvent, y "
            "compris les systèmes oubliés et les appareils que les mises à jour ont manqués."
        ),
        "consequences": (
            "Des faiblesses exploitables restent ouvertes sans que personne le sache, jusqu’à ce qu’un "
            "attaquant les trouve en premier."
        ),
    },
    "OPS-ASSET-INVENTORY": {
        "title": "Inventaire du matériel et des logiciels",
        "description": (
            "Une liste à jour de chaque ordinateur, serveur, appareil réseau, service infonuagique et "
            "application installée, avec son responsable et son emplacement, est tenue automatiquement."
        ),
        "why_it_matters": (
            "Les appareils et les services dont personne ne connaît l’existence ne sont jamais mis à jour, "
            "sauvegardés ni surveillés. L’inventaire est la base de toutes les autres mesures."
        ),
        "consequences": (
            "Les appareils oubliés et les services infonuagiques non officiels deviennent des points d’entrée "
            "sans protection, et un incident prend plus de temps à maîtriser parce que personne ne sait ce "
            "qui existe."
        ),
    },
    "OPS-EOL-REPLACE": {
        "title": "Remplacement du matériel et des logiciels en fin de vie",
        "description": (
            "Les ordinateurs, les serveurs, les appareils réseau et les logiciels qui ne reçoivent plus de "
            "mises à jour de sécurité de leur fabricant sont remplacés ou isolés selon un calendrier planifié "
            "et budgété."
        ),
        "why_it_matters": (
            "Une fois qu’un produit arrive en fin de vie, ses nouvelles failles ne sont jamais corrigées, et "
            "les attaquants le savent. Aucune autre protection ne compense entièrement ce manque."
        ),
        "consequences": (
            "Les systèmes non pris en charge peuvent être compromis par des failles qui ne seront jamais "
            "corrigées, et après une fuite, les assureurs et les autorités de réglementation peuvent "
            "considérer leur utilisation comme de la négligence."
        ),
    },
    # --- gouvernance ------------------------------------------------------------
    "GOV-IR-PLAN": {
        "title": "Plan de réponse aux incidents, mis à l’essai chaque année",
        "description": (
            "Un plan écrit précise qui décide de quoi pendant un cyberincident\u00a0: qui appeler, comment le "
            "contenir, quand aviser les clients, les assureurs et les autorités de réglementation. Il est "
            "répété au moins une fois par année."
        ),
        "why_it_matters": (
            "Les premières heures d’un incident déterminent sa gravité. Un plan répété évite la panique, la "
            "perte de preuves et le non-respect des délais prévus par la loi."
        ),
        "consequences": (
            "Une réponse désorganisée peut prolonger l’arrêt, détruire les preuves dont les assureurs ont "
            "besoin et faire manquer les délais d’avis en cas d’incident de confidentialité, ce qui ajoute "
            "des amendes au coût de l’incident."
        ),
    },
    "GOV-BCP": {
        "title": "Plan de continuité des activités et de reprise après sinistre",
        "description": (
            "L’entreprise a déterminé combien de temps elle peut se passer de chaque système essentiel et "
            "quelle quantité de données elle peut se permettre de perdre, et elle a un plan écrit pour "
            "continuer ses activités et se rétablir dans ces limites."
        ),
        "why_it_matters": (
            "Un incendie, une inondation, une longue panne de courant ou une cyberattaque peut fermer le "
            "bureau ou les systèmes pendant des jours. Un plan convenu à l’avance transforme une crise en "
            "une suite d’étapes connues."
        ),
        "consequences": (
            "Une panne dure plus longtemps que l’entreprise ne peut se le permettre, les clients vont "
            "ailleurs et les échéances contractuelles ne sont pas respectées."
        ),
    },
    "GOV-CYBER-INSURANCE": {
        "title": "Assurance responsabilité en matière de cyberrisques",
        "description": (
            "L’entreprise détient une police d’assurance contre les cyberrisques proportionnée à son risque, "
            "qui couvre la réponse aux incidents, l’interruption des activités, la négociation de rançon, "
            "les frais juridiques et les réclamations de tiers."
        ),
        "why_it_matters": (
            "Même les entreprises bien protégées subissent des intrusions, et les coûts de rétablissement "
            "peuvent dépasser les réserves d’une petite entreprise. L’assurance donne aussi accès à des "
            "spécialistes de l’intervention en quelques heures."
        ),
        "consequences": (
            "Le coût total d’un incident, y compris les enquêtes techniques, les avocats, les revenus perdus "
            "et les réclamations des clients, retombe sur l’entreprise et peut menacer sa survie."
        ),
    },
    # --- fournisseurs -----------------------------------------------------------
    "VND-REMOTE-ACCESS": {
        "title": "Accès à distance contrôlé pour les fournisseurs externes",
        "description": (
            "Les éditeurs de logiciels et les autres services de soutien externes se connectent uniquement "
            "par une méthode approuvée et journalisée, avec leurs propres comptes nominatifs et "
            "l’authentification multifacteur, et l’accès n’est activé qu’au besoin."
        ),
        "why_it_matters": (
            "Les outils d’accès à distance des fournisseurs toujours actifs, avec des mots de passe partagés, "
            "sont une porte d’entrée prisée des attaquants, et une intrusion chez le fournisseur devient une "
            "intrusion dans votre entreprise."
        ),
        "consequences": (
            "Un attaquant qui compromet un fournisseur peut atteindre directement vos systèmes, déployer un "
            "rançongiciel ou voler des données, sans qu’il reste forcément de trace de qui s’est connecté."
        ),
    },
    "VND-DUE-DILIGENCE": {
        "title": "Évaluation de la sécurité des fournisseurs clés",
        "description": (
            "Avant de conclure une entente avec un fournisseur qui détiendra des données de l’entreprise ou "
            "se connectera à ses systèmes, l’entreprise vérifie ses pratiques de sécurité et ajoute au "
            "contrat des clauses sur la sécurité et l’avis en cas d’incident."
        ),
        "why_it_matters": (
            "Vos données ne sont pas plus en sécurité que chez le plus faible des fournisseurs qui les "
            "détiennent, et vos clients comme les autorités de réglementation vous en tiendront tout de même "
            "responsable."
        ),
        "consequences": (
            "Une intrusion chez un fournisseur peut exposer les données de vos clients sans aucun droit "
            "contractuel d’en être informé rapidement ou de recouvrer vos frais."
        ),
    },
}
