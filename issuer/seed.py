"""The demo training provider: seeded at start-up when `MICROBADGES_DEMO` is on.

Seeding is idempotent (what exists is left alone) and safe when several processes start at
once. The demo API clients' secrets are derived from the service secret (HMAC-SHA256 with a
fixed label), so `microbadges serve` can print the same working secret on every start while
the database holds only its hash. The demo framework (PASS key competences, DRIVES job
roles, ESCO URIs) comes from the project's skills sample data; the microbadges align to it
and state every EU micro-credential element.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.micro_credential import EuElements
from badges.model import Address, Alignment
from badges.vocabulary import AchievementType
from issuer.auth.clients import OPERATOR_SCOPES, PROVIDER_SCOPES, create_client
from issuer.auth.models import ApiClientRecord
from issuer.frameworks.json_format import framework_input_from_json
from issuer.frameworks.services import import_framework
from issuer.microbadges.services import AchievementInput, SkillInput, create_achievement
from issuer.platform.database import writing
from issuer.platform.settings import read_secret
from issuer.platform.urls import profile_url
from issuer.providers.models import ProviderRecord
from issuer.providers.services import ProviderInput, create_provider
from issuer.web.context import IssuerContext

__all__ = ["DEMO_ACHIEVEMENTS", "DEMO_FRAMEWORK", "DEMO_SLUG", "DemoClient", "demo_clients",
           "seed_demo"]

DEMO_SLUG: Final = "demo-academy"
PROVIDER_CLIENT_ID: Final = "mb_demo_academy"
OPERATOR_CLIENT_ID: Final = "mb_demo_operator"
_SECRET_LABEL: Final = b"microbadges demo client secret v1\x00"

# The demo framework: PASS key competences and DRIVES job roles from
# shared/data/pass-sample.json (copied into the package: it never reads ../shared).
DEMO_FRAMEWORK: Final = Path(__file__).parent / "data" / "asa-skills-framework.json"
_FRAMEWORK: Final = ("asa-skills", "2026.1")
_ESCO: Final = "ESCO v1.2"

_AUTOMOTIVE_ENGINEER: Final = Alignment(
    target_type="ext:ESCOOccupation", target_framework=_ESCO, target_name="automotive engineer",
    target_code="2144.1.3",
    target_url="http://data.europa.eu/esco/occupation/8d410283-865d-4cbb-acae-ac7f69d9cf26")


def _skill(code: str, level: str) -> SkillInput:
    return SkillInput(*_FRAMEWORK, code, level)


DEMO_ACHIEVEMENTS: Final = (
    AchievementInput(
        name="Teamwork in Vehicle Development Projects",
        description="Works in cross-functional vehicle development teams: agrees goals and "
                    "roles, shares information and builds collaborative relations with "
                    "colleagues and suppliers.",
        criteria_narrative="Completed the 2-ECTS module and passed the assessed team project "
                           "with a peer review.",
        achievement_type=AchievementType.MICRO_CREDENTIAL.value,
        alignment=(_AUTOMOTIVE_ENGINEER,),
        skills=(_skill("PASS-KC-TEAMWORK", "practitioner"),),
        credits_available=Decimal(2), field_of_study="Automotive engineering",
        human_code="DEMO-TEAM-1", tags=("teamwork", "automotive", "PASS"), in_language="en",
        elements=EuElements(
            learning_outcomes=("Agrees goals and roles in a cross-functional vehicle "
                               "development team.",
                               "Shares information and builds collaborative relations with "
                               "colleagues and suppliers."),
            eqf_level=4, assessment="project", participation="blended",
            quality_assurance="internal", supervision="supervised-id",
            prerequisites="None.",
            stackability="Counts towards the Automotive cybersecurity engineering pathway.")),
    AchievementInput(
        name="Creativity and Innovation in Mobility Teams",
        description="Runs structured idea generation with an engineering team and turns the "
                    "results into testable proposals for new mobility products and services.",
        criteria_narrative="Facilitated two innovation workshops and submitted a proposal "
                           "assessed against the module rubric.",
        achievement_type=AchievementType.MICRO_CREDENTIAL.value,
        skills=(_skill("PASS-KC-CREATIVITY-INNOVATION", "practitioner"),),
        credits_available=Decimal(3), field_of_study="Automotive engineering",
        human_code="DEMO-CREA-1", tags=("creativity", "innovation", "PASS"), in_language="en",
        validity_days=3 * 365,
        elements=EuElements(
            learning_outcomes=("Runs structured idea generation with an engineering team.",
                               "Turns ideas into testable proposals for new mobility "
                               "products and services."),
            eqf_level=6, assessment="portfolio", participation="onsite",
            quality_assurance="external")),
    AchievementInput(
        name="Communicating Technical Change",
        description="Explains technical changes in the automotive-mobility transition to "
                    "colleagues, customers and the wider community, and produces clear "
                    "digital content for them.",
        criteria_narrative="Delivered a briefing to a target community and published a "
                           "short digital explainer, both assessed by the course tutor.",
        achievement_type=AchievementType.MICRO_CREDENTIAL.value,
        skills=(_skill("PASS-KC-COMMUNICATION", "awareness"),),
        credits_available=Decimal(1), field_of_study="Automotive engineering",
        human_code="DEMO-COMM-1", tags=("communication", "PASS"), in_language="en",
        elements=EuElements(
            learning_outcomes=("Explains a technical change to a non-specialist audience.",
                               "Produces a short digital explainer for a target community."),
            eqf_level=4, assessment="oral-exam", participation="online",
            quality_assurance="internal", supervision="unsupervised-no-id")),
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
    import_framework(session, framework_input_from_json(
        json.loads(DEMO_FRAMEWORK.read_text(encoding="utf-8"))), owner=None, clock=context.clock)
    provider = session.scalar(select(ProviderRecord).where(ProviderRecord.slug == DEMO_SLUG))
    if provider is None:
        # The microbadges come with the provider, once: a provider who edits or removes
        # them later does not get them back at the next start.
        provider = create_provider(session, ProviderInput(
            slug=DEMO_SLUG,
            name="Demo Automotive Academy",
            url=profile_url(context.base_url, DEMO_SLUG),
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
