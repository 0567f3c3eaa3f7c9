"""Ed25519 key material, Multikey, did:key / did:web and verification-method resolution.

A thin facade: the names below are the public API; the modules behind them stay small.
"""

from keys.did_key import (
    create_did_key,
    create_did_key_verification_method,
    parse_did_key,
    resolve_did_key,
)
from keys.did_web import create_did_web, did_web_to_url
from keys.errors import (
    BadgeError,
    InvalidDidError,
    InvalidPassphraseError,
    InvalidSignatureError,
    InvalidVerificationMethodError,
    KeyDecryptionError,
    KeyFormatError,
    KeyNotFoundError,
    KeyStoreError,
    MultibaseError,
    ResolutionError,
    VerificationMethodNotFoundError,
)
from keys.key_pair import KeyPair, generate_key_pair, load_private_key
from keys.multibase import decode_multibase, encode_multibase
from keys.public_key import PublicKey, load_public_key
from keys.resolution import DocumentFetcher, StaticDocumentFetcher, resolve_verification_method
from keys.storage import FileKeyStore, KeyStore
from keys.verification_method import VerificationMethod, VerificationMethodSource

__all__ = [
    "BadgeError",
    "DocumentFetcher",
    "FileKeyStore",
    "InvalidDidError",
    "InvalidPassphraseError",
    "InvalidSignatureError",
    "InvalidVerificationMethodError",
    "KeyDecryptionError",
    "KeyFormatError",
    "KeyNotFoundError",
    "KeyPair",
    "KeyStore",
    "KeyStoreError",
    "MultibaseError",
    "PublicKey",
    "ResolutionError",
    "StaticDocumentFetcher",
    "VerificationMethod",
    "VerificationMethodNotFoundError",
    "VerificationMethodSource",
    "create_did_key",
    "create_did_key_verification_method",
    "create_did_web",
    "decode_multibase",
    "did_web_to_url",
    "encode_multibase",
    "generate_key_pair",
    "load_private_key",
    "load_public_key",
    "parse_did_key",
    "resolve_did_key",
    "resolve_verification_method",
]
