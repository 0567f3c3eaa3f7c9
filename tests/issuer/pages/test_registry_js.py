"""The DCC's own registry client (@digitalcredentials/issuer-registry-client, pinned in
tests/interop/js/package.json) reads the known-issuer registry the service publishes: it
fetches /registry.json from the app on a loopback port as a `dcc-legacy` registry, and finds
each provider by the issuer id its credentials carry (did:web, https, did:key), with its
name. Runs on SQLite and PostgreSQL; where Node is missing it is skipped locally, but never
in CI."""

from __future__ import annotations

import os
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.interop.js_reference import js_lookup_issuers, node_available
from tests.issuer.api_setup import create_tenant, operator_token
from tests.issuer.support import BASE_URL

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(not node_available() and not os.environ.get("CI"),
                       reason="Node.js is not installed (CI always runs these)"),
]

REGISTRY_NAME = "microbadges loopback registry"


def test_the_dcc_registry_client_finds_every_provider_by_its_issuer_id(
        app: Flask, client: FlaskClient, server: str) -> None:
    operator = operator_token(app, client)
    providers = [
        create_tenant(client, operator, "asa", name="ASA Academy", identifierMethod="did:web",
                      url="https://asa-academy.example", membership="ASA partner",
                      address={"addressRegion": "Baden-Württemberg",
                               "addressCountry": "Germany"}).provider,
        create_tenant(client, operator, "web", name="Web Trainer",
                      identifierMethod="https").provider,
        create_tenant(client, operator, "key", name="Key Trainer",
                      identifierMethod="did:key").provider,
    ]
    unknown = "did:web:elsewhere.example"
    registry = {"type": "dcc-legacy", "name": REGISTRY_NAME, "url": f"{server}/registry.json"}

    lookups = js_lookup_issuers(registry["url"],
                                [provider["issuerId"] for provider in providers] + [unknown],
                                registry_name=REGISTRY_NAME)

    def found(name: str, url: str, location: str | None = None) -> dict[str, Any]:
        entity = {"organization_name": name, "homepage_uri": url,
                  **({"location": location} if location else {})}
        return {"matchingIssuers": [{
            "issuer": {"federation_entity": entity},
            "registry": {"type": "dcc-legacy",
                         "federation_entity": {"organization_name": REGISTRY_NAME},
                         "institution_additional_information": {
                             "legacy_list": registry["url"]}}}],
            "uncheckedRegistries": []}

    assert lookups == {
        "did:web:badges.test:issuers:asa": found("ASA Academy", "https://asa-academy.example",
                                                 "Baden-Württemberg, Germany"),
        f"{BASE_URL}/issuers/web": found("Web Trainer", f"{BASE_URL}/issuers/web"),
        providers[2]["issuerId"]: found("Key Trainer", f"{BASE_URL}/issuers/key"),
        unknown: {"matchingIssuers": [], "uncheckedRegistries": []},
    }
