"""Status index allocation across processes on the real PostgreSQL server: 8 worker
processes award 500 credentials each at the same time; no two credentials share an index,
every credential's document names the index the database recorded, and each list's
`allocated` equals its number of entries (no gap in the bookkeeping)."""

from __future__ import annotations

import json
import multiprocessing
import threading
from collections import Counter
from pathlib import Path
from typing import Final

from sqlalchemy import func, select

from badges.clock import system_clock
from issuer.app import create_app
from issuer.awards.issuance import Issuance
from issuer.awards.issuing import AwardInput, Learner, award_credential
from issuer.awards.models import CredentialRecord, StatusEntryRecord, StatusListRecord
from issuer.platform.database import create_database_engine, make_session_factory, writing
from issuer.platform.key_vault import KeyVault
from issuer.platform.settings import Settings, read_secret
from issuer.providers.models import ProviderRecord
from tests.issuer.api_setup import create_achievement, create_tenant, operator_token
from tests.issuer.conftest import empty_postgres_schema
from tests.issuer.support import BASE_URL

WORKERS: Final = 8
AWARDS_PER_WORKER: Final = 500


def _worker(database_url: str, secret_file: str, provider_id: int, achievement_id: str,
            worker: int, start: threading.Event) -> int:
    """Award AWARDS_PER_WORKER credentials, one transaction each, as an API request does."""
    engine = create_database_engine(database_url)
    sessions = make_session_factory(engine)
    vault = KeyVault(read_secret(Path(secret_file)))
    start.wait()
    try:
        for number in range(AWARDS_PER_WORKER):
            with sessions() as session:
                writing(session)
                provider = session.get_one(ProviderRecord, provider_id)
                award_credential(session, provider, AwardInput(
                    achievement_id=achievement_id,
                    learner=Learner(email=f"w{worker}-{number}@example.org")),
                    Issuance(vault=vault, base_url=BASE_URL, clock=system_clock))
    finally:
        engine.dispose()
    return AWARDS_PER_WORKER


def test_eight_processes_never_share_an_index(postgres_schema_url: str,
                                              tmp_path: Path) -> None:
    settings = Settings(base_url=BASE_URL, database_url=postgres_schema_url,
                        instance_path=tmp_path, secret_file=tmp_path / "secret.key",
                        demo=False)
    app = create_app(settings, migrate=False)
    context = app.extensions["microbadges"]
    try:
        client = app.test_client()
        tenant = create_tenant(client, operator_token(app, client), "concurrent")
        achievement_id = create_achievement(client, tenant)["id"]
        with context.sessions() as session:
            provider_id = session.scalars(select(ProviderRecord.id).where(
                ProviderRecord.slug == "concurrent")).one()

        processes = multiprocessing.get_context("spawn")
        start = processes.Manager().Event()
        with processes.Pool(WORKERS) as pool:
            pending = [pool.apply_async(_worker, (postgres_schema_url, str(settings.secret_file),
                                                  provider_id, achievement_id, worker, start))
                       for worker in range(WORKERS)]
            start.set()
            assert sum(result.get(timeout=600) for result in pending) == (
                WORKERS * AWARDS_PER_WORKER)

        with context.sessions() as session:
            credentials = session.scalars(select(CredentialRecord).where(
                CredentialRecord.provider_id == provider_id)).all()
            assert len(credentials) == WORKERS * AWARDS_PER_WORKER
            recorded = {(entry.credential_id, entry.status_list.public_id,
                         entry.status_list_index)
                        for entry in session.scalars(select(StatusEntryRecord))}
            named = set()
            for credential in credentials:
                entry = json.loads(credential.document)["credentialStatus"]
                list_id = entry["statusListCredential"].rsplit("/", 1)[1]
                named.add((credential.id, list_id, int(entry["statusListIndex"])))
            assert named == recorded
            pairs = Counter((list_id, index) for _, list_id, index in named)
            assert max(pairs.values()) == 1  # no index is shared
            for record in session.scalars(select(StatusListRecord)):
                entries = session.scalar(select(func.count()).select_from(StatusEntryRecord)
                                         .where(StatusEntryRecord.status_list_id == record.id))
                assert record.allocated == entries
            # Starting a list is serialised: the concurrent first awards started one list.
            assert session.scalar(select(func.count()).select_from(StatusListRecord)) == 1
    finally:
        context.engine.dispose()
        empty_postgres_schema(postgres_schema_url)
