"""The one table of URL shapes: every public URL the service mints (identifiers that
credentials name, pages, API locations) and the parsing of them back.

These URLs are what issued credentials point at; they must stay stable. Each function takes
the service's public origin (`base_url`, no trailing slash) and plain identifiers, never
records, so that every domain can mint its URLs here.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "API_PREFIX",
    "TOKEN_PATH",
    "achievement_url",
    "api_achievement_url",
    "api_credential_path",
    "api_framework_url",
    "api_pathway_url",
    "competence_url",
    "did_document_url",
    "framework_url",
    "frameworks_url",
    "grade_id",
    "image_url",
    "issuer_jwks_url",
    "job_role_url",
    "manage_url",
    "openapi_url",
    "page_url",
    "parse_achievement_url",
    "parse_image_url",
    "problem_type_url",
    "profile_path",
    "profile_url",
    "registry_url",
    "service_jwks_url",
    "status_list_path",
    "status_list_url",
    "token_url",
    "verify_url",
    "vocabulary_url",
]

API_PREFIX: Final = "/api/v1"
TOKEN_PATH: Final = "/oauth/token"  # noqa: S105 (a path, not a password)
_URN_UUID: Final = "urn:uuid:"


# --- issuers (identifiers and their documents) ------------------------------------------

def profile_path(slug: str) -> str:
    """The path of a provider's public profile (its https issuer id, its page)."""
    return f"/issuers/{slug}"


def profile_url(base_url: str, slug: str) -> str:
    """The public profile of a provider."""
    return base_url + profile_path(slug)


def did_document_url(base_url: str, slug: str) -> str:
    """The DID document of a did:web issuer."""
    return profile_url(base_url, slug) + "/did.json"


def issuer_jwks_url(base_url: str, slug: str) -> str:
    """The JWKS of one issuer."""
    return profile_url(base_url, slug) + "/jwks.json"


def status_list_path(slug: str, public_id: str) -> str:
    """The path of a status list credential (stable: credentials name it)."""
    return f"{profile_path(slug)}/status/{public_id}"


def status_list_url(base_url: str, slug: str, public_id: str) -> str:
    """The URL of a status list credential."""
    return base_url + status_list_path(slug, public_id)


def service_jwks_url(base_url: str) -> str:
    """Every issuer's public keys on this service as one JWKS."""
    return f"{base_url}/.well-known/jwks.json"


# --- microbadges and images ---------------------------------------------------------------

def achievement_url(base_url: str, public_id: str) -> str:
    """The public id URL of a microbadge (an OB Achievement)."""
    return f"{base_url}/achievements/{public_id}"


def parse_achievement_url(base_url: str, url: str) -> str | None:
    """The public id of a microbadge URL of this service, or None for any other URL."""
    prefix = achievement_url(base_url, "")
    return url.removeprefix(prefix) if url.startswith(prefix) else None


def grade_id(base_url: str, public_id: str) -> str:
    """The id of a microbadge's grade ResultDescription (what a Result names)."""
    return f"{achievement_url(base_url, public_id)}#grade"


def image_url(base_url: str, public_id: str) -> str:
    """The public URL of a stored image."""
    return f"{base_url}/images/{public_id}"


def parse_image_url(base_url: str, url: str) -> str | None:
    """The public id of an image URL of this service, or None for any other URL."""
    prefix = image_url(base_url, "")
    return url.removeprefix(prefix) if url.startswith(prefix) else None


# --- badge pages ------------------------------------------------------------------------

def page_url(base_url: str, share_token: str) -> str:
    """The public page of an award (a capability link)."""
    return f"{base_url}/badges/{share_token}"


def manage_url(base_url: str, share_token: str, secret: str) -> str:
    """The learner's private link to hide or show the page."""
    return f"{page_url(base_url, share_token)}/manage/{secret}"


# --- frameworks ---------------------------------------------------------------------------

def frameworks_url(base_url: str) -> str:
    """The list of every framework version."""
    return f"{base_url}/frameworks"


def framework_url(base_url: str, slug: str, version: str) -> str:
    """The public page of a framework version."""
    return f"{frameworks_url(base_url)}/{slug}/{version}"


def competence_url(base_url: str, slug: str, version: str, code: str) -> str:
    """The public page of a competence: what a microbadge's alignment names."""
    return f"{framework_url(base_url, slug, version)}/competences/{code}"


def job_role_url(base_url: str, slug: str, version: str, code: str) -> str:
    """The public page of a job role."""
    return f"{framework_url(base_url, slug, version)}/job-roles/{code}"


def vocabulary_url(base_url: str, scheme: str) -> str:
    """The public page of a vocabulary of the EU micro-credential elements."""
    return f"{base_url}/vocabularies/{scheme}"


# --- the service and its API -------------------------------------------------------------

def verify_url(base_url: str) -> str:
    """The verification page."""
    return f"{base_url}/verify"


def token_url(base_url: str) -> str:
    """The OAuth 2.0 token endpoint."""
    return base_url + TOKEN_PATH


def openapi_url(base_url: str) -> str:
    """The provider API's OpenAPI document."""
    return f"{base_url}{API_PREFIX}/openapi.json"


def registry_url(base_url: str) -> str:
    """The known-issuer registry of every provider on this service."""
    return f"{base_url}/registry.json"


def problem_type_url(base_url: str, code: str) -> str:
    """The `type` URI of a problem detail: a page describing it."""
    return f"{base_url}/problems/{code}"


def api_credential_path(credential_id: str) -> str:
    """The API path of a credential (`urn:uuid:<uuid>` → /api/v1/credentials/<uuid>)."""
    return f"{API_PREFIX}/credentials/" + credential_id.removeprefix(_URN_UUID)


def api_achievement_url(base_url: str, public_id: str) -> str:
    """The API location of a microbadge."""
    return f"{base_url}{API_PREFIX}/achievements/{public_id}"


def api_framework_url(base_url: str, slug: str, version: str) -> str:
    """The API location of an imported framework version."""
    return f"{base_url}{API_PREFIX}/frameworks/{slug}/{version}"


def api_pathway_url(base_url: str, public_id: str) -> str:
    """The API location of a pathway."""
    return f"{base_url}{API_PREFIX}/pathways/{public_id}"
