"""W3C Bitstring Status List v1.0 documents: a credential's status entry (§2.1) and the
unsigned status list credential (§2.2). The bits are encoded by `badges.status_list`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Final

from badges.datatypes import format_datetime
from badges.document_loader import VC_V2
from badges.status_list import encode_status_list

__all__ = [
    "STATUS_ENTRY_TYPE",
    "STATUS_LIST_CREDENTIAL_TYPE",
    "StatusPurpose",
    "build_status_entry",
    "build_status_list_credential",
]

STATUS_ENTRY_TYPE: Final = "BitstringStatusListEntry"
STATUS_LIST_CREDENTIAL_TYPE: Final = "BitstringStatusListCredential"


class StatusPurpose(StrEnum):
    """What a set bit means (§2.1 statusPurpose; `message` is not issued here)."""

    REVOCATION = "revocation"
    SUSPENSION = "suspension"


def build_status_entry(*, list_url: str, index: int,
                       purpose: StatusPurpose) -> dict[str, str]:
    """The `credentialStatus` entry pointing at bit `index` of the list at `list_url`;
    `statusListIndex` is a decimal string, as §2.1 requires."""
    return {
        "id": f"{list_url}#{index}",
        "type": STATUS_ENTRY_TYPE,
        "statusPurpose": purpose.value,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def build_status_list_credential(*, list_url: str, issuer_id: str, purpose: StatusPurpose,
                                 bits: bytes, valid_from: datetime,
                                 valid_until: datetime) -> dict[str, object]:
    """The unsigned BitstringStatusListCredential published at `list_url`.

    Raises StatusListError (fewer than 131,072 entries), InvalidDateTimeError (naive dates).
    """
    return {
        "@context": [VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", STATUS_LIST_CREDENTIAL_TYPE],
        "issuer": issuer_id,
        "validFrom": format_datetime(valid_from),
        "validUntil": format_datetime(valid_until),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose.value,
            "encodedList": encode_status_list(bits),
        },
    }
