"""The capability links of an award: its public page and the learner's management link;
and the LinkedIn add-to-profile link of the page.

The page URL carries a random token of SHARE_TOKEN_BYTES (160 bits), stored with the
credential, so that only who was given the link finds the page. The management link (hide
or show the page) carries a second token, an HMAC of the first (and of how often the
provider renewed it) under a key derived from the service secret: nothing more is stored,
the provider API can show it again, reading the database alone does not give it, and
renewing it makes the old one worthless.
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets
from datetime import datetime
from typing import Final
from urllib.parse import quote, urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.awards.models import CredentialRecord
from issuer.platform import urls
from issuer.platform.errors import InvalidInputError
from issuer.platform.key_vault import KeyVault

__all__ = [
    "SHARE_TOKEN_BYTES",
    "find_shared",
    "linkedin_url",
    "manage_token",
    "manage_url",
    "new_share_token",
    "page_url",
    "redact_links",
    "renew_manage_link",
    "set_page_hidden",
    "valid_manage_token",
]

SHARE_TOKEN_BYTES: Final = 20
_PURPOSE: Final = "manage credential page"
_TOKEN: Final = re.compile(r"[A-Za-z0-9_-]{27}")
_LINK_SECRETS: Final = re.compile(r"(/badges/)[^/?#\s\"]+(?:(/manage/)[^/?#\s\"]+)?")


def new_share_token() -> str:
    """A fresh page token (base64url, 27 characters)."""
    return secrets.token_urlsafe(SHARE_TOKEN_BYTES)


def page_url(base_url: str, share_token: str) -> str:
    """The public page of an award."""
    return urls.page_url(base_url, share_token)


def manage_token(vault: KeyVault, share_token: str, generation: int = 0) -> str:
    """The management token that belongs to a page token (`generation`: how often the
    provider has renewed it)."""
    digest = vault.mac(_PURPOSE, share_token if not generation else
                       f"{share_token}#{generation}")
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def manage_url(base_url: str, vault: KeyVault, share_token: str,
               generation: int = 0) -> str:
    """The learner's private link to hide or show the page."""
    secret = manage_token(vault, share_token, generation)
    return urls.manage_url(base_url, share_token, secret)


def valid_manage_token(vault: KeyVault, share_token: str, generation: int,
                       candidate: str) -> bool:
    """Whether `candidate` is the current management token of the page (constant time)."""
    return hmac.compare_digest(manage_token(vault, share_token, generation).encode(),
                               candidate.encode("utf-8", "replace"))


def linkedin_url(*, name: str, organization_id: str | None, organization_name: str,
                 issued: datetime, expires: datetime | None, credential_url: str,
                 credential_id: str) -> str:
    """LinkedIn's add-to-profile link that opens the certification form filled in: the
    name, the issuing organisation (its LinkedIn id when known, else its name), the issue
    and expiry month and year, the credential URL and id."""
    fields: list[tuple[str, str]] = [("startTask", "CERTIFICATION_NAME"), ("name", name)]
    if organization_id:
        fields.append(("organizationId", organization_id))
    else:
        fields.append(("organizationName", organization_name))
    fields += [("issueYear", str(issued.year)), ("issueMonth", str(issued.month))]
    if expires is not None:
        fields += [("expirationYear", str(expires.year)),
                   ("expirationMonth", str(expires.month))]
    fields += [("certUrl", credential_url), ("certId", credential_id)]
    return "https://www.linkedin.com/profile/add?" + urlencode(fields, quote_via=quote)


def redact_links(text: str) -> str:
    """`text` (a log line, a path) with the tokens of page and management links replaced
    by `…`."""
    return _LINK_SECRETS.sub(lambda match: match.group(1) + "…" + (
        match.group(2) + "…" if match.group(2) else ""), text)


def find_shared(session: Session, share_token: str) -> CredentialRecord | None:
    """The award whose page has this token (hidden or not), or None."""
    if not _TOKEN.fullmatch(share_token):
        return None
    return session.scalar(select(CredentialRecord)
                          .where(CredentialRecord.share_token == share_token))


def renew_manage_link(session: Session, record: CredentialRecord) -> None:
    """Give the learner a new management link (the old one stops working) and commit.
    Raises InvalidInputError for a credential without a badge page (VC-API issues)."""
    if record.share_token is None:
        raise InvalidInputError("only microbadge awards have a badge page")
    session.refresh(record, with_for_update={"key_share": True})
    record.manage_generation += 1
    session.commit()


def set_page_hidden(session: Session, record: CredentialRecord, hidden: bool,
                    now: datetime) -> None:
    """Hide the award's page (as of `now`, unless hidden already) or show it, and commit."""
    if hidden and record.hidden_at is None:
        record.hidden_at = now
    elif not hidden:
        record.hidden_at = None
    session.commit()
