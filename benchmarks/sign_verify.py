"""Sign / verify / canonicalisation benchmark of microbadges against the reference stacks.

Run from the repository root:

    python -m benchmarks.sign_verify [--iterations N] [--warmup N] [--json] [--skip-js]

In one run, on the realistic signed OB 3.0 microbadge of `tests/samples.py`, it times (one
`time.perf_counter_ns()` pair per operation, warm-up rounds untimed, inputs prepared outside
the timed region):

- sign: `add_proof(...)` (eddsa-rdfc-2022: two RDFC-1.0 canonicalisations, two SHA-256,
  one Ed25519 signature);
- verify: what `vc.verifyCredential` of the JS reference does: resolve the verification
  method, verify every proof, bind the key to the issuer, check validFrom/validUntil
  (`check_proofs` + `check_issuer` + `check_validity`);
- full report: `verify_credential(...)`: all 9 checks (parse, structure, JSON Schema, JSON-LD
  safety, proof, issuer, validity, endorsements, status), the status check fetching and
  verifying a signed 131,072-entry BitstringStatusListCredential (a second credential);
- canonicalisation: `canonicalize()` against plain `pyld.jsonld.normalize()` (outputs
  asserted byte-identical first);
- refusing an 8-node blank-node clique (`CanonicalizationLimitError`);
- the JS reference (`@digitalbazaar/vc` + eddsa-rdfc-2022 on Node) signing and verifying the
  same credential, timed inside Node by `tests/interop/js_reference.js_bench`.

Exit status: 0 on success; 1 when the JS reference could not be run (unless `--skip-js`);
2 when a benchmark precondition failed (a result did not verify, outputs differ, ...).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any, Final, TypeVar

from pyld import jsonld

from badges.canonicalization import CanonicalizationLimitError, canonicalize
from badges.data_integrity import add_proof
from badges.document_loader import load_context
from keys.key_pair import KeyPair
from keys.resolution import StaticDocumentFetcher, resolve_verification_method
from tests.interop.js_reference import (
    JsReferenceError,
    js_bench,
    js_versions,
    multikey_documents,
    node_available,
)
from tests.samples import (
    ISSUER_ID,
    LIST_URL,
    SIGNED_AT,
    blank_node_clique,
    realistic_microbadge,
    sample_key,
    signed_status_list,
)
from verifier.proofs import check_issuer, check_proofs
from verifier.report import CheckStatus, VerificationReport
from verifier.validity import check_validity
from verifier.verify import DEFAULT_CLOCK_SKEW, VerifierOptions, verify_credential

T = TypeVar("T")

DEFAULT_ITERATIONS: Final = 300
DEFAULT_WARMUP: Final = 50
# The verifier's clock: after the sample's validFrom (2026-03-02) and the list's.
NOW: Final = datetime(2026, 11, 21, 12, 0, 0, tzinfo=UTC)
# Some revoked entries, so that the list is not all zeros (the sample's 94,567 stays clear).
REVOKED_INDEXES: Final = (41, 8_191, 94_566, 94_568, 131_071)
CLIQUE_SIZE: Final = 8

EXIT_JS_NOT_RUN: Final = 1
EXIT_PRECONDITION: Final = 2

WHAT_IS_MEASURED: Final[dict[str, str]] = {
    "sign": "add_proof(realistic_microbadge(), key, verification_method=<issuer>#<multikey>, "
            "created=SIGNED_AT): proof config + document RDFC-1.0, 2x SHA-256, Ed25519 sign. "
            "Input deep-copied outside the timed region (as JS structuredClone()s it). "
            "JS: vc.issue() with a fresh DataIntegrityProof(eddsa-rdfc-2022) suite.",
    "verify": "check_proofs(signed, resolve_verification_method, fetcher) + check_issuer() + "
              "check_validity(now=2026-11-21T12:00Z, skew 5 min): resolve the verification "
              "method (key from its #z6Mk... fragment, confirmed by the issuer's controller "
              "document from an in-memory fetcher, as JS loads it), "
              "verify the one proof (2 canonicalisations incl. safe-mode checks, Ed25519 "
              "verify), key controller == issuer, validFrom/validUntil. Not included: parse, "
              "structure, JSON Schema, status. JS: vc.verifyCredential() (loads the Multikey "
              "and controller documents from its in-memory loader, checks proof purpose and "
              "controller, validFrom/validUntil; checkStatus stubbed to verified).",
    "full report": "verify_credential(signed dict, VerifierOptions(fetcher="
                   "StaticDocumentFetcher({LIST_URL: list, issuer documents}), clock=fixed)): "
                   "parse, structure, "
                   "JSON Schema (OB 3.0 achievement credential schema), JSON-LD safety "
                   "(a 3rd canonicalisation), proof, issuer, validity, endorsements (none: "
                   "skipped), status (fetch = deep copy of the signed 131,072-entry "
                   "BitstringStatusListCredential, which is verified in full the same way, "
                   "then GZIP-decoded and bit 94567 read). Report asserted verified.",
    "canonicalize": "canonicalize(unsigned credential) vs plain pyld "
                    "jsonld.normalize(doc, URDNA2015, N-Quads, loader over load_context) "
                    "(outputs asserted byte-identical first).",
    "refuse clique": f"canonicalize() of a {CLIQUE_SIZE}-node blank-node clique (copied from "
                     "tests/samples.py blank_node_clique) until "
                     "CanonicalizationLimitError (plain pyld: ~40 s of CPU).",
}


class BenchmarkError(Exception):
    """A benchmark precondition failed: the figures would be meaningless."""


@dataclass(frozen=True, slots=True)
class Timing:
    """Summary of per-operation times, in milliseconds."""

    median_ms: float
    p90_ms: float
    mean_ms: float
    samples: int

    @classmethod
    def of(cls, samples_ms: Sequence[float]) -> Timing:
        if not samples_ms:
            raise BenchmarkError("no samples")
        ordered = sorted(samples_ms)
        # Nearest-rank 90th percentile.
        p90 = ordered[max(0, -(-9 * len(ordered) // 10) - 1)]
        return cls(statistics.median(ordered), p90, statistics.fmean(ordered), len(ordered))

    def to_json(self) -> dict[str, Any]:
        return {"median_ms": round(self.median_ms, 4), "p90_ms": round(self.p90_ms, 4),
                "mean_ms": round(self.mean_ms, 4), "samples": self.samples}


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table: microbadges against a reference (if any)."""

    operation: str
    microbadges: Timing
    reference_name: str | None = None
    reference: Timing | None = None

    @property
    def ratio(self) -> float | None:
        """reference / microbadges: > 1 means microbadges is faster."""
        if self.reference is None:
            return None
        return self.reference.median_ms / self.microbadges.median_ms

    def to_json(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "microbadges": self.microbadges.to_json(),
            "reference": None if self.reference is None else {
                "name": self.reference_name, **self.reference.to_json()},
            "ratio_reference_over_microbadges": (
                None if self.ratio is None else round(self.ratio, 3)),
            "measures": WHAT_IS_MEASURED[self.operation],
        }


def measure(op: Callable[[T], object], make_input: Callable[[], T], *, iterations: int,
            warmup: int, check: Callable[[object], None]) -> Timing:
    """Time `op` once per iteration on a fresh input made outside the timed region.

    `check` validates every result (warm-up included), outside the timed region.
    """
    for _ in range(warmup):
        check(op(make_input()))
    gc.collect()
    samples: list[float] = []
    for _ in range(iterations):
        argument = make_input()
        start = time.perf_counter_ns()
        result = op(argument)
        elapsed = time.perf_counter_ns() - start
        check(result)
        samples.append(elapsed / 1e6)
    return Timing.of(samples)


# --- inputs ---------------------------------------------------------------------------------

def verification_method(key: KeyPair) -> str:
    """The sample's verification method id: `<issuer id>#<multikey>`."""
    return f"{ISSUER_ID}#{key.public_key_multibase}"


def sign_sample(credential: dict[str, Any], key: KeyPair) -> dict[str, Any]:
    """The timed sign operation."""
    return add_proof(credential, key, verification_method=verification_method(key),
                     created=SIGNED_AT)


def _plain_loader(url: str, options: object = None) -> dict[str, Any]:
    return {"contextUrl": None, "documentUrl": url, "document": load_context(url)}


def plain_pyld(document: dict[str, Any]) -> str:
    """Canonicalise with pyld as documented (no memoisation, no safe mode)."""
    result: str = jsonld.normalize(document, {
        "algorithm": "URDNA2015", "format": "application/n-quads",
        "documentLoader": _plain_loader})
    return result


# --- the operations -------------------------------------------------------------------------

def key_documents(key: KeyPair) -> dict[str, Any]:
    """The issuer's controller document and key document: what the JS verifier loads too."""
    return multikey_documents(f"{ISSUER_ID}#{key.public_key_multibase}", ISSUER_ID,
                              key.public_key_multibase)


def verify_like_js(signed: dict[str, Any], fetcher: StaticDocumentFetcher,
                   ) -> tuple[CheckStatus, CheckStatus, CheckStatus]:
    """What vc.verifyCredential checks: proofs (with resolution), issuer binding, dates."""
    outcome = check_proofs(signed, resolve_verification_method, fetcher)
    issuer = check_issuer(signed, outcome.verification_methods)
    validity = check_validity(signed, NOW, DEFAULT_CLOCK_SKEW)
    return outcome.check.status, issuer.status, validity.status


def _expect_signed(result: object) -> None:
    if not isinstance(result, dict) or not result.get("proof"):
        raise BenchmarkError("add_proof returned no proof")


def _expect_all_passed(result: object) -> None:
    if result != (CheckStatus.PASSED,) * 3:
        raise BenchmarkError(f"verify (proof, issuer, validity) did not pass: {result!r}")


def _expect_verified(result: object) -> None:
    if not isinstance(result, VerificationReport) or not result.verified:
        problem = getattr(result, "first_problem", None)
        raise BenchmarkError(f"verify_credential did not verify the sample: {problem!r}")


def _expect_text(expected: str) -> Callable[[object], None]:
    def check(result: object) -> None:
        if result != expected:
            raise BenchmarkError("canonical N-Quads changed between runs")
    return check


def _refuse(document: dict[str, Any]) -> object:
    try:
        canonicalize(document)
    except CanonicalizationLimitError as error:
        return error
    return None


def _expect_refused(result: object) -> None:
    if not isinstance(result, CanonicalizationLimitError):
        raise BenchmarkError("the blank-node clique was not refused")


# --- the run --------------------------------------------------------------------------------

@dataclass
class Results:
    """Everything a run produced."""

    rows: list[Row]
    machine: dict[str, Any]
    settings: dict[str, Any]
    js_run: bool
    js_note: str | None


def run_python(iterations: int, warmup: int) -> tuple[dict[str, Timing], dict[str, Any]]:
    """Time every microbadges operation; return the timings and the signed sample."""
    key = sample_key()
    unsigned = realistic_microbadge()
    signed = sign_sample(copy.deepcopy(unsigned), key)
    documents = key_documents(key)
    options = VerifierOptions(fetcher=StaticDocumentFetcher(
        {LIST_URL: signed_status_list(REVOKED_INDEXES), **documents}), clock=lambda: NOW)
    key_fetcher = StaticDocumentFetcher(documents)
    report = verify_credential(signed, options)
    _expect_verified(report)
    if len(report.checks) != 9:
        raise BenchmarkError(f"expected 9 checks, got {len(report.checks)}")
    expected = canonicalize(copy.deepcopy(unsigned))
    if plain_pyld(copy.deepcopy(unsigned)) != expected:
        raise BenchmarkError("canonicalize() and plain pyld disagree on the sample")
    _expect_refused(_refuse(blank_node_clique(CLIQUE_SIZE)))

    def fresh() -> dict[str, Any]:
        return copy.deepcopy(unsigned)

    def same() -> dict[str, Any]:
        return signed

    settings: dict[str, Any] = {"iterations": iterations, "warmup": warmup}
    timings = {
        "sign": measure(lambda doc: sign_sample(doc, key), fresh, check=_expect_signed,
                        **settings),
        "verify": measure(lambda document: verify_like_js(document, key_fetcher), same,
                          check=_expect_all_passed, **settings),
        "full report": measure(lambda doc: verify_credential(doc, options), same,
                               check=_expect_verified, **settings),
        "canonicalize": measure(canonicalize, fresh, check=_expect_text(expected), **settings),
        "plain pyld": measure(plain_pyld, fresh, check=_expect_text(expected), **settings),
        "refuse clique": measure(_refuse, lambda: blank_node_clique(CLIQUE_SIZE),
                                 check=_expect_refused, **settings),
    }
    return timings, signed


def run_js(iterations: int, warmup: int) -> tuple[Timing, Timing, dict[str, Any]]:
    """Time the JS reference (raises JsReferenceError when it cannot run)."""
    if not node_available():
        raise JsReferenceError("node >= 18 and npm are not both on PATH")
    key = sample_key()
    method = verification_method(key)
    answer = js_bench(
        realistic_microbadge(),
        secret_key_multibase=key.to_secret_multibase(),
        public_key_multibase=key.public_key_multibase,
        verification_method=method,
        controller=ISSUER_ID,
        created=SIGNED_AT.strftime("%Y-%m-%dT%H:%M:%SZ"),
        documents=multikey_documents(method, ISSUER_ID, key.public_key_multibase),
        iterations=iterations,
        warmup=warmup,
    )
    sign_ms = [float(value) for value in answer.get("sign_ms", [])]
    verify_ms = [float(value) for value in answer.get("verify_ms", [])]
    if len(sign_ms) != iterations or len(verify_ms) != iterations:
        raise JsReferenceError("js_bench returned the wrong number of samples")
    versions = js_versions()
    return Timing.of(sign_ms), Timing.of(verify_ms), versions


def machine_info() -> dict[str, Any]:
    """Where the figures come from."""
    info: dict[str, Any] = {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "pyld": metadata.version("pyld"),
        "cryptography": metadata.version("cryptography"),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
    }
    with contextlib.suppress(AttributeError):  # sched_getaffinity: Linux only
        info["cpus_usable"] = len(os.sched_getaffinity(0))
    info["commit"] = _git_commit()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
    return info


def run(iterations: int, warmup: int, skip_js: bool) -> Results:
    """Run every benchmark."""
    started = datetime.now(UTC)
    machine = machine_info()
    machine["load_average_before"] = _load_average()
    timings, _ = run_python(iterations, warmup)
    js_sign: Timing | None = None
    js_verify: Timing | None = None
    js_note: str | None = None
    if skip_js:
        js_note = "JS reference NOT run (--skip-js)"
    else:
        try:
            js_sign, js_verify, versions = run_js(iterations, warmup)
            machine["node"] = versions.get("node")
            machine["js_packages"] = {name: version for name, version in versions.items()
                                      if name != "node"}
        except JsReferenceError as error:
            js_note = f"JS reference NOT run: {error}".splitlines()[0]
    machine["load_average_after"] = _load_average()
    rows = [
        Row("sign", timings["sign"], "JS reference", js_sign),
        Row("verify", timings["verify"], "JS reference", js_verify),
        Row("full report", timings["full report"]),
        Row("canonicalize", timings["canonicalize"], "plain pyld", timings["plain pyld"]),
        Row("refuse clique", timings["refuse clique"]),
    ]
    elapsed = (datetime.now(UTC) - started) / timedelta(seconds=1)
    settings = {"iterations": iterations, "warmup": warmup, "started": started.isoformat(
        timespec="seconds"), "elapsed_s": round(elapsed, 1)}
    return Results(rows, machine, settings, js_note is None, js_note)


def _git_commit() -> str | None:
    """The checkout's commit, `+dirty` when library sources differ from it (None: no git)."""
    root = Path(__file__).resolve().parents[1]
    git = shutil.which("git")
    if git is None:
        return None
    try:
        commit = subprocess.run([git, "rev-parse", "--short", "HEAD"], cwd=root,
                                capture_output=True, text=True, timeout=10, check=True)
        changed = subprocess.run([git, "status", "--porcelain", "--", "badges", "keys",
                                  "verifier"], cwd=root, capture_output=True, text=True,
                                 timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return commit.stdout.strip() + ("+dirty" if changed.stdout.strip() else "")


def _load_average() -> list[float] | None:
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


# --- output ---------------------------------------------------------------------------------

def _cell(timing: Timing | None) -> str:
    return "-" if timing is None else f"{timing.median_ms:.3f} ({timing.p90_ms:.3f})"


def render_table(results: Results) -> str:
    """The human-readable report."""
    header = ("operation", "microbadges median ms (p90)", "reference",
              "reference median ms (p90)", "ratio ref/microbadges (>1: microbadges faster)")
    lines = [header]
    for row in results.rows:
        ratio = "-" if row.ratio is None else f"{row.ratio:.2f}x"
        if row.reference_name is None:
            reference = ("(none)", "-")
        elif row.reference is None:
            reference = (row.reference_name, "not run")
        else:
            reference = (row.reference_name, _cell(row.reference))
        lines.append((row.operation, _cell(row.microbadges), *reference, ratio))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = [" | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
           .rstrip() for line in lines]
    out.insert(1, "-+-".join("-" * width for width in widths))
    settings = results.settings
    out.insert(0, f"microbadges sign/verify benchmark, {settings['started']}, "
                  f"{settings['iterations']} timed operations after {settings['warmup']} "
                  f"warm-up rounds per row ({settings['elapsed_s']} s in all)")
    out.append("")
    if results.js_note:
        out.append(results.js_note)
    machine = results.machine
    out.append("machine: " + ", ".join(
        f"{name}={machine[name]}" for name in ("commit", "python", "pyld", "cryptography",
                                              "node", "cpu_count", "cpus_usable", "cpu_model")
        if name in machine))
    out.append(f"         {machine['platform']}; load average before "
               f"{machine['load_average_before']}, after {machine['load_average_after']}")
    packages = machine.get("js_packages")
    if packages:
        out.append("JS packages: " + ", ".join(f"{name} {version}"
                                               for name, version in packages.items()))
    return "\n".join(out)


def to_json(results: Results) -> dict[str, Any]:
    """The machine-readable report."""
    return {
        "settings": results.settings,
        "machine": results.machine,
        "js_reference_run": results.js_run,
        "js_reference_note": results.js_note,
        "ratio": "reference median / microbadges median (> 1: microbadges is faster)",
        "rows": [row.to_json() for row in results.rows],
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m benchmarks.sign_verify`."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sign_verify",
                                     description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--iterations", type=int, default=DEFAULT_ITERATIONS,
                        help=f"timed operations per benchmark (default {DEFAULT_ITERATIONS})")
    parser.add_argument("--warmup", type=int, default=DEFAULT_WARMUP,
                        help=f"untimed rounds before each benchmark (default {DEFAULT_WARMUP})")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--skip-js", action="store_true",
                        help="do not run the JS reference (and do not fail without Node)")
    args = parser.parse_args(argv)
    if args.iterations < 1 or args.warmup < 0:
        parser.error("--iterations must be >= 1 and --warmup >= 0")
    try:
        results = run(args.iterations, args.warmup, args.skip_js)
    except BenchmarkError as error:
        print(f"benchmark aborted: {error}", file=sys.stderr)
        return EXIT_PRECONDITION
    print(json.dumps(to_json(results), indent=2) if args.json else render_table(results))
    if results.js_note and not args.skip_js:
        print(results.js_note, file=sys.stderr)
        return EXIT_JS_NOT_RUN
    return 0


if __name__ == "__main__":
    sys.exit(main())
