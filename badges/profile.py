"""OB 3.0 Profile (issuer, creator) and its parts: Image, Address, GeoCoordinates, IdentifierEntry.

Value objects only: they validate themselves on construction (OB 3.0 §B.1 data model) and
are turned into JSON by `badges.credential.serialize`. Each class names its JSON-LD `type`
in `TYPE`: a tuple is emitted as an array, a string as a string (as the OB schema wants).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from badges.datatypes import check_node, check_non_empty, check_uri, check_vocabulary
from badges.errors import InvalidDocumentError
from badges.vocabulary import IdentifierType

__all__ = ["Address", "GeoCoordinates", "IdentifierEntry", "Image", "Profile"]

_COUNTRY_CODE = re.compile(r"[A-Z]{2}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class Image:
    """OB 3.0 Image: always an object `{id, type: "Image", caption?}` (never a bare URI)."""

    TYPE: ClassVar[str] = "Image"

    id: str
    caption: str | None = None

    def __post_init__(self) -> None:
        check_node(self)
        check_uri(self.id, "Image.id")


@dataclass(frozen=True, slots=True, kw_only=True)
class GeoCoordinates:
    """OB 3.0 GeoCoordinates (WGS 84 degrees)."""

    TYPE: ClassVar[str] = "GeoCoordinates"

    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        check_node(self)
        if not -90 <= self.latitude <= 90 or not -180 <= self.longitude <= 180:
            raise InvalidDocumentError("GeoCoordinates are out of range")


@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    """OB 3.0 Address (schema.org PostalAddress terms); at least one part must be given."""

    TYPE: ClassVar[tuple[str, ...]] = ("Address",)

    address_country: str | None = None
    address_country_code: str | None = None
    address_region: str | None = None
    address_locality: str | None = None
    street_address: str | None = None
    post_office_box_number: str | None = None
    postal_code: str | None = None
    geo: GeoCoordinates | None = None

    def __post_init__(self) -> None:
        check_node(self)
        parts = (
            self.address_country,
            self.address_country_code,
            self.address_region,
            self.address_locality,
            self.street_address,
            self.post_office_box_number,
            self.postal_code,
            self.geo,
        )
        if all(part is None for part in parts):
            raise InvalidDocumentError("Address needs at least one part")
        code = self.address_country_code
        if code is not None and _COUNTRY_CODE.fullmatch(code) is None:
            raise InvalidDocumentError(
                f"Address.address_country_code must be ISO 3166-1 alpha-2 (e.g. 'DE'), "
                f"got {code!r}",
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentifierEntry:
    """OB 3.0 IdentifierEntry: another identifier of a Profile or Achievement."""

    TYPE: ClassVar[str] = "IdentifierEntry"

    identifier: str
    identifier_type: IdentifierType | str

    def __post_init__(self) -> None:
        check_node(self)
        check_non_empty(self.identifier, "IdentifierEntry.identifier")
        object.__setattr__(
            self,
            "identifier_type",
            check_vocabulary(
                self.identifier_type, IdentifierType, "IdentifierEntry.identifier_type"
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    """OB 3.0 Profile of an organisation or person (issuer, achievement creator).

    `name` is required here although optional in OB 3.0: displayers and the 1EdTech
    validator expect a named issuer.
    """

    TYPE: ClassVar[tuple[str, ...]] = ("Profile",)

    id: str
    name: str
    url: str | None = None
    phone: str | None = None
    description: str | None = None
    image: Image | None = None
    email: str | None = None
    address: Address | None = None
    other_identifier: tuple[IdentifierEntry, ...] = ()
    official: str | None = None
    parent_org: Profile | None = None

    def __post_init__(self) -> None:
        check_node(self)
        check_uri(self.id, "Profile.id")
        check_non_empty(self.name, "Profile.name")
        if self.url is not None:
            check_uri(self.url, "Profile.url")
        if self.email is not None and _EMAIL.fullmatch(self.email) is None:
            raise InvalidDocumentError(f"Profile.email is not an email address: {self.email!r}")
