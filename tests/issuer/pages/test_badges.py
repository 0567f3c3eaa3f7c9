"""The learner's badge page at its capability link: what it shows, the exact credential by
content negotiation, the downloads (JSON, baked PNG and SVG), QR codes, the LinkedIn link,
hiding the page, the live status, escaping and the security headers. Runs on SQLite and
PostgreSQL."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from typing import Any, Final
from urllib.parse import parse_qsl, urlsplit

import pytest
import zxingcpp
from flask.testing import FlaskClient
from PIL import Image

from badges.baking import read_png, read_svg
from issuer.awards.sharing import SHARE_TOKEN_BYTES
from issuer.microbadges.images import default_emblem
from tests.issuer.api_setup import (
    MakeTenant,
    Tenant,
    assert_problem,
    award,
    create_achievement,
    png,
)
from tests.issuer.support import BASE_URL, ServiceFetcher, TestClock, json_of
from verifier.verify import VerifierOptions, verify_credential

HOSTILE: Final = '<script>alert("name")</script> & \'quotes\' "double"'
HOSTILE_DESCRIPTION: Final = '"><script>alert(1)</script><img src=x onerror="alert(2)">'
SKILL: Final = {"framework": "asa-skills", "version": "2026.1",
                "competence": "PASS-KC-TEAMWORK", "level": "practitioner"}
ELEMENTS: Final[dict[str, Any]] = {
    "achievementType": "MicroCredential", "creditsAvailable": 2,
    "learningOutcomes": ["Isolates a high-voltage system."], "eqfLevel": 5,
    "assessment": "practical-test", "participation": "onsite",
    "qualityAssurance": "accredited", "supervision": "supervised-id",
}


@pytest.fixture
def tenant(make_tenant: MakeTenant) -> Tenant:
    return make_tenant(framework=True, url="https://alpha.example.org", address={
        "addressCountry": "Austria", "addressCountryCode": "AT"})


def _path(url: str) -> str:
    assert url.startswith(BASE_URL + "/")
    return url.removeprefix(BASE_URL)


def _html(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers={"Accept": "text/html,application/xhtml+xml,"
                                                   "application/xml;q=0.9,*/*;q=0.8"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parsed(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def _meta(html: str) -> dict[str, str]:
    return {attrs.get("property") or attrs.get("name") or "": attrs.get("content") or ""
            for tag, attrs in _parsed(html).tags if tag == "meta" and "content" in attrs}


def _assert_inert(html: str) -> None:
    """No script but the service's own file, no event handler, no javascript: URL."""
    for tag, attrs in _parsed(html).tags:
        if tag == "script":
            assert attrs.get("src") == "/static/copy.js", attrs
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src", "action"):
            assert not (attrs.get(name) or "").lower().startswith("javascript:"), attrs
    assert "<script>alert" not in html
    assert "<img src=x" not in html


def _full_award(client: FlaskClient, tenant: Tenant, **extra: Any) -> dict[str, Any]:
    achievement = create_achievement(client, tenant, **ELEMENTS, skills=[SKILL],
                                     validityDays=365, **extra)
    return _award_named(client, tenant, achievement["id"])


def _award_named(client: FlaskClient, tenant: Tenant, achievement_id: str) -> dict[str, Any]:
    response = client.post("/api/v1/credentials", headers=tenant.headers, json={
        "achievement": achievement_id,
        "learner": {"email": "ada@example.org", "name": "Ada Lovelace"}})
    assert response.status_code == 201, response.get_data(as_text=True)
    view: dict[str, Any] = json_of(response)
    return view


def test_an_award_comes_with_a_capability_link_and_a_management_link(
        client: FlaskClient, tenant: Tenant) -> None:
    view = award(client, tenant, create_achievement(client, tenant)["id"])
    token = _path(view["pageUrl"]).removeprefix("/badges/")
    assert re.fullmatch(r"[A-Za-z0-9_-]{27}", token)  # 160 random bits
    assert SHARE_TOKEN_BYTES * 8 >= 128
    assert view["manageUrl"].startswith(view["pageUrl"] + "/manage/")
    assert view["pageHidden"] is False
    # The provider reads the same links later; another award has other ones.
    again = json_of(client.get(_path(view["pageUrl"]).replace(
        f"/badges/{token}", f"/api/v1/credentials/{view['id'].removeprefix('urn:uuid:')}"),
        headers=tenant.headers))
    assert (again["pageUrl"], again["manageUrl"]) == (view["pageUrl"], view["manageUrl"])
    other = award(client, tenant, create_achievement(client, tenant)["id"])
    assert other["pageUrl"] != view["pageUrl"]
    assert other["manageUrl"].rsplit("/", 1)[1] != view["manageUrl"].rsplit("/", 1)[1]


def test_the_page_shows_the_badge_its_skills_elements_dates_and_status(
        client: FlaskClient, tenant: Tenant) -> None:
    view = _full_award(client, tenant)
    html = _html(client, _path(view["pageUrl"]))
    text = " ".join(" ".join(_parsed(html).text).split())
    assert 'class="verdict verdict-verified verdict-green"' in html
    assert "Verified" in text
    assert "High-voltage battery safety" in text
    assert "Works safely on high-voltage traction batteries." in text
    assert "Ada Lovelace" in text
    assert "Issued on 2 March 2026" in text
    assert "Expires 2 March 2027" in text
    links = {attrs.get("href"): attrs for tag, attrs in _parsed(html).tags if tag == "a"}
    assert "/issuers/alpha" in links  # the issuer, with a link to its page
    assert f"{BASE_URL}/frameworks/asa-skills/2026.1/competences/PASS-KC-TEAMWORK" in links
    assert "http://data.europa.eu/snb/eqf/5" in links
    # The competence's ESCO skills are shown with it, not as skills of their own.
    esco = "http://data.europa.eu/esco/skill/326809fc-238d-40c2-881e-40042f7f2f0d"
    assert esco in links
    assert "ESCO: skill 1" in text
    assert html.count('<tr><td><a href="') == 1  # one skill row
    for element in ("EQF level", "Workload", "Notional workload: 2 ECTS credits",
                    "Type of assessment", "Form of participation", "Type Micro-credential",
                    "Isolates a high-voltage system."):
        assert element in text, element
    token = _path(view["pageUrl"]).removeprefix("/badges/")
    for target in ("credential.json", "badge.png?download=1", "badge.svg?download=1",
                   "qr.png?download=1", "qr.svg?download=1"):
        assert f"/badges/{token}/{target}" in links, target
    images = {attrs.get("id"): attrs for tag, attrs in _parsed(html).tags if tag == "img"}
    assert images["qr-code"]["alt"]
    assert all(attrs.get("alt") for attrs in images.values())


def test_open_graph_and_twitter_tags_preview_the_link(client: FlaskClient,
                                                     tenant: Tenant) -> None:
    view = _full_award(client, tenant)
    meta = _meta(_html(client, _path(view["pageUrl"])))
    assert meta["og:title"] == "High-voltage battery safety · Alpha Academy"
    assert meta["og:description"] == "Works safely on high-voltage traction batteries."
    assert meta["og:url"] == view["pageUrl"]
    assert meta["og:image"] == view["pageUrl"] + "/badge.png"
    assert meta["og:type"] == "website"
    assert meta["twitter:card"] == "summary"
    assert meta["twitter:title"] == "High-voltage battery safety"
    assert meta["twitter:image"] == view["pageUrl"] + "/badge.png"
    assert meta["robots"] == "noindex"


@pytest.mark.parametrize("media_type", ["application/vc+ld+json", "application/ld+json",
                                        "application/json"])
def test_content_negotiation_returns_the_exact_signed_credential(
        client: FlaskClient, tenant: Tenant, media_type: str) -> None:
    view = award(client, tenant, create_achievement(client, tenant)["id"])
    stored = client.get(_path(view["documentUrl"]), headers=tenant.headers).get_data()
    response = client.get(_path(view["pageUrl"]), headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.get_data() == stored
    assert response.headers["Vary"] == "Accept"
    # A browser's Accept gets the page; so does no preference at all.
    assert client.get(_path(view["pageUrl"])).mimetype == "text/html"


def test_downloads_carry_the_credential(client: FlaskClient, tenant: Tenant) -> None:
    view = award(client, tenant, create_achievement(client, tenant)["id"])
    stored = client.get(_path(view["documentUrl"]), headers=tenant.headers).get_data()
    page = _path(view["pageUrl"])
    file = client.get(page + "/credential.json")
    assert file.get_data() == stored
    assert file.headers["Content-Disposition"] == (
        'attachment; filename="High-voltage-battery-safety.json"')
    baked_png = client.get(page + "/badge.png?download=1")
    assert baked_png.mimetype == "image/png"
    assert baked_png.headers["Content-Disposition"].startswith("attachment;")
    assert read_png(baked_png.get_data()) == stored.decode()
    # Without an image of its own the badge is the default emblem, pixels untouched.
    with Image.open(io.BytesIO(baked_png.get_data())) as baked, \
            Image.open(io.BytesIO(default_emblem())) as emblem:
        assert baked.tobytes() == emblem.tobytes()
    baked_svg = client.get(page + "/badge.svg")
    assert baked_svg.mimetype == "image/svg+xml"
    assert baked_svg.headers["Content-Disposition"].startswith("inline;")
    assert "sandbox" in baked_svg.headers["Content-Security-Policy"]
    assert read_svg(baked_svg.get_data()) == stored.decode()


@pytest.mark.parametrize("media_type", ["image/png", "image/svg+xml"])
def test_the_baked_images_are_the_microbadges_own(client: FlaskClient, tenant: Tenant,
                                                  media_type: str) -> None:
    achievement = create_achievement(client, tenant)
    data = png(6, 4) if media_type == "image/png" else (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
        b'<circle cx="32" cy="32" r="30" fill="#0a5"/></svg>')
    assert client.put(f"/api/v1/achievements/{achievement['id']}/image",
                      headers=tenant.headers, data=data,
                      content_type=media_type).status_code == 200
    view = award(client, tenant, achievement["id"])
    page = _path(view["pageUrl"])
    baked = client.get(page + ("/badge.png" if media_type == "image/png" else "/badge.svg"))
    if media_type == "image/png":
        with Image.open(io.BytesIO(baked.get_data())) as image, \
                Image.open(io.BytesIO(data)) as original:
            assert image.size == (6, 4)
            assert image.tobytes() == original.tobytes()
        # The SVG shows the same PNG.
        assert b"data:image/png;base64," in client.get(page + "/badge.svg").get_data()
    else:
        assert b'<circle cx="32" cy="32" r="30" fill="#0a5"/>' in baked.get_data()
    # A new image for the microbadge: this award keeps the image its credential names.
    assert client.put(f"/api/v1/achievements/{achievement['id']}/image",
                      headers=tenant.headers, data=png(3, 3),
                      content_type="image/png").status_code == 200
    again = client.get(page + ("/badge.png" if media_type == "image/png" else "/badge.svg"))
    assert again.get_data() == baked.get_data()


def test_the_qr_codes_decode_to_the_page_url(client: FlaskClient, tenant: Tenant) -> None:
    view = award(client, tenant, create_achievement(client, tenant)["id"])
    page = _path(view["pageUrl"])
    response = client.get(page + "/qr.png")
    assert response.mimetype == "image/png"
    with Image.open(io.BytesIO(response.get_data())) as image:
        decoded = zxingcpp.read_barcodes(image)
    assert [code.text for code in decoded] == [view["pageUrl"]]
    assert [code.format for code in decoded] == [zxingcpp.BarcodeFormat.QRCode]
    svg = client.get(page + "/qr.svg?download=1")
    assert svg.mimetype == "image/svg+xml"
    assert svg.headers["Content-Disposition"] == 'attachment; filename="badge-qr.svg"'
    assert b"<path" in svg.get_data()


def test_the_linkedin_link_fills_in_the_certification(client: FlaskClient,
                                                      tenant: Tenant) -> None:
    view = _full_award(client, tenant)
    html = _html(client, _path(view["pageUrl"]))
    [link] = [attrs["href"] for tag, attrs in _parsed(html).tags
              if tag == "a" and attrs.get("id") == "linkedin"]
    assert link is not None
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com",
                                                        "/profile/add")
    assert parse_qsl(parts.query, strict_parsing=True) == [
        ("startTask", "CERTIFICATION_NAME"), ("name", "High-voltage battery safety"),
        ("organizationName", "Alpha Academy"), ("issueYear", "2026"), ("issueMonth", "3"),
        ("expirationYear", "2027"), ("expirationMonth", "3"),
        ("certUrl", view["pageUrl"]), ("certId", view["id"])]


def test_hiding_the_page_answers_404_and_the_credential_still_verifies(
        client: FlaskClient, tenant: Tenant, clock: TestClock) -> None:
    view = award(client, tenant, create_achievement(client, tenant)["id"])
    page = _path(view["pageUrl"])
    manage = _path(view["manageUrl"])
    credential = client.get(page + "/credential.json").get_data()
    assert "Shown to anyone with the link" in _html(client, manage)

    hidden = client.post(manage, data={"action": "hide"})
    assert hidden.status_code == 303
    assert "Hidden" in _html(client, hidden.headers["Location"])
    for suffix in ("", "/credential.json", "/badge.png", "/badge.svg", "/qr.png", "/qr.svg"):
        assert_problem(client.get(page + suffix), 404, "not_found")
        assert client.get(page + suffix, headers={"Accept": "text/html"}).mimetype == (
            "text/html")
    assert_problem(client.get(page, headers={"Accept": "application/vc+ld+json"}), 404,
                   "not_found")
    api_view = json_of(client.get(_path(view["id"].replace(
        "urn:uuid:", BASE_URL + "/api/v1/credentials/")), headers=tenant.headers))
    assert api_view["pageHidden"] is True
    report = verify_credential(credential, VerifierOptions(
        clock=clock, fetcher=ServiceFetcher(client), require_issuer=True))
    assert report.verified, report.to_json()

    shown = client.post(manage, data={"action": "show"})
    assert shown.status_code == 303
    assert client.get(page).status_code == 200


def test_the_management_link_is_checked(client: FlaskClient, tenant: Tenant) -> None:
    view = award(client, tenant, create_achievement(client, tenant)["id"])
    manage = _path(view["manageUrl"])
    secret = manage.rsplit("/", 1)[1]
    wrong = manage[: -len(secret)] + ("A" if secret[0] != "A" else "B") + secret[1:]
    assert_problem(client.get(wrong), 404, "not_found")
    assert_problem(client.post(wrong, data={"action": "hide"}), 404, "not_found")
    other = award(client, tenant, create_achievement(client, tenant)["id"])
    assert_problem(client.get(_path(other["pageUrl"]) + "/manage/" + secret), 404,
                   "not_found")
    assert_problem(client.post(manage, data={"action": "delete"}), 422, "invalid_request")
    assert client.get(_path(view["pageUrl"])).status_code == 200


def test_unknown_pages_are_404_pages(client: FlaskClient) -> None:
    for path in ("/badges/" + "A" * 27, "/badges/short", "/badges/" + "A" * 27 + "/qr.png"):
        assert_problem(client.get(path), 404, "not_found")
        page = client.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 404
        assert page.mimetype == "text/html"
        assert "There is no badge page at this address" in page.get_data(as_text=True)
    missing = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert missing.status_code == 404
    assert missing.mimetype == "text/html"
    # The API keeps answering problem details to browsers too.
    assert_problem(client.get("/api/v1/nothing", headers={"Accept": "text/html"}), 404,
                   "not_found")


@pytest.mark.parametrize(("action", "state"), [("revoke", "revoked"),
                                               ("suspend", "suspended")])
def test_the_status_is_live(client: FlaskClient, tenant: Tenant, action: str,
                            state: str) -> None:
    if action == "suspend":
        # (A second status entry fails OB's JSON Schema, so such a badge is not "verified"
        # before either; see the README on suspension.)
        assert client.patch("/api/v1/provider", headers=tenant.headers,
                            json={"suspensionEnabled": True}).status_code == 200
    view = award(client, tenant, create_achievement(client, tenant)["id"])
    page = _path(view["pageUrl"])
    assert ("verdict-verified" if action == "revoke" else "verdict-not-verified") in _html(
        client, page)
    uuid = view["id"].removeprefix("urn:uuid:")
    body = {"reason": "issued in error"} if action == "revoke" else {}
    response = client.post(f"/api/v1/credentials/{uuid}/{action}", headers=tenant.headers,
                           json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    html = _html(client, page)
    assert f"verdict-{state}" in html
    assert f">{state.capitalize()}<" in html
    assert "issued in error" not in html  # the reason stays private
    assert 'id="not-shareable"' in html  # no Add to LinkedIn for a revoked badge
    assert 'id="linkedin"' not in html


def test_an_expired_badge_says_so(client: FlaskClient, tenant: Tenant,
                                  clock: TestClock) -> None:
    view = _full_award(client, tenant)
    clock.advance(days=400)
    assert "verdict-expired" in _html(client, _path(view["pageUrl"]))


def test_a_superseded_badge_points_at_its_replacement(client: FlaskClient,
                                                      tenant: Tenant) -> None:
    view = award(client, tenant, create_achievement(client, tenant)["id"])
    uuid = view["id"].removeprefix("urn:uuid:")
    newer = json_of(client.post(f"/api/v1/credentials/{uuid}/reissue",
                                headers=tenant.headers))
    html = _html(client, _path(view["pageUrl"]))
    assert f'href="{newer["pageUrl"]}"' in html


def test_provider_and_learner_text_is_inert_on_every_page(client: FlaskClient,
                                                          tenant: Tenant) -> None:
    assert client.patch("/api/v1/provider", headers=tenant.headers, json={
        "name": HOSTILE, "description": HOSTILE_DESCRIPTION}).status_code == 200
    achievement = create_achievement(client, tenant, name=HOSTILE,
                                     description=HOSTILE_DESCRIPTION)
    response = client.post("/api/v1/credentials", headers=tenant.headers, json={
        "achievement": achievement["id"],
        "learner": {"email": "ada@example.org", "name": '<script>alert("learner")</script>'}})
    view = json_of(response)
    page = _path(view["pageUrl"])
    html = _html(client, page)
    _assert_inert(html)
    assert "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;" in html
    assert _meta(html)["og:title"].startswith(HOSTILE)  # the text itself, only escaped
    _assert_inert(_html(client, _path(view["manageUrl"])))
    _assert_inert(_html(client, "/issuers/alpha"))
    report = client.post("/verify", data={"credential": client.get(
        page + "/credential.json").get_data(as_text=True)})
    assert report.status_code == 200
    _assert_inert(report.get_data(as_text=True))
    assert 'filename="script-alert-name-script-quotes-double.json"' in client.get(
        page + "/credential.json").headers["Content-Disposition"]


def test_pages_send_the_security_headers(client: FlaskClient, tenant: Tenant) -> None:
    view = award(client, tenant, create_achievement(client, tenant)["id"])
    for path in (_path(view["pageUrl"]), _path(view["manageUrl"]), "/verify", "/",
                 "/frameworks"):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 200, path
        headers = response.headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy
        assert "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert "Referrer-Policy" in headers
    # The capability URLs never leave in a Referer.
    assert client.get(_path(view["pageUrl"])).headers["Referrer-Policy"] == "no-referrer"
    assert client.get(_path(view["manageUrl"])).headers["Referrer-Policy"] == "no-referrer"
    with client.get("/static/style.css") as style:  # a file response: closed after
        assert style.status_code == 200
        assert style.mimetype == "text/css"



def test_the_linkedin_link_names_the_organisation_page_when_known(
        client: FlaskClient, tenant: Tenant) -> None:
    assert client.patch("/api/v1/provider", headers=tenant.headers,
                        json={"linkedinOrganizationId": "2414183"}).status_code == 200
    view = award(client, tenant, create_achievement(client, tenant)["id"])
    html = _html(client, _path(view["pageUrl"]))
    [link] = [attrs["href"] for tag, attrs in _parsed(html).tags
              if tag == "a" and attrs.get("id") == "linkedin"]
    query = dict(parse_qsl(urlsplit(link or "").query))
    assert query["organizationId"] == "2414183"
    assert "organizationName" not in query
    assert "expirationYear" not in query  # the microbadge does not expire


@pytest.mark.parametrize("accept", [
    'application/ld+json; profile="https://www.w3.org/ns/credentials/v2"',
    "application/json; charset=utf-8", "application/*", "application/json;q=0.9, text/html;q=0.5"])
def test_accept_headers_with_parameters_and_ranges(client: FlaskClient, tenant: Tenant,
                                                   accept: str) -> None:
    view = award(client, tenant, create_achievement(client, tenant)["id"])
    response = client.get(_path(view["pageUrl"]), headers={"Accept": accept})
    assert response.mimetype != "text/html", accept
    assert json.loads(response.get_data()) == view["credential"]
    hidden = client.get(_path(view["pageUrl"]) + "x", headers={"Accept": accept})
    assert hidden.mimetype == "application/problem+json"
    assert hidden.headers["Vary"] == "Accept"


def test_the_management_form_posts_to_this_origin_and_https_pages_send_hsts(
        client: FlaskClient, tenant: Tenant) -> None:
    view = award(client, tenant, create_achievement(client, tenant)["id"])
    html = _html(client, _path(view["manageUrl"]))
    [action] = [attrs["action"] for tag, attrs in _parsed(html).tags if tag == "form"]
    assert action == _path(view["manageUrl"])  # relative: form-action 'self' allows it
    response = client.get(_path(view["pageUrl"]))
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert client.get(_path(view["pageUrl"]) + "/credential.json").headers[
        "Access-Control-Allow-Origin"] == "*"


def test_the_provider_renews_a_leaked_management_link(client: FlaskClient,
                                                     tenant: Tenant) -> None:
    view = award(client, tenant, create_achievement(client, tenant)["id"])
    uuid = view["id"].removeprefix("urn:uuid:")
    response = client.post(f"/api/v1/credentials/{uuid}/manage-link", headers=tenant.headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    renewed = json_of(response)
    assert renewed["pageUrl"] == view["pageUrl"]
    assert renewed["manageUrl"] != view["manageUrl"]
    assert_problem(client.get(_path(view["manageUrl"])), 404, "not_found")
    assert_problem(client.post(_path(view["manageUrl"]), data={"action": "hide"}), 404,
                   "not_found")
    assert client.post(_path(renewed["manageUrl"]), data={"action": "hide"}).status_code == 303
    assert json_of(client.get(f"/api/v1/credentials/{uuid}", headers=tenant.headers))[
        "manageUrl"] == renewed["manageUrl"]


def test_the_issuer_link_opens_a_page_for_people(client: FlaskClient, tenant: Tenant) -> None:
    html = _html(client, "/issuers/alpha")
    text = " ".join(" ".join(_parsed(html).text).split())
    assert "Alpha Academy" in text
    assert "Austria" in text
    assert tenant.provider["issuerId"] in text
    links = {attrs.get("href") for tag, attrs in _parsed(html).tags if tag == "a"}
    assert "https://alpha.example.org" in links
    machine = client.get("/issuers/alpha", headers={"Accept": "application/ld+json"})
    assert machine.mimetype == "application/ld+json"
    assert machine.headers["Vary"] == "Accept"
    assert json_of(machine)["name"] == "Alpha Academy"
