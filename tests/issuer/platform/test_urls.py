"""The URL table: every shape it mints, and parsing back only what it minted."""

from __future__ import annotations

import pytest

from issuer.platform import urls

BASE = "https://badges.test"


def test_every_shape() -> None:
    assert urls.profile_url(BASE, "alpha") == "https://badges.test/issuers/alpha"
    assert urls.did_document_url(BASE, "alpha") == "https://badges.test/issuers/alpha/did.json"
    assert urls.issuer_jwks_url(BASE, "alpha") == "https://badges.test/issuers/alpha/jwks.json"
    assert urls.status_list_url(BASE, "alpha", "l1") == (
        "https://badges.test/issuers/alpha/status/l1")
    assert urls.achievement_url(BASE, "a1") == "https://badges.test/achievements/a1"
    assert urls.grade_id(BASE, "a1") == "https://badges.test/achievements/a1#grade"
    assert urls.image_url(BASE, "i1") == "https://badges.test/images/i1"
    assert urls.page_url(BASE, "tok") == "https://badges.test/badges/tok"
    assert urls.manage_url(BASE, "tok", "sec") == "https://badges.test/badges/tok/manage/sec"
    assert urls.competence_url(BASE, "asa", "1.0", "C1") == (
        "https://badges.test/frameworks/asa/1.0/competences/C1")
    assert urls.job_role_url(BASE, "asa", "1.0", "R1") == (
        "https://badges.test/frameworks/asa/1.0/job-roles/R1")
    assert urls.vocabulary_url(BASE, "eqf") == "https://badges.test/vocabularies/eqf"
    assert urls.api_credential_path("urn:uuid:0b4c") == "/api/v1/credentials/0b4c"
    assert urls.api_pathway_url(BASE, "p1") == "https://badges.test/api/v1/pathways/p1"
    assert urls.problem_type_url(BASE, "not_found") == "https://badges.test/problems/not_found"


@pytest.mark.parametrize(("url", "public_id"), [
    ("https://badges.test/achievements/a1", "a1"),
    ("https://other.test/achievements/a1", None),
    ("https://badges.test/images/a1", None),
    ("a1", None),
])
def test_an_achievement_url_parses_back_only_on_this_origin(url: str,
                                                            public_id: str | None) -> None:
    assert urls.parse_achievement_url(BASE, url) == public_id


def test_an_image_url_parses_back() -> None:
    assert urls.parse_image_url(BASE, urls.image_url(BASE, "i1")) == "i1"
    assert urls.parse_image_url(BASE, urls.achievement_url(BASE, "i1")) is None
