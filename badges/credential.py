"""The OB 3.0 credential builder and the one serialiser from the typed model to OB JSON.

`serialize` is the only place where snake_case model fields become camelCase JSON properties
(OB 3.0 "Serialization": arrays for multi-valued properties, no nulls, no empty arrays).
`build_credential` emits exactly the shape every OB 3.0 verifier accepts (SPEC-NOTES §1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, Final

from badges.datatypes import (
    check_node,
    check_non_empty,
    check_text,
    check_uri,
    format_datetime,
    parse_datetime,
    to_utc_seconds,
)
from badges.document_loader import OB_V3P0_CONTEXT, OB_V3P0_EXTENSIONS, VC_V2
from badges.errors import InvalidDocumentError
from badges.model import AchievementSubject, Evidence, Image, Profile
from badges.schema import ACHIEVEMENT_CREDENTIAL_SCHEMA, JSON_SCHEMA_VALIDATOR_TYPE

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = [
    "CREDENTIAL_CONTEXT",
    "CREDENTIAL_TYPE",
    "AchievementCredential",
    "CredentialSchema",
    "build_credential",
    "format_datetime",
    "parse_datetime",
    "serialize",
]

CREDENTIAL_CONTEXT: Final = (VC_V2, OB_V3P0_CONTEXT, OB_V3P0_EXTENSIONS)
"""`@context` of every credential we issue; extensions.json defines the schema validator type."""
CREDENTIAL_TYPE: Final = ("VerifiableCredential", "OpenBadgeCredential")


@dataclass(frozen=True, slots=True, kw_only=True)
class CredentialSchema:
    """VCDM `credentialSchema` entry: a JSON Schema the credential conforms to."""

    id: str
    type: str

    def __post_init__(self) -> None:
        check_node(self)
        check_uri(self.id, "CredentialSchema.id")
        check_non_empty(self.type, "CredentialSchema.type")


_ACHIEVEMENT_SCHEMA: Final = CredentialSchema(
    id=ACHIEVEMENT_CREDENTIAL_SCHEMA,
    type=JSON_SCHEMA_VALIDATOR_TYPE,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class AchievementCredential:
    """OB 3.0 AchievementCredential (an OpenBadgeCredential), unsigned.

    Timestamps are held in UTC with whole seconds, as they are emitted. `credential_status`
    is the status entry `badges.status_documents` produced (a BitstringStatusListEntry),
    kept as read-only JSON: it needs at least `id` and `type`. Several entries (revocation
    and suspension) are emitted as an array: valid VC 2.0, but OB 3.0's JSON Schema accepts
    only one `credentialStatus` object, so such a credential fails that schema.
    """

    TYPE: ClassVar[tuple[str, ...]] = CREDENTIAL_TYPE

    id: str
    name: str
    description: str
    image: Image | None = None
    issuer: Profile
    valid_from: datetime
    valid_until: datetime | None = None
    awarded_date: datetime | None = None
    credential_subject: AchievementSubject
    evidence: tuple[Evidence, ...] = ()
    credential_schema: tuple[CredentialSchema, ...] = (_ACHIEVEMENT_SCHEMA,)
    credential_status: Mapping[str, object] | tuple[Mapping[str, object], ...] | None = None

    def __post_init__(self) -> None:
        check_node(self)
        check_uri(self.id, "AchievementCredential.id")
        check_non_empty(self.name, "AchievementCredential.name")
        check_non_empty(self.description, "AchievementCredential.description")
        for name in ("valid_from", "valid_until", "awarded_date"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, to_utc_seconds(value))
        if self.valid_until is not None and self.valid_until <= self.valid_from:
            raise InvalidDocumentError(
                "AchievementCredential.valid_until must be after valid_from",
            )
        if isinstance(self.credential_status, Mapping):
            object.__setattr__(self, "credential_status",
                               _status_entry(self.credential_status, "credential_status"))
        elif self.credential_status is not None:
            entries = tuple(_status_entry(entry, f"credential_status[{index}]")
                            for index, entry in enumerate(self.credential_status))
            if len(entries) < 2:
                raise InvalidDocumentError("several status entries need at least two; "
                                           "give one entry as a mapping")
            object.__setattr__(self, "credential_status", entries)


def _status_entry(entry: object, where: str) -> Mapping[str, object]:
    status = _copy_json(entry, where)
    if not isinstance(status, dict):
        raise InvalidDocumentError(f"{where} must be a JSON object")
    status_id, status_type = status.get("id"), status.get("type")
    if not isinstance(status_id, str) or not isinstance(status_type, str):
        raise InvalidDocumentError(f"{where} needs a string 'id' and 'type'")
    check_uri(status_id, f"{where}.id")
    check_non_empty(status_type, f"{where}.type")
    return MappingProxyType(status)


def build_credential(
    *,
    credential_id: str,
    issuer: Profile,
    subject: AchievementSubject,
    valid_from: datetime,
    valid_until: datetime | None = None,
    name: str,
    description: str,
    image: Image | None = None,
    evidence: Sequence[Evidence] = (),
    credential_status: Mapping[str, object] | Sequence[Mapping[str, object]] | None = None,
    awarded_date: datetime | None = None,
) -> dict[str, object]:
    """Build an unsigned OB 3.0 OpenBadgeCredential as a fresh JSON object (SPEC-NOTES §1).

    Datetimes must be timezone-aware; they are emitted in UTC as `YYYY-MM-DDTHH:MM:SSZ`,
    microseconds truncated. Raises InvalidDocumentError (InvalidDateTimeError for naive or
    inconsistent timestamps).
    """
    credential = AchievementCredential(
        id=credential_id,
        name=name,
        description=description,
        image=image,
        issuer=issuer,
        valid_from=valid_from,
        valid_until=valid_until,
        awarded_date=awarded_date,
        credential_subject=subject,
        evidence=tuple(evidence),
        credential_status=(credential_status
                           if credential_status is None or isinstance(credential_status, Mapping)
                           else tuple(credential_status)),
    )
    return {"@context": list(CREDENTIAL_CONTEXT), **serialize(credential)}


# --- the serialiser ------------------------------------------------------------------------


def serialize(node: DataclassInstance) -> dict[str, object]:
    """Turn a model value object into its OB 3.0 JSON object (no `@context`).

    `id` comes first, then `type` (from the class's `TYPE`: a tuple becomes an array, a string
    stays a string), then the fields in declaration order, camelCased. None and empty
    tuples are omitted; tuples become arrays even with one item; datetimes become
    `YYYY-MM-DDTHH:MM:SSZ`; integral numbers become JSON integers.
    """
    document: dict[str, object] = {}
    node_id = getattr(node, "id", None)
    if node_id is not None:
        document["id"] = node_id
    node_type: str | tuple[str, ...] | None = getattr(type(node), "TYPE", None)
    if node_type is not None:
        document["type"] = node_type if isinstance(node_type, str) else list(node_type)
    for field in fields(node):
        value = getattr(node, field.name)
        if field.name == "id" or value is None or value == ():
            continue
        document[_camel_case(field.name)] = _to_json(value)
    return document


def _camel_case(name: str) -> str:
    """`credential_subject` -> `credentialSubject`: the only snake_case -> camelCase mapping."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _to_json(value: object) -> object:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, str | bool):
        return value
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, int | float | Decimal):
        return _number(value)
    if isinstance(value, tuple):
        return [_to_json(item) for item in value]
    if isinstance(value, Mapping):
        return _copy_json(value, "value")
    if is_dataclass(value) and not isinstance(value, type):
        return serialize(value)
    raise TypeError(f"cannot serialise {type(value).__name__} into OB JSON")


def _number(value: int | float | Decimal) -> int | float:
    """An integral number becomes a JSON integer, anything else a JSON number (a double).

    Why: JavaScript has no `3.0`; a JS issuer, wallet or verifier that re-serialises the
    credential writes `3`. Emitting `3` makes our JSON text what the JS stack produces, so
    stored bytes survive a round-trip unchanged. (Canonical N-Quads agree either way: with the
    OB context's xsd:float typing, pyld 3.3 and jsonld.js both give `"3"`, and `"2.5E0"` for
    2.5 — measured, so the signature does not depend on this choice.)
    """
    if isinstance(value, int):
        return value
    if value == int(value):
        return int(value)
    return float(value)


def _copy_json(value: object, where: str) -> object:
    """Deep-copy caller-supplied JSON, checking strings; lists and tuples become lists.

    Raises InvalidDocumentError for values that are not JSON (or not finite numbers).
    """
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        check_text(value, where)
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidDocumentError(f"{where} is not a finite number")
        return value
    if isinstance(value, Mapping):
        copied: dict[str, object] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidDocumentError(f"{where} has a non-string key {key!r}")
            check_text(key, where)
            copied[key] = _copy_json(item, f"{where}.{key}")
        return copied
    if isinstance(value, list | tuple):
        return [_copy_json(item, f"{where}[{index}]") for index, item in enumerate(value)]
    raise InvalidDocumentError(f"{where} holds a {type(value).__name__}, which is not JSON")
