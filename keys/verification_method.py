"""The resolved verification method value and the reading of one out of a JSON document.

Accepts the Ed25519 forms of Controlled Identifiers 1.0 / DID Core: `Multikey`,
`Ed25519VerificationKey2020` (publicKeyMultibase), `Ed25519VerificationKey2018`
(publicKeyBase58) and `JsonWebKey` / `JsonWebKey2020` (publicKeyJwk, OKP Ed25519).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from keys.errors import InvalidVerificationMethodError, KeyFormatError
from keys.multibase import decode_base58btc
from keys.public_key import PublicKey

__all__ = ["VerificationMethod", "VerificationMethodSource", "read_verification_method"]

_PRIVATE_MEMBERS: Final = (
    "secretKeyMultibase",
    "privateKeyMultibase",
    "privateKeyJwk",
    "privateKeyBase58",
)


class VerificationMethodSource(StrEnum):
    """Where the key came from, so a verifier can weigh how strongly it is bound."""

    DID_KEY = "did_key"  # the key is the identifier
    DID_DOCUMENT = "did_document"  # did:web DID document
    CONTROLLER_DOCUMENT = "controller_document"  # https controller document
    METHOD_DOCUMENT = "verification_method_document"  # https URL serving the method itself
    URL_FRAGMENT = "url_fragment"  # `<url>#z6Mk…`: key read from the id, nothing fetched


@dataclass(frozen=True, slots=True)
class VerificationMethod:
    """A verification method resolved to an Ed25519 public key.

    `assertion_method` holds the `assertionMethod` ids of the controller document when that
    document was read, or None when it was not (did:key aside, where it is implied).
    """

    id: str
    type: str
    controller: str
    public_key: PublicKey
    source: VerificationMethodSource
    assertion_method: tuple[str, ...] | None = None

    @property
    def authorised_for_assertion(self) -> bool | None:
        """Whether the controller document lists this method under assertionMethod;
        None when no controller document was consulted."""
        if self.assertion_method is None:
            return None
        return self.id in self.assertion_method


def absolute_id(value: str, base: str) -> str:
    """Resolve a `#fragment` id against the document's id; leave absolute ids alone."""
    return base.partition("#")[0] + value if value.startswith("#") else value


def read_verification_method(
    entry: Mapping[str, object],
    *,
    base: str,
    default_controller: str | None,
    source: VerificationMethodSource,
    assertion_method: tuple[str, ...] | None,
) -> VerificationMethod:
    """Build a VerificationMethod from its JSON object.

    Relative ids resolve against `base`; `controller` defaults to `default_controller`.
    Raises InvalidVerificationMethodError for a missing id / controller, an unsupported type,
    a malformed or non-Ed25519 key, or private key material in the document.
    """
    method_id = entry.get("id")
    if not isinstance(method_id, str) or not method_id:
        raise InvalidVerificationMethodError("verification method has no string 'id'")
    method_id = absolute_id(method_id, base)
    leaked = [name for name in _PRIVATE_MEMBERS if name in entry]
    if leaked:
        raise InvalidVerificationMethodError(
            f"verification method {method_id} publishes private key material ({leaked[0]})"
        )
    controller = entry.get("controller", default_controller)
    if not isinstance(controller, str) or not controller:
        raise InvalidVerificationMethodError(
            f"verification method {method_id} has no string 'controller'"
        )
    method_type = entry.get("type")
    if not isinstance(method_type, str):
        raise InvalidVerificationMethodError(f"verification method {method_id} has no 'type'")
    try:
        public_key = _read_public_key(entry, method_type)
    except KeyFormatError as error:
        raise InvalidVerificationMethodError(
            f"verification method {method_id}: {error.message}"
        ) from error
    return VerificationMethod(
        id=method_id,
        type=method_type,
        controller=absolute_id(controller, base),
        public_key=public_key,
        source=source,
        assertion_method=assertion_method,
    )


def _read_public_key(entry: Mapping[str, object], method_type: str) -> PublicKey:
    if method_type in ("Multikey", "Ed25519VerificationKey2020"):
        return PublicKey.from_multibase(_string_member(entry, "publicKeyMultibase"))
    if method_type == "Ed25519VerificationKey2018":
        return PublicKey(decode_base58btc(_string_member(entry, "publicKeyBase58")))
    if method_type in ("JsonWebKey", "JsonWebKey2020"):
        jwk = entry.get("publicKeyJwk")
        if not isinstance(jwk, Mapping):
            raise KeyFormatError("'publicKeyJwk' is missing or not an object")
        if "d" in jwk:
            raise KeyFormatError("publicKeyJwk must not contain the private member 'd'")
        return PublicKey.from_jwk(jwk)
    raise KeyFormatError(f"unsupported verification method type {method_type!r}")


def _string_member(entry: Mapping[str, object], name: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str):
        raise KeyFormatError(f"'{name}' is missing or not a string")
    return value
