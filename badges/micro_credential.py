"""The EU micro-credential elements (Council Recommendation of 16 June 2022, Annex I) in
Open Badges 3.0 terms.

Every element maps onto a property OB 3.0 defines, or onto an `Alignment` (OB 3.0 §B.1.2)
whose `targetUrl` names a term of a controlled vocabulary: the Europass vocabularies
(`http://data.europa.eu/snb/...`) where a term is published there and verified (see
`../shared/data/pass-sample.json`), otherwise a term of this service's own published
vocabularies (`<origin>/vocabularies/<scheme>#<code>`). Nothing is added to the JSON-LD
context, so any OB 3.0 verifier reads the badge. The element -> property table is in the
README ("EU micro-credential elements").

Pure: no service, no database. `eu_alignments` builds the alignments, `missing_elements`
names what a MicroCredential still lacks.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from badges.model import Alignment

__all__ = [
    "ECTS_URI",
    "EQF_FRAMEWORK",
    "VOCABULARIES",
    "EuElements",
    "Term",
    "Vocabulary",
    "criteria_sections",
    "eqf_alignment",
    "eqf_uri",
    "eu_alignments",
    "missing_elements",
    "vocabulary_term_url",
]

EQF_FRAMEWORK: Final = "European Qualifications Framework"
ECTS_URI: Final = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
_EQF_URI: Final = "http://data.europa.eu/snb/eqf/{level}"


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a vocabulary; `europass` is its Europass URI when one is published."""

    code: str
    label: str
    europass: str | None = None


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """A controlled vocabulary for one element, and the alignment type that names it."""

    scheme: str
    title: str
    element: str
    target_type: str
    terms: tuple[Term, ...]

    def term(self, code: str) -> Term | None:
        return next((term for term in self.terms if term.code == code), None)


VOCABULARIES: Final[dict[str, Vocabulary]] = {vocabulary.scheme: vocabulary for vocabulary in (
    Vocabulary("assessment", "Type of assessment", "type of assessment",
               "ext:AssessmentType", (
                   Term("written-exam", "Written examination"),
                   Term("oral-exam", "Oral examination"),
                   Term("practical-test", "Practical test"),
                   Term("project", "Project work"),
                   Term("portfolio", "Portfolio"),
                   Term("online-quiz", "Online quiz"),
                   Term("observation", "Observation at the workplace"),
               )),
    Vocabulary("participation", "Form of participation", "form of participation",
               "ext:ModeOfLearning", (
                   Term("online", "Online",
                        "http://data.europa.eu/snb/learning-assessment/920fbb3cbe"),
                   Term("blended", "Blended",
                        "http://data.europa.eu/snb/learning-assessment/e92d221e4d"),
                   Term("onsite", "On site"),
               )),
    Vocabulary("quality-assurance", "Type of quality assurance",
               "type of quality assurance", "ext:QualityAssurance", (
                   Term("internal", "Internal quality assurance of the provider"),
                   Term("external", "External quality assurance (audit or review)"),
                   Term("accredited", "Accredited by a competent authority"),
                   Term("certified", "Certified management system (e.g. ISO 9001, ISO 21001)"),
               )),
    Vocabulary("supervision", "Supervision and identity verification",
               "supervision and identity verification", "ext:SupervisionAndVerification", (
                   Term("unsupervised-no-id", "Unsupervised without ID verification",
                        "http://data.europa.eu/snb/supervision-verification/c598449d64"),
                   Term("supervised-no-id", "Supervised without ID verification"),
                   Term("supervised-id", "Supervised with ID verification"),
                   Term("proctored-online-id", "Online proctoring with ID verification"),
               )),
)}


def vocabulary_term_url(base_url: str, scheme: str, code: str) -> str:
    """The URL of a term: its Europass URI, or its anchor on this service's page."""
    vocabulary = VOCABULARIES[scheme]
    term = vocabulary.term(code)
    if term is None:
        raise KeyError(f"{code!r} is not a term of {scheme!r}")
    return term.europass or f"{base_url}/vocabularies/{scheme}#{code}"


def eqf_uri(level: int) -> str:
    """The Europass URI of an EQF level (1..8)."""
    if not 1 <= level <= 8:
        raise ValueError("EQF levels are 1 to 8")
    return _EQF_URI.format(level=level)


def eqf_alignment(level: int) -> Alignment:
    """The SURF edubadges convention: targetType ext:EQFLevel, the Europass level URI."""
    return Alignment(target_name=f"EQF level {level}", target_url=eqf_uri(level),
                     target_code=str(level), target_framework=EQF_FRAMEWORK,
                     target_type="ext:EQFLevel")


@dataclass(frozen=True, slots=True, kw_only=True)
class EuElements:
    """The elements a microbadge states beyond the OB basics (codes of VOCABULARIES)."""

    learning_outcomes: tuple[str, ...] = ()
    eqf_level: int | None = None
    assessment: str | None = None
    participation: str | None = None
    quality_assurance: str | None = None
    quality_assurance_url: str | None = None
    supervision: str | None = None
    prerequisites: str | None = None
    stackability: str | None = None
    further_information: str | None = None


def _term_alignment(base_url: str, scheme: str, code: str,
                    url: str | None = None) -> Alignment:
    vocabulary = VOCABULARIES[scheme]
    term = vocabulary.term(code)
    if term is None:
        raise KeyError(f"{code!r} is not a term of {scheme!r}")
    return Alignment(target_name=term.label,
                     target_url=url or vocabulary_term_url(base_url, scheme, code),
                     target_code=code, target_framework=vocabulary.title,
                     target_type=vocabulary.target_type,
                     target_description=vocabulary.element.capitalize())


def eu_alignments(base_url: str, elements: EuElements,
                  credits_available: Decimal | None) -> tuple[Alignment, ...]:
    """The alignments stating EQF level, ECTS, assessment, participation, quality
    assurance and supervision (those that are given)."""
    alignments: list[Alignment] = []
    if elements.eqf_level is not None:
        alignments.append(eqf_alignment(elements.eqf_level))
    if credits_available is not None:
        alignments.append(Alignment(
            target_name="European Credit Transfer and Accumulation System (ECTS)",
            target_url=ECTS_URI, target_code="ECTS", target_type="ext:CreditSystem",
            target_framework="Europass education credit systems",
            target_description=f"Notional workload: {credits_available.normalize():f} ECTS "
                               f"credit{'' if credits_available == 1 else 's'}"))
    for scheme, code in (("assessment", elements.assessment),
                         ("participation", elements.participation),
                         ("supervision", elements.supervision)):
        if code is not None:
            alignments.append(_term_alignment(base_url, scheme, code))
    if elements.quality_assurance is not None:
        alignments.append(_term_alignment(base_url, "quality-assurance",
                                          elements.quality_assurance,
                                          elements.quality_assurance_url))
    return tuple(alignments)


def criteria_sections(elements: EuElements) -> str:
    """The Markdown the criteria narrative ends with: learning outcomes and the optional
    text elements (prerequisites, stackability, further information)."""
    parts: list[str] = []
    if elements.learning_outcomes:
        parts.append("Learning outcomes:\n\n" + "\n".join(
            f"- {outcome}" for outcome in elements.learning_outcomes))
    for title, text in (("Prerequisites", elements.prerequisites),
                        ("Stackability", elements.stackability),
                        ("Further information", elements.further_information)):
        if text:
            parts.append(f"{title}: {text}")
    return "\n\n".join(parts)


def missing_elements(elements: EuElements, *, credits_available: Decimal | None,
                     issuer_country_code: str | None) -> list[tuple[str, str]]:
    """The mandatory elements a MicroCredential lacks, as (input field, element name).
    Learner identification, title, awarding body and date of issuing are always present
    (credentialSubject.identifier, name, issuer, awardedDate)."""
    missing = []
    if not elements.learning_outcomes:
        missing.append(("learningOutcomes", "learning outcomes"))
    if credits_available is None:
        missing.append(("creditsAvailable", "notional workload (ECTS)"))
    if elements.eqf_level is None:
        missing.append(("eqfLevel", "level (EQF)"))
    if elements.assessment is None:
        missing.append(("assessment", "type of assessment"))
    if elements.participation is None:
        missing.append(("participation", "form of participation"))
    if elements.quality_assurance is None:
        missing.append(("qualityAssurance", "type of quality assurance"))
    if issuer_country_code is None:
        missing.append(("provider.address.addressCountryCode", "country of the issuer"))
    return missing
