"""Who is calling: the provider a provider-bound client acts for, or an operator client.

Every provider route reaches its data only through `current_provider`, and every query it
makes is scoped by that provider: another provider's resources are simply "not found".
"""

from __future__ import annotations

from issuer.auth.clients import Scope
from issuer.auth.oauth import CurrentClient, require_token
from issuer.providers.models import ProviderRecord
from issuer.web.context import db_session
from issuer.web.problems import ApiProblem

__all__ = ["current_provider", "operator_client"]


def current_provider(scope: str) -> ProviderRecord:
    """The provider of the request's client, which must hold `scope`.

    Raises ApiProblem: 401 (no or bad token), 403 forbidden (an operator client: it
    manages providers but never reads their data), 403 insufficient_scope.
    """
    client = require_token()
    if client.provider_id is None:
        raise ApiProblem("forbidden", "operator clients manage providers; this route needs "
                         "the token of a provider's client")
    if scope not in client.scope:
        require_token(scope)  # raises insufficient_scope, with its challenge
    provider = db_session().get(ProviderRecord, client.provider_id)
    if provider is None:  # the foreign key makes this impossible; never fall through
        raise ApiProblem("forbidden", "the client's provider no longer exists")
    return provider


def operator_client() -> CurrentClient:
    """The request's operator client (scope `providers`).

    Raises ApiProblem: 401, 403 insufficient_scope (e.g. a provider's token).
    """
    client = require_token(Scope.PROVIDERS)
    if client.provider_id is not None:
        raise ApiProblem("forbidden", "only operator clients manage providers")
    return client
