"""Property: changing, adding or removing any single value anywhere in a signed credential
makes verification fail, and at the proof check when the change is meaningful in RDF.

New keys include JSON-LD keywords and IRIs, which could move a statement out of sight of
the checks that read JSON keys without changing the signed RDF: safe mode must refuse them.
One edit is excluded: a list element equal to one already there (RDF is a set of
statements, so the document means exactly what was signed).
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from badges.canonicalization import canonicalize
from badges.data_integrity import document_proofs
from keys.errors import BadgeError
from keys.resolution import StaticDocumentFetcher
from tests.samples import LIST_URL, SIGNED_AT, signed_microbadge, signed_status_list
from verifier.report import CheckId, CheckStatus
from verifier.verify import VerifierOptions, verify_credential

Path = tuple[str | int, ...]

SIGNED = signed_microbadge()
OPTIONS = VerifierOptions(fetcher=StaticDocumentFetcher({LIST_URL: signed_status_list()}),
                          clock=lambda: SIGNED_AT)


def _paths(value: Any, path: Path = ()) -> list[tuple[Path, Any]]:
    found = [(path, value)]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


PATHS = _paths(SIGNED)[1:]
LEAVES = [path for path, value in PATHS if not isinstance(value, (dict, list))]
OBJECTS = [path for path, value in [((), SIGNED), *PATHS] if isinstance(value, dict)]
LISTS = [path for path, value in PATHS if isinstance(value, list)]

SCALARS = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=20),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)
VALUES = st.one_of(SCALARS, st.lists(SCALARS, min_size=1, max_size=3),
                   st.dictionaries(st.text(min_size=1, max_size=8).filter(
                       lambda key: not key.startswith("@")), SCALARS, min_size=1, max_size=2))


KEYS = st.one_of(
    st.text(min_size=1, max_size=12),
    st.sampled_from(["@nest", "@index", "@included", "@graph", "@reverse", "@type", "@id",
                     "@context", "@base", "@vocab", "@language", "@value", "@set", "@json",
                     "https://www.w3.org/2018/credentials#validUntil",
                     "https://www.w3.org/2018/credentials#credentialStatus", "cred:issuer"]),
)


def _same_json(a: Any, b: Any) -> bool:
    """JSON equality: 1 and 1.0 are the same number, True and 1 are not."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def _at(document: Any, path: Path) -> Any:
    for step in path:
        document = document[step]
    return document


@st.composite
def tampered(draw: st.DrawFn) -> tuple[str, Path, dict[str, Any]]:
    document = copy.deepcopy(SIGNED)
    kind = draw(st.sampled_from(["change", "add_property", "add_element", "remove"]))
    if kind == "change":
        path = draw(st.sampled_from(LEAVES))
        old = _at(document, path)
        _at(document, path[:-1])[path[-1]] = draw(
            SCALARS.filter(lambda value: not _same_json(value, old)))
    elif kind == "add_property":
        path = draw(st.sampled_from(OBJECTS))
        holder = _at(document, path)
        key = draw(KEYS.filter(lambda key: key not in holder))
        holder[key] = draw(VALUES)
    elif kind == "add_element":
        path = draw(st.sampled_from(LISTS))
        holder = _at(document, path)
        element = draw(VALUES.filter(lambda value: not any(_same_json(value, item)
                                                           for item in holder)))
        holder.insert(draw(st.integers(0, len(holder))), element)
    else:
        path = draw(st.sampled_from(PATHS))[0]
        holder = _at(document, path[:-1])
        del holder[path[-1]]
    return kind, path, document


def _canonical_unsecured(document: dict[str, Any]) -> str | None:
    try:
        return canonicalize({k: v for k, v in document.items() if k != "proof"})
    except BadgeError:
        return None


ORIGINAL_RDF = _canonical_unsecured(SIGNED)


def test_the_untouched_credential_verifies() -> None:
    assert verify_credential(SIGNED, OPTIONS).verified


@settings(max_examples=300, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(tampered())
def test_any_single_change_fails_verification(case: tuple[str, Path, dict[str, Any]]) -> None:
    kind, path, document = case
    report = verify_credential(document, OPTIONS)
    assert not report.verified, (kind, path)
    proof = report.check(CheckId.PROOF)
    if path and path[0] == "proof":
        assert proof.status is not CheckStatus.PASSED, (kind, path)
    elif document_proofs(document):
        rdf = _canonical_unsecured(document)
        if rdf is not None and rdf != ORIGINAL_RDF:
            assert (proof.status, proof.code) == (CheckStatus.FAILED, "invalid_signature"), (
                kind, path)
