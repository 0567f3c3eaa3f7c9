"""Provider routes: operators create and list providers and set their registry entries; a
provider reads and edits its own profile (JSON merge patch, RFC 7396) and lists and rotates
its signing keys."""

from __future__ import annotations

from typing import Any, Final

from flask import Response, jsonify
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from badges.errors import InvalidDocumentError
from badges.model import Address
from issuer.api.blueprint import api
from issuer.api.representation import ADDRESS_MEMBERS, address_view, key_view, provider_view
from issuer.api.requests import check_body, json_body, read_json
from issuer.api.tenancy import current_provider, operator_client
from issuer.auth.clients import Scope, create_client
from issuer.microbadges.services import count_micro_credentials
from issuer.platform.errors import InvalidInputError
from issuer.providers.models import IdentifierMethod, ProviderRecord
from issuer.providers.services import (
    ProviderInput,
    create_provider,
    find_provider,
    rotate_key,
    update_provider,
    update_registry_entry,
)
from issuer.web.context import db_session, issuer_context
from issuer.web.problems import ApiProblem

__all__ = ["merge_patch"]

# API member → ProviderRecord profile field (issuer.providers.services.PROFILE_FIELDS).
_PROFILE_MEMBERS: Final = {
    "name": "name",
    "url": "url",
    "email": "email",
    "description": "description",
    "image": "image_url",
    "address": "address",
    "linkedinOrganizationId": "linkedin_organization_id",
    "suspensionEnabled": "suspension_enabled",
}
_IMMUTABLE: Final = ("slug", "issuerId", "identifierMethod")
# API member → ProviderRecord field the operator alone sets (REGISTRY_FIELDS).
_REGISTRY_MEMBERS: Final = {"legalName": "legal_name", "membership": "membership"}


_COUNTRY_POINTER: Final = "/address/addressCountryCode"
_NO_COUNTRY: Final = ("no country: a MicroCredential states its issuer's country (EU "
                      "micro-credential element), so the provider can define other badges "
                      "but no MicroCredential until addressCountryCode is set")


def _country_warnings(provider: ProviderRecord) -> list[dict[str, str]]:
    """A provider without a country is allowed (a Course or a Badge needs none), and told
    what it cannot do yet."""
    if (provider.address or {}).get("address_country_code"):
        return []
    return [{"pointer": _COUNTRY_POINTER, "detail": _NO_COUNTRY}]


def _address(value: dict[str, str] | None) -> Address | None:
    if value is None:
        return None
    try:
        parts: dict[str, Any] = {ADDRESS_MEMBERS[member]: item for member, item in value.items()}
        return Address(**parts)
    except InvalidDocumentError as error:
        raise InvalidInputError(error.message, pointer="/address") from None


@api.post("/providers")
def create_provider_route() -> tuple[Response, int, dict[str, str]]:
    """Create a provider with its first signing key and an initial API client (operator)."""
    operator_client()
    body = json_body("ProviderCreate")
    context = issuer_context()
    session = db_session()
    method = body.get("identifierMethod")
    provider = create_provider(session, ProviderInput(
        slug=body["slug"], name=body["name"], url=body.get("url"), email=body.get("email"),
        description=body.get("description"), image_url=body.get("image"),
        address=_address(body.get("address")),
        linkedin_organization_id=body.get("linkedinOrganizationId"),
        suspension_enabled=body.get("suspensionEnabled", False),
        identifier_method=IdentifierMethod(method) if method is not None else None,
        legal_name=body.get("legalName"), membership=body.get("membership"),
    ), vault=context.vault, base_url=context.base_url, clock=context.clock)
    client, secret = create_client(session, name=f"{provider.slug} (created with the provider)",
                                   provider=provider, clock=context.clock)
    try:
        session.commit()
    except IntegrityError:  # a concurrent request took the slug first
        session.rollback()
        raise ApiProblem("conflict", f"a provider with slug {body['slug']!r} exists "
                         "already") from None
    view = provider_view(provider, context.base_url)
    if warnings := _country_warnings(provider):
        view["warnings"] = warnings
    view["client"] = {"clientId": client.client_id, "clientSecret": secret,
                      "scope": client.scope}
    # The client secret is shown once, here: keep it out of every cache.
    return jsonify(view), 201, {"Location": view["profileUrl"], "Cache-Control": "no-store"}


@api.get("/providers")
def list_providers_route() -> Response:
    """Every provider of this service (operator)."""
    operator_client()
    base_url = issuer_context().base_url
    providers = db_session().scalars(select(ProviderRecord).order_by(ProviderRecord.id))
    return jsonify(items=[provider_view(provider, base_url) for provider in providers])


@api.patch("/providers/<slug>")
def patch_registry_entry_route(slug: str) -> Response:
    """Set a provider's entry in the known-issuer registry, legal name and membership, with
    a JSON merge patch (operator; null removes a member)."""
    operator_client()
    patch = json_body("RegistryEntryPatch")
    session = db_session()
    provider = find_provider(session, slug)  # NotFoundError: 404
    session.refresh(provider, with_for_update={"key_share": True})
    context = issuer_context()
    update_registry_entry(provider, {_REGISTRY_MEMBERS[member]: value
                                     for member, value in patch.items()}, clock=context.clock)
    session.commit()
    return jsonify(provider_view(provider, context.base_url))


@api.get("/provider")
def get_provider_route() -> Response:
    """The calling client's provider."""
    provider = current_provider(Scope.PROVIDER)
    return jsonify(provider_view(provider, issuer_context().base_url))


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 §2 MergePatch: `patch` applied to `target` (neither is modified)."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = merge_patch(result.get(name), value)
    return result


@api.patch("/provider")
def patch_provider_route() -> Response:
    """Change the provider's profile with a JSON merge patch; slug, issuerId and
    identifierMethod never change."""
    provider = current_provider(Scope.PROVIDER)
    patch = read_json()
    if isinstance(patch, dict) and (vouched := [name for name in _REGISTRY_MEMBERS
                                                if name in patch]):
        # The registry entry is what the operator vouches for: a provider cannot set it.
        raise ApiProblem("forbidden", f"{' and '.join(vouched)} "
                         f"{'is' if len(vouched) == 1 else 'are'} set by the operator")
    # Read-modify-write: hold the row (PostgreSQL; SQLite writers are serialised already).
    db_session().refresh(provider, with_for_update={"key_share": True})
    if isinstance(patch, dict) and (fixed := [name for name in _IMMUTABLE if name in patch]):
        raise ApiProblem("invalid_request", "slug, issuerId and identifierMethod are fixed "
                         "when a provider is created", errors=[
                             {"pointer": f"/{name}", "detail": "cannot be changed"}
                             for name in fixed])
    check_body("ProviderPatch", patch)
    current = {member: getattr(provider, field) for member, field in _PROFILE_MEMBERS.items()}
    current["address"] = address_view(provider.address)
    merged = merge_patch({name: value for name, value in current.items() if value is not None},
                         patch)
    if merged.get("address") == {}:  # every address member removed: no address
        del merged["address"]
    check_body("ProviderCreate", {**merged, "slug": provider.slug,
                                  "identifierMethod": provider.identifier_method})
    changes = {field: merged.get(member) for member, field in _PROFILE_MEMBERS.items()}
    changes["address"] = _address(merged.get("address"))
    changes["suspension_enabled"] = merged.get("suspensionEnabled", False)
    had_country = bool((provider.address or {}).get("address_country_code"))
    if (had_country and not (merged.get("address") or {}).get("addressCountryCode")
            and (count := count_micro_credentials(db_session(), provider))):
        raise InvalidInputError(
            f"the provider has {count} MicroCredential microbadge{'s' if count > 1 else ''}; "
            "each credential of one states the issuer's country, so it cannot be removed",
            pointer=_COUNTRY_POINTER)
    update_provider(provider, changes, clock=issuer_context().clock)
    db_session().commit()
    view = provider_view(provider, issuer_context().base_url)
    if warnings := _country_warnings(provider):
        view["warnings"] = warnings
    return jsonify(view)


@api.get("/provider/keys")
def list_keys_route() -> Response:
    """Every signing key of the provider, oldest first (retired keys stay published)."""
    provider = current_provider(Scope.PROVIDER)
    return jsonify(items=[key_view(key) for key in provider.keys])


@api.post("/provider/keys")
def rotate_key_route() -> tuple[Response, int]:
    """Rotate: add a new active key and retire the current one (no body)."""
    provider = current_provider(Scope.PROVIDER)
    context = issuer_context()
    # Two concurrent rotations must not both retire the same key and leave two active ones.
    db_session().refresh(provider, with_for_update={"key_share": True})
    key = rotate_key(db_session(), provider, vault=context.vault, clock=context.clock)
    db_session().commit()
    return jsonify(key_view(key)), 201
