"""Award listeners: the award service tells them of committed credentials, and knows
nothing of who listens (pathway completion is wired in by the application factory)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.awards.issuance import Issuance
from issuer.awards.issuing import AwardInput, Learner, award_credentials
from issuer.awards.models import CredentialRecord
from issuer.pathways.services import complete_pathways
from issuer.providers.models import ProviderRecord
from issuer.providers.services import find_provider
from tests.issuer.api_setup import Tenant, create_achievement
from tests.issuer.support import context_of


def test_listeners_hear_of_committed_awards(app: Flask, client: FlaskClient,
                                            tenant: Tenant) -> None:
    achievement = create_achievement(client, tenant)["id"].rsplit("/", 1)[-1]
    context = context_of(app)
    heard: list[tuple[str, list[str], bool]] = []

    def listener(session: Session, provider: ProviderRecord,
                 credentials: Sequence[CredentialRecord], issuance: Issuance, /) -> None:
        with Session(session.get_bind()) as other:  # committed: another session sees them
            stored = set(other.scalars(select(CredentialRecord.credential_id)))
        ids = [record.credential_id for record in credentials]
        heard.append((provider.slug, ids, set(ids) <= stored))

    issuance = dataclasses.replace(context.issuance(), listeners=(listener,))
    with context.sessions() as session:
        provider = find_provider(session, "alpha")
        records, created = award_credentials(session, provider, [
            AwardInput(achievement_id=achievement, learner=Learner(email=f"{name}@e.org"))
            for name in ("ann", "bob")], issuance)
    assert created
    assert heard == [("alpha", [record.credential_id for record in records], True)]


def test_the_app_wires_pathway_completion(app: Flask) -> None:
    assert context_of(app).issuance().listeners == (complete_pathways,)
