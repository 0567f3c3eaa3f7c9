"""Known-issuer registries: who vouches for an issuer, and the `registry` check.

A registry is the DCC known-issuer registry document (`{"meta": {...}, "registry": {"<issuer
id>": {"name", "url", "location", "legalName"?}}}`, SPEC-NOTES §10), which microbadges
extends per entry with `verificationMethods` (every key the issuer has signed with),
`country`, `logo` and `membership`. Registries are consulted in order, most authoritative
first; the first one that lists the credential's issuer id names it.

The check answers three questions an employer cares about, without trusting what the
credential says about itself:
- registered: a registry lists the issuer id (and, where it lists keys, the signing key);
- impersonation: the credential claims the name or web address of a registered issuer (or
  its id) but is signed by a key that registry does not list for it: `issuer_impersonation`;
- not registered, or could not check (a registry could not be read).

Never performs network I/O: registries are read by the caller's `RegistrySource`s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from keys.errors import ResolutionError
from keys.resolution import DocumentFetcher
from verifier.issuers import IssuerRegistry, RegisteredIssuer, name_key
from verifier.report import CheckId, CheckResult, errored, failed, passed, skipped
from verifier.structure import issuer_id

__all__ = [
    "IssuerRegistry",
    "RegisteredIssuer",
    "RegistryError",
    "RegistrySource",
    "RegistryVerdict",
    "check_registry",
    "fetched_registry",
    "read_registry",
]

MAX_ENTRIES: Final = 100_000
_TEXT_LIMIT: Final = 2000

RegistrySource = Callable[[], "IssuerRegistry"]
"""Reads one registry (from a file, a URL, the service's own records). Raises ResolutionError
when it cannot be read."""


class RegistryError(ResolutionError):
    """A registry document is not a known-issuer registry."""

    code = "invalid_registry"


@dataclass(frozen=True, slots=True)
class RegistryVerdict:
    """The `registry` check and, when a registry vouches for the issuer, its entry."""

    check: CheckResult
    issuer: RegisteredIssuer | None = None


def _text(value: object) -> str | None:
    if isinstance(value, str) and value.strip() and len(value) <= _TEXT_LIMIT:
        return value.strip()
    return None


def read_registry(document: object, *, source: str) -> IssuerRegistry:
    """The registry in `document` (parsed JSON), named by its `meta.name` or else `source`.
    Raises RegistryError when it is not a known-issuer registry."""
    if not isinstance(document, Mapping) or not isinstance(document.get("registry"),
                                                             Mapping):
        raise RegistryError(f"{source} is not a known-issuer registry (no `registry` object)")
    meta = document.get("meta")
    name = (_text(meta.get("name")) if isinstance(meta, Mapping) else None) or source
    listed: Mapping[str, Any] = document["registry"]
    if len(listed) > MAX_ENTRIES:
        raise RegistryError(f"{source} lists more than {MAX_ENTRIES} issuers")
    issuers: dict[str, RegisteredIssuer] = {}
    for identifier, entry in listed.items():
        entry_name = _text(entry.get("name")) if isinstance(entry, Mapping) else None
        if not isinstance(identifier, str) or entry_name is None:
            continue  # an entry without a name vouches for nobody
        methods = entry.get("verificationMethods")
        issuers[identifier] = RegisteredIssuer(
            issuer_id=identifier, name=entry_name, registry=name,
            url=_text(entry.get("url")), legal_name=_text(entry.get("legalName")),
            location=_text(entry.get("location")), country=_text(entry.get("country")),
            logo=_text(entry.get("logo")), membership=_text(entry.get("membership")),
            verification_methods=(frozenset(item for item in methods if isinstance(item, str))
                                  if isinstance(methods, list) else None))
    return IssuerRegistry(name=name, issuers=issuers)


def fetched_registry(url: str, fetcher: DocumentFetcher) -> RegistrySource:
    """A registry read from `url` with `fetcher` (its protections and cache) on each use."""

    def read() -> IssuerRegistry:
        return read_registry(fetcher.fetch_json(url), source=url)

    return read


def _claims(credential: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The issuer's name and web address as the credential states them."""
    issuer = credential.get("issuer")
    if not isinstance(issuer, Mapping):
        return None, None
    name = issuer.get("name")
    url = issuer.get("url")
    return (name if isinstance(name, str) else None), (url if isinstance(url, str) else None)


def _describe(entry: RegisteredIssuer) -> str:
    return f"{entry.name} in {entry.registry}"


def check_registry(credential: Mapping[str, Any], signing_methods: Sequence[str],
                   sources: Sequence[RegistrySource]) -> RegistryVerdict:
    """The `registry` check of a credential whose proof verified with `signing_methods`
    (verification method ids).

    Passed: the first registry listing the issuer id vouches for it (and lists the signing
    key, where it lists keys). Failed `issuer_impersonation`: a registry lists the issuer id
    but not the signing key, or the credential claims a registered issuer's name or web
    address under another id. Skipped: no registry is configured (`no_registry`) or none
    lists the issuer (`not_registered`). Error `registry_unavailable`: a registry could not
    be read and no other one decided.
    """
    if not sources:
        return RegistryVerdict(skipped(CheckId.REGISTRY, "no_registry",
                                       "not checked: no issuer registry is configured"))
    issuer = issuer_id(credential)
    if issuer is None:
        return RegistryVerdict(skipped(CheckId.REGISTRY, "no_issuer",
                                       "not checked: the credential names no issuer id"))
    registries: list[IssuerRegistry] = []
    unreadable: list[str] = []
    for source in sources:  # read in order, no further than the first that lists the issuer
        try:
            registry = source()
        except ResolutionError as error:
            unreadable.append(error.message)
            continue
        registries.append(registry)
        entry = registry.lookup(issuer)
        if entry is None:
            continue
        keys = entry.verification_methods
        # One proof made with a listed key is the issuer's; other proofs are co-signatures.
        if keys is not None and not keys.intersection(signing_methods):
            return RegistryVerdict(failed(
                CheckId.REGISTRY, "issuer_impersonation",
                f"{registry.name} lists {issuer} as {entry.name}, but not the key this "
                f"credential was signed with ({', '.join(signing_methods) or 'none'})"))
        return RegistryVerdict(passed(CheckId.REGISTRY, f"registered as {_describe(entry)}",
                                      _entry_details(entry)), entry)
    name, url = _claims(credential)
    for registry in registries:
        claimed = registry.claimed_by(name, url)
        if claimed is not None:
            what = "name" if name_key(name) in (name_key(claimed.name),
                                                 name_key(claimed.legal_name)) else (
                "web address")
            return RegistryVerdict(failed(
                CheckId.REGISTRY, "issuer_impersonation",
                f"the credential uses the {what} of {_describe(claimed)}, but its issuer "
                f"{issuer} is not that registered issuer"))
    if unreadable:
        return RegistryVerdict(errored(
            CheckId.REGISTRY, "registry_unavailable",
            "could not check: " + "; ".join(unreadable)))
    searched = ", ".join(registry.name for registry in registries)
    return RegistryVerdict(skipped(CheckId.REGISTRY, "not_registered",
                                   f"{issuer} is not registered in {searched}"))


def _entry_details(entry: RegisteredIssuer) -> list[str]:
    details = [f"registry: {entry.registry}", f"name: {entry.name}"]
    details += [f"{label}: {value}" for label, value in (
        ("legal name", entry.legal_name), ("web address", entry.url),
        ("location", entry.location), ("membership", entry.membership)) if value]
    return details
