"""What a person reads of a badge: its name, issuer, dates, skills and EU micro-credential
elements, drawn from the credential itself (the verdict is `verifier.verdict`); and
the endorsements that verified (never one that did not).

Pure and defensive: the credential may be anything a visitor pasted, so every member is
checked for its type and what does not fit is left out, never an exception. The credential
page of the issuer and the verification page render these same structures.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from badges.datatypes import is_uri, parse_datetime
from badges.errors import BadgeError
from badges.json_document import as_list
from badges.micro_credential import VOCABULARIES
from badges.recipient import identity_hash_matches
from verifier.report import (
    EndorsementPlace,
    VerificationReport,
)
from verifier.structure import issuer_id

__all__ = [
    "BadgeSummary",
    "Element",
    "Endorsement",
    "NameSource",
    "Skill",
    "endorsements",
    "recipient_matches",
    "safe_link",
    "summarize",
]

# Alignment types that state an EU micro-credential element rather than a skill, and the
# element each names (badges.micro_credential writes them).
_ELEMENT_LABELS: Final = {"ext:EQFLevel": "EQF level", "ext:CreditSystem": "Workload",
                          **{v.target_type: v.element.capitalize()
                             for v in VOCABULARIES.values()}}


@dataclass(frozen=True, slots=True)
class Skill:
    """A skill or competence the badge aligns to."""

    name: str
    url: str | None
    framework: str | None
    code: str | None
    level: str | None
    # ESCO skills the competence names (alignments of type ext:ESCOSkill with its name).
    related: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Element:
    """One EU micro-credential element (EQF level, ECTS, assessment, …)."""

    label: str
    value: str
    url: str | None


@dataclass(frozen=True, slots=True)
class BadgeSummary:
    """The people-facing facts of a credential."""

    credential_id: str | None
    name: str
    description: str | None
    criteria: str | None
    image_url: str | None
    image_alt: str
    achievement_url: str | None
    achievement_type: str | None
    issuer_name: str | None
    issuer_url: str | None
    issuer_id: str | None
    valid_from: datetime | None
    valid_until: datetime | None
    skills: tuple[Skill, ...]
    elements: tuple[Element, ...]
    credits: str | None
    results: tuple[str, ...]


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def safe_link(value: object) -> str | None:
    """A URL a page may link to: http(s) only (never javascript:, data: …)."""
    text = _text(value)
    if text is not None and is_uri(text) and text.lower().startswith(("https://", "http://")):
        return text
    return None


def _date(value: object) -> datetime | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return parse_datetime(text)
    except (BadgeError, ValueError):
        return None


def _words(value: str | None) -> str | None:
    """An OB achievementType for people: MicroCredential -> Micro-credential."""
    if value is None:
        return None
    if value.startswith("ext:"):
        value = value[4:]
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", value).lower()
    return spaced.replace("micro credential", "micro-credential").capitalize()


def _number(value: object) -> str | None:
    """A finite number as people write it (2, 2.5), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        return None
    return f"{number:g}" if math.isfinite(number) else None


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _image(achievement: Mapping[str, Any]) -> tuple[str | None, str | None]:
    image = achievement.get("image")
    if isinstance(image, str):
        return safe_link(image) or _data_image(image), None
    image = _mapping(image)
    url = image.get("id")
    return safe_link(url) or _data_image(url), _text(image.get("caption"))


def _data_image(value: object) -> str | None:
    text = _text(value)
    if text is not None and text.startswith(("data:image/png;", "data:image/svg+xml;",
                                             "data:image/jpeg;")):
        return text
    return None


def _subject(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    subjects = as_list(credential.get("credentialSubject"))
    return _mapping(subjects[0]) if subjects else {}


def _alignments(achievement: Mapping[str, Any]) -> tuple[tuple[Skill, ...],
                                                          tuple[Element, ...]]:
    skills: list[Skill] = []
    elements: list[Element] = []
    for item in as_list(achievement.get("alignment")):
        alignment = _mapping(item)
        name = _text(alignment.get("targetName"))
        if name is None:
            continue
        url = safe_link(alignment.get("targetUrl"))
        description = _text(alignment.get("targetDescription"))
        framework = _text(alignment.get("targetFramework"))
        target_type = _text(alignment.get("targetType"))
        label = _ELEMENT_LABELS.get(target_type) if target_type is not None else None
        if label is not None:
            value = description if target_type == "ext:CreditSystem" else None
            elements.append(Element(label=label, value=value or name, url=url))
            continue
        level = description.removeprefix("Level: ") if description else None
        named = next((index for index, skill in enumerate(skills) if skill.name == name), None)
        if target_type == "ext:ESCOSkill" and url is not None and named is not None:
            skills[named] = replace(skills[named], related=(*skills[named].related, url))
            continue
        skills.append(Skill(name=name, url=url, framework=framework,
                            code=_text(alignment.get("targetCode")), level=level))
    return tuple(skills), tuple(elements)


def _results(subject: Mapping[str, Any]) -> tuple[str, ...]:
    shown: list[str] = []
    for item in as_list(subject.get("result")):
        result = _mapping(item)
        value = _text(result.get("value")) or _text(result.get("status"))
        if value is not None:
            shown.append(value)
    return tuple(shown)


def summarize(credential: Mapping[str, Any]) -> BadgeSummary:
    """The people-facing facts of an (OB 3.0 or other) credential."""
    subject = _subject(credential)
    achievement = _mapping(subject.get("achievement"))
    issuer_map = _mapping(credential.get("issuer"))
    issuer = _text(issuer_id(credential))
    image_url, caption = _image(achievement)
    skills, elements = _alignments(achievement)
    name = (_text(achievement.get("name")) or _text(credential.get("name"))
            or "Unnamed credential")
    credits = achievement.get("creditsAvailable")
    return BadgeSummary(
        credential_id=_text(credential.get("id")),
        name=name,
        description=_text(achievement.get("description")) or _text(
            credential.get("description")),
        criteria=_text(_mapping(achievement.get("criteria")).get("narrative")),
        image_url=image_url,
        image_alt=caption or f"Badge image of {name}",
        achievement_url=safe_link(achievement.get("id")),
        achievement_type=_words(_text(achievement.get("achievementType"))),
        issuer_name=_text(issuer_map.get("name")),
        issuer_url=safe_link(issuer_map.get("url")) or safe_link(issuer),
        issuer_id=issuer,
        valid_from=_date(credential.get("validFrom")) or _date(credential.get("issuanceDate")),
        valid_until=(_date(credential.get("validUntil"))
                     or _date(credential.get("expirationDate"))),
        skills=skills,
        elements=elements,
        credits=_number(credits),
        results=_results(subject),
    )


def recipient_matches(credential: Mapping[str, Any], email: str) -> bool | None:
    """Whether the credential was awarded to `email` (its hashed e-mail identifier, tried as
    given and trimmed and lower-cased, as issuers commonly store it); None when it names
    its learner by no hashed e-mail."""
    identities = [_mapping(item) for subject in as_list(credential.get("credentialSubject"))
                  for item in as_list(_mapping(subject).get("identifier"))]
    hashed = [identity for identity in identities
              if identity.get("identityType") == "emailAddress"
              and identity.get("hashed") is True
              and isinstance(identity.get("identityHash"), str)]
    if not hashed:
        return None
    salt_of = {id(identity): identity.get("salt") if isinstance(identity.get("salt"), str)
               else None for identity in hashed}
    return any(identity_hash_matches(identity["identityHash"], candidate,
                                     salt_of[id(identity)])
               for identity in hashed for candidate in {email, email.strip().lower()})


class NameSource(StrEnum):
    """Where a name shown for a party comes from, said beside it."""

    ENDORSEMENT = "as stated in the endorsement"
    REGISTRY = "confirmed by"


_ENDORSED: Final = {EndorsementPlace.CREDENTIAL: "this credential",
                    EndorsementPlace.ISSUER: "the issuer",
                    EndorsementPlace.ACHIEVEMENT: "the achievement",
                    EndorsementPlace.CREATOR: "the achievement's creator"}


@dataclass(frozen=True, slots=True)
class Endorsement:
    """A verified endorsement, for people: who endorses what, in their words. The endorser's
    name is a registry's (`confirmed_by` names it) when one vouches for the endorser, else
    the one the endorsement states (`name_source`)."""

    endorser_name: str | None
    endorser_id: str
    endorser_url: str | None
    name_source: NameSource
    endorses: str
    comment: str | None
    confirmed_by: str | None = None


def endorsements(report: VerificationReport) -> tuple[Endorsement, ...]:
    """The endorsements of `report` that verified, for display: one that did not verify is
    never among them (the report lists it, with why)."""
    shown: list[Endorsement] = []
    for result in report.endorsements:
        credential = result.report.credential
        endorser = issuer_id(credential) if credential is not None else None
        if result.endorses is None or credential is None or endorser is None:
            continue
        issuer = _mapping(credential.get("issuer"))
        registered = result.report.registered_issuer
        shown.append(Endorsement(
            endorser_name=registered.name if registered else _text(issuer.get("name")),
            endorser_id=endorser,
            endorser_url=(safe_link(registered.url) if registered else None)
            or safe_link(issuer.get("url")) or safe_link(endorser),
            name_source=NameSource.REGISTRY if registered else NameSource.ENDORSEMENT,
            endorses=_ENDORSED[result.endorses],
            comment=_text(_subject(credential).get("endorsementComment")),
            confirmed_by=registered.registry if registered else None))
    return tuple(shown)


