"""The `schema` check: the OB 3.0 JSON Schemas a credential declares or implies.

An OB 3.0 (VCDM 2.0) credential is validated against the schema of its type even when it
declares none; declared `1EdTechJsonSchemaValidator2019` schemas that microbadges ships are
validated too. Schemas it does not ship are listed as not checked (never fetched).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from badges.json_document import as_list
from badges.schema import (
    ACHIEVEMENT_CREDENTIAL_SCHEMA,
    ENDORSEMENT_CREDENTIAL_SCHEMA,
    JSON_SCHEMA_VALIDATOR_TYPE,
    is_known_schema,
    validate_against_schema,
)
from verifier.report import CheckId, CheckResult, failed, passed, skipped
from verifier.structure import credential_types, is_open_badge, is_vcdm_1


def check_schema(credential: Mapping[str, Any]) -> CheckResult:
    """Run the schema check."""
    schemas: list[str] = []
    not_checked: list[str] = []
    for entry in as_list(credential.get("credentialSchema")):
        url = entry.get("id") if isinstance(entry, Mapping) else None
        kind = entry.get("type") if isinstance(entry, Mapping) else None
        if isinstance(url, str) and kind == JSON_SCHEMA_VALIDATOR_TYPE and is_known_schema(url):
            schemas.append(url)
        else:
            not_checked.append(f"schema {url or entry!r} ({kind}) is not shipped; not checked")
    if is_vcdm_1(credential):
        return skipped(CheckId.SCHEMA, "schema_not_applicable",
                       "VCDM 1.1 credential: the OB 3.0 schemas describe VCDM 2.0 credentials")
    if is_open_badge(credential):
        implied = (ENDORSEMENT_CREDENTIAL_SCHEMA
                   if "EndorsementCredential" in credential_types(credential)
                   else ACHIEVEMENT_CREDENTIAL_SCHEMA)
        if implied not in schemas:
            schemas.insert(0, implied)
    if not schemas:
        return skipped(CheckId.SCHEMA, "no_schema",
                       "no schema microbadges ships applies to this credential")
    if isinstance(credential.get("proof"), Mapping):
        # VC Data Integrity allows a single proof object; the OB schema's array form is a
        # serialisation rule for issuers, so read a lone proof as a one-element array.
        credential = {**credential, "proof": [credential["proof"]]}
        not_checked.append("proof is a single object (read as a one-element array)")
    problems = [f"{issue.path or '/'}: {issue.message}"
                for url in schemas for issue in validate_against_schema(credential, url)]
    if problems:
        return failed(CheckId.SCHEMA, "schema_invalid",
                      f"{len(problems)} schema issue(s), first at {problems[0]}",
                      problems + not_checked)
    names = ", ".join(url.rsplit("/", 1)[-1] for url in schemas)
    return passed(CheckId.SCHEMA, f"valid against {names}", not_checked)
