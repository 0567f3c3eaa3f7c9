"""A provider's active signing key, ready to sign: its key pair and the verification method
that publishes it. Every credential and status list the service signs goes through it, with
the same proof code the verifier checks (`badges.data_integrity`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from badges.data_integrity import add_proof
from issuer.platform.key_vault import KeyVault
from issuer.providers.models import KeyState, ProviderRecord
from keys.key_pair import KeyPair

__all__ = ["Signer", "active_signer"]


@dataclass(frozen=True, slots=True)
class Signer:
    """A key pair and the verification method id under which its public key is published."""

    verification_method: str
    key_pair: KeyPair

    def sign(self, document: Mapping[str, Any], *, created: datetime) -> dict[str, Any]:
        """`document` with a Data Integrity proof (eddsa-rdfc-2022) made now (`created`).
        Raises what `badges.data_integrity.add_proof` raises."""
        return add_proof(document, self.key_pair, verification_method=self.verification_method,
                         created=created)


def active_signer(provider: ProviderRecord, vault: KeyVault) -> Signer:
    """The signer of new credentials and status lists: the provider's active key."""
    for key in reversed(provider.keys):
        if key.state == KeyState.ACTIVE:
            return Signer(key.verification_method,
                          vault.decrypt(key.verification_method, key.encrypted_private_key))
    raise RuntimeError(f"provider {provider.slug} has no active key")  # an invariant
