"""Demo content of the national information site: invented data, never real addresses.

Eight "prepare your convocation" pages matching the places of the demo jurisdictions (Nanterre,
Saint-Denis de La Réunion, Lille and Douai), and a reinsertion directory of five to seven
structures per demo département (92, 974, 59) covering the six themes. The towns are real; the
street addresses, e-mails (domain ``demo.test``) and websites are invented, and the phone numbers
are in the ranges ARCEP reserves for fiction (01 99 00 xx xx, 03 53 01 xx xx). Every directory
entry ends with "(démo)" so that nobody takes it for a real address.
"""

import re

_SPACES = re.compile(r"[ \t\r\n]+")


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


# --- Texts shared by the pages of one kind ------------------------------------------------------

_WHAT_TO_BRING = """<p>Apportez :</p>
<ul>
<li>votre convocation (le courrier ou le SMS) ;</li>
<li>une pièce d'identité : carte d'identité, passeport ou titre de séjour ;</li>
<li>un justificatif de domicile de moins de 3 mois : facture, quittance de loyer ou attestation
d'hébergement ;</li>
<li>vos justificatifs de ressources : fiches de paie, attestation de France Travail, de la CAF ou
de votre caisse de retraite ;</li>
<li>un justificatif d'emploi ou de formation : contrat de travail, attestation de l'employeur,
attestation d'inscription ;</li>
<li>vos attestations de soins, si vous avez une obligation de soins ;</li>
<li>la décision du tribunal (le jugement), si vous l'avez.</li>
</ul>"""

_INTERVIEW_SPIP = """<p>Vous êtes reçu seul, dans un bureau, par un conseiller pénitentiaire
d'insertion et de probation (CPIP). Le premier entretien dure souvent près d'une heure.</p>
<p>Le CPIP vous explique votre peine et vos obligations. Il vous pose des questions sur votre
situation : logement, travail, santé, famille. Il regarde vos justificatifs et fixe avec vous
le prochain rendez-vous.</p>
<p>Vous pouvez poser toutes vos questions. Ce que vous dites sert à adapter votre suivi.</p>"""

_INTERVIEW_TJ = """<p>Selon votre convocation, vous êtes reçu :</p>
<ul>
<li>pour un <strong>entretien</strong> avec le juge de l'application des peines (JAP), dans son
bureau : il vous rappelle vos obligations ou étudie un aménagement de votre peine ;</li>
<li>pour une <strong>audience</strong> appelée débat contradictoire, en présence du procureur de
la République et d'un greffier : le juge vous écoute, ainsi que votre avocat, avant de
décider.</li>
</ul>
<p>Venez 15 minutes en avance. L'attente peut être longue : prévoyez du temps.</p>"""


def _cannot_come(service: str, phone: str) -> str:
    return f"""<p>Appelez {service} <strong>avant</strong> le rendez-vous, au {phone}.
    Expliquez la raison et demandez une nouvelle date.</p>
    <p>Apportez ensuite une preuve : arrêt de travail, certificat médical, attestation de
    l'employeur, convocation à un examen ou à un autre rendez-vous obligatoire.</p>
    <p>Ne restez jamais sans donner de nouvelles : une absence sans explication est signalée au
    juge de l'application des peines, qui peut vous sanctionner.</p>"""


_LAWYER_SPIP = """<p>Non. Un avocat n'est pas nécessaire pour un entretien avec votre CPIP : ce
n'est pas une audience.</p>
<p>Si le juge de l'application des peines vous convoque ensuite à une audience (débat
contradictoire), vous pouvez être assisté d'un avocat. Si vos revenus sont faibles, l'aide
juridictionnelle peut prendre en charge ses frais.</p>"""

_LAWYER_TJ = """<p>Pour un simple entretien avec le juge, l'avocat n'est pas obligatoire.</p>
<p>Pour un débat contradictoire, vous avez le droit d'être assisté d'un avocat, et c'est
vivement conseillé. Si vous n'en avez pas, vous pouvez demander qu'un avocat soit désigné par le
bâtonnier (commis d'office).</p>
<p>Si vos revenus sont faibles, l'aide juridictionnelle peut prendre en charge tout ou partie de
ses frais. Faites la demande au plus tôt, auprès du bureau d'aide juridictionnelle du
tribunal.</p>"""

_ACCESS_SPIP = """<p>Entrée du public par la porte principale. Présentez-vous à l'accueil avec
votre convocation. Un contrôle de sécurité peut avoir lieu à l'entrée.</p>"""

_ACCESS_TJ = """<p>Entrée du public par le parvis. Passez le contrôle de sécurité : les objets
dangereux sont interdits. Suivez la direction « Application des peines » et présentez-vous au
greffe avec votre convocation.</p>"""

_REDUCED_MOBILITY = """<p>Le bâtiment est accessible de plain-pied et un ascenseur dessert les
étages. Si vous avez besoin d'aide, prévenez l'accueil avant votre rendez-vous.</p>"""

_HOURS_SPIP = (
    "Lundi au jeudi : 9 h – 12 h 30 et 13 h 30 – 17 h 30\n"
    "Vendredi : 9 h – 12 h 30 et 13 h 30 – 16 h 30"
)
_HOURS_TJ = "Lundi au vendredi : 8 h 30 – 12 h et 13 h 30 – 17 h"


def _contact_spip(email: str) -> str:
    return f"""<p>Par téléphone, aux heures d'ouverture. Par courriel à
    <a href='mailto:{email}'>{email}</a>, en indiquant vos nom, prénoms et date de naissance.
    Pour parler à votre CPIP, demandez-le à l'accueil : il vous rappellera.</p>"""


def _contact_tj(email: str) -> str:
    return f"""<p>Par téléphone, aux heures d'ouverture du greffe de l'application des peines.
    Par courriel à <a href='mailto:{email}'>{email}</a>, en indiquant vos nom, prénoms, date de
    naissance et, si vous l'avez, le numéro de votre dossier.</p>"""


def _service(
    slug, name, kind, departement, postcode, city, latitude, longitude, transport, phone, email
) -> dict:
    spip = kind == "spip"
    return {
        "slug": slug,
        "name": name,
        "kind": kind,
        "departement": departement,
        "address": "12 rue de l'Exemple" if spip else "1 place de la Justice",
        "postcode": postcode,
        "city": city,
        "latitude": str(latitude),
        "longitude": str(longitude),
        "access": _clean(_ACCESS_SPIP if spip else _ACCESS_TJ),
        "transport": _clean(transport),
        "reduced_mobility": _clean(_REDUCED_MOBILITY),
        "opening_hours": _HOURS_SPIP if spip else _HOURS_TJ,
        "phone": phone,
        "email": email,
        "contact": _clean(_contact_spip(email) if spip else _contact_tj(email)),
        "what_to_bring": _clean(_WHAT_TO_BRING),
        "interview": _clean(_INTERVIEW_SPIP if spip else _INTERVIEW_TJ),
        "cannot_come": _clean(_cannot_come("le SPIP" if spip else "le greffe", phone)),
        "lawyer": _clean(_LAWYER_SPIP if spip else _LAWYER_TJ),
    }


_TRANSPORT_NANTERRE = """<ul>
<li>RER A : gare Nanterre-Préfecture, puis environ 10 minutes à pied.</li>
<li>Bus : plusieurs lignes desservent le centre de Nanterre.</li>
</ul>"""

_TRANSPORT_SAINT_DENIS = """<ul>
<li>Bus urbains Citalis : plusieurs lignes desservent le centre-ville de Saint-Denis.</li>
<li>Cars Jaunes : gare routière de Saint-Denis, puis environ 10 minutes à pied.</li>
</ul>"""

_TRANSPORT_LILLE = """<ul>
<li>Métro : lignes 1 et 2, station Gare Lille-Flandres, puis environ 10 minutes à pied.</li>
<li>Train : gares Lille-Flandres et Lille-Europe.</li>
</ul>"""

_TRANSPORT_DOUAI = """<ul>
<li>Train : gare de Douai, puis environ 15 minutes à pied.</li>
<li>Bus : réseau Évéole, plusieurs lignes desservent le centre-ville.</li>
</ul>"""

SERVICE_PAGES: list[dict] = [
    _service(
        "spip-92-nanterre",
        "SPIP des Hauts-de-Seine — antenne de Nanterre",
        "spip",
        "92",
        "92000",
        "Nanterre",
        48.8931,
        2.2085,
        _TRANSPORT_NANTERRE,
        "01 99 00 12 34",
        "spip92-nanterre@demo.test",
    ),
    _service(
        "tj-nanterre-sap",
        "Tribunal judiciaire de Nanterre — application des peines",
        "tj",
        "92",
        "92000",
        "Nanterre",
        48.8912,
        2.2042,
        _TRANSPORT_NANTERRE,
        "01 99 00 12 50",
        "sap.tj-nanterre@demo.test",
    ),
    _service(
        "spip-974-saint-denis",
        "SPIP de La Réunion — antenne de Saint-Denis",
        "spip",
        "974",
        "97400",
        "Saint-Denis",
        -20.8800,
        55.4480,
        _TRANSPORT_SAINT_DENIS,
        "01 99 00 40 10",
        "spip974-saint-denis@demo.test",
    ),
    _service(
        "tj-saint-denis-sap",
        "Tribunal judiciaire de Saint-Denis — application des peines",
        "tj",
        "974",
        "97400",
        "Saint-Denis",
        -20.8790,
        55.4520,
        _TRANSPORT_SAINT_DENIS,
        "01 99 00 40 20",
        "sap.tj-saint-denis@demo.test",
    ),
    _service(
        "spip-59-lille",
        "SPIP du Nord — antenne de Lille",
        "spip",
        "59",
        "59000",
        "Lille",
        50.6330,
        3.0600,
        _TRANSPORT_LILLE,
        "03 53 01 10 10",
        "spip59-lille@demo.test",
    ),
    _service(
        "tj-lille-sap",
        "Tribunal judiciaire de Lille — application des peines",
        "tj",
        "59",
        "59000",
        "Lille",
        50.6310,
        3.0660,
        _TRANSPORT_LILLE,
        "03 53 01 10 20",
        "sap.tj-lille@demo.test",
    ),
    _service(
        "spip-59-douai",
        "SPIP du Nord — antenne de Douai",
        "spip",
        "59",
        "59500",
        "Douai",
        50.3690,
        3.0760,
        _TRANSPORT_DOUAI,
        "03 53 01 20 10",
        "spip59-douai@demo.test",
    ),
    _service(
        "tj-douai-sap",
        "Tribunal judiciaire de Douai — application des peines",
        "tj",
        "59",
        "59500",
        "Douai",
        50.3725,
        3.0810,
        _TRANSPORT_DOUAI,
        "03 53 01 20 20",
        "sap.tj-douai@demo.test",
    ),
]

# --- The reinsertion directory ------------------------------------------------------------------

_WEEKDAYS = "Lundi au vendredi : 9 h – 12 h 30 et 13 h 30 – 17 h"


def _partner(
    name, category, description, address, postcode, city, phone, slug, departements, hours=None
) -> dict:
    return {
        "name": name,
        "category": category,
        "description": _clean(description),
        "address": address,
        "postcode": postcode,
        "city": city,
        "phone": phone,
        "email": f"contact@{slug}.demo.test",
        "website": f"https://{slug}.demo.test",
        "hours": hours or _WEEKDAYS,
        "departements": departements,
    }


_MISSION_LOCALE = """Accompagnement des jeunes de 16 à 25 ans vers l'emploi et la formation :
conseils, offres d'emploi, aide au CV, Contrat d'engagement jeune. Sur rendez-vous, sans
frais."""

_SIAO = """Service intégré d'accueil et d'orientation : il oriente vers un hébergement
d'urgence ou d'insertion et vers un logement accompagné. Demande faite par un travailleur social
ou le SPIP. En urgence, appelez le 115, gratuit, jour et nuit."""

_CSAPA = """Centre de soins, d'accompagnement et de prévention en addictologie (alcool, drogues,
jeux). Consultations gratuites et confidentielles avec médecins, psychologues et travailleurs
sociaux. Attestations de suivi pour l'obligation de soins."""

_POINT_JUSTICE = """Informations juridiques gratuites et confidentielles : permanences
d'avocats, de juristes et de conciliateurs de justice. Aide pour la demande d'aide
juridictionnelle. Sur rendez-vous."""

_FRANCE_SERVICES = """Aide aux démarches administratives en un seul lieu : papiers d'identité,
CAF, Assurance maladie, impôts, retraite, France Travail. Ordinateurs en accès libre et
conseillers pour vous accompagner."""

_CIDFF = """Centre d'information sur les droits des femmes et des familles : informations
juridiques sur la famille (séparation, pension alimentaire, autorité parentale) et
accompagnement des victimes de violences. Violences : appelez le 3919."""

PARTNERS: list[dict] = [
    # Hauts-de-Seine (92)
    _partner(
        "Mission locale de Nanterre (démo)",
        "emploi",
        _MISSION_LOCALE,
        "5 rue de l'Exemple",
        "92000",
        "Nanterre",
        "01 99 00 21 01",
        "mission-locale-nanterre",
        ["92"],
    ),
    _partner(
        "Atelier chantier d'insertion Seine-Ouest (démo)",
        "emploi",
        """Contrats de travail de 4 à 24 mois, avec un accompagnement, pour les personnes
        éloignées de l'emploi : espaces verts, bâtiment, recyclage. Orientation par le SPIP,
        France Travail ou la mission locale.""",
        "18 avenue de l'Exemple",
        "92000",
        "Nanterre",
        "01 99 00 21 02",
        "aci-seine-ouest",
        ["92"],
        "Lundi au vendredi : 8 h – 12 h et 13 h – 16 h",
    ),
    _partner(
        "SIAO des Hauts-de-Seine (démo)",
        "logement",
        _SIAO,
        "9 boulevard de l'Exemple",
        "92000",
        "Nanterre",
        "01 99 00 21 03",
        "siao-92",
        ["92"],
    ),
    _partner(
        "CSAPA de Nanterre (démo)",
        "sante",
        _CSAPA,
        "3 place de l'Exemple",
        "92000",
        "Nanterre",
        "01 99 00 21 04",
        "csapa-nanterre",
        ["92"],
        "Lundi au vendredi : 9 h – 18 h\nJeudi : jusqu'à 19 h, sur rendez-vous",
    ),
    _partner(
        "Point-justice de Nanterre (démo)",
        "droits",
        _POINT_JUSTICE,
        "7 rue de l'Exemple",
        "92000",
        "Nanterre",
        "01 99 00 21 05",
        "point-justice-nanterre",
        ["92"],
        "Lundi, mardi et jeudi : 9 h – 12 h et 14 h – 17 h",
    ),
    _partner(
        "France services de Nanterre (démo)",
        "demarches",
        _FRANCE_SERVICES,
        "22 rue de l'Exemple",
        "92000",
        "Nanterre",
        "01 99 00 21 06",
        "france-services-nanterre",
        ["92"],
    ),
    _partner(
        "CIDFF des Hauts-de-Seine (démo)",
        "famille",
        _CIDFF,
        "14 rue de l'Exemple",
        "92000",
        "Nanterre",
        "01 99 00 21 07",
        "cidff-92",
        ["92"],
    ),
    # La Réunion (974)
    _partner(
        "Mission locale de Saint-Denis (démo)",
        "emploi",
        _MISSION_LOCALE,
        "5 rue de l'Exemple",
        "97400",
        "Saint-Denis",
        "01 99 00 41 01",
        "mission-locale-saint-denis",
        ["974"],
        "Lundi au vendredi : 8 h – 12 h et 13 h – 16 h",
    ),
    _partner(
        "SIAO de La Réunion (démo)",
        "logement",
        _SIAO,
        "9 boulevard de l'Exemple",
        "97400",
        "Saint-Denis",
        "01 99 00 41 02",
        "siao-974",
        ["974"],
        "Lundi au vendredi : 8 h – 12 h et 13 h – 16 h",
    ),
    _partner(
        "CSAPA de Saint-Denis (démo)",
        "sante",
        _CSAPA,
        "3 place de l'Exemple",
        "97400",
        "Saint-Denis",
        "01 99 00 41 03",
        "csapa-saint-denis",
        ["974"],
        "Lundi au vendredi : 8 h – 16 h",
    ),
    _partner(
        "Point-justice de Saint-Denis (démo)",
        "droits",
        _POINT_JUSTICE,
        "7 rue de l'Exemple",
        "97400",
        "Saint-Denis",
        "01 99 00 41 04",
        "point-justice-saint-denis",
        ["974"],
        "Mardi et jeudi : 8 h 30 – 12 h et 13 h 30 – 16 h",
    ),
    _partner(
        "France services de Saint-Denis (démo)",
        "demarches",
        _FRANCE_SERVICES,
        "22 rue de l'Exemple",
        "97400",
        "Saint-Denis",
        "01 99 00 41 05",
        "france-services-saint-denis",
        ["974"],
        "Lundi au vendredi : 8 h – 12 h et 13 h – 16 h",
    ),
    _partner(
        "CIDFF de La Réunion (démo)",
        "famille",
        _CIDFF,
        "14 rue de l'Exemple",
        "97400",
        "Saint-Denis",
        "01 99 00 41 06",
        "cidff-974",
        ["974"],
        "Lundi au vendredi : 8 h – 12 h et 13 h – 16 h",
    ),
    # Nord (59)
    _partner(
        "Mission locale de Lille (démo)",
        "emploi",
        _MISSION_LOCALE,
        "5 rue de l'Exemple",
        "59000",
        "Lille",
        "03 53 01 31 01",
        "mission-locale-lille",
        ["59"],
    ),
    _partner(
        "Mission locale du Douaisis (démo)",
        "emploi",
        _MISSION_LOCALE,
        "8 rue de l'Exemple",
        "59500",
        "Douai",
        "03 53 01 31 02",
        "mission-locale-douaisis",
        ["59"],
    ),
    _partner(
        "SIAO du Nord (démo)",
        "logement",
        _SIAO,
        "9 boulevard de l'Exemple",
        "59000",
        "Lille",
        "03 53 01 31 03",
        "siao-59",
        ["59"],
    ),
    _partner(
        "CSAPA de Douai (démo)",
        "sante",
        _CSAPA,
        "3 place de l'Exemple",
        "59500",
        "Douai",
        "03 53 01 31 04",
        "csapa-douai",
        ["59"],
        "Lundi au vendredi : 9 h – 17 h 30",
    ),
    _partner(
        "Point-justice de Lille (démo)",
        "droits",
        _POINT_JUSTICE,
        "7 rue de l'Exemple",
        "59000",
        "Lille",
        "03 53 01 31 05",
        "point-justice-lille",
        ["59"],
        "Lundi au jeudi : 9 h – 12 h et 14 h – 17 h",
    ),
    _partner(
        "France services de Douai (démo)",
        "demarches",
        _FRANCE_SERVICES,
        "22 rue de l'Exemple",
        "59500",
        "Douai",
        "03 53 01 31 06",
        "france-services-douai",
        ["59"],
    ),
    _partner(
        "CIDFF du Nord (démo)",
        "famille",
        _CIDFF,
        "14 rue de l'Exemple",
        "59000",
        "Lille",
        "03 53 01 31 07",
        "cidff-59",
        ["59"],
    ),
]
