"""The pages in a real headless Chromium: the badge page's live status before and after
revocation, its QR code decoded by a real QR decoder (ZXing) from what the browser shows,
the downloaded baked PNG and SVG uploaded to /verify (and a tampered one), the same without
JavaScript, hostile text that stays inert, hiding the page. Each page is screenshotted into
the artefacts folder."""

from __future__ import annotations

import base64
import io
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from badges.baking import bake, read_baked
from badges.data_integrity import add_proof
from keys.key_pair import KeyPair
from tests.browser.conftest import LiveService
from tests.issuer.api_setup import Tenant, create_achievement, create_tenant, operator_token

HOSTILE = '<script>alert("name")</script> "Quoted" & \'single\''


@pytest.fixture(scope="module")
def tenant(live: LiveService) -> Tenant:
    client = live.client()
    return create_tenant(client, operator_token(live.app, client), "alpha",
                         url="https://alpha.example.org")


def _award(live: LiveService, tenant: Tenant, **achievement: Any) -> dict[str, Any]:
    client = live.client()
    created = create_achievement(client, tenant, **achievement)
    response = client.post("/api/v1/credentials", headers=tenant.headers, json={
        "achievement": created["id"],
        "learner": {"email": "ada@example.org", "name": "Ada Lovelace"}})
    assert response.status_code == 201, response.get_data(as_text=True)
    view: dict[str, Any] = response.get_json()
    assert view["pageUrl"].startswith(live.origin + "/badges/")
    return view


def _shot(driver: webdriver.Chrome, artefacts: Path, name: str) -> None:
    """A screenshot of the whole page, not only of the window."""
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"],
                 "scale": 1}})
    (artefacts / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


def _verdict(driver: webdriver.Chrome) -> str:
    """The verdict of the page (waiting for the page a form submission opens)."""
    return str(_element(driver, "verdict-title").text)


def _element(driver: webdriver.Chrome, element_id: str) -> Any:
    return WebDriverWait(driver, 20).until(
        expected_conditions.presence_of_element_located((By.ID, element_id)))


def _download(driver: webdriver.Chrome, live: LiveService, link_id: str) -> Path:
    """Click a download link and wait for the finished file in the download folder."""
    before = set(live.downloads.iterdir())
    driver.find_element(By.ID, link_id).click()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        done = [path for path in set(live.downloads.iterdir()) - before
                if not path.name.endswith((".crdownload", ".tmp"))
                and not path.name.startswith(".")]
        if done:
            return done[0]
        time.sleep(0.05)
    raise AssertionError(f"{link_id}: no download")


def _upload(driver: webdriver.Chrome, live: LiveService, path: Path) -> None:
    driver.get(live.origin + "/verify")
    driver.find_element(By.ID, "file").send_keys(str(path))
    driver.find_element(By.ID, "verify-button").click()


def _failed_checks(driver: webdriver.Chrome) -> list[str]:
    return [row.get_attribute("data-check") or "" for row in
            driver.find_elements(By.CSS_SELECTOR, "#checks tr.check-failed")]


def _no_csp_violations(driver: webdriver.Chrome) -> None:
    logs = driver.get_log("browser")  # type: ignore[no-untyped-call]
    messages = [entry["message"] for entry in logs]
    assert not [message for message in messages if "Content Security Policy" in message], \
        messages


def test_the_status_follows_revocation(browser: webdriver.Chrome, live: LiveService,
                                       tenant: Tenant, artefacts: Path) -> None:
    view = _award(live, tenant, validityDays=365)
    browser.get(view["pageUrl"])
    assert _verdict(browser) == "Verified"
    assert browser.find_element(By.TAG_NAME, "h1").text == "High-voltage battery safety"
    assert browser.find_element(By.CSS_SELECTOR, "button.copy").is_displayed()  # with JS
    _shot(browser, artefacts, "badge-page")
    _no_csp_violations(browser)
    uuid = view["id"].removeprefix("urn:uuid:")
    revoked = live.client().post(f"/api/v1/credentials/{uuid}/revoke",
                                 headers=tenant.headers, json={"reason": "issued in error"})
    assert revoked.status_code == 200
    browser.refresh()
    assert _verdict(browser) == "Revoked"
    assert "issued in error" not in browser.page_source
    _shot(browser, artefacts, "badge-page-revoked")


def test_the_qr_code_decodes_to_the_page_url(browser: webdriver.Chrome, live: LiveService,
                                             tenant: Tenant, artefacts: Path) -> None:
    view = _award(live, tenant)
    browser.get(view["pageUrl"])
    code = browser.find_element(By.ID, "qr-code")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", code)
    shown = code.screenshot_as_png
    (artefacts / "qr-code-as-shown.png").write_bytes(shown)
    with Image.open(io.BytesIO(shown)) as image:
        assert [code.text for code in zxingcpp.read_barcodes(image)] == [view["pageUrl"]]
    # The SVG QR code, rendered by the browser.
    browser.get(view["pageUrl"] + "/qr.svg")
    rendered = browser.get_screenshot_as_png()
    with Image.open(io.BytesIO(rendered)) as image:
        assert [code.text for code in zxingcpp.read_barcodes(image)] == [view["pageUrl"]]


@pytest.mark.parametrize(("link", "extension"), [("download-png", ".png"),
                                                 ("download-svg", ".svg")])
def test_the_downloaded_baked_badge_verifies(browser: webdriver.Chrome, live: LiveService,
                                             tenant: Tenant, artefacts: Path, link: str,
                                             extension: str) -> None:
    view = _award(live, tenant)
    browser.get(view["pageUrl"])
    downloaded = _download(browser, live, link)
    assert downloaded.suffix == extension
    stored = live.client().get(view["documentUrl"].removeprefix(live.origin),
                               headers=tenant.headers).get_data(as_text=True)
    assert read_baked(downloaded.read_bytes()) == stored
    _upload(browser, live, downloaded)
    assert _verdict(browser) == "Verified"
    assert _failed_checks(browser) == []
    _shot(browser, artefacts, f"verify-baked{extension.replace('.', '-')}")

    credential = json.loads(stored)
    credential["credentialSubject"]["achievement"]["name"] = "Master technician"
    tampered = downloaded.with_name("tampered" + extension)
    tampered.write_bytes(bake(downloaded.read_bytes(), json.dumps(credential)))
    _upload(browser, live, tampered)
    assert _verdict(browser) == "Not verified"
    assert _failed_checks(browser) == ["proof"]
    assert "Signature" in browser.find_element(
        By.CSS_SELECTOR, "#checks tr.check-failed").text
    _shot(browser, artefacts, f"verify-tampered{extension.replace('.', '-')}")


def test_the_verification_page_works_without_javascript(
        browser_without_js: webdriver.Chrome, live: LiveService, tenant: Tenant,
        artefacts: Path) -> None:
    view = _award(live, tenant)
    driver = browser_without_js
    driver.get(view["pageUrl"])
    assert _verdict(driver) == "Verified"
    assert not driver.find_element(By.CSS_SELECTOR, "button.copy").is_displayed()
    assert driver.find_element(By.ID, "page-link").get_attribute("value") == view["pageUrl"]
    driver.get(live.origin + "/verify")
    _shot(driver, artefacts, "verify-form")
    stored = live.client().get(view["documentUrl"].removeprefix(live.origin),
                               headers=tenant.headers).get_data(as_text=True)
    # Paste: set the textarea's value without typing 2 kB of keystrokes.
    area = driver.find_element(By.ID, "credential")
    driver.execute_cdp_cmd("Runtime.evaluate", {
        "expression": f"document.getElementById('credential').value = {json.dumps(stored)}"})
    assert area.get_attribute("value") == stored
    driver.find_element(By.ID, "verify-button").click()
    assert _verdict(driver) == "Verified"
    _shot(driver, artefacts, "verify-pasted")
    driver.get(live.origin + "/verify")
    driver.find_element(By.ID, "url").send_keys(view["pageUrl"])
    driver.find_element(By.ID, "verify-button").click()
    assert _verdict(driver) == "Verified"
    driver.get(live.origin + "/verify")
    driver.find_element(By.ID, "verify-button").click()
    assert "Paste a credential, choose a file or enter a URL." in _element(
        driver, "form-error").text
    _shot(driver, artefacts, "verify-empty-form")


def test_hostile_text_stays_inert(browser: webdriver.Chrome, live: LiveService,
                                  tenant: Tenant, artefacts: Path) -> None:
    view = _award(live, tenant, name=HOSTILE,
                  description='"><img src=x onerror="alert(2)"><script>alert(3)</script>')
    for url in (view["pageUrl"], view["manageUrl"]):
        browser.get(url)
        with pytest.raises(NoAlertPresentException):
            browser.switch_to.alert.text  # noqa: B018 (raises when no alert opened)
    browser.get(view["pageUrl"])
    assert browser.find_element(By.TAG_NAME, "h1").text == HOSTILE
    assert browser.find_elements(By.CSS_SELECTOR, "main script, main img[src=x]") == []
    _shot(browser, artefacts, "badge-page-hostile-text")
    browser.get(live.origin + "/verify")
    stored = live.client().get(view["pageUrl"].removeprefix(live.origin),
                               headers={"Accept": "application/vc+ld+json"})
    path = live.downloads / "hostile.json"
    path.write_bytes(stored.get_data())
    _upload(browser, live, path)
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    assert _verdict(browser) == "Verified"
    _no_csp_violations(browser)


def test_the_learner_hides_and_shows_the_page(browser: webdriver.Chrome, live: LiveService,
                                              tenant: Tenant, artefacts: Path) -> None:
    view = _award(live, tenant)
    browser.get(view["manageUrl"])
    _shot(browser, artefacts, "manage-page")
    browser.find_element(By.ID, "hide").click()
    _element(browser, "show")
    assert "Hidden" in browser.find_element(By.ID, "visibility").text
    browser.get(view["pageUrl"])
    assert "There is no badge page at this address" in browser.page_source
    _shot(browser, artefacts, "badge-page-hidden")
    browser.get(view["manageUrl"])
    browser.find_element(By.ID, "show").click()
    _element(browser, "hide")
    browser.get(view["pageUrl"])
    assert _verdict(browser) == "Verified"


def test_small_screens(browser: webdriver.Chrome, live: LiveService, tenant: Tenant,
                       artefacts: Path) -> None:
    view = _award(live, tenant)
    browser.set_window_size(390, 844)
    try:
        browser.get(view["pageUrl"])
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390  # nothing scrolls sideways
        _shot(browser, artefacts, "badge-page-phone")
        browser.get(live.origin + "/verify")
        _shot(browser, artefacts, "verify-form-phone")
        report = live.downloads / "phone.json"
        report.write_bytes(live.client().get(view["pageUrl"] + "/credential.json").get_data())
        _upload(browser, live, report)  # a long report
        assert _verdict(browser) == "Verified"
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
        _shot(browser, artefacts, "verify-report-phone")
    finally:
        browser.set_window_size(1280, 1100)


def _resigned(stored: str, **issuer: str) -> str:
    """The credential re-signed by a fresh did:key that calls itself `issuer` (no status)."""
    key = KeyPair.generate()
    credential = json.loads(stored)
    del credential["proof"], credential["credentialStatus"]
    credential["issuer"] = {**credential["issuer"], "id": key.did_key, **issuer}
    method = f"{key.did_key}#{key.public_key_multibase}"
    return json.dumps(add_proof(credential, key, verification_method=method,
                                created=datetime.now(UTC)))


def _verify_pasted(driver: webdriver.Chrome, live: LiveService, text: str,
                   email: str = "") -> None:
    driver.get(live.origin + "/verify")
    driver.execute_cdp_cmd("Runtime.evaluate", {
        "expression": f"document.getElementById('credential').value = {json.dumps(text)}"})
    if email:
        driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "verify-button").click()


def _colour(driver: webdriver.Chrome) -> str:
    """The verdict's colour class, and that its border is drawn in that colour."""
    verdict = _element(driver, "verdict")
    colour = next(name for name in ("green", "amber", "red")
                  if f"verdict-{name}" in (verdict.get_attribute("class") or ""))
    drawn = verdict.value_of_css_property("border-left-color")
    assert drawn == {"green": "rgba(20, 108, 46, 1)", "amber": "rgba(122, 75, 0, 1)",
                     "red": "rgba(164, 22, 26, 1)"}[colour], drawn
    return colour


def test_three_colours_and_the_learner_first(browser: webdriver.Chrome, live: LiveService,
                                             tenant: Tenant, artefacts: Path) -> None:
    view = _award(live, tenant)
    stored = live.client().get(view["documentUrl"].removeprefix(live.origin),
                               headers=tenant.headers).get_data(as_text=True)
    browser.get(view["pageUrl"])
    assert (_verdict(browser), _colour(browser)) == ("Verified", "green")
    assert "Confirmed by" in browser.find_element(By.ID, "issuer").text

    _verify_pasted(browser, live, stored)
    assert (_verdict(browser), _colour(browser)) == ("Verified", "green")
    _shot(browser, artefacts, "verify-green")

    # A badge of an issuer nobody vouches for: authentic, but who issued it is unconfirmed.
    _verify_pasted(browser, live, _resigned(stored, name="Unknown Training Ltd",
                                            url="https://unknown.example"))
    assert (_verdict(browser), _colour(browser)) == ("Authentic, issuer not confirmed",
                                                     "amber")
    assert "As stated in the credential" in browser.find_element(By.ID, "issuer").text
    _shot(browser, artefacts, "verify-amber")

    # The genuine provider's name and address, re-signed by someone else: a forgery.
    _verify_pasted(browser, live, _resigned(stored))
    assert (_verdict(browser), _colour(browser)) == ("Not verified: impersonation", "red")
    assert _failed_checks(browser) == ["registry"]
    _shot(browser, artefacts, "verify-red-impersonation")

    # The genuine badge, but not the learner the employer asked about: said first.
    _verify_pasted(browser, live, stored, email="someone.else@example.org")
    assert (_verdict(browser), _colour(browser)) == ("Not awarded to this person", "red")
    _shot(browser, artefacts, "verify-red-not-the-learner")
    browser.set_window_size(390, 900)
    try:
        browser.get(view["pageUrl"])
        assert _colour(browser) == "green"
        _shot(browser, artefacts, "badge-page-phone-green")
    finally:
        browser.set_window_size(1280, 1100)
