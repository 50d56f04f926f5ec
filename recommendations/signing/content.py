"""The texts a signer agrees to, versioned and in both languages (English and Canadian French),
and the hashes of the link token and the one-time code."""

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from clients.models import CAPABILITY_DISCLOSURES, Software, consent_sought_because
from recommendations.models import DecisionRequest
from riskreg.links import absolute_reverse
from riskreg.mail.secrets import withheld

ENGLISH, FRENCH = "en", "fr-ca"
# Every language a text the signer reads is written in (settings.LANGUAGES).
LANGUAGES = (ENGLISH, FRENCH)


def language_code(code: str | None) -> str:
    """One of the two languages texts exist in: Canadian French for any French, English otherwise."""
    return FRENCH if (code or "").lower().startswith("fr") else ENGLISH


@dataclass(frozen=True)
class LegalText:
    """One version of a text the signer agrees to, in every language it was written in. A version
    is never edited: a changed wording is a new version, and older ones stay here for the records
    (and old snapshots) that quote them."""

    version: str
    texts: Mapping[str, str]

    def text_in(self, language: str) -> str:
        return self.texts.get(language_code(language)) or self.texts[ENGLISH]

    def both(self) -> dict[str, str]:
        """Every language's text, for the snapshot: the record proves what each language said."""
        return dict(self.texts)


# The e-sign disclosure (consent to electronic records). 2026-11 was English only; 2026-12 says the
# same in English and Canadian French.
_DISCLOSURE_EN = (
    "I agree to sign this record electronically and to receive it electronically. I understand that: "
    "I may ask for a paper copy of this record at no charge by writing to the contact details of the managed "
    "service provider below; I may withdraw my consent to sign electronically at any time before I submit, by "
    "closing this page and telling the provider, who will then arrange a paper signature; after I sign I will "
    "receive a copy of the signed record by email and can download it from the confirmation page; and my "
    "electronic signature has the same effect as a handwritten one."
)
_DISCLOSURE_FR = (
    "J’accepte de signer ce document électroniquement et de le recevoir électroniquement. Je comprends que : "
    "je peux demander sans frais une copie papier de ce document en écrivant au fournisseur de services gérés aux "
    "coordonnées indiquées ci-dessous; je peux retirer mon consentement à signer électroniquement à tout moment "
    "avant de soumettre, en fermant cette page et en avisant le fournisseur, qui prendra alors des dispositions pour "
    "une signature sur papier; après ma signature, je recevrai par courriel une copie du document signé et je "
    "pourrai la télécharger à partir de la page de confirmation; et ma signature électronique a le même effet "
    "qu’une signature manuscrite."
)
DISCLOSURES = {
    "2026-11": LegalText("2026-11", {ENGLISH: _DISCLOSURE_EN}),
    "2026-12": LegalText("2026-12", {ENGLISH: _DISCLOSURE_EN, FRENCH: _DISCLOSURE_FR}),
}
DISCLOSURE_VERSION = "2026-12"
DISCLOSURE = DISCLOSURES[DISCLOSURE_VERSION]
CONSENT_TEXT = DISCLOSURE.texts[ENGLISH]

_INTENT_EN = (
    "I have read the recommendations above. I accept those I marked Accept. I refuse those I marked Refuse and "
    "accept the risks described, and I understand that the provider is not responsible for losses that a refused "
    "control would have prevented, within the limits of our service agreement."
)
_INTENT_FR = (
    "J’ai lu les recommandations ci-dessus. J’accepte celles que j’ai marquées « Accepter ». Je refuse celles "
    "que j’ai marquées « Refuser » et j’accepte les risques décrits, et je comprends que le fournisseur n’est "
    "pas responsable des pertes qu’un contrôle refusé aurait permis d’éviter, dans les limites de notre entente de "
    "services."
)
INTENTS = {
    "2026-11": LegalText("2026-11", {ENGLISH: _INTENT_EN}),
    "2026-12": LegalText("2026-12", {ENGLISH: _INTENT_EN, FRENCH: _INTENT_FR}),
}
INTENT_VERSION = "2026-12"
INTENT = INTENTS[INTENT_VERSION]
INTENT_TEXT = INTENT.texts[ENGLISH]

_CONSENT_INTENT_EN = (
    "I have read, for each computer program above, what it does and why, what it can do on our computers, and "
    "how to withdraw consent. On behalf of the client, I give consent to install the programs I marked Give "
    "consent, and refuse consent for those I marked Refuse. I understand that consent can be withdrawn at any "
    "time, at no cost."
)
_CONSENT_INTENT_FR = (
    "J’ai lu, pour chaque programme informatique ci-dessus, ce qu’il fait et pourquoi, ce qu’il peut faire sur nos "
    "ordinateurs et comment retirer le consentement. Au nom du client, je donne mon consentement à l’installation "
    "des programmes que j’ai marqués « Donner mon consentement » et je refuse mon consentement pour ceux que "
    "j’ai marqués « Refuser ». Je comprends que le consentement peut être retiré à tout moment, sans frais."
)
CONSENT_INTENTS = {
    "consent-2026-11": LegalText("consent-2026-11", {ENGLISH: _CONSENT_INTENT_EN}),
    "consent-2026-12": LegalText("consent-2026-12", {ENGLISH: _CONSENT_INTENT_EN, FRENCH: _CONSENT_INTENT_FR}),
}
CONSENT_INTENT_VERSION = "consent-2026-12"
CONSENT_INTENT = CONSENT_INTENTS[CONSENT_INTENT_VERSION]
CONSENT_INTENT_TEXT = CONSENT_INTENT.texts[ENGLISH]

# Charter of the French Language, s. 55: a contract of adhesion and its related documents are
# given in French first; the parties may be bound by a version in another language only at their
# express wish, after the French version was given. A Quebec client's signer who signs in English
# ticks this statement, and it is kept as evidence of that wish.
ENGLISH_CHOICES = {
    "english-choice-2026-12": LegalText(
        "english-choice-2026-12",
        {
            ENGLISH: "I expressly choose to be bound by this document in English; a French version was offered to me.",
            FRENCH: "Je choisis expressément d’être lié par ce document en anglais; une version française m’a été "
            "offerte.",
        },
    ),
}
ENGLISH_CHOICE_VERSION = "english-choice-2026-12"
ENGLISH_CHOICE = ENGLISH_CHOICES[ENGLISH_CHOICE_VERSION]


def english_choice_required(*, quebec: bool, language: str) -> bool:
    """Whether signing needs the express choice of English: a Quebec client's signer reading English."""
    return quebec and language_code(language) == ENGLISH


# The CASL disclosures (s. 10(6)) of each capability a program has, in Canadian French, by the
# capability's field; the English ones are clients.software_models.CAPABILITY_DISCLOSURES.
CASL_DISCLOSURES_VERSION = "casl-2026-12"
CAPABILITY_DISCLOSURES_FR: dict[str, tuple[str, str]] = {
    "collects_personal_information": (
        "Recueille des renseignements personnels",
        "Ce programme peut recueillir des renseignements personnels stockés sur les ordinateurs où il s’exécute, "
        "ou saisis sur ceux-ci — par exemple des noms d’utilisateur, des adresses de courriel, des détails sur les "
        "appareils et leur utilisation, ainsi que le nom et le contenu de fichiers — et les transmettre aux systèmes "
        "du fournisseur. Il le fait pour permettre au fournisseur de surveiller, de soutenir et de protéger ces "
        "ordinateurs. Incidence prévisible : des renseignements sur les personnes qui utilisent les ordinateurs "
        "en sortent et sont conservés par le fournisseur.",
    ),
    "changes_settings_or_data": (
        "Modifie des paramètres ou des données",
        "Ce programme peut modifier les paramètres, les préférences, les commandes et les données des ordinateurs "
        "où il s’exécute sans demander chaque fois l’avis de l’utilisateur — par exemple installer des mises à jour, "
        "modifier des paramètres de sécurité, exécuter des scripts, ou mettre en quarantaine ou supprimer des "
        "fichiers. Il le fait pour garder les ordinateurs entretenus et sécurisés. Incidence prévisible : une "
        "modification peut changer le comportement d’un ordinateur ou d’un autre programme, redémarrer "
        "l’ordinateur ou supprimer un fichier dont quelqu’un avait besoin.",
    ),
    "communicates_with_other_systems": (
        "Communique avec d’autres systèmes informatiques",
        "Ce programme fait communiquer les ordinateurs où il s’exécute avec d’autres systèmes informatiques — les "
        "serveurs du fournisseur et le service infonuagique de l’éditeur — par Internet, sans que l’utilisateur le "
        "déclenche. Il le fait pour signaler l’état des ordinateurs, recevoir des instructions et télécharger des "
        "mises à jour. Incidence prévisible : il utilise de la capacité réseau et transmet à ces systèmes des "
        "données sur l’ordinateur.",
    ),
    "allows_remote_access": (
        "Permet l’accès à distance",
        "Ce programme permet au personnel du fournisseur de se connecter aux ordinateurs où il s’exécute et de les "
        "contrôler à distance, et le fournisseur peut l’activer sans intervention de l’utilisateur. Il le fait pour "
        "offrir du soutien et régler des problèmes à distance. Incidence prévisible : pendant la connexion, une "
        "personne à l’extérieur de l’établissement peut voir l’écran, utiliser l’ordinateur et accéder à ses "
        "fichiers.",
    ),
}


def capability_disclosures(software: Software, language: str) -> list[tuple[str, str]]:
    """(label, disclosure) for each capability the program has, in `language`."""
    if language_code(language) == ENGLISH:
        return software.disclosures()
    return [
        CAPABILITY_DISCLOSURES_FR[field] for field, _label, _text in CAPABILITY_DISCLOSURES if getattr(software, field)
    ]


def sought_because(*, practice_name: str, client_name: str, language: str) -> str:
    """Why CASL consent is asked for (clients.models.consent_sought_because), in `language`."""
    if language_code(language) == ENGLISH:
        return consent_sought_because(practice_name=practice_name, client_name=client_name)
    return (
        f"La Loi canadienne anti-pourriel (LCAP, article 8) exige le consentement exprès du propriétaire ou de "
        f"l’utilisateur autorisé d’un ordinateur avant que quiconque y installe un programme informatique. "
        f"{practice_name} demande le consentement de {client_name} parce qu’elle doit installer ce programme sur "
        f"les ordinateurs de {client_name} pour fournir les services informatiques gérés pour lesquels elle a été "
        f"retenue."
    )


Purpose = DecisionRequest.Purpose
RequestStatus = DecisionRequest.Status


class SigningError(ValidationError):
    pass


# Where the link and the code go in the stored emails; the worker puts the real ones in the message it sends.
SIGNING_LINK = withheld("personal signing link")
SIGNING_CODE = withheld("one-time code")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def code_hash(request_public_id: Any, code: str) -> str:
    # Keyed and bound to the request, so a leaked table row cannot be brute-forced offline
    # with a precomputed list of the million possible codes.
    return hmac.new(settings.SECRET_KEY.encode(), f"{request_public_id}:{code}".encode(), hashlib.sha256).hexdigest()


def signing_url(token: str) -> str:
    return absolute_reverse("sign:start", token)
