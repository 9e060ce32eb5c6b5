"""The information pages of the national site, as data: the home and section intros, the measures,
the sentence adjustments, the obligations, who does what, and the pages about the site.

Each page is a dict with the fields of ``InfoPage`` and its ordered ``sections`` (the fields of
``Section``; keys left out default to ""). Bodies and intros are small HTML (paragraphs, bold,
italics, lists, links), written in plain French for the people followed by the courts and the
SPIP. Legal wording (``legal_text``) is quoted from Légifrance as faithfully as known and must be
proofread by the national team before publication; "[…]" marks a cut in a quoted text.
Strings are wrapped in the source for line length; ``_clean`` folds the wrapping back to single
spaces.
"""

import re

_SPACES = re.compile(r"[ \t\r\n]+")


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _law(*paragraphs: str) -> str:
    """A quoted legal text: one line per paragraph or numbered item."""
    return "\n".join(_clean(paragraph) for paragraph in paragraphs)


def _section(kind: str, heading: str, body: str, legal_text: str = "", reference: str = ""):
    section = {"kind": kind, "body": _clean(body)}
    if heading:
        section["heading"] = heading
    if legal_text:
        section["legal_text"] = legal_text
        section["legal_reference"] = reference
    return section


def text(heading: str, body: str) -> dict:
    return _section("text", heading, body)


def question(heading: str, body: str) -> dict:
    return _section("question", heading, body)


def legal(heading: str, legal_text: str, reference: str, body: str) -> dict:
    return _section("legal", heading, body, legal_text, reference)


def tip(heading: str, body: str) -> dict:
    return _section("tip", heading, body)


def warning(heading: str, body: str) -> dict:
    return _section("warning", heading, body)


def page(slug, title, category, position, summary, intro, sections) -> dict:
    return {
        "slug": slug,
        "title": title,
        "category": category,
        "position": position,
        "summary": _clean(summary),
        "intro": _clean(intro),
        "sections": sections,
    }


# --- The home and the section intros (category "hub") ------------------------------------------

ACCUEIL = page(
    "accueil",
    "Vos rendez-vous avec la justice : s'informer et se préparer",
    "hub",
    1,
    """Préparer votre convocation, comprendre votre peine et trouver de l'aide près de chez
    vous.""",
    """<p>Vous êtes suivi par la justice après une condamnation ? Vous avez reçu une
    convocation du tribunal ou du service pénitentiaire d'insertion et de probation (SPIP) ?
    Ce site est fait pour vous.</p>
    <p>Vous y trouvez l'adresse du service qui vous convoque, les papiers à apporter et le
    déroulement du rendez-vous. Vous y trouvez aussi des explications simples sur votre peine
    et sur vos obligations.</p>
    <p>Ce site est un site du ministère de la Justice. Il est gratuit. Il ne vous demande
    aucune information personnelle.</p>""",
    [
        question(
            "J'ai reçu une convocation : que faire ?",
            """<p>Lisez bien la date, l'heure et l'adresse. Notez le rendez-vous dans votre
            agenda ou dans votre téléphone.</p>
            <p>Cherchez le service qui vous convoque dans
            <a href='/preparer/'>Préparer ma convocation</a>. Vous y trouvez le chemin, les
            horaires et la liste des papiers à apporter.</p>
            <p>Venez à l'heure, avec votre convocation et une pièce d'identité. Aller à ce
            rendez-vous est une obligation.</p>""",
        ),
        question(
            "Je ne peux pas venir à mon rendez-vous",
            """<p>Prévenez le service <strong>avant</strong> le rendez-vous, par téléphone.
            Le numéro est sur votre convocation et sur la page du service.</p>
            <p>Expliquez pourquoi vous ne pouvez pas venir. Gardez une preuve : un arrêt de
            travail, une attestation de votre employeur, un bulletin d'hospitalisation.</p>
            <p>Ne restez jamais sans donner de nouvelles. Une absence sans explication est
            signalée au juge. Le juge peut alors vous sanctionner.</p>""",
        ),
        question(
            "Je ne comprends pas ma peine",
            """<p>C'est normal : les mots de la justice sont souvent difficiles. La rubrique
            <a href='/comprendre/'>Comprendre ma peine</a> explique chaque peine et chaque
            obligation avec des mots simples.</p>
            <p>Vous pouvez aussi poser vos questions à votre conseiller pénitentiaire
            d'insertion et de probation (CPIP) ou à votre avocat. Ils sont là pour vous
            expliquer.</p>""",
        ),
        question(
            "Qui peut m'aider ?",
            """<p>Votre CPIP vous aide dans vos démarches et pour respecter vos
            obligations.</p>
            <p>Près de chez vous, des associations et des services publics peuvent vous aider à
            trouver un travail, un logement, des soins, ou à faire vos papiers. Cherchez-les
            dans <a href='/reinsertion/'>Investir ma réinsertion</a>.</p>
            <p>Pour une question de droit, vous pouvez rencontrer gratuitement un juriste ou un
            avocat dans un point-justice.</p>""",
        ),
        tip(
            "Les SMS de rappel",
            """<p>Le service peut vous envoyer un SMS quand il fixe votre rendez-vous, puis un
            rappel un ou deux jours avant. Ces SMS ne vous demandent jamais d'argent, de code
            ni de mot de passe.</p>
            <p>Si vous changez de numéro de téléphone, dites-le à votre CPIP ou au greffe du
            tribunal.</p>""",
        ),
    ],
)

PREPARER = page(
    "preparer",
    "Préparer ma convocation",
    "hub",
    2,
    "Trouvez le service qui vous convoque et préparez votre rendez-vous.",
    """<p>Cherchez le service qui vous convoque avec votre code postal ou le numéro de votre
    département. Le nom du service est écrit sur votre convocation et dans le SMS.</p>
    <p>La page du service vous donne l'adresse, le chemin, les horaires et le numéro de
    téléphone. Elle vous dit aussi quoi apporter, comment se passe l'entretien et quoi faire si
    vous ne pouvez pas venir.</p>""",
    [
        text(
            "Deux services peuvent vous convoquer",
            """<ul>
            <li><strong>Le tribunal judiciaire</strong>, au service de l'application des
            peines. Vous y rencontrez le juge de l'application des peines (JAP) ou le
            greffe.</li>
            <li><strong>Le service pénitentiaire d'insertion et de probation (SPIP)</strong>.
            Vous y rencontrez votre conseiller pénitentiaire d'insertion et de probation
            (CPIP).</li>
            </ul>
            <p>Regardez bien l'adresse : le tribunal et le SPIP ne sont pas toujours dans le
            même bâtiment.</p>""",
        ),
        tip(
            "Avant de partir",
            """<ul>
            <li>Relisez la date, l'heure et l'adresse.</li>
            <li>Préparez vos papiers la veille.</li>
            <li>Prévoyez le temps du trajet et du contrôle de sécurité à l'entrée.</li>
            <li>Chargez votre téléphone.</li>
            </ul>""",
        ),
        warning(
            "Un rendez-vous est une obligation",
            """<p>Si vous ne venez pas sans prévenir, le service le signale au juge. Le juge
            peut vous sanctionner, et même décider que vous irez en prison. Si vous avez un
            empêchement, appelez le service avant le rendez-vous.</p>""",
        ),
    ],
)

COMPRENDRE = page(
    "comprendre",
    "Comprendre ma peine",
    "hub",
    3,
    "Les peines, les aménagements de peine et les obligations expliqués avec des mots simples.",
    """<p>Le tribunal vous a condamné et vous voulez savoir ce que cela veut dire pour vous ?
    Cette rubrique vous explique les peines, les aménagements de peine et les obligations.</p>
    <p>Pour chaque sujet, vous trouvez le texte de la loi et une explication en mots simples.
    Ces pages ne remplacent pas votre jugement : c'est lui qui dit exactement ce que vous devez
    faire.</p>""",
    [
        text(
            "Comment lire cette rubrique",
            """<ul>
            <li><strong>Les peines</strong> : ce que le tribunal a décidé, par exemple un
            sursis probatoire ou un travail d'intérêt général.</li>
            <li><strong>Les aménagements de peine</strong> : les façons d'exécuter une peine de
            prison autrement, par exemple chez vous avec un bracelet électronique.</li>
            <li><strong>Les obligations</strong> : ce que vous devez faire, ou ne pas faire,
            pendant votre peine.</li>
            <li><strong>Qui fait quoi</strong> : les personnes que vous allez rencontrer.</li>
            </ul>""",
        ),
        tip(
            "Demandez votre jugement",
            """<p>Le jugement est la décision écrite du tribunal. Vous pouvez en demander une
            copie au greffe du tribunal qui vous a jugé. Votre avocat peut aussi vous la donner.
            Apportez-la à votre premier rendez-vous.</p>""",
        ),
    ],
)

REINSERTION = page(
    "reinsertion",
    "Investir ma réinsertion",
    "hub",
    4,
    """Trouvez de l'aide près de chez vous : emploi, logement, santé, droits, démarches,
    famille.""",
    """<p>Trouver un travail, un logement ou des soins vous aide à respecter vos obligations et
    à préparer la suite. Cet annuaire présente des structures qui peuvent vous aider près de
    chez vous.</p>
    <p>Cherchez avec votre code postal ou votre département, puis choisissez un thème.</p>""",
    [
        text(
            "Six thèmes",
            """<ul>
            <li>Emploi et formation</li>
            <li>Logement</li>
            <li>Santé et addictions</li>
            <li>Accès aux droits et aide juridique</li>
            <li>Aide aux démarches administratives</li>
            <li>Famille et violences</li>
            </ul>""",
        ),
        tip(
            "Parlez-en à votre CPIP",
            """<p>Votre conseiller pénitentiaire d'insertion et de probation (CPIP) connaît les
            structures de votre secteur. Il peut vous orienter vers elles et vous aider à
            prendre contact.</p>
            <p>Ces structures ne dépendent pas du tribunal ni du SPIP. Elles ne décident pas de
            votre peine.</p>""",
        ),
        warning(
            "En cas d'urgence",
            """<ul>
            <li>Pour un hébergement d'urgence, appelez le <strong>115</strong> (gratuit, jour
            et nuit).</li>
            <li>Pour une urgence médicale, appelez le <strong>15</strong>.</li>
            <li>Si vous êtes en danger, appelez le <strong>17</strong> ou le
            <strong>112</strong>.</li>
            </ul>""",
        ),
    ],
)

# --- The measures (category "measure") ---------------------------------------------------------

SURSIS_PROBATOIRE = page(
    "sursis-probatoire",
    "Le sursis probatoire",
    "measure",
    1,
    """Une peine de prison que vous n'effectuez pas si vous respectez des obligations pendant un
    temps fixé par le tribunal.""",
    """<p>Le tribunal vous a condamné à une peine de prison avec sursis probatoire. Cela veut
    dire que vous n'allez pas en prison. En échange, vous devez respecter des obligations
    pendant un temps fixé par le tribunal : le <strong>délai de probation</strong>.</p>""",
    [
        text(
            "En bref",
            """<ul>
            <li>Vous restez libre.</li>
            <li>Vous êtes suivi par le service pénitentiaire d'insertion et de probation (SPIP)
            et par le juge de l'application des peines (JAP).</li>
            <li>Vous devez respecter les obligations générales et les obligations particulières
            écrites dans votre jugement.</li>
            <li>Le délai de probation dure de 1 à 3 ans, parfois plus en cas de récidive.</li>
            <li>Si vous respectez tout jusqu'au bout, vous n'effectuez pas la peine de
            prison.</li>
            </ul>""",
        ),
        legal(
            "La durée du suivi",
            _law(
                """La juridiction pénale fixe le délai de probation qui ne peut être inférieur à
                douze mois ni supérieur à trois ans. Lorsque la personne est en état de récidive
                légale, ce délai peut être porté à cinq ans. Ce délai peut être porté à sept ans
                lorsque la personne se trouve à nouveau en état de récidive légale.""",
                """Elle peut décider que le sursis ne s'appliquera à l'exécution de
                l'emprisonnement que pour une partie dont elle détermine la durée. Cette partie
                ne peut toutefois excéder cinq ans d'emprisonnement.""",
            ),
            "Article 132-42 du code pénal",
            """<p>Le tribunal fixe la durée du suivi : c'est le délai de probation. Il dure au
            moins 1 an et au plus 3 ans. Si vous êtes en récidive, c'est-à-dire si vous aviez
            déjà été condamné pour des faits semblables dans les délais prévus par la loi, il
            peut aller jusqu'à 5 ans, ou 7 ans en cas de nouvelle récidive.</p>
            <p>Le sursis peut porter sur une partie seulement de la peine. Vous devez alors
            effectuer l'autre partie, souvent de façon aménagée.</p>""",
        ),
        legal(
            "Ce que vous devez respecter",
            _law(
                """Au cours du délai de probation, le condamné doit satisfaire aux mesures de
                contrôle qui sont prévues par l'article 132-44 et à celles des obligations
                particulières prévues par l'article 132-45 qui lui sont spécialement imposées.
                En outre, le condamné peut bénéficier de mesures d'aide destinées à favoriser
                son reclassement social."""
            ),
            "Article 132-43 du code pénal",
            """<p>Pendant le délai de probation, vous devez respecter deux sortes
            d'obligations :</p>
            <ul>
            <li>les <a href='/comprendre/obligations-generales/'>obligations générales</a>, les
            mêmes pour tout le monde ;</li>
            <li>les <a href='/comprendre/obligations-particulieres/'>obligations
            particulières</a>, choisies pour vous par le tribunal ou par le juge.</li>
            </ul>
            <p>Vous pouvez aussi recevoir de l'aide pour votre insertion : travail, logement,
            santé.</p>""",
        ),
        question(
            "Qu'est-ce que cela change pour moi ?",
            """<p>Vous continuez à vivre chez vous, à travailler ou à suivre une formation. Mais
            vous devez aller à tous vos rendez-vous avec le SPIP et avec le juge.</p>
            <p>À chaque rendez-vous, vous apportez les preuves que vous respectez vos
            obligations : fiches de paie, attestations de soins, justificatif de domicile.</p>
            <p>Vous devez aussi prévenir le SPIP si vous changez d'adresse ou de travail.</p>""",
        ),
        question(
            "Quand commence le délai de probation ?",
            """<p>En général, le jour où la décision devient définitive, c'est-à-dire quand il
            n'est plus possible de faire appel. Parfois, le tribunal décide que le suivi
            commence tout de suite : c'est l'exécution provisoire.</p>
            <p>Si vous allez en prison pour une autre affaire, le délai de probation s'arrête
            pendant ce temps. Il reprend à votre sortie.</p>""",
        ),
        question(
            "Que se passe-t-il si je ne respecte pas mes obligations ?",
            """<p>Le SPIP informe le juge de l'application des peines. Le juge peut d'abord
            vous rappeler vos obligations. Il peut aussi ajouter des obligations ou allonger le
            délai de probation.</p>
            <p>Si les manquements sont graves ou répétés, le juge peut
            <strong>révoquer</strong> le sursis : vous devez alors effectuer tout ou partie de
            la peine de prison. Il le décide après une audience, le débat contradictoire, où
            vous pouvez être assisté d'un avocat.</p>
            <p>Une nouvelle condamnation pendant le délai de probation peut aussi entraîner la
            révocation.</p>""",
        ),
        question(
            "Mes obligations peuvent-elles changer ?",
            """<p>Oui. Le juge de l'application des peines peut modifier vos obligations
            particulières, en ajouter ou en supprimer, selon votre situation. Parlez-en à votre
            CPIP.</p>
            <p>Si vous respectez bien vos obligations et que votre insertion est réussie, le
            juge peut aussi mettre fin au suivi plus tôt, après au moins un an.</p>""",
        ),
        tip(
            "Gardez vos justificatifs",
            """<p>Rangez tous vos papiers dans une pochette : jugement, convocations, fiches de
            paie, attestations. Apportez-la à chaque rendez-vous. C'est la façon la plus simple
            de montrer vos efforts.</p>""",
        ),
        warning(
            "Ne manquez pas vos rendez-vous",
            """<p>Ne pas répondre aux convocations est un manquement à vos obligations.
            Plusieurs absences sans explication peuvent conduire le juge à vous envoyer en
            prison. Si vous avez un empêchement, appelez le service avant le rendez-vous.</p>""",
        ),
    ],
)

TRAVAIL_INTERET_GENERAL = page(
    "travail-interet-general",
    "Le travail d'intérêt général (TIG)",
    "measure",
    2,
    "Un travail non payé, utile à tous, que vous faites à la place d'une peine de prison.",
    """<p>Le travail d'intérêt général (TIG) est un travail non payé. Vous le faites pour une
    commune, un hôpital, une association ou un autre organisme habilité, c'est-à-dire autorisé
    par la justice. Le TIG remplace une peine de prison.</p>""",
    [
        text(
            "En bref",
            """<ul>
            <li>Le TIG dure de 20 à 400 heures.</li>
            <li>Vous devez le faire dans le délai fixé par le tribunal : 18 mois au plus.</li>
            <li>Le tribunal ne peut pas vous l'imposer si vous le refusez à l'audience.</li>
            <li>Le SPIP vous propose un poste et des horaires, en tenant compte de votre
            travail et de votre vie de famille.</li>
            </ul>""",
        ),
        legal(
            "Ce que dit la loi",
            _law(
                """Lorsqu'un délit est puni d'une peine d'emprisonnement, la juridiction peut
                prescrire, à la place de l'emprisonnement, que le condamné accomplira, pour une
                durée de vingt à quatre cents heures, un travail d'intérêt général non rémunéré
                au profit soit d'une personne morale de droit public, soit d'une personne morale
                de droit privé chargée d'une mission de service public ou d'une association
                habilitées à mettre en oeuvre des travaux d'intérêt général. […]"""
            ),
            "Article 131-8 du code pénal (premier alinéa)",
            """<p>Le tribunal peut remplacer la prison par un travail d'intérêt général. Ce
            travail n'est pas payé. Il est fait pour un organisme public ou pour une association
            autorisée. Il dure de 20 à 400 heures.</p>""",
        ),
        legal(
            "Votre accord",
            _law(
                """Lorsque le prévenu est présent à l'audience, la peine de travail d'intérêt
                général ne peut être prononcée si celui-ci la refuse. Le président du tribunal,
                avant le prononcé du jugement, informe le prévenu de son droit de refuser
                l'accomplissement d'un travail d'intérêt général et reçoit sa réponse."""
            ),
            "Article 131-8 du code pénal (deuxième alinéa)",
            """<p>Le TIG demande votre accord. Si vous êtes à l'audience, le président vous
            demande si vous acceptez. Si vous refusez, le tribunal choisit une autre
            peine.</p>""",
        ),
        question(
            "Comment se passe mon TIG ?",
            """<p>Vous êtes d'abord convoqué par le SPIP. Votre CPIP vous propose un poste
            adapté à vos capacités et à votre santé.</p>
            <p>Sur place, une personne de l'organisme vous accueille et vous encadre. Elle note
            vos heures. Les règles de sécurité et d'hygiène du travail s'appliquent à vous.</p>""",
        ),
        question(
            "Puis-je travailler ou étudier en même temps ?",
            """<p>Oui. Les horaires du TIG tiennent compte de votre emploi, de votre formation et
            de votre vie de famille. Selon les postes, le TIG peut se faire en semaine, le
            week-end ou pendant vos congés.</p>""",
        ),
        question(
            "Et si j'ai un problème de santé ou de famille ?",
            """<p>Prévenez vite votre CPIP et apportez un justificatif. Pour un motif grave,
            médical, familial, professionnel ou social, le juge de l'application des peines
            peut suspendre pour un temps le délai du TIG.</p>""",
        ),
        question(
            "Que se passe-t-il si je ne fais pas mon TIG ?",
            """<p>Si vous ne faites pas vos heures, ou si vous ne venez pas sans raison, le juge
            de l'application des peines peut faire exécuter la peine de prison ou l'amende que
            le tribunal a prévue pour ce cas.</p>
            <p>Ne pas faire un TIG peut aussi être poursuivi comme un nouveau délit.</p>""",
        ),
        tip(
            "Une expérience utile",
            """<p>Le TIG est aussi une expérience de travail. À la fin, vous pouvez demander à
            l'organisme une attestation des tâches réalisées. Elle peut vous aider pour chercher
            un emploi.</p>""",
        ),
        warning(
            "Prévenez toujours en cas d'absence",
            """<p>Si vous ne pouvez pas aller à votre poste de TIG, prévenez l'organisme et
            votre CPIP avant l'heure prévue. Gardez une preuve de votre empêchement.</p>""",
        ),
    ],
)

SUIVI_SOCIO_JUDICIAIRE = page(
    "suivi-socio-judiciaire",
    "Le suivi socio-judiciaire",
    "measure",
    3,
    """Un suivi par le juge et le SPIP, souvent avec des soins, pour éviter une nouvelle
    infraction.""",
    """<p>Le suivi socio-judiciaire est une peine prévue pour certaines infractions graves,
    surtout les infractions sexuelles et certaines violences. Vous devez respecter des mesures
    de surveillance et d'aide pendant une durée fixée par le tribunal. Il commence souvent à la
    sortie de prison.</p>""",
    [
        text(
            "En bref",
            """<ul>
            <li>Vous êtes suivi par le juge de l'application des peines (JAP) et par le
            SPIP.</li>
            <li>Le suivi peut durer jusqu'à 10 ans pour un délit et 20 ans pour un crime, et
            parfois plus.</li>
            <li>Il comporte souvent une <strong>injonction de soins</strong> : une obligation
            de vous faire soigner.</li>
            <li>Si vous ne respectez pas vos obligations, vous risquez la prison pour une durée
            fixée à l'avance par le tribunal.</li>
            </ul>""",
        ),
        legal(
            "Ce que dit la loi",
            _law(
                """Dans les cas prévus par la loi, la juridiction de jugement peut ordonner un
                suivi socio-judiciaire.""",
                """Le suivi socio-judiciaire emporte, pour le condamné, l'obligation de se
                soumettre, sous le contrôle du juge de l'application des peines et pendant une
                durée déterminée par la juridiction de jugement, à des mesures de surveillance
                et d'assistance destinées à prévenir la récidive. La durée du suivi
                socio-judiciaire ne peut excéder dix ans en cas de condamnation pour délit ou
                vingt ans en cas de condamnation pour crime. […]""",
            ),
            "Article 131-36-1 du code pénal (premier et deuxième alinéas)",
            """<p>Le tribunal fixe la durée du suivi. Pendant ce temps, vous devez respecter des
            mesures de contrôle et accepter une aide. Le but est d'éviter une nouvelle
            infraction. Le juge de l'application des peines contrôle ce suivi.</p>""",
        ),
        legal(
            "La prison en cas de non-respect",
            _law(
                """La décision de condamnation fixe également la durée maximum de
                l'emprisonnement encouru par le condamné en cas d'inobservation des obligations
                qui lui sont imposées. Cet emprisonnement ne peut excéder trois ans en cas de
                condamnation pour délit et sept ans en cas de condamnation pour crime. […]"""
            ),
            "Article 131-36-1 du code pénal (troisième alinéa)",
            """<p>Dès le jugement, vous savez combien de temps de prison vous risquez si vous ne
            respectez pas vos obligations. Cette durée est écrite dans la décision. Elle ne peut
            pas dépasser 3 ans pour un délit et 7 ans pour un crime.</p>""",
        ),
        question(
            "Qu'est-ce que l'injonction de soins ?",
            """<p>C'est une obligation de suivre un traitement. Elle est décidée quand un expert
            médical dit qu'un traitement est possible.</p>
            <p>Un médecin coordonnateur fait le lien entre vous, le médecin ou le psychologue
            qui vous soigne, et le juge. Vous choisissez la personne qui vous soigne, avec
            l'accord du médecin coordonnateur.</p>""",
        ),
        question(
            "Quand commence le suivi ?",
            """<p>Si vous êtes aussi condamné à une peine de prison, le suivi commence à votre
            sortie. Pendant la détention, des soins peuvent déjà vous être proposés.</p>
            <p>Sinon, il commence quand la décision devient définitive.</p>""",
        ),
        question(
            "Mes obligations peuvent-elles changer ?",
            """<p>Oui. Le juge de l'application des peines peut modifier ou compléter vos
            obligations pendant le suivi, après vous avoir entendu. Sous certaines conditions,
            le suivi peut aussi prendre fin plus tôt si votre réinsertion est acquise.</p>""",
        ),
        question(
            "Que se passe-t-il si je ne respecte pas mes obligations ?",
            """<p>Le juge peut décider que vous irez en prison, dans la limite fixée par le
            tribunal. Il peut le décider en une ou plusieurs fois. Le suivi continue ensuite
            après votre sortie.</p>""",
        ),
        tip(
            "Parlez de vos difficultés",
            """<p>Si vous avez du mal à aller à vos soins ou à vos rendez-vous, dites-le tout de
            suite à votre CPIP ou à votre médecin. Il vaut mieux chercher une solution ensemble
            que de manquer un rendez-vous.</p>""",
        ),
        warning(
            "Les soins sont une obligation",
            """<p>Refuser les soins, ou arrêter votre traitement sans accord, est un manquement.
            Le juge peut alors vous envoyer en prison.</p>""",
        ),
    ],
)

STAGES = page(
    "stages",
    "Les stages",
    "measure",
    4,
    "Un stage de quelques jours pour réfléchir aux faits et à leurs conséquences.",
    """<p>Le tribunal peut vous obliger à suivre un stage. Un stage dure quelques jours, un mois
    au plus. Il se fait souvent en groupe, avec un formateur. Il peut être une peine à lui
    seul, ou une obligation d'un sursis probatoire ou d'un aménagement de peine.</p>""",
    [
        text(
            "En bref",
            """<ul>
            <li>Le stage est choisi en fonction des faits.</li>
            <li>Il est souvent à vos frais, sauf si le tribunal décide autrement. Son prix est
            limité par la loi.</li>
            <li>À la fin, vous recevez une attestation. Gardez-la et donnez-en une copie au
            service qui suit votre peine.</li>
            </ul>""",
        ),
        text(
            "Les principaux stages",
            """<ul>
            <li><strong>Stage de citoyenneté</strong> : il rappelle les valeurs de la
            République, la tolérance et le respect des autres.</li>
            <li><strong>Stage de sensibilisation à la sécurité routière</strong> : après une
            infraction au volant.</li>
            <li><strong>Stage de sensibilisation aux dangers de l'usage de produits
            stupéfiants</strong> : les risques des drogues pour vous et pour les autres.</li>
            <li><strong>Stage de responsabilisation pour la prévention et la lutte contre les
            violences au sein du couple et sexistes</strong>.</li>
            <li><strong>Stage de sensibilisation à la lutte contre l'achat d'actes
            sexuels</strong>.</li>
            <li><strong>Stage de responsabilité parentale</strong> : les devoirs des
            parents.</li>
            </ul>""",
        ),
        legal(
            "Qui paie le stage ?",
            _law(
                """Sauf décision contraire de la juridiction, le stage, dont le coût ne peut
                excéder celui des amendes contraventionnelles de la 3e classe, est effectué aux
                frais du condamné."""
            ),
            "Article 131-5-1 du code pénal",
            """<p>En général, vous payez le stage vous-même. Son prix ne peut pas dépasser le
            montant le plus élevé d'une amende de 3e classe, c'est-à-dire 450 euros. Le tribunal
            peut décider que vous ne payez pas.</p>""",
        ),
        legal(
            "Le stage sur les violences dans le couple",
            _law(
                """[…] doit permettre de rappeler au condamné le principe républicain d'égalité
                entre les femmes et les hommes, la gravité des violences, quelle que soit leur
                forme, au sein du couple ou à caractère sexiste et, le cas échéant, le devoir de
                respect mutuel qu'implique la vie en couple. Il vise également à lui faire
                prendre conscience de sa responsabilité pénale et civile pour les faits
                commis."""
            ),
            "Article R. 131-51-1 du code pénal",
            """<p>Ce stage concerne les violences dans le couple et les violences sexistes. Il
            rappelle que les femmes et les hommes sont égaux. Il explique la gravité de toutes
            les violences, même sans coups. Il vous aide à comprendre votre
            responsabilité.</p>""",
        ),
        question(
            "Comment se passe un stage ?",
            """<p>Vous recevez une convocation avec les dates, l'adresse et le prix. Le stage a
            lieu en groupe, souvent sur deux jours. Un formateur anime les échanges. Vous devez
            être présent à toutes les séances et arriver à l'heure.</p>""",
        ),
        question(
            "Combien de temps ai-je pour faire mon stage ?",
            """<p>Le délai est indiqué dans votre jugement ou par le service qui vous convoque.
            Il est souvent de 6 mois. Ne tardez pas : les places sont limitées.</p>""",
        ),
        question(
            "Je n'ai pas les moyens de payer",
            """<p>Dites-le dès la convocation, à l'organisme qui fait le stage ou à votre CPIP.
            Apportez vos justificatifs de ressources. Des solutions existent parfois, comme un
            paiement en plusieurs fois.</p>""",
        ),
        question(
            "Que se passe-t-il si je ne fais pas le stage ?",
            """<p>Si le stage est votre peine, le juge de l'application des peines peut faire
            exécuter la prison ou l'amende prévue par le tribunal pour ce cas.</p>
            <p>Si le stage est une obligation d'un sursis probatoire, ne pas le faire peut
            conduire à la révocation du sursis.</p>""",
        ),
        tip(
            "Gardez votre attestation",
            """<p>L'attestation de fin de stage est la preuve que vous l'avez fait. Faites-en
            une copie ou une photo, et apportez-la à votre prochain rendez-vous.</p>""",
        ),
    ],
)

JOUR_AMENDE = page(
    "jour-amende",
    "Le jour-amende",
    "measure",
    5,
    """Une somme fixée pour chaque jour, à payer en une fois à la fin d'une période, sinon la
    prison.""",
    """<p>Le jour-amende est une peine d'argent. Le tribunal fixe un montant par jour et un
    nombre de jours. À la fin de cette période, vous devez payer le total. Si vous ne payez pas,
    vous pouvez aller en prison.</p>""",
    [
        text(
            "En bref",
            """<ul>
            <li>Le montant par jour dépend de vos revenus et de vos charges : 1 000 euros au
            plus.</li>
            <li>Le nombre de jours dépend des faits : 360 jours au plus.</li>
            <li>Exemple : 60 jours-amende à 10 euros font 600 euros, à payer au bout de 60
            jours.</li>
            <li>Chaque jour-amende non payé peut devenir un jour de prison.</li>
            </ul>""",
        ),
        legal(
            "Ce que dit la loi",
            _law(
                """Lorsqu'un délit est puni d'une peine d'emprisonnement, la juridiction peut
                prononcer une peine de jours-amende consistant pour le condamné à verser au
                Trésor une somme dont le montant global résulte de la fixation par le juge d'une
                contribution quotidienne pendant un certain nombre de jours. Le montant de
                chaque jour-amende est déterminé en tenant compte des ressources et des charges
                du prévenu ; il ne peut excéder 1 000 euros. Le nombre de jours-amende est
                déterminé en tenant compte des circonstances de l'infraction ; il ne peut
                excéder trois cent soixante."""
            ),
            "Article 131-5 du code pénal",
            """<p>Le juge fixe deux choses. D'abord un montant par jour, selon ce que vous
            gagnez et ce que vous devez payer chaque mois. Ensuite un nombre de jours, selon les
            faits. Le total est la somme à payer au Trésor public.</p>""",
        ),
        legal(
            "Si vous ne payez pas",
            _law(
                """En cas de condamnation à la peine de jours-amende, le montant global est
                exigible à l'expiration du délai correspondant au nombre de jours-amende
                prononcés.""",
                """Le défaut total ou partiel du paiement de ce montant entraîne l'incarcération
                du condamné pour une durée correspondant au nombre de jours-amende impayés.
                […]""",
            ),
            "Article 131-25 du code pénal",
            """<p>Vous payez le total à la fin de la période. Si vous ne payez pas, ou pas tout,
            vous pouvez aller en prison : un jour de prison pour chaque jour-amende non
            payé.</p>""",
        ),
        question(
            "Comment payer ?",
            """<p>Vous recevez un avis des finances publiques (le Trésor public). Suivez les
            indications de cet avis pour payer. Gardez toujours la preuve de votre
            paiement.</p>""",
        ),
        question(
            "Je ne peux pas payer la somme en une fois",
            """<p>Contactez vite le service des finances publiques indiqué sur l'avis.
            Expliquez votre situation et apportez vos justificatifs de ressources. Un paiement
            étalé peut parfois être accordé. N'attendez pas la fin du délai.</p>""",
        ),
        question(
            "Puis-je aller en prison si je ne paie pas ?",
            """<p>Oui. Les jours-amende non payés deviennent des jours de prison. Si vous faites
            ces jours de prison, vous n'avez plus à payer la somme. Payer une partie réduit le
            nombre de jours de prison possibles.</p>""",
        ),
        tip(
            "Mettez de côté chaque jour",
            """<p>Pensez au jour-amende comme à une somme à mettre de côté chaque jour. Par
            exemple, avec 100 jours-amende à 8 euros, mettez 8 euros de côté chaque jour. À la
            fin, vous aurez les 800 euros à payer.</p>""",
        ),
        warning(
            "Ne laissez pas passer la date",
            """<p>Si vous ne payez pas à temps, la justice peut faire exécuter les jours de
            prison. En cas de difficulté, parlez-en avant la fin du délai au service des
            finances publiques ou à votre avocat.</p>""",
        ),
    ],
)

EMPRISONNEMENT = page(
    "emprisonnement",
    "La peine de prison (emprisonnement)",
    "measure",
    6,
    """Une peine de prison ferme peut souvent être aménagée : vous n'allez pas toujours en
    détention.""",
    """<p>Le tribunal peut vous condamner à une peine de prison ferme, c'est-à-dire sans
    sursis. Pour un délit, cette peine doit être le dernier recours. Elle peut souvent être
    <strong>aménagée</strong> : vous l'exécutez alors chez vous avec un bracelet électronique,
    en semi-liberté ou en placement à l'extérieur.</p>""",
    [
        text(
            "En bref",
            """<ul>
            <li>Pour un délit, le tribunal ne peut pas prononcer une peine de prison ferme d'un
            mois ou moins.</li>
            <li>Une peine de 6 mois ou moins doit en principe être aménagée.</li>
            <li>Une peine de plus de 6 mois et d'un an au plus doit être aménagée si votre
            situation le permet.</li>
            <li>Si vous êtes libre après l'audience et que votre peine est d'un an ou moins, le
            juge de l'application des peines vous convoque en général pour étudier un
            aménagement.</li>
            </ul>""",
        ),
        legal(
            "La prison ferme, en dernier recours",
            _law(
                """Toute peine d'emprisonnement sans sursis ne peut être prononcée qu'en dernier
                recours si la gravité de l'infraction et la personnalité de son auteur rendent
                cette peine indispensable et si toute autre sanction est manifestement
                inadéquate.""",
                """Dans ce cas, si la peine est inférieure ou égale à six mois, elle doit, sauf
                impossibilité résultant de la personnalité ou de la situation du condamné, faire
                l'objet d'une des mesures d'aménagement prévues à l'article 132-25. Dans les
                autres cas prévus au même article 132-25, elle doit également être aménagée si
                la personnalité et la situation du condamné le permettent, et sauf impossibilité
                matérielle.""",
            ),
            "Article 132-19 du code pénal (deuxième et troisième alinéas)",
            """<p>La prison ferme est la peine la plus lourde. Le tribunal ne peut la choisir
            que si aucune autre peine ne convient. Une peine de 6 mois ou moins doit en principe
            être aménagée dès le jugement. Entre 6 mois et 1 an, elle est aménagée si votre
            situation le permet. Le tribunal doit expliquer son choix.</p>""",
        ),
        question(
            "Vais-je aller en prison tout de suite ?",
            """<p>Pas toujours. Si le tribunal a ordonné votre placement en détention à
            l'audience, vous allez en prison tout de suite. Sinon, vous restez libre et la peine
            est mise à exécution plus tard.</p>
            <p>Si votre peine est d'un an ou moins, vous êtes en général convoqué d'abord
            devant le juge de l'application des peines et le SPIP pour étudier un
            aménagement.</p>""",
        ),
        question(
            "Comment obtenir un aménagement de peine ?",
            """<p>Répondez à la convocation du juge de l'application des peines et du SPIP.
            Apportez les preuves de votre situation : travail, formation, logement, soins,
            enfants à charge. Votre avocat peut vous aider. Les aménagements possibles :</p>
            <ul>
            <li><a href='/comprendre/detention-domicile-surveillance-electronique/'>la détention
            à domicile sous surveillance électronique</a> ;</li>
            <li><a href='/comprendre/semi-liberte/'>la semi-liberté</a> ;</li>
            <li><a href='/comprendre/placement-exterieur/'>le placement à l'extérieur</a> ;</li>
            <li><a href='/comprendre/fractionnement/'>le fractionnement</a>.</li>
            </ul>""",
        ),
        question(
            "Que se passe-t-il si je ne vais pas à la convocation ?",
            """<p>Si vous ne venez pas sans motif, le juge ne peut pas étudier votre situation.
            La peine peut alors être exécutée en prison. Si vous avez un empêchement, appelez
            avant le rendez-vous et demandez une nouvelle date.</p>""",
        ),
        question(
            "Puis-je sortir avant la fin de ma peine ?",
            """<p>C'est possible. En détention, vous pouvez obtenir des réductions de peine si
            vous vous comportez bien et faites des efforts. Vous pouvez aussi demander un
            aménagement, comme la <a href='/comprendre/liberation-conditionnelle/'>libération
            conditionnelle</a>. Pour les peines courtes, une libération sous contrainte peut
            être décidée vers la fin de la peine.</p>""",
        ),
        tip(
            "Préparez vos justificatifs",
            """<p>Pour décider d'un aménagement, le juge doit connaître votre situation.
            Réunissez vos papiers avant la convocation : pièce d'identité, justificatif de
            domicile, contrat de travail ou promesse d'embauche, attestation de formation,
            certificats médicaux, actes de naissance des enfants.</p>""",
        ),
        warning(
            "Ne fuyez pas la convocation",
            """<p>Changer d'adresse sans prévenir ou ne pas répondre aux convocations ne fait
            pas disparaître la peine. Au contraire : vous perdez la chance d'obtenir un
            aménagement.</p>""",
        ),
    ],
)

# --- The sentence adjustments (category "adjustment") ------------------------------------------

DDSE = page(
    "detention-domicile-surveillance-electronique",
    "La détention à domicile sous surveillance électronique (DDSE)",
    "adjustment",
    1,
    "Vous exécutez votre peine chez vous, avec un bracelet électronique et des heures de sortie.",
    """<p>La détention à domicile sous surveillance électronique (DDSE) vous permet d'exécuter
    une peine de prison chez vous. Vous portez un bracelet électronique à la cheville. Vous
    devez être chez vous aux heures fixées par le juge. En dehors de ces heures, vous pouvez
    sortir pour travailler, vous former, vous soigner ou vous occuper de votre famille.</p>""",
    [
        text(
            "En bref",
            """<ul>
            <li>Le juge de l'application des peines peut la décider pour une peine, ou un reste
            de peine, de 2 ans au plus.</li>
            <li>Le tribunal peut aussi la prononcer comme peine, pour 15 jours à 6 mois.</li>
            <li>Des surveillants de l'administration pénitentiaire posent le bracelet et
            contrôlent vos horaires.</li>
            <li>Vous êtes aussi suivi par le SPIP.</li>
            </ul>""",
        ),
        legal(
            "Ce que dit la loi",
            _law(
                """Le juge de l'application des peines peut prévoir que la peine s'exécutera
                sous le régime de la détention à domicile sous surveillance électronique défini
                par l'article 132-26 du code pénal soit en cas de condamnation à une ou plusieurs
                peines privatives de liberté dont la durée totale n'excède pas deux ans, soit
                lorsqu'il reste à subir par le condamné une ou plusieurs peines privatives de
                liberté dont la durée totale n'excède pas deux ans. […]"""
            ),
            "Article 723-7 du code de procédure pénale (premier alinéa)",
            """<p>Le juge de l'application des peines peut décider que vous ferez votre peine
            chez vous, sous surveillance électronique. C'est possible si votre peine, ou ce
            qu'il vous reste à faire, ne dépasse pas 2 ans.</p>""",
        ),
        legal(
            "Vos obligations",
            _law(
                """Le condamné placé sous détention à domicile sous surveillance électronique
                est soumis aux obligations prévues aux deuxième et troisième alinéas de l'article
                131-4-1.""",
                "[…]",
                """La détention à domicile sous surveillance électronique, la semi-liberté et le
                placement à l'extérieur emportent également pour le condamné l'obligation de
                répondre aux convocations de toute autorité publique désignée par le juge de
                l'application des peines.""",
            ),
            "Article 132-26 du code pénal (premier et cinquième alinéas)",
            """<p>Vous devez rester chez vous, ou dans le lieu fixé par le juge, en dehors des
            heures de sortie autorisées. Vous devez porter le bracelet. Vous devez aussi
            répondre aux convocations du juge, du SPIP et des surveillants.</p>""",
        ),
        question(
            "Comment se passe la pose du bracelet ?",
            """<p>Vous êtes convoqué par le service de surveillance électronique. Un surveillant
            pose le bracelet à votre cheville et installe un boîtier chez vous. Il vous explique
            vos horaires et les règles à respecter. Le boîtier doit rester branché. Ne le
            déplacez pas sans accord.</p>""",
        ),
        question(
            "Puis-je changer mes horaires ?",
            """<p>Oui, sur demande : pour un nouvel emploi, un rendez-vous médical ou un
            événement familial. Faites la demande à l'avance à votre CPIP, avec un justificatif.
            C'est le juge qui décide. En attendant sa réponse, respectez vos horaires
            actuels.</p>""",
        ),
        question(
            "Je vis chez quelqu'un d'autre : faut-il son accord ?",
            """<p>Oui. Si le lieu n'est pas votre domicile, la personne qui vous héberge doit
            donner son accord. Le SPIP vérifie aussi que le matériel peut être installé dans le
            logement.</p>""",
        ),
        question(
            "Que se passe-t-il si je ne respecte pas mes horaires ?",
            """<p>Chaque retard ou absence est enregistré et signalé. Le juge de l'application
            des peines peut vous rappeler à l'ordre, réduire vos heures de sortie ou retirer la
            mesure. Si la mesure est retirée, vous allez en prison pour le reste de la
            peine.</p>""",
        ),
        tip(
            "En cas de problème technique",
            """<p>Si le boîtier ou le bracelet ne fonctionne pas, ou si le bracelet vous blesse,
            appelez tout de suite le numéro donné par les surveillants. N'essayez jamais de le
            réparer ou de l'enlever vous-même.</p>""",
        ),
        warning(
            "Ne retirez jamais le bracelet",
            """<p>Retirer ou abîmer le bracelet, ou partir sans revenir, est très grave. Vous
            pouvez être poursuivi pour évasion et aller en prison.</p>""",
        ),
    ],
)

PLACEMENT_EXTERIEUR = page(
    "placement-exterieur",
    "Le placement à l'extérieur",
    "adjustment",
    2,
    """Vous exécutez votre peine hors de la prison, souvent dans une structure d'accueil, avec
    un projet d'insertion.""",
    """<p>Le placement à l'extérieur vous permet d'exécuter votre peine en dehors de la prison.
    Vous êtes souvent hébergé par une association, dans un foyer ou sur un chantier
    d'insertion. Vous y suivez des activités : travail, formation, soins. L'association vous
    accompagne au quotidien.</p>""",
    [
        text(
            "En bref",
            """<ul>
            <li>Il est possible pour une peine, ou un reste de peine, de 2 ans au plus.</li>
            <li>Il peut aussi préparer une libération conditionnelle.</li>
            <li>Vous respectez les règles de la structure et le programme fixé par le
            juge.</li>
            <li>Vous êtes suivi par le SPIP et par la structure qui vous accueille.</li>
            </ul>""",
        ),
        legal(
            "Ce que dit la loi",
            _law(
                """Le juge de l'application des peines peut prévoir que la peine s'exécutera
                sous le régime de la semi-liberté ou du placement à l'extérieur soit en cas de
                condamnation à une ou plusieurs peines privatives de liberté dont la durée
                totale n'excède pas deux ans, soit lorsqu'il reste à subir par le condamné une
                ou plusieurs peines privatives de liberté dont la durée totale n'excède pas deux
                ans."""
            ),
            "Article 723-1 du code de procédure pénale (premier alinéa)",
            """<p>Le juge de l'application des peines peut décider que vous ferez votre peine en
            placement à l'extérieur, si votre peine, ou ce qu'il vous reste à faire, ne dépasse
            pas 2 ans.</p>""",
        ),
        legal(
            "Vos activités",
            _law(
                """Le condamné admis au bénéfice du placement à l'extérieur est astreint, sous
                le contrôle de l'administration, à effectuer des activités ou à faire l'objet
                d'une prise en charge sanitaire en dehors de l'établissement pénitentiaire."""
            ),
            "Article 132-26 du code pénal (quatrième alinéa)",
            """<p>En placement à l'extérieur, vous avez des activités hors de la prison, ou vous
            êtes soigné hors de la prison. L'administration pénitentiaire contrôle que vous les
            suivez.</p>""",
        ),
        question(
            "Où vais-je vivre ?",
            """<p>Le plus souvent, vous êtes hébergé par la structure qui vous accueille. Dans
            certains cas, vous retournez le soir à l'établissement pénitentiaire. Le juge fixe
            les conditions, avec le SPIP et la structure.</p>""",
        ),
        question(
            "Comment obtenir un placement à l'extérieur ?",
            """<p>Parlez-en à votre CPIP. Il cherche avec vous une structure qui a une place et
            qui correspond à votre projet. La structure doit accepter de vous accueillir. Le
            juge décide ensuite, souvent après une audience.</p>""",
        ),
        question(
            "Que se passe-t-il si je ne respecte pas les règles ?",
            """<p>La structure et le SPIP informent le juge. Il peut vous rappeler à l'ordre ou
            retirer la mesure. Si la mesure est retirée, vous retournez en prison pour le reste
            de la peine.</p>""",
        ),
        tip(
            "Un tremplin vers la sortie",
            """<p>Le placement à l'extérieur est une bonne façon de préparer la suite : un
            emploi, un logement, des soins. Profitez de l'accompagnement pour avancer dans vos
            démarches.</p>""",
        ),
        warning(
            "Ne quittez pas la structure sans accord",
            """<p>Partir sans autorisation, ou ne pas revenir à l'heure fixée, peut être
            considéré comme une évasion. Vous risquez alors une nouvelle condamnation.</p>""",
        ),
    ],
)

SEMI_LIBERTE = page(
    "semi-liberte",
    "La semi-liberté",
    "adjustment",
    3,
    """Vous sortez la journée pour vos activités et vous rentrez dans un centre de semi-liberté
    aux heures fixées.""",
    """<p>En semi-liberté, vous sortez de l'établissement pénitentiaire pendant la journée pour
    travailler, vous former, vous soigner ou vous occuper de votre famille. Vous devez y
    rentrer aux heures fixées par le juge, en général le soir et le week-end.</p>""",
    [
        text(
            "En bref",
            """<ul>
            <li>Elle est possible pour une peine, ou un reste de peine, de 2 ans au plus.</li>
            <li>Vous dormez dans un centre ou un quartier de semi-liberté.</li>
            <li>Vos heures de sortie dépendent de vos activités.</li>
            <li>Vous êtes suivi par le SPIP.</li>
            </ul>""",
        ),
        legal(
            "Ce que dit la loi",
            _law(
                """Le condamné admis au bénéfice de la semi-liberté est astreint à rejoindre
                l'établissement pénitentiaire pendant les périodes déterminées par le juge de
                l'application des peines.""",
                """Ces périodes sont notamment déterminées en fonction du temps nécessaire pour
                que le condamné puisse exercer une activité professionnelle, suivre un
                enseignement, un stage, une formation ou un traitement, rechercher un emploi ou
                participer à la vie de famille ou à tout projet d'insertion ou de
                réinsertion.""",
            ),
            "Article 132-26 du code pénal (deuxième et troisième alinéas)",
            """<p>Vous devez rentrer dans l'établissement pénitentiaire aux périodes fixées par
            le juge. Ces périodes sont calculées selon le temps dont vous avez besoin pour votre
            travail, votre formation, vos soins, votre recherche d'emploi ou votre vie de
            famille.</p>""",
        ),
        legal(
            "Une étape vers la libération conditionnelle",
            _law(
                """Le juge de l'application des peines peut également subordonner la libération
                conditionnelle du condamné à l'exécution, à titre probatoire, d'une mesure de
                semi-liberté ou de placement à l'extérieur, pour une durée n'excédant pas un an.
                […]"""
            ),
            "Article 723-1 du code de procédure pénale (deuxième alinéa)",
            """<p>La semi-liberté peut aussi être une étape avant la libération conditionnelle.
            Le juge vous met d'abord à l'épreuve en semi-liberté, pendant un an au plus.</p>""",
        ),
        question(
            "Que dois-je prouver pour l'obtenir ?",
            """<p>Vous devez avoir un projet : un emploi, même temporaire, une formation, un
            stage, une recherche d'emploi active, des soins à suivre, ou une présence nécessaire
            auprès de votre famille. Apportez les preuves : contrat, attestation d'inscription,
            certificat médical.</p>""",
        ),
        question(
            "Comment se passent mes journées ?",
            """<p>Le matin, vous sortez à l'heure prévue pour votre activité. Le soir, vous
            rentrez à l'heure prévue. Les trajets sont comptés dans vos horaires. En cas
            d'imprévu, appelez tout de suite le centre.</p>""",
        ),
        question(
            "Que se passe-t-il si je rentre en retard ou si je ne rentre pas ?",
            """<p>Un retard est signalé au juge. Il peut vous rappeler à l'ordre ou retirer la
            mesure. Ne pas rentrer du tout peut être poursuivi comme une évasion.</p>""",
        ),
        tip(
            "Prévenez en cas de changement",
            """<p>Si vous perdez votre emploi ou si vos horaires changent, dites-le tout de
            suite à votre CPIP. Le juge peut adapter vos heures de sortie. Ne changez rien sans
            accord.</p>""",
        ),
        warning(
            "Respectez le règlement du centre",
            """<p>Le centre de semi-liberté a un règlement intérieur. Il est interdit d'y faire
            entrer de l'alcool ou de la drogue. Un manquement peut entraîner une sanction et le
            retrait de la mesure.</p>""",
        ),
    ],
)

LIBERATION_CONDITIONNELLE = page(
    "liberation-conditionnelle",
    "La libération conditionnelle",
    "adjustment",
    4,
    "Vous sortez de prison avant la fin de votre peine, à condition de respecter des obligations.",
    """<p>La libération conditionnelle permet de sortir de prison avant la fin de la peine. En
    échange, vous respectez des obligations pendant un temps fixé par le juge. Le but est de
    vous aider à vous réinsérer et d'éviter une nouvelle infraction.</p>""",
    [
        text(
            "En bref",
            """<ul>
            <li>En général, vous pouvez la demander quand vous avez fait au moins la moitié de
            votre peine.</li>
            <li>Vous devez montrer des efforts sérieux de réinsertion.</li>
            <li>Elle est décidée par le juge de l'application des peines ou, pour les longues
            peines, par le tribunal de l'application des peines.</li>
            <li>Après la sortie, vous êtes suivi par le SPIP jusqu'à la fin de la mesure.</li>
            </ul>""",
        ),
        legal(
            "Ce que dit la loi",
            _law(
                """La libération conditionnelle tend à la réinsertion des condamnés et à la
                prévention de la récidive.""",
                """Les condamnés ayant à subir une ou plusieurs peines privatives de liberté
                peuvent bénéficier d'une libération conditionnelle s'ils manifestent des efforts
                sérieux de réadaptation sociale et lorsqu'ils justifient :""",
                """1° Soit de l'exercice d'une activité professionnelle, d'un stage ou d'un
                emploi temporaire ou de leur assiduité à un enseignement ou à une formation
                professionnelle ;""",
                "2° Soit de leur participation essentielle à la vie de leur famille ;",
                "3° Soit de la nécessité de suivre un traitement médical ;",
                "4° Soit de leurs efforts en vue d'indemniser leurs victimes ;",
                "5° Soit de leur implication dans tout autre projet sérieux d'insertion ou de "
                "réinsertion.",
                "[…]",
            ),
            "Article 729 du code de procédure pénale (premier et deuxième alinéas)",
            """<p>Pour obtenir une libération conditionnelle, vous devez montrer que vous faites
            de vrais efforts pour vous réinsérer. Vous devez aussi avoir au moins un projet : un
            travail ou une formation, une présence nécessaire auprès de votre famille, des
            soins, l'indemnisation des victimes, ou un autre projet sérieux.</p>""",
        ),
        question(
            "Comment faire ma demande ?",
            """<p>Parlez-en à votre CPIP en détention. Il vous aide à préparer votre projet de
            sortie : logement, travail, soins. La demande est adressée par écrit au juge de
            l'application des peines. Le juge décide en général après une audience, le débat
            contradictoire, où vous pouvez être assisté d'un avocat.</p>""",
        ),
        question(
            "Quelles obligations après la sortie ?",
            """<p>Vous devez respecter les obligations générales, comme répondre aux
            convocations du juge et du SPIP. Le juge peut ajouter des obligations particulières :
            travailler, vous soigner, indemniser les victimes, ne pas aller dans certains
            lieux. Elles sont écrites dans la décision.</p>""",
        ),
        question(
            "Que se passe-t-il si je ne respecte pas mes obligations ?",
            """<p>Le juge peut modifier vos obligations ou révoquer la libération
            conditionnelle. En cas de révocation, vous retournez en prison pour tout ou partie
            du temps qui vous restait à faire le jour de votre sortie.</p>""",
        ),
        tip(
            "Préparez votre sortie tôt",
            """<p>Un projet de sortie se prépare plusieurs mois à l'avance. Gardez les preuves de
            vos efforts en détention : formation, travail, soins, versements aux victimes. Elles
            comptent pour le juge.</p>""",
        ),
    ],
)

FRACTIONNEMENT = page(
    "fractionnement",
    "Le fractionnement de peine",
    "adjustment",
    5,
    "Vous exécutez une peine de prison en plusieurs périodes, pour un motif sérieux.",
    """<p>Le fractionnement permet d'exécuter une peine de prison en plusieurs périodes, au lieu
    d'une seule fois. Par exemple, quelques jours chaque mois. Il faut un motif médical,
    familial, professionnel ou social. Chaque période dure au moins 2 jours.</p>""",
    [
        text(
            "En bref",
            """<ul>
            <li>Il concerne une peine de prison pour un délit, quand il reste 2 ans au plus à
            faire.</li>
            <li>Toutes les périodes doivent être faites en 4 ans au plus.</li>
            <li>Il est décidé par le tribunal au moment du jugement, ou plus tard par le juge de
            l'application des peines.</li>
            <li>Le juge peut vous imposer des obligations.</li>
            </ul>""",
        ),
        legal(
            "Ce que dit la loi",
            _law(
                """En matière correctionnelle, lorsqu'il reste à subir par la personne condamnée
                une peine d'emprisonnement inférieure ou égale à deux ans, cette peine peut,
                pour motif d'ordre médical, familial, professionnel ou social et pendant une
                période n'excédant pas quatre ans, être suspendue ou exécutée par fractions,
                aucune de ces fractions ne pouvant être inférieure à deux jours. La décision est
                prise par le juge de l'application des peines dans les conditions prévues par
                l'article 712-6. Ce juge peut décider de soumettre le condamné à une ou
                plusieurs des obligations ou interdictions prévues par les articles 132-44 et
                132-45 du code pénal."""
            ),
            "Article 720-1 du code de procédure pénale (premier alinéa)",
            """<p>S'il vous reste 2 ans de prison ou moins à faire pour un délit, le juge peut
            découper la peine en plusieurs périodes d'au moins 2 jours. Il faut un motif : santé,
            famille, travail ou situation sociale. Le juge peut aussi vous imposer des
            obligations, comme pendant un sursis probatoire.</p>""",
        ),
        question(
            "Pourquoi demander un fractionnement ?",
            """<p>Il vous permet de garder votre emploi, de suivre une formation ou de continuer
            à vous occuper de vos enfants. Par exemple, vous faites votre peine pendant vos
            congés ou sur des week-ends.</p>""",
        ),
        question(
            "Comment faire la demande ?",
            """<p>Écrivez au juge de l'application des peines, seul ou avec votre avocat.
            Expliquez votre motif et joignez vos preuves : contrat de travail, planning,
            certificat de scolarité des enfants, certificats médicaux. Le juge décide en général
            après un débat contradictoire.</p>""",
        ),
        question(
            "Que se passe-t-il si je ne me présente pas à une période ?",
            """<p>Si vous ne vous présentez pas à l'établissement pénitentiaire à la date
            prévue, le juge peut mettre fin au fractionnement. Vous pouvez alors devoir faire le
            reste de la peine en une seule fois.</p>""",
        ),
        tip(
            "Notez toutes les dates",
            """<p>Notez chaque date d'entrée et de sortie dans votre agenda. Prévoyez le trajet.
            Gardez la décision du juge avec vous : elle indique le calendrier.</p>""",
        ),
    ],
)

SUSPENSION = page(
    "suspension",
    "La suspension de peine",
    "adjustment",
    6,
    "Votre peine est mise en pause pour un motif sérieux, notamment pour raison médicale.",
    """<p>La suspension de peine met votre peine de prison en pause. Il en existe deux sortes :
    la suspension pour un motif médical, familial, professionnel ou social, pour une durée
    limitée, et la suspension pour raison médicale, pour une personne gravement malade.</p>""",
    [
        text(
            "En bref",
            """<ul>
            <li>La suspension simple concerne une peine pour un délit, quand il reste 2 ans au
            plus à faire. Elle dure 4 ans au plus.</li>
            <li>La suspension pour raison médicale est possible quelle que soit la peine, si
            votre vie est en danger ou si votre santé ne permet pas de rester en prison.</li>
            <li>Le juge peut vous imposer des obligations pendant la suspension.</li>
            </ul>""",
        ),
        legal(
            "La suspension simple",
            _law(
                """En matière correctionnelle, lorsqu'il reste à subir par la personne condamnée
                une peine d'emprisonnement inférieure ou égale à deux ans, cette peine peut,
                pour motif d'ordre médical, familial, professionnel ou social et pendant une
                période n'excédant pas quatre ans, être suspendue ou exécutée par fractions,
                […]""",
                "[…]",
                """Le seuil de deux ans prévu au premier alinéa est porté à quatre ans lorsque la
                suspension pour raison familiale s'applique soit à une personne condamnée
                exerçant l'autorité parentale sur un enfant de moins de dix ans ayant chez ce
                parent sa résidence habituelle, soit à une femme enceinte de plus de douze
                semaines.""",
            ),
            "Article 720-1 du code de procédure pénale (premier et troisième alinéas)",
            """<p>S'il vous reste 2 ans de prison ou moins à faire pour un délit, le juge peut
            suspendre votre peine pour 4 ans au plus, pour un motif sérieux.</p>
            <p>Pour un motif familial, la limite passe à 4 ans de peine restant à faire si vous
            êtes parent d'un enfant de moins de 10 ans qui vit chez vous, ou si vous êtes
            enceinte de plus de 12 semaines.</p>""",
        ),
        legal(
            "La suspension pour raison médicale",
            _law(
                """Sauf s'il existe un risque grave de renouvellement de l'infraction, la
                suspension peut également être ordonnée, quelle que soit la nature de la peine
                ou la durée de la peine restant à subir, et pour une durée qui n'a pas à être
                déterminée, pour les condamnés dont il est établi qu'ils sont atteints d'une
                pathologie engageant le pronostic vital ou que leur état de santé physique ou
                mentale est durablement incompatible avec le maintien en détention.""",
                """La suspension ne peut être ordonnée que si une expertise médicale établit que
                le condamné se trouve dans l'une des situations énoncées à l'alinéa précédent.
                Toutefois, en cas d'urgence, la suspension peut être ordonnée au vu d'un
                certificat médical établi par le médecin responsable de la structure sanitaire
                dans laquelle est pris en charge le détenu ou son remplaçant.""",
                "[…]",
            ),
            "Article 720-1-1 du code de procédure pénale (premier et deuxième alinéas)",
            """<p>Si vous avez une maladie grave qui met votre vie en danger, ou si votre santé
            physique ou mentale ne permet pas de rester en prison, votre peine peut être
            suspendue. Il faut une expertise médicale. En urgence, un certificat du médecin qui
            vous soigne peut suffire. La suspension est refusée s'il existe un risque grave que
            vous commettiez à nouveau l'infraction.</p>""",
        ),
        question(
            "Qui peut faire la demande ?",
            """<p>Vous-même ou votre avocat, par écrit au juge de l'application des peines. Si
            vous ne pouvez pas écrire, demandez l'aide du SPIP ou de l'unité sanitaire de la
            prison. Le médecin peut établir les certificats utiles.</p>""",
        ),
        question(
            "Que se passe-t-il pendant la suspension ?",
            """<p>Vous n'êtes plus en prison. Le juge peut vous imposer des obligations, par
            exemple répondre aux convocations du SPIP ou suivre des soins. Pour la suspension
            médicale, il peut ordonner à tout moment une nouvelle expertise.</p>""",
        ),
        question(
            "La suspension peut-elle prendre fin ?",
            """<p>Oui. À la fin de la période fixée, vous reprenez l'exécution de votre peine.
            Pour la suspension médicale, le juge peut y mettre fin si votre état de santé ne la
            justifie plus ou si vous ne respectez pas vos obligations.</p>""",
        ),
        tip(
            "Rassemblez les papiers médicaux",
            """<p>Pour une demande médicale, demandez une copie de votre dossier médical et des
            comptes rendus d'hospitalisation. Plus le dossier est complet, plus le juge peut
            décider vite.</p>""",
        ),
    ],
)

# --- The obligations (category "obligations") --------------------------------------------------

_132_44 = "Article 132-44 du code pénal"

OBLIGATIONS_GENERALES = page(
    "obligations-generales",
    "Les obligations générales",
    "obligations",
    1,
    "Six règles à respecter pendant tout votre suivi, les mêmes pour tout le monde.",
    """<p>Pendant un sursis probatoire, vous devez respecter six obligations générales. Elles
    s'appliquent aussi pendant le suivi socio-judiciaire, et souvent pendant une libération
    conditionnelle ou un aménagement de peine. Elles sont les mêmes pour tout le monde. La loi
    les appelle « mesures de contrôle ».</p>""",
    [
        legal(
            "1. Répondre aux convocations",
            _law(
                """Les mesures de contrôle auxquelles le condamné doit se soumettre sont les
                suivantes :""",
                """1° Répondre aux convocations du juge de l'application des peines ou du
                service pénitentiaire d'insertion et de probation désigné ;""",
            ),
            _132_44,
            """<p>Vous devez aller à tous les rendez-vous fixés par le juge de l'application
            des peines (JAP) ou par le SPIP. Si vous ne pouvez vraiment pas venir, prévenez
            avant le rendez-vous et apportez une preuve de votre empêchement.</p>""",
        ),
        legal(
            "2. Recevoir les visites et donner vos justificatifs",
            _law(
                """2° Recevoir les visites du service pénitentiaire d'insertion et de probation
                et lui communiquer les renseignements ou documents de nature à permettre le
                contrôle de ses moyens d'existence et de l'exécution de ses obligations ;"""
            ),
            _132_44,
            """<p>Le SPIP peut venir vous voir chez vous. Vous devez aussi lui donner les
            papiers qui montrent de quoi vous vivez et que vous respectez vos obligations :
            fiches de paie, avis d'imposition, quittances de loyer, attestations de
            soins.</p>""",
        ),
        legal(
            "3. Prévenir si vous changez d'emploi",
            _law(
                """3° Prévenir le service pénitentiaire d'insertion et de probation de ses
                changements d'emploi ;"""
            ),
            _132_44,
            """<p>Si vous changez de travail, si vous perdez votre emploi ou si vous en trouvez
            un, dites-le au SPIP. Apportez le nouveau contrat ou l'attestation de fin de
            contrat.</p>""",
        ),
        legal(
            "4. Prévenir si vous déménagez ou partez plus de 15 jours",
            _law(
                """4° Prévenir le service pénitentiaire d'insertion et de probation de ses
                changements de résidence ou de tout déplacement dont la durée excéderait quinze
                jours et rendre compte de son retour ;"""
            ),
            _132_44,
            """<p>Si vous déménagez, prévenez le SPIP. Si vous partez plus de 15 jours, même en
            France, prévenez-le avant de partir. À votre retour, dites-lui que vous êtes
            revenu.</p>""",
        ),
        legal(
            "5. Demander l'accord du juge dans certains cas",
            _law(
                """5° Obtenir l'autorisation préalable du juge de l'application des peines pour
                tout changement d'emploi ou de résidence, lorsque ce changement est de nature à
                mettre obstacle à l'exécution de ses obligations ;"""
            ),
            _132_44,
            """<p>Si un nouveau travail ou un déménagement peut vous empêcher de respecter vos
            obligations, vous devez d'abord demander l'accord du juge. Par exemple : un emploi
            loin de votre lieu de soins, ou un logement près d'un lieu qui vous est interdit. En
            cas de doute, posez la question à votre CPIP.</p>""",
        ),
        legal(
            "6. Informer le juge avant un voyage à l'étranger",
            _law(
                """6° Informer préalablement le juge de l'application des peines de tout
                déplacement à l'étranger."""
            ),
            _132_44,
            """<p>Avant tout voyage hors de France, même court, vous devez prévenir le juge de
            l'application des peines. Faites-le assez tôt et par écrit, par exemple par
            l'intermédiaire de votre CPIP. Informer n'est pas demander une autorisation. Mais si
            votre jugement vous interdit certains déplacements, vous devez le respecter.</p>""",
        ),
        warning(
            "Si vous ne respectez pas ces obligations",
            """<p>Le SPIP informe le juge de l'application des peines. Selon la gravité, le juge
            peut :</p>
            <ul>
            <li>vous rappeler vos obligations lors d'un entretien ;</li>
            <li>ajouter des obligations ou allonger la durée du suivi ;</li>
            <li>révoquer tout ou partie du sursis, ou retirer l'aménagement : vous allez alors
            en prison.</li>
            </ul>
            <p>Si vous ne venez pas aux convocations, le juge peut aussi ordonner que la police
            ou la gendarmerie vous amène devant lui.</p>""",
        ),
        tip(
            "Gardez une trace",
            """<p>Quand vous prévenez le SPIP ou le juge, faites-le par écrit (courrier ou
            courriel), ou notez la date de l'appel et le nom de la personne. C'est votre
            preuve.</p>""",
        ),
    ],
)

_132_45 = "Article 132-45 du code pénal"

OBLIGATIONS_PARTICULIERES = page(
    "obligations-particulieres",
    "Les obligations particulières",
    "obligations",
    2,
    "Les obligations choisies pour vous par le tribunal ou le juge, selon les faits et votre vie.",
    """<p>En plus des obligations générales, le tribunal ou le juge de l'application des peines
    peut vous imposer des obligations particulières. Elles sont choisies pour vous, selon les
    faits et votre situation. Elles sont écrites dans votre jugement ou dans la décision du
    juge. Seules les obligations écrites dans votre décision s'appliquent à vous.</p>""",
    [
        legal(
            "Travailler, habiter à une adresse, se soigner",
            _law(
                """La juridiction de condamnation ou le juge de l'application des peines peut
                imposer spécialement au condamné l'observation de l'une ou de plusieurs des
                obligations suivantes :""",
                """1° Exercer une activité professionnelle ou suivre un enseignement ou une
                formation professionnelle ;""",
                "2° Etablir sa résidence en un lieu déterminé ;",
                """3° Se soumettre à des mesures d'examen médical, de traitement ou de soins,
                même sous le régime de l'hospitalisation. […]""",
            ),
            _132_45,
            """<p><strong>Travail ou formation</strong> : vous devez travailler ou suivre une
            formation, ou montrer vos démarches pour y arriver.</p>
            <p><strong>Résidence</strong> : vous devez habiter à l'adresse ou dans le lieu fixé
            par la décision.</p>
            <p><strong>Soins</strong> : vous devez consulter un médecin, un psychologue ou un
            centre de soins, par exemple pour l'alcool ou la drogue, et apporter des
            attestations.</p>""",
        ),
        legal(
            "Payer et réparer",
            _law(
                """4° Justifier qu'il contribue aux charges familiales ou acquitte régulièrement
                les pensions alimentaires dont il est débiteur ;""",
                """5° Réparer en tout ou partie, en fonction de ses facultés contributives, les
                dommages causés par l'infraction, même en l'absence de décision sur l'action
                civile ;""",
                """6° Justifier qu'il acquitte en fonction de ses facultés contributives les
                sommes dues au Trésor public à la suite de la condamnation ;""",
            ),
            _132_45,
            """<p><strong>Famille</strong> : vous devez participer aux dépenses de la famille,
            ou payer la pension alimentaire fixée par le juge.</p>
            <p><strong>Victimes</strong> : vous devez indemniser les victimes selon vos moyens,
            par exemple par des versements chaque mois.</p>
            <p><strong>Trésor public</strong> : vous devez payer, selon vos moyens, les amendes
            et les frais dus après la condamnation.</p>
            <p>Gardez toutes les preuves de paiement.</p>""",
        ),
        legal(
            "Ne pas conduire, ne pas aller dans certains lieux",
            _law(
                """7° S'abstenir de conduire certains véhicules déterminés par les catégories de
                permis prévues par le code de la route ou de conduire un véhicule qui ne soit
                pas équipé, par un professionnel agréé ou par construction, d'un dispositif
                homologué d'antidémarrage par éthylotest électronique ;""",
                "[…]",
                """9° S'abstenir de paraître en tout lieu, toute catégorie de lieux ou toute zone
                spécialement désignés ;""",
                "[…]",
                "11° Ne pas fréquenter les débits de boissons ;",
            ),
            _132_45,
            """<p><strong>Conduite</strong> : vous ne devez pas conduire certains véhicules, ou
            seulement un véhicule équipé d'un éthylotest antidémarrage.</p>
            <p><strong>Lieux interdits</strong> : vous ne devez pas aller dans certains lieux ou
            certaines zones, par exemple une commune, un quartier ou le domicile de la victime.
            La liste est dans votre décision.</p>
            <p><strong>Bars</strong> : vous ne devez pas aller dans les bars et les autres lieux
            où l'on sert de l'alcool.</p>""",
        ),
        legal(
            "Ne pas rencontrer certaines personnes, ne pas avoir d'arme",
            _law(
                """12° Ne pas fréquenter certains condamnés, notamment les auteurs ou complices
                de l'infraction ;""",
                """13° S'abstenir d'entrer en relation avec certaines personnes, dont la
                victime, ou certaines catégories de personnes, et notamment des mineurs, à
                l'exception, le cas échéant, de ceux désignés par la juridiction ;""",
                "14° Ne pas détenir ou porter une arme ;",
            ),
            _132_45,
            """<p><strong>Contacts interdits</strong> : vous ne devez pas contacter certaines
            personnes, par exemple la victime, ou les autres personnes condamnées pour les mêmes
            faits. Cela vaut pour tous les moyens : rencontre, appel, SMS, réseaux sociaux,
            message passé par un proche.</p>
            <p><strong>Armes</strong> : vous ne devez pas avoir d'arme, ni chez vous ni sur
            vous. Si vous en possédez une, parlez-en à votre CPIP pour savoir comment vous en
            séparer.</p>""",
        ),
        text(
            "Les autres obligations possibles",
            """<p>La loi prévoit d'autres obligations. Par exemple :</p>
            <ul>
            <li>suivre un stage : citoyenneté, sécurité routière, violences dans le couple
            ;</li>
            <li>ne pas exercer le métier lié à l'infraction, ou une activité en contact avec des
            mineurs ;</li>
            <li>ne pas faire de paris ni de jeux d'argent ;</li>
            <li>remettre vos enfants à la personne qui en a la garde ;</li>
            <li>après des violences dans le couple, habiter hors du domicile du couple ;</li>
            <li>ne pas parler publiquement de l'infraction, par exemple dans un livre ou un
            film.</li>
            </ul>
            <p>Les stages sont expliqués sur la page <a href='/comprendre/stages/'>Les
            stages</a>.</p>""",
        ),
        question(
            "Comment prouver que je respecte mon obligation de soins ?",
            """<p>Demandez à votre médecin, à votre psychologue ou à votre centre de soins une
            attestation de suivi, à chaque consultation ou chaque mois. Elle indique les dates
            de vos rendez-vous. Elle ne dit rien de ce que vous avez raconté : le secret médical
            est respecté.</p>
            <p>Apportez ces attestations à chaque rendez-vous au SPIP.</p>""",
        ),
        question(
            "Comment prouver que je travaille ou que je cherche un emploi ?",
            """<p>Apportez vos fiches de paie, votre contrat de travail ou une attestation de
            votre employeur. Si vous cherchez un emploi, apportez votre attestation d'inscription
            à France Travail et les preuves de vos démarches : candidatures, réponses,
            rendez-vous.</p>""",
        ),
        question(
            "Et si je n'ai pas les moyens d'indemniser la victime ?",
            """<p>L'obligation tient compte de vos moyens. Versez ce que vous pouvez,
            régulièrement, même une petite somme, et gardez les preuves. Si vos revenus
            baissent, dites-le à votre CPIP.</p>""",
        ),
        question(
            "La victime m'a contacté : que dois-je faire ?",
            """<p>Même si c'est la victime qui vous contacte, l'interdiction de contact
            s'applique à vous. Ne répondez pas. Parlez-en tout de suite à votre CPIP.</p>""",
        ),
        question(
            "Puis-je demander à changer une obligation ?",
            """<p>Oui. Le juge de l'application des peines peut modifier, ajouter ou supprimer
            une obligation particulière selon votre situation. Faites une demande écrite au
            juge, avec l'aide de votre CPIP ou de votre avocat. En attendant sa décision,
            continuez à respecter toutes vos obligations.</p>""",
        ),
        warning(
            "Une obligation non respectée a des conséquences",
            """<p>Ne pas respecter une obligation particulière a les mêmes conséquences que pour
            une obligation générale : le juge peut renforcer votre suivi ou vous envoyer en
            prison. En cas de contact avec la victime malgré l'interdiction, le juge peut agir
            très vite.</p>""",
        ),
    ],
)

# --- Who does what (category "roles") ----------------------------------------------------------

QUI_FAIT_QUOI = page(
    "qui-fait-quoi",
    "Qui fait quoi ?",
    "roles",
    1,
    "Les personnes que vous rencontrez pendant votre peine, et le rôle de chacune.",
    """<p>Pendant votre peine, vous rencontrez plusieurs personnes. Chacune a un rôle précis.
    Savoir qui fait quoi vous aide à vous adresser à la bonne personne.</p>""",
    [
        question(
            "Qui est le juge de l'application des peines (JAP) ?",
            """<p>Le juge de l'application des peines (JAP) est le juge qui suit l'exécution de
            votre peine après le jugement. Il travaille au tribunal judiciaire.</p>
            <p>Il fixe ou modifie vos obligations. Il décide des aménagements de peine, comme
            le bracelet électronique ou la libération conditionnelle. Si vous ne respectez pas
            vos obligations, c'est lui qui peut vous sanctionner.</p>
            <p>Il peut vous convoquer pour un entretien, ou pour une audience appelée débat
            contradictoire.</p>""",
        ),
        question(
            "Qui est le conseiller pénitentiaire d'insertion et de probation (CPIP) ?",
            """<p>Le CPIP est la personne qui vous suit au quotidien. Il travaille au service
            pénitentiaire d'insertion et de probation (SPIP).</p>
            <p>Il vérifie que vous respectez vos obligations et il en rend compte au juge. Il
            vous aide aussi dans vos démarches : emploi, logement, soins, droits. Vous pouvez
            lui parler de vos difficultés.</p>""",
        ),
        question(
            "Qu'est-ce que le SPIP ?",
            """<p>Le service pénitentiaire d'insertion et de probation (SPIP) est un service du
            ministère de la Justice. Il suit les personnes condamnées, en prison et hors de
            prison. Il y en a un dans chaque département, parfois avec plusieurs antennes.</p>
            <p>Il réunit des CPIP, des secrétaires, des psychologues, des assistants de service
            social et des surveillants. Il est dirigé par un directeur pénitentiaire
            d'insertion et de probation (DPIP).</p>""",
        ),
        question(
            "Que fait le greffe ?",
            """<p>Le greffe est le service administratif du tribunal. Les greffiers assistent
            les juges, préparent les dossiers et envoient les convocations. Ils peuvent vous
            donner une copie de votre jugement et vous dire où en est votre dossier.</p>
            <p>Après l'audience, le bureau de l'exécution des peines (BEX) peut vous recevoir
            pour vous expliquer la décision et vous donner vos premiers rendez-vous.</p>""",
        ),
        question(
            "Quel est le rôle de l'avocat ?",
            """<p>L'avocat vous conseille et vous défend. Il n'est pas nécessaire pour les
            rendez-vous avec votre CPIP. Il est très utile pour une audience devant le juge de
            l'application des peines ou pour demander un aménagement de peine.</p>
            <p>Si vos revenus sont faibles, l'<strong>aide juridictionnelle</strong> peut payer
            tout ou partie des frais d'avocat. Renseignez-vous au tribunal ou sur
            <a href='https://www.justice.fr'>justice.fr</a>. Vous pouvez aussi demander qu'un
            avocat soit désigné pour vous (commis d'office).</p>""",
        ),
        question(
            "Quel est le rôle du procureur de la République ?",
            """<p>Le procureur de la République représente la société. C'est lui qui a demandé
            une peine devant le tribunal. Après le jugement, il veille à ce que la peine soit
            exécutée.</p>
            <p>Il donne son avis au juge de l'application des peines sur les aménagements et
            les sanctions. Il peut faire appel des décisions du juge.</p>""",
        ),
        question(
            "Qui sont les surveillants du bracelet électronique ?",
            """<p>Si vous êtes sous bracelet électronique, des surveillants de
            l'administration pénitentiaire s'occupent de la surveillance. Ils posent et
            retirent le bracelet, installent le boîtier et contrôlent vos horaires à
            distance.</p>
            <p>Pendant vos heures de présence, ils peuvent venir sur place pour vous rencontrer.
            Ils ne peuvent pas entrer dans le logement sans l'accord de la personne qui y
            habite. Ils signalent les incidents au juge.</p>""",
        ),
        tip(
            "À qui m'adresser ?",
            """<ul>
            <li>Une question sur vos rendez-vous ou vos obligations : votre CPIP.</li>
            <li>Une copie de votre jugement : le greffe du tribunal.</li>
            <li>Un conseil juridique : votre avocat ou un point-justice.</li>
            <li>Un problème avec le bracelet : le numéro donné par les surveillants.</li>
            </ul>""",
        ),
    ],
)

# --- About the site (category "about") ---------------------------------------------------------

MENTIONS_LEGALES = page(
    "mentions-legales",
    "Mentions légales",
    "about",
    1,
    "Qui publie ce site, qui l'héberge et comment réutiliser son contenu.",
    """<p>Ce site est le site d'information nationale de la plateforme de convocation et de
    suivi des personnes placées sous main de justice.</p>""",
    [
        text(
            "Éditeur",
            "<p>Ministère de la Justice, 13 place Vendôme, 75001 Paris.</p>",
        ),
        text(
            "Directeur de la publication",
            "<p>Le secrétaire général du ministère de la Justice.</p>",
        ),
        text(
            "Hébergement",
            """<p>Hébergeur : prestataire qualifié SecNumCloud par l'Agence nationale de la
            sécurité des systèmes d'information (ANSSI), désigné par le ministère de la
            Justice.</p>""",
        ),
        text(
            "Propriété intellectuelle",
            """<p>Sauf mention contraire, les textes de ce site sont publiés sous la Licence
            Ouverte version 2.0 (Etalab). Vous pouvez les réutiliser librement, à condition de
            citer la source (ministère de la Justice) et la date de dernière mise à jour.</p>
            <p>Les textes de loi cités viennent de
            <a href='https://www.legifrance.gouv.fr'>Légifrance</a>. Le bloc-marque et la
            Marianne de l'État ne peuvent pas être réutilisés sans autorisation.</p>""",
        ),
        text(
            "Liens",
            """<p>Ce site contient des liens vers d'autres sites, par exemple
            <a href='https://www.service-public.fr'>Service-Public.fr</a>. Le ministère de la
            Justice n'est pas responsable du contenu des sites qui ne dépendent pas de lui.</p>
            <p>Vous pouvez faire un lien vers ce site sans demander d'autorisation.</p>""",
        ),
        text(
            "Sécurité",
            """<p>Ce site ne vous demande jamais de mot de passe, de code bancaire ni de
            paiement. Les SMS des services de la justice ne vous demandent jamais d'argent. Si
            vous recevez un message suspect, ne répondez pas et signalez-le en le transférant au
            33700.</p>""",
        ),
        text(
            "Données personnelles et accessibilité",
            """<p>Lisez les pages <a href='/donnees-personnelles/'>Données personnelles</a> et
            <a href='/accessibilite/'>Accessibilité</a>.</p>""",
        ),
    ],
)

DONNEES_PERSONNELLES = page(
    "donnees-personnelles",
    "Données personnelles",
    "about",
    2,
    "Comment la plateforme utilise vos données, combien de temps elle les garde, et vos droits.",
    """<p>Cette page explique quelles données la plateforme utilise, pourquoi, pendant combien
    de temps, et quels sont vos droits. Elle concerne les personnes suivies par la justice qui
    reçoivent des convocations et des SMS, et les visiteurs de ce site.</p>""",
    [
        text(
            "À quoi sert la plateforme ?",
            """<p>La plateforme permet aux tribunaux judiciaires et aux services pénitentiaires
            d'insertion et de probation (SPIP) :</p>
            <ul>
            <li>de fixer et de suivre vos rendez-vous (convocations) ;</li>
            <li>de vous envoyer des SMS : convocation, rappel avant le rendez-vous, changement
            ou annulation ;</li>
            <li>de suivre l'exécution de votre peine et de vos obligations.</li>
            </ul>""",
        ),
        text(
            "Qui est responsable ?",
            """<p>Le responsable du traitement est le ministère de la Justice, 13 place Vendôme,
            75001 Paris. Chaque tribunal et chaque SPIP utilise la plateforme pour les personnes
            qu'il suit.</p>""",
        ),
        text(
            "Sur quelle base légale ?",
            """<p>Ces données sont utilisées pour une mission d'intérêt public : l'exécution des
            décisions de justice.</p>
            <p>Les données sur les condamnations et les peines relèvent de la directive
            « police-justice » (directive (UE) 2016/680), appliquée en France par le titre III
            de la loi n° 78-17 du 6 janvier 1978 relative à l'informatique, aux fichiers et aux
            libertés. Les autres traitements, comme les journaux techniques de ce site, relèvent
            du règlement général sur la protection des données (RGPD), article 6, paragraphe 1,
            point e (mission d'intérêt public).</p>""",
        ),
        text(
            "Quelles données ?",
            """<ul>
            <li>votre identité : nom, prénoms, date de naissance ;</li>
            <li>vos coordonnées : numéro de téléphone portable, commune de résidence ;</li>
            <li>le numéro de votre dossier de probation et les numéros de vos affaires ;</li>
            <li>vos rendez-vous : date, heure, lieu, type, présence ou absence ;</li>
            <li>les SMS envoyés et leur remise, et votre choix de ne plus en recevoir ;</li>
            <li>l'historique des actions des agents sur votre dossier.</li>
            </ul>""",
        ),
        text(
            "Qui peut voir ces données ?",
            """<ul>
            <li>Les agents du tribunal et du SPIP qui vous suivent, chacun selon son rôle.</li>
            <li>Le prestataire d'envoi des SMS. Il reçoit seulement votre numéro et le texte du
            message. Il agit comme sous-traitant, pour le compte du ministère, et ne peut pas
            utiliser ces données pour autre chose.</li>
            </ul>
            <p>Chaque consultation et chaque modification de votre dossier est
            enregistrée.</p>""",
        ),
        text(
            "Combien de temps ?",
            """<ul>
            <li>Votre dossier et vos rendez-vous : pendant toute la durée de votre suivi. Sans
            rendez-vous pendant 12 mois, votre dossier est archivé : les agents ne le voient
            plus. Il est supprimé 6 mois plus tard.</li>
            <li>Les traces des SMS envoyés : 1 an.</li>
            <li>Le journal des consultations par les agents : 1 an.</li>
            <li>Ce site d'information : il ne garde que les journaux techniques du serveur,
            pendant 1 an, pour sa sécurité.</li>
            </ul>""",
        ),
        text(
            "Vos droits",
            """<p>Vous pouvez demander :</p>
            <ul>
            <li>à voir les données qui vous concernent (droit d'accès) ;</li>
            <li>à corriger une donnée fausse, par exemple votre numéro de téléphone (droit de
            rectification) ;</li>
            <li>à limiter l'usage de vos données dans certains cas (droit à la
            limitation).</li>
            </ul>
            <p>Pour ne plus recevoir de SMS, utilisez le lien STOP du message. Vous pouvez les
            recevoir de nouveau en le demandant au service qui vous suit.</p>
            <p>Dans certains cas prévus par la loi, ces droits peuvent être limités, par exemple
            pour ne pas gêner l'exécution d'une décision de justice. Vous pouvez alors les
            exercer par l'intermédiaire de la CNIL.</p>""",
        ),
        question(
            "Comment exercer vos droits ?",
            """<p>Adressez-vous d'abord au SPIP ou au tribunal qui vous suit. Vous pouvez aussi
            écrire au délégué à la protection des données du ministère de la Justice, 13 place
            Vendôme, 75001 Paris. Le service peut vous demander de prouver votre identité.</p>
            <p>Si vous pensez que vos droits ne sont pas respectés, vous pouvez adresser une
            réclamation à la Commission nationale de l'informatique et des libertés (CNIL) :
            <a href='https://www.cnil.fr'>cnil.fr</a>.</p>""",
        ),
        text(
            "Aucun cookie de suivi",
            """<p>Ce site ne dépose aucun cookie : ni mesure d'audience, ni publicité, ni outil
            de suivi. Il n'intègre pas de carte ou de vidéo d'un autre site. Les liens vers les
            cartes ouvrent OpenStreetMap seulement si vous cliquez dessus.</p>""",
        ),
    ],
)

ACCESSIBILITE = page(
    "accessibilite",
    "Accessibilité",
    "about",
    3,
    "Déclaration d'accessibilité du site et moyens de nous signaler une difficulté.",
    """<p>Le ministère de la Justice s'engage à rendre ce site accessible, conformément à
    l'article 47 de la loi n° 2005-102 du 11 février 2005.</p>
    <p>Cette déclaration d'accessibilité s'applique au site d'information nationale de la
    plateforme de convocation et de suivi des personnes placées sous main de justice.</p>""",
    [
        text(
            "État de conformité",
            """<p>Ce site est <strong>non conforme</strong> avec le référentiel général
            d'amélioration de l'accessibilité (RGAA), version 4.1.2.</p>
            <p>Aucun audit complet n'a encore été réalisé : tant que ce n'est pas fait, la loi
            demande de déclarer le site non conforme. Cette déclaration sera mise à jour avec
            les résultats du premier audit.</p>""",
        ),
        text(
            "Ce que nous vérifions",
            """<ul>
            <li>Chaque page est testée automatiquement avec l'outil axe-core, à chaque nouvelle
            version du site.</li>
            <li>Le site utilise le système de design de l'État (DSFR).</li>
            <li>Les textes sont écrits avec des phrases courtes et des mots simples.</li>
            </ul>
            <p>Les tests automatiques ne trouvent qu'une partie des problèmes. Si vous
            rencontrez une difficulté, dites-le-nous.</p>""",
        ),
        text(
            "Contenus non accessibles",
            """<p>La liste des non-conformités sera établie par le premier audit complet. Elle
            sera publiée sur cette page.</p>""",
        ),
        text(
            "Établissement de cette déclaration",
            """<p>Cette déclaration a été établie à la mise en ligne du site, à partir des tests
            automatiques.</p>
            <ul>
            <li>Technologies utilisées : HTML, CSS, JavaScript.</li>
            <li>Outil de test : axe-core, dans le navigateur Chromium.</li>
            </ul>""",
        ),
        text(
            "Retour d'information et contact",
            """<p>Si vous n'arrivez pas à accéder à un contenu ou à un service, contactez-nous :
            nous vous aiderons à obtenir l'information sous une autre forme.</p>
            <ul>
            <li>Par courrier : Ministère de la Justice, plateforme de convocation et de suivi,
            13 place Vendôme, 75001 Paris.</li>
            <li>Par le service qui vous suit (tribunal ou SPIP), qui transmettra votre
            demande.</li>
            </ul>""",
        ),
        text(
            "Voies de recours",
            """<p>Si vous nous avez signalé un défaut d'accessibilité et que vous n'avez pas
            obtenu de réponse satisfaisante, vous pouvez :</p>
            <ul>
            <li>écrire un message au Défenseur des droits avec le
            <a href='https://formulaire.defenseurdesdroits.fr'>formulaire en ligne</a> ;</li>
            <li>contacter le délégué du Défenseur des droits dans votre région, dont la liste
            est sur <a href='https://www.defenseurdesdroits.fr'>defenseurdesdroits.fr</a> ;</li>
            <li>appeler le 09 69 39 00 00 ;</li>
            <li>envoyer un courrier gratuit, sans timbre : Défenseur des droits, Libre réponse
            71120, 75342 Paris CEDEX 07.</li>
            </ul>""",
        ),
    ],
)

PAGES: list[dict] = [
    ACCUEIL,
    PREPARER,
    COMPRENDRE,
    REINSERTION,
    SURSIS_PROBATOIRE,
    TRAVAIL_INTERET_GENERAL,
    SUIVI_SOCIO_JUDICIAIRE,
    STAGES,
    JOUR_AMENDE,
    EMPRISONNEMENT,
    DDSE,
    PLACEMENT_EXTERIEUR,
    SEMI_LIBERTE,
    LIBERATION_CONDITIONNELLE,
    FRACTIONNEMENT,
    SUSPENSION,
    OBLIGATIONS_GENERALES,
    OBLIGATIONS_PARTICULIERES,
    QUI_FAIT_QUOI,
    MENTIONS_LEGALES,
    DONNEES_PERSONNELLES,
    ACCESSIBILITE,
]


# Jargon spelled out the first time a page uses it (intro, then sections in order): "votre CPIP"
# becomes "votre conseiller ou conseillère pénitentiaire d'insertion et de probation (CPIP)";
# later mentions keep the acronym, now explained.
CPIP_WORDS = "conseiller ou conseillère pénitentiaire d'insertion et de probation (CPIP)"
CPIP_PLURAL = "conseillers et conseillères pénitentiaires d'insertion et de probation (CPIP)"
_FIRST_CPIP = re.compile(r"(?:\b(des|Des) )?(?<!\()\bCPIP\b(?!\))")


def _spell_out_cpip(spec: dict) -> None:
    fields = [(spec, "intro")] + [
        (section, key) for section in spec.get("sections", []) for key in ("heading", "body")
    ]
    for holder, key in fields:
        value = holder.get(key, "")
        if "(CPIP)" in value:
            return  # already explained, in the page's own words
        match = _FIRST_CPIP.search(value)
        if match:
            words = f"{match.group(1)} {CPIP_PLURAL}" if match.group(1) else CPIP_WORDS
            holder[key] = value[: match.start()] + words + value[match.end() :]
            return


for _spec in PAGES:
    _spell_out_cpip(_spec)
