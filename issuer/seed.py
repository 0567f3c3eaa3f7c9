"""The demo training provider: seeded at start-up when `MICROBADGES_DEMO` is on.

Seeding is idempotent (what exists is left alone) and safe when several processes start at
once. The demo API clients' secrets are derived from the service secret (HMAC-SHA256 with a
fixed label), so `microbadges serve` can print the same working secret on every start while
the database holds only its hash. The alignments name real framework concepts (PASS key
competences, ESCO skills, EQF levels) taken from the project's skills sample data.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.model import Address, Alignment
from badges.vocabulary import AchievementType
from issuer.achievements import AchievementInput, create_achievement
from issuer.app import IssuerContext
from issuer.database import writing
from issuer.identity import profile_path
from issuer.models import ApiClientRecord, ProviderRecord
from issuer.oauth import OPERATOR_SCOPES, PROVIDER_SCOPES, create_client
from issuer.providers import ProviderInput, create_provider
from issuer.settings import read_secret

__all__ = ["DEMO_ACHIEVEMENTS", "DEMO_SLUG", "DemoClient", "demo_clients", "seed_demo"]

DEMO_SLUG: Final = "demo-academy"
PROVIDER_CLIENT_ID: Final = "mb_demo_academy"
OPERATOR_CLIENT_ID: Final = "mb_demo_operator"
_SECRET_LABEL: Final = b"microbadges demo client secret v1\x00"

# Framework concepts from shared/data/pass-sample.json (copied: the package never reads it).
_KEY_COMPETENCE_FRAMEWORK: Final = "PASS key competences (local codes)"
_KEY_COMPETENCES_URL: Final = ("https://automotive-skills-alliance.eu/"
                               "key-competencies-remain-central-as-the-pass-project-advances/")
_ESCO: Final = "ESCO v1.2"
_EQF: Final = "European Qualifications Framework"


def _pass_competence(code: str, name: str, level: str) -> Alignment:
    return Alignment(target_type="ext:PASSKeyCompetence",
                     target_framework=_KEY_COMPETENCE_FRAMEWORK, target_name=name,
                     target_code=code, target_url=_KEY_COMPETENCES_URL,
                     target_description=f"Level: {level} (DRIVES level scheme)")


def _esco_skill(uuid: str, label: str) -> Alignment:
    return Alignment(target_type="ext:ESCOSkill", target_framework=_ESCO, target_name=label,
                     target_code=uuid, target_url=f"http://data.europa.eu/esco/skill/{uuid}")


def _eqf_level(level: int) -> Alignment:
    return Alignment(target_type="ext:EQFLevel", target_framework=_EQF,
                     target_name=f"EQF level {level}", target_code=str(level),
                     target_url=f"http://data.europa.eu/snb/eqf/{level}")


_AUTOMOTIVE_ENGINEER: Final = Alignment(
    target_type="ext:ESCOOccupation", target_framework=_ESCO, target_name="automotive engineer",
    target_code="2144.1.3",
    target_url="http://data.europa.eu/esco/occupation/8d410283-865d-4cbb-acae-ac7f69d9cf26")

DEMO_ACHIEVEMENTS: Final = (
    AchievementInput(
        name="Teamwork in Vehicle Development Projects",
        description="Works in cross-functional vehicle development teams: agrees goals and "
                    "roles, shares information and builds collaborative relations with "
                    "colleagues and suppliers.",
        criteria_narrative="Completed the 2-ECTS module and passed the assessed team project "
                           "with a peer review.",
        achievement_type=AchievementType.MICRO_CREDENTIAL.value,
        alignment=(_pass_competence("PASS-KC-TEAMWORK", "Teamwork", "practitioner"),
                   _esco_skill("326809fc-238d-40c2-881e-40042f7f2f0d",
                               "establish collaborative relations"),
                   _AUTOMOTIVE_ENGINEER, _eqf_level(4)),
        credits_available=Decimal(2), field_of_study="Automotive engineering",
        human_code="DEMO-TEAM-1", tags=("teamwork", "automotive", "PASS"), in_language="en"),
    AchievementInput(
        name="Creativity and Innovation in Mobility Teams",
        description="Runs structured idea generation with an engineering team and turns the "
                    "results into testable proposals for new mobility products and services.",
        criteria_narrative="Facilitated two innovation workshops and submitted a proposal "
                           "assessed against the module rubric.",
        achievement_type=AchievementType.MICRO_CREDENTIAL.value,
        alignment=(_pass_competence("PASS-KC-CREATIVITY-INNOVATION",
                                    "Creativity and innovation", "practitioner"),
                   _esco_skill("ccdf3597-5c80-410f-896d-e1bdfa223de9",
                               "stimulate creativity in the team"),
                   _eqf_level(6)),
        credits_available=Decimal(3), field_of_study="Automotive engineering",
        human_code="DEMO-CREA-1", tags=("creativity", "innovation", "PASS"), in_language="en",
        validity_days=3 * 365),
    AchievementInput(
        name="Communicating Technical Change",
        description="Explains technical changes in the automotive-mobility transition to "
                    "colleagues, customers and the wider community, and produces clear "
                    "digital content for them.",
        criteria_narrative="Delivered a briefing to a target community and published a "
                           "short digital explainer, both assessed by the course tutor.",
        achievement_type=AchievementType.MICRO_CREDENTIAL.value,
        alignment=(_pass_competence("PASS-KC-COMMUNICATION", "Communication", "awareness"),
                   _esco_skill("80f308e6-0e09-404a-80cd-ec5f50f6f304",
                               "communicate with target community"),
                   _esco_skill("5fd5c985-eaaa-47aa-8314-62359c54505a",
                               "develop digital content"),
                   _eqf_level(4)),
        credits_available=Decimal(1), field_of_study="Automotive engineering",
        human_code="DEMO-COMM-1", tags=("communication", "PASS"), in_language="en"),
)


@dataclass(frozen=True, slots=True)
class DemoClient:
    """A demo API client and its secret (for `microbadges serve` to print, nowhere else)."""

    client_id: str
    secret: str = field(repr=False)
    provider_slug: str | None
    scope: str
    name: str


def demo_clients(context: IssuerContext) -> tuple[DemoClient, DemoClient]:
    """The demo provider's client and the demo operator client, with their secrets.

    Raises SettingsError when the secret file cannot be read.
    """
    service_secret = read_secret(context.settings.secret_file)
    return (DemoClient(PROVIDER_CLIENT_ID, _derive_secret(service_secret, PROVIDER_CLIENT_ID),
                       DEMO_SLUG, " ".join(PROVIDER_SCOPES), f"demo client of {DEMO_SLUG}"),
            DemoClient(OPERATOR_CLIENT_ID, _derive_secret(service_secret, OPERATOR_CLIENT_ID),
                       None, " ".join(OPERATOR_SCOPES), "demo operator client"))


def _derive_secret(service_secret: str, client_id: str) -> str:
    digest = hmac.new(service_secret.encode("utf-8"), _SECRET_LABEL + client_id.encode("ascii"),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def seed_demo(session: Session, context: IssuerContext) -> None:
    """Create whatever of the demo provider, its microbadges and the demo clients is missing,
    and commit. Another process seeding at the same time is tolerated (its rows are kept).

    Raises SettingsError when the secret file cannot be read.
    """
    clients = demo_clients(context)
    try:
        _seed(writing(session), context, clients)
        session.commit()
    except IntegrityError:  # a concurrent seeder committed first: add only what it did not
        session.rollback()
        _seed(writing(session), context, clients)
        session.commit()


def _seed(session: Session, context: IssuerContext,
          clients: tuple[DemoClient, DemoClient]) -> None:
    provider = session.scalar(select(ProviderRecord).where(ProviderRecord.slug == DEMO_SLUG))
    if provider is None:
        # The microbadges come with the provider, once: a provider who edits or removes
        # them later does not get them back at the next start.
        provider = create_provider(session, ProviderInput(
            slug=DEMO_SLUG,
            name="Demo Automotive Academy",
            url=context.base_url + profile_path(DEMO_SLUG),
            email="demo-academy@example.org",
            description="A demonstration training provider seeded by microbadges. Its "
                        "microbadges are examples, not real qualifications.",
            address=Address(address_country="Germany", address_country_code="DE",
                            address_locality="Munich"),
        ), vault=context.vault, base_url=context.base_url, clock=context.clock)
        for achievement in DEMO_ACHIEVEMENTS:
            create_achievement(session, provider, achievement, base_url=context.base_url,
                               clock=context.clock)
    existing = set(session.scalars(select(ApiClientRecord.client_id).where(
        ApiClientRecord.client_id.in_([client.client_id for client in clients]))))
    for client in clients:
        if client.client_id in existing:
            continue
        create_client(session, name=client.name,
                      provider=provider if client.provider_slug is not None else None,
                      clock=context.clock, scope=client.scope, client_id=client.client_id,
                      secret=client.secret)
