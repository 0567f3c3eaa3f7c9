"""The badge page's services, directly: hiding and showing, renewing the management link."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from issuer.awards.models import CredentialRecord
from issuer.awards.sharing import (
    manage_token,
    renew_manage_link,
    set_page_hidden,
    valid_manage_token,
)
from issuer.platform.errors import InvalidInputError
from tests.issuer.api_setup import Tenant, award, create_achievement
from tests.issuer.support import TestClock, context_of


def test_hide_show_and_renew(app: Flask, client: FlaskClient, tenant: Tenant,
                             clock: TestClock) -> None:
    view = award(client, tenant, create_achievement(client, tenant)["id"])
    context = context_of(app)
    with context.sessions() as session:
        record = session.scalars(select(CredentialRecord)).one()
        set_page_hidden(session, record, True, clock())
        first_hidden = record.hidden_at
        clock.advance(seconds=60)
        set_page_hidden(session, record, True, clock())  # hidden already: unchanged
        assert first_hidden is not None
        assert record.hidden_at == first_hidden
        set_page_hidden(session, record, False, clock())
        assert record.hidden_at is None

        token = record.share_token
        assert token is not None
        old = manage_token(context.vault, token, record.manage_generation)
        renew_manage_link(session, record)
        assert record.manage_generation == 1
        assert not valid_manage_token(context.vault, token, 1, old)
    with context.sessions() as session:  # committed
        stored = session.scalars(select(CredentialRecord)).one()
        assert (stored.hidden_at, stored.manage_generation) == (None, 1)
        assert stored.credential_id == view["credential"]["id"]


def test_only_an_award_has_a_page_to_manage(app: Flask) -> None:
    record = CredentialRecord(share_token=None)
    with context_of(app).sessions() as session, pytest.raises(InvalidInputError):
        renew_manage_link(session, record)
