"""Offline JSON-LD document loader over the contexts shipped in `badges/contexts/`.

It never performs network I/O: every URL that is not one of the pinned contexts below is
refused with an error naming it. Each shipped file is checked against its SHA-256 digest the
first time it is loaded, so a modified package cannot silently change what gets signed.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Final

from keys.errors import BadgeError


class UnknownContextError(BadgeError):
    """A document referenced a JSON-LD context that is not shipped with microbadges."""

    code = "unknown_context"

    def __init__(self, url: str) -> None:
        super().__init__(f"JSON-LD context {url!r} is not one of the contexts microbadges ships; "
                         "it is refused (contexts are never fetched from the network)")
        self.url = url


class ContextIntegrityError(BadgeError):
    """A shipped context file does not match its pinned SHA-256 digest."""

    code = "context_integrity"


@dataclass(frozen=True, slots=True)
class PinnedContext:
    """One shipped context: where it is published, which file holds it, its SHA-256."""

    url: str
    file: str
    sha256: str


VC_V2: Final = "https://www.w3.org/ns/credentials/v2"
VC_V1: Final = "https://www.w3.org/2018/credentials/v1"
OB_V3P0_CONTEXT: Final = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_V3P0_EXTENSIONS: Final = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
DATA_INTEGRITY_V2: Final = "https://w3id.org/security/data-integrity/v2"
ED25519_2020_V1: Final = "https://w3id.org/security/suites/ed25519-2020/v1"
MULTIKEY_V1: Final = "https://w3id.org/security/multikey/v1"

# URL -> file -> SHA-256, as listed in shared/vendor/README.md (sources and commits there);
# multikey-v1.jsonld is `contexts/multikey-v1.jsonld` of the npm package
# @digitalbazaar/multikey-context 2.0.1 (the context the JS reference stack resolves that URL
# to): the issuer's controller documents name it.
PINNED_CONTEXTS: Final[Mapping[str, PinnedContext]] = MappingProxyType({
    c.url: c for c in (
        PinnedContext(VC_V2, "credentials-v2.jsonld",
                      "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"),
        PinnedContext("https://www.w3.org/ns/credentials/examples/v2",
                      "credentials-examples-v2.jsonld",
                      "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c"),
        PinnedContext(VC_V1, "credentials-v1-2018.jsonld",
                      "3d0b277522ed24385c850b9882b9688687189b8f37a9bd9f1577e348b1019c44"),
        PinnedContext(DATA_INTEGRITY_V2, "data-integrity-v2.jsonld",
                      "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4"),
        PinnedContext("https://w3id.org/security/data-integrity/v1",
                      "security-data-integrity-v1.jsonld",
                      "c6e5073f4bd4bf6d08f245736e6f32c29b012860b18583644b2d71e1de862669"),
        PinnedContext(ED25519_2020_V1, "security-suites-ed25519-2020-v1.jsonld",
                      "67646fbc0d6582ad7fbf08ccf0d3a4bedbb4177fd2d63385de52dc1b092ed6c5"),
        PinnedContext("https://www.w3.org/ns/did/v1", "did-v1.jsonld",
                      "adefa50311393eb1bd788a38ac9fe2696c65367928f6996812cd54577394f4da"),
        PinnedContext(OB_V3P0_CONTEXT, "ob-v3p0-context-3.0.3.json",
                      "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761"),
        PinnedContext("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
                      "ob-v3p0-context-3.0.2.json",
                      "00666ad080ba407687ed1846b7f5e7495f5019042b202a727de47c48a1755c53"),
        PinnedContext("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
                      "ob-v3p0-context-3.0.1.json",
                      "d582f3564282fb3b709136d28412e78e70b678b4dbc2f0221f67d84932748355"),
        PinnedContext("https://purl.imsglobal.org/spec/ob/v3p0/context.json",
                      "ob-v3p0-context.json",
                      "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10"),
        PinnedContext(OB_V3P0_EXTENSIONS, "ob-v3p0-extensions.json",
                      "146f85aa16effd7ca1da8056eb443f53ce1eca8a34186cb062832c0a97d889c3"),
        PinnedContext(MULTIKEY_V1, "multikey-v1.jsonld",
                      "c5f3806f8286920573221938917988a18a4cc5a09e968d29649613c7a1c2b1f6"),
        PinnedContext("https://w3id.org/citizenship/v4rc1", "citizenship-v4rc1.jsonld",
                      "5038c7383afd7ab2158f1b997913a8f60978a0abcf96e0b0d08e29f146d2db1e"),
    )
})

_lock = threading.Lock()
_loaded: dict[str, object] = {}


def load_context(url: str) -> object:
    """Return the parsed JSON of the shipped context published at `url`.

    The returned object is shared: callers must not mutate it.

    Raises:
        UnknownContextError: `url` is not a shipped context (nothing is fetched).
        ContextIntegrityError: the shipped file does not match its pinned digest.
    """
    document = _loaded.get(url)
    if document is not None:
        return document
    pinned = PINNED_CONTEXTS.get(url)
    if pinned is None:
        raise UnknownContextError(url)
    with _lock:
        document = _loaded.get(url)
        if document is None:
            data = resources.files("badges").joinpath("contexts", pinned.file).read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if digest != pinned.sha256:
                raise ContextIntegrityError(
                    f"shipped context file {pinned.file} has SHA-256 {digest}, "
                    f"expected {pinned.sha256}")
            document = json.loads(data)
            _loaded[url] = document
    return document


def context_file(url: str) -> str:
    """Return the path of the shipped file for a context URL (for tools outside Python).

    Raises:
        UnknownContextError: `url` is not a shipped context.
    """
    pinned = PINNED_CONTEXTS.get(url)
    if pinned is None:
        raise UnknownContextError(url)
    return str(resources.files("badges").joinpath("contexts", pinned.file))
