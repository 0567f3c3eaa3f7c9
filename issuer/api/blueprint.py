"""The `api` blueprint: every provider API route is registered on it, under /api/v1."""

from __future__ import annotations

import uuid
from typing import Final

from flask import Blueprint
from flask.blueprints import BlueprintSetupState
from werkzeug.routing import UUIDConverter

from issuer.platform.urls import API_PREFIX

__all__ = ["CredentialIdConverter", "api"]

_URN_UUID: Final = "(?:[uU][rR][nN]:[uU][uU][iI][dD]:)?"


class CredentialIdConverter(UUIDConverter):
    """`<credential:…>`: a credential's id as it appears in the credential,
    `urn:uuid:<uuid>` (URL-encoded or not: the path arrives decoded), or the uuid alone;
    the route gets the uuid."""

    regex = _URN_UUID + UUIDConverter.regex

    def to_python(self, value: str) -> uuid.UUID:
        return uuid.UUID(value.rpartition(":")[2])


api = Blueprint("api", __name__, url_prefix=API_PREFIX)


def _add_converters(state: BlueprintSetupState) -> None:
    # Recorded before any route: the converter must be known when the rules are added.
    state.app.url_map.converters["credential"] = CredentialIdConverter


api.record_once(_add_converters)
