"""Run the JavaScript reference libraries (Digital Bazaar's @digitalbazaar/vc stack, the DCC's
known-issuer registry client) from Python.

`js/reference.mjs` is a small Node program (JSON request on stdin, JSON answer on stdout)
around `@digitalbazaar/vc`, `@digitalbazaar/data-integrity`,
`@digitalbazaar/eddsa-rdfc-2022-cryptosuite`, `@digitalbazaar/ed25519-multikey` and
`@digitalbazaar/vc-bitstring-status-list`; `js/registry.mjs` one around
`@digitalcredentials/issuer-registry-client` (`js_lookup_issuers`). All are pinned exactly in
`js/package.json` / `js/package-lock.json` and installed with `npm ci` into a cache folder
outside the source tree (see `ensure_installed`).

Its document loader is offline: it serves our pinned contexts (`badges.document_loader`), the
documents passed in `documents` (exact URL, fragment included) and builds did:key documents
locally; every other URL is an error.

What the JS verifier loads for a proof whose verification method is `VM`:
1. `VM` itself: must be a Multikey object `{"id", "type": "Multikey", "controller",
   "publicKeyMultibase"}`; `@context` optional, but if present it must contain
   `https://w3id.org/security/multikey/v1` (checked as a string, never fetched).
2. the credential's contexts (canonicalisation);
3. `VM["controller"]`, the controller document: its `id` must equal the credential's
   `issuer.id` and its `assertionMethod` must list `VM` (a string or an object with that
   `id`). Give it `"@context": ["https://www.w3.org/ns/did/v1", ...]` (first entry): then
   it is used as plain JSON. Any other first context makes jsonld-signatures frame it with
   the security v2 context, which needs every context it names.
For `did:key:z6Mk…#z6Mk…` methods both documents are built by the loader: pass nothing.
For `https://…#z6Mk…` methods pass both: `multikey_documents()` builds them.

With `js_verify(..., check_status=True)` the verifier also loads each entry's
`statusListCredential` URL (pass the signed list in `documents`) and verifies that list
credential like the credential itself (same suite and documents; its issuer must equal the
credential's issuer). The package checks the list's validity dates against the wall clock,
not `now`.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from badges.document_loader import PINNED_CONTEXTS, context_file

__all__ = [
    "DID_CONTEXT_V1",
    "JS_DIR",
    "MULTIKEY_CONTEXT_V1",
    "JsReferenceError",
    "JsStatusEntry",
    "JsVerifyResult",
    "ensure_installed",
    "js_bench",
    "js_lookup_issuers",
    "js_sign",
    "js_verify",
    "js_versions",
    "multikey_documents",
    "node_available",
]

REPO_ROOT: Final = Path(__file__).resolve().parents[2]
JS_DIR: Final = Path(__file__).resolve().parent / "js"
_SOURCE_FILES: Final = ("package.json", "package-lock.json", "reference.mjs", "registry.mjs")
_MARKER: Final = ".microbadges-npm-ci-complete"
_LOCK: Final = ".microbadges-install.lock"
CACHE_ENV: Final = "MICROBADGES_NPM_CACHE"

DID_CONTEXT_V1: Final = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT_V1: Final = "https://w3id.org/security/multikey/v1"

DEFAULT_TIMEOUT: Final = 120.0
INSTALL_TIMEOUT: Final = 900.0


class JsReferenceError(RuntimeError):
    """Node/npm missing, `npm ci` failed, or reference.mjs or registry.mjs reported an error."""


@dataclass(frozen=True, slots=True)
class JsStatusEntry:
    """One BitstringStatusListEntry as vc-bitstring-status-list decided it: `is_set` is the
    bit at `status_list_index` (set = revoked / suspended, per `status_purpose`)."""

    status_purpose: str
    status_list_index: int
    status_list_credential: str
    is_set: bool


@dataclass(frozen=True)
class JsVerifyResult:
    """What `vc.verifyCredential` said. `documents_requested`: URLs the loader was asked
    for, in order (contexts included; not the security v1/v2 contexts that
    jsonld-signatures serves itself).

    The status fields are filled only by `js_verify(..., check_status=True)`:
    `status_verified` is None when the status check did not run (no `credentialStatus`, or
    the proof already failed), False when a bit is set or the check could not be done
    (`status_errors` says which), True when every entry's bit is clear. `status_entries`
    holds the decoded bits when the list could be loaded, verified and read."""

    verified: bool
    errors: list[str]
    documents_requested: tuple[str, ...] = ()
    status_verified: bool | None = None
    status_entries: tuple[JsStatusEntry, ...] = ()
    status_errors: tuple[str, ...] = ()


@functools.cache
def node_available() -> bool:
    """True when `node` (>= 18, as the pinned packages require) and `npm` are on PATH."""
    node = shutil.which("node")
    if node is None or shutil.which("npm") is None:
        return False
    try:
        out = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout.strip()
        major = int(out.lstrip("v").split(".", 1)[0])
    except (OSError, subprocess.SubprocessError, ValueError):
        return False
    return major >= 18


def _lock_digest() -> str:
    return hashlib.sha256((JS_DIR / "package-lock.json").read_bytes()).hexdigest()


def _cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    return REPO_ROOT / ".cache" / "js-reference" / _lock_digest()[:16]


def _copy_if_changed(source: Path, target: Path) -> None:
    data = source.read_bytes()
    if target.is_file() and target.read_bytes() == data:
        return
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def _install_locked(folder: Path) -> None:
    """Run with the folder's lock held: sync the sources, `npm ci` if needed."""
    digest = _lock_digest()
    marker = folder / _MARKER
    complete = (
        marker.is_file()
        and marker.read_text(encoding="utf-8").strip() == digest
        and (folder / "node_modules").is_dir()
        and (folder / "package-lock.json").is_file()
        and (folder / "package-lock.json").read_bytes()
        == (JS_DIR / "package-lock.json").read_bytes()
    )
    for name in _SOURCE_FILES:
        _copy_if_changed(JS_DIR / name, folder / name)
    if complete:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise JsReferenceError("npm is not on PATH: cannot install the JS reference libraries")
    marker.unlink(missing_ok=True)
    try:
        proc = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise JsReferenceError(f"npm ci in {folder} failed: {exc}") from exc
    if proc.returncode != 0:
        raise JsReferenceError(
            f"npm ci in {folder} failed (exit {proc.returncode}):\n"
            f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        )
    marker.write_text(digest + "\n", encoding="utf-8")


def ensure_installed() -> Path:
    """Install the pinned npm packages (once) and return the folder holding the scripts.

    The folder is `$MICROBADGES_NPM_CACHE` if set, else
    `<repo>/.cache/js-reference/<sha256(package-lock.json)[:16]>/`. `npm ci` runs only when
    the completion marker (written after a successful install, holding the lock file's
    digest) is missing or stale; an fcntl lock serialises parallel test processes.
    reference.mjs and registry.mjs are re-copied whenever the source copy changes.
    """
    folder = _cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / _LOCK).open("a+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            _install_locked(folder)
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
    return folder


def _contexts() -> dict[str, str]:
    """The same pinned contexts the Python side uses (badges.document_loader)."""
    return {url: context_file(url) for url in PINNED_CONTEXTS}


def _run(mode: str, request: Mapping[str, Any], timeout: float) -> dict[str, Any]:
    return _run_script("reference.mjs", mode, {"contexts": _contexts(), **request}, timeout)


def _run_script(script: str, mode: str | None, payload: Mapping[str, Any],
                timeout: float) -> dict[str, Any]:
    folder = ensure_installed()
    node = shutil.which("node")
    if node is None:
        raise JsReferenceError("node is not on PATH")
    name = f"{script} {mode}" if mode else script
    try:
        proc = subprocess.run(
            [node, str(folder / script), *([mode] if mode else [])],
            cwd=folder,
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise JsReferenceError(f"{name} timed out after {timeout} s") from exc
    except OSError as exc:
        raise JsReferenceError(f"cannot run node: {exc}") from exc
    try:
        answer = json.loads(proc.stdout)
    except json.JSONDecodeError:
        answer = None
    if not isinstance(answer, dict):
        raise JsReferenceError(
            f"{name} exited {proc.returncode} without a JSON answer:\n"
            f"stdout: {proc.stdout[-2000:]}\nstderr: {proc.stderr[-4000:]}"
        )
    if proc.returncode != 0 or "error" in answer:
        raise JsReferenceError(
            f"{name} failed: {answer.get('error', '?')}"
            + (f"\nstderr: {proc.stderr[-4000:]}" if proc.stderr.strip() else "")
        )
    return answer


def _signing_request(
    credential: Mapping[str, Any],
    *,
    secret_key_multibase: str,
    public_key_multibase: str,
    verification_method: str,
    controller: str,
    created: str | None,
    documents: Mapping[str, Any] | None,
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "credential": credential,
        "secretKeyMultibase": secret_key_multibase,
        "publicKeyMultibase": public_key_multibase,
        "verificationMethod": verification_method,
        "controller": controller,
        "documents": dict(documents or {}),
    }
    if created is not None:
        request["created"] = created
    return request


def js_sign(
    credential: Mapping[str, Any],
    *,
    secret_key_multibase: str,
    public_key_multibase: str,
    verification_method: str,
    controller: str,
    created: str | None = None,
    documents: Mapping[str, Any] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> dict[str, Any]:
    """Sign with `vc.issue` + DataIntegrityProof(eddsa-rdfc-2022); return the signed
    credential (JS puts a single `proof` object on a credential that has none)."""
    answer = _run(
        "sign",
        _signing_request(
            credential,
            secret_key_multibase=secret_key_multibase,
            public_key_multibase=public_key_multibase,
            verification_method=verification_method,
            controller=controller,
            created=created,
            documents=documents,
        ),
        timeout,
    )
    signed = answer.get("signed")
    if not isinstance(signed, dict):
        raise JsReferenceError(f"reference.mjs sign returned no credential: {answer!r}")
    return signed


def _status_entry(entry: Mapping[str, Any]) -> JsStatusEntry:
    return JsStatusEntry(
        status_purpose=str(entry["statusPurpose"]),
        status_list_index=int(entry["statusListIndex"]),
        status_list_credential=str(entry["statusListCredential"]),
        is_set=entry["set"] is True,
    )


def js_verify(
    credential: Mapping[str, Any],
    *,
    documents: Mapping[str, Any] | None = None,
    now: str | None = None,
    check_status: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> JsVerifyResult:
    """Verify with `vc.verifyCredential` (`now` overrides the clock for the
    validFrom/validUntil checks of the credential).

    Without `check_status` any credentialStatus is accepted as-is. With it, the
    BitstringStatusListEntry statuses are checked by `@digitalbazaar/vc-bitstring-status-list`
    (the list credentials come from `documents`); a set bit makes the credential not verified.
    Raises JsReferenceError when Node, npm or reference.mjs fails.
    """
    request: dict[str, Any] = {"credential": credential, "documents": dict(documents or {})}
    if now is not None:
        request["now"] = now
    if check_status:
        request["checkStatus"] = True
    answer = _run("verify", request, timeout)
    errors = answer.get("errors", [])
    requested = answer.get("loaderRequests", [])
    status = answer.get("status")
    if status is not None and not isinstance(status, dict):
        raise JsReferenceError(f"reference.mjs verify returned a malformed status: {status!r}")
    return JsVerifyResult(
        verified=answer.get("verified") is True,
        errors=[str(e) for e in errors],
        documents_requested=tuple(str(r.get("url")) for r in requested),
        status_verified=None if status is None else status.get("verified") is True,
        status_entries=tuple(_status_entry(e) for e in (status or {}).get("entries", [])),
        status_errors=tuple(str(e) for e in (status or {}).get("errors", [])),
    )


def js_bench(
    credential: Mapping[str, Any],
    *,
    secret_key_multibase: str,
    public_key_multibase: str,
    verification_method: str,
    controller: str,
    iterations: int = 100,
    warmup: int = 20,
    created: str | None = None,
    documents: Mapping[str, Any] | None = None,
    timeout: float = 600.0,
) -> dict[str, Any]:
    """Time `iterations` signs and `iterations` verifies (after `warmup` untimed rounds
    of each) in one Node process. Returns `{"sign_ms": [...], "verify_ms": [...],
    "versions": {package: version, "node": ...}}`. The signed credential must verify, so
    `https://…#key` methods need `documents` (see `multikey_documents`)."""
    request = _signing_request(
        credential,
        secret_key_multibase=secret_key_multibase,
        public_key_multibase=public_key_multibase,
        verification_method=verification_method,
        controller=controller,
        created=created,
        documents=documents,
    )
    request["iterations"] = iterations
    request["warmup"] = warmup
    return _run("bench", request, timeout)


def js_versions(timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """Installed versions of the reference packages (and of node)."""
    versions = _run("versions", {}, timeout).get("versions")
    if not isinstance(versions, dict):
        raise JsReferenceError("reference.mjs versions returned nothing")
    return versions


def js_lookup_issuers(
    registry_url: str,
    issuer_ids: Sequence[str],
    *,
    registry_name: str,
    timeout: float = DEFAULT_TIMEOUT,
) -> dict[str, dict[str, Any]]:
    """Look each issuer id up with the DCC's `RegistryClient.lookupIssuersFor`, configured
    with the one `dcc-legacy` registry at `registry_url` (which the client fetches itself).
    Returns the client's answer per id: `{"matchingIssuers": [{"issuer", "registry"}],
    "uncheckedRegistries": [...]}`."""
    registry = {"type": "dcc-legacy", "name": registry_name, "url": registry_url}
    lookups = _run_script("registry.mjs", None,
                          {"registries": [registry], "issuers": list(issuer_ids)},
                          timeout).get("lookups")
    if not isinstance(lookups, dict):
        raise JsReferenceError("registry.mjs returned no lookups")
    return lookups


def multikey_documents(
    verification_method: str, controller: str, public_key_multibase: str
) -> dict[str, Any]:
    """The two documents the JS verifier loads for a non-did:key verification method:
    the Multikey verification method and its controller document (DID v1 context first,
    listing the method in `assertionMethod`). `controller` must equal the issuer id."""
    method = {
        "id": verification_method,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": public_key_multibase,
    }
    return {
        verification_method: {"@context": MULTIKEY_CONTEXT_V1, **method},
        controller: {
            "@context": [DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1],
            "id": controller,
            "verificationMethod": [method],
            "assertionMethod": [verification_method],
            "authentication": [verification_method],
        },
    }
