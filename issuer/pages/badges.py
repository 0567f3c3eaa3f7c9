"""The learner's page of an award, at its capability link, and what it offers.

    /badges/<token>                     the page (HTML), or the exact signed credential
                                        (Accept: application/vc+ld+json, ld+json or json)
    /badges/<token>/credential.json     the credential, to download
    /badges/<token>/badge.png|.svg      the badge image with the credential baked in
    /badges/<token>/qr.png|.svg         a QR code of the page's URL
    /badges/<token>/manage/<secret>     the learner's private page: hide or show the page

The status shown is the verifier's, computed on every view (status lists come from the
database). While the learner hides the page, every URL of it but the management page
answers 404; the credential itself still verifies wherever it is shown. The page names
its token in the URL, so it sends no Referer to the links it holds.
"""

from __future__ import annotations

import functools
import io
import json
import re
import unicodedata
from collections.abc import Mapping
from typing import Any, Final

import qrcode
import qrcode.constants
from flask import Blueprint, Response, redirect, render_template, request, url_for
from qrcode.image.pure import PyPNGImage
from qrcode.image.svg import SvgPathImage
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from badges.baking import bake_png, bake_svg
from issuer.awards.models import CredentialRecord, CredentialState
from issuer.awards.sharing import (
    find_shared,
    linkedin_url,
    page_url,
    set_page_hidden,
    valid_manage_token,
)
from issuer.microbadges.images import badge_images
from issuer.microbadges.models import ImageRecord
from issuer.platform.urls import parse_image_url
from issuer.providers.models import ProviderRecord
from issuer.web.context import db_session, issuer_context
from issuer.web.problems import ApiProblem
from issuer.web.verification import verifier_options
from verifier.summary import endorsements, summarize
from verifier.verdict import STATUS_WORDS, check_help, check_label, verdict
from verifier.verify import verify_credential
from verifier.web import preferred

__all__ = ["credential_pages"]

credential_pages = Blueprint("credential_pages", __name__, template_folder="templates")

_HTML: Final = "text/html"
_CREDENTIAL_TYPES: Final = ("application/vc+ld+json", "application/ld+json",
                            "application/json")
_PAGE_HEADERS: Final = {
    "Cache-Control": "private, no-cache",
    "Referrer-Policy": "no-referrer",  # the URL is the secret
    "X-Robots-Tag": "noindex",
    "Vary": "Accept",
}


def _not_found() -> ApiProblem:
    return ApiProblem("not_found", "There is no badge page at this address, or its owner "
                      "has hidden it.")


def _shown(token: str) -> CredentialRecord:
    """The award of a page that is not hidden. Raises ApiProblem 404."""
    record = find_shared(db_session(), token)
    if record is None or record.hidden_at is not None:
        raise _not_found()
    return record


def _with_page_headers(response: BaseResponse) -> BaseResponse:
    for name, value in _PAGE_HEADERS.items():
        response.headers[name] = value
    return response


def _file_name(credential: Mapping[str, Any], extension: str) -> str:
    """An ASCII file name from the microbadge name: `Battery-safety.png`."""
    name = credential.get("name") or "badge"
    ascii_name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-")[:60] or "badge"
    return f"{stem}.{extension}"


def _download(body: bytes, mimetype: str, file_name: str, *, attachment: bool) -> BaseResponse:
    response = Response(body, mimetype=mimetype)
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{file_name}"'
    return _with_page_headers(response)


def _credential_response(record: CredentialRecord, media_type: str) -> BaseResponse:
    """The exact signed credential, byte for byte."""
    response = Response(record.document.encode("utf-8"), mimetype=media_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return _with_page_headers(response)


@credential_pages.get("/badges/<token>")
def page(token: str) -> BaseResponse:
    """The badge page, or the signed credential for a client that asks for JSON."""
    record = _shown(token)
    best = preferred([_HTML, *_CREDENTIAL_TYPES])
    if best is not None and best in _CREDENTIAL_TYPES:
        return _credential_response(record, best)
    context = issuer_context()
    with verifier_options() as options:
        report = verify_credential(record.document, options)
    credential = json.loads(record.document)
    summary = summarize(credential)
    provider = db_session().get(ProviderRecord, record.provider_id)
    url = page_url(context.base_url, token)
    linkedin = linkedin_url(
        name=summary.name,
        organization_id=provider.linkedin_organization_id if provider else None,
        organization_name=summary.issuer_name or (provider.name if provider else ""),
        issued=record.issued_at, expires=record.valid_until, credential_url=url,
        credential_id=record.credential_id)
    body = render_template(
        "credential.html", title=summary.name, summary=summary, report=report,
        endorsements=endorsements(report), verdict=verdict(report),
        learner_name=record.learner_name, page_url=url,
        linkedin_url=linkedin, token=token, replacement=_replacement(record),
        check_label=check_label, check_help=check_help, status_words=STATUS_WORDS,
        registered=report.registered_issuer, image_url=url + "/badge.png",
        badge_image=url_for("credential_pages.baked_png", token=token),
        issuer_link=url_for("public.issuer_profile", slug=provider.slug) if provider else None)
    return _with_page_headers(Response(body, mimetype=_HTML))


def _replacement(record: CredentialRecord) -> str | None:
    """The page of the credential that superseded this one, when it is shown."""
    if record.state != CredentialState.SUPERSEDED or record.replaced_by_id is None:
        return None
    newer = db_session().get(CredentialRecord, record.replaced_by_id)
    if newer is None or newer.share_token is None or newer.hidden_at is not None:
        return None
    return page_url(issuer_context().base_url, newer.share_token)


@credential_pages.get("/badges/<token>/credential.json")
def credential_file(token: str) -> BaseResponse:
    """The signed credential as a file to keep or hand to a wallet."""
    record = _shown(token)
    response = _credential_response(record, _CREDENTIAL_TYPES[0])
    file_name = _file_name(json.loads(record.document), "json")
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def _baked(record: CredentialRecord, kind: str) -> BaseResponse:
    """The badge image of `kind` (png, svg) with the credential baked in: of the image the
    credential names (images are immutable, so a microbadge given a new image since keeps
    its old one in earlier awards)."""
    credential = json.loads(record.document)
    image = summarize(credential).image_url or ""
    image_id = parse_image_url(issuer_context().base_url, image)
    stored = (db_session().scalar(select(ImageRecord).where(ImageRecord.public_id == image_id))
              if image_id is not None else None)
    png, svg = badge_images(stored, str(credential.get("name") or "Badge"))
    attachment = "download" in request.args
    if kind == "png":
        return _download(bake_png(png, record.document), "image/png",
                         _file_name(credential, "png"), attachment=attachment)
    response = _download(bake_svg(svg, record.document), "image/svg+xml",
                         _file_name(credential, "svg"), attachment=attachment)
    # An SVG opened on its own is a document: nothing in it may run.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox")
    return response


@credential_pages.get("/badges/<token>/badge.png")
def baked_png(token: str) -> BaseResponse:
    """The badge PNG with the credential in its `openbadgecredential` iTXt chunk."""
    return _baked(_shown(token), "png")


@credential_pages.get("/badges/<token>/badge.svg")
def baked_svg(token: str) -> BaseResponse:
    """The badge SVG with the credential in its `<openbadges:credential>` element."""
    return _baked(_shown(token), "svg")


@functools.lru_cache(maxsize=1024)
def _qr_image(url: str, kind: str) -> bytes:
    """The QR code of `url` as PNG or SVG: the same URL gives the same image, so it is drawn
    once per process (pure-Python drawing takes ~15 ms)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8,
                         border=4)
    code.add_data(url)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(image_factory=PyPNGImage if kind == "png" else SvgPathImage).save(out)
    return out.getvalue()


@credential_pages.get("/badges/<token>/qr.png")
def qr_png(token: str) -> BaseResponse:
    """A QR code of the page URL, PNG."""
    _shown(token)
    return _download(_qr_image(page_url(issuer_context().base_url, token), "png"),
                     "image/png", "badge-qr.png", attachment="download" in request.args)


@credential_pages.get("/badges/<token>/qr.svg")
def qr_svg(token: str) -> BaseResponse:
    """A QR code of the page URL, SVG."""
    _shown(token)
    return _download(_qr_image(page_url(issuer_context().base_url, token), "svg"),
                     "image/svg+xml", "badge-qr.svg", attachment="download" in request.args)


def _managed(token: str, secret: str) -> CredentialRecord:
    """The award of a page whose management link this is. Raises ApiProblem 404."""
    record = find_shared(db_session(), token)
    if record is None or not valid_manage_token(issuer_context().vault, token,
                                                record.manage_generation, secret):
        raise _not_found()
    return record


@credential_pages.get("/badges/<token>/manage/<secret>")
def manage(token: str, secret: str) -> BaseResponse:
    """The learner's private page: is the badge page shown, and a button to change it."""
    record = _managed(token, secret)
    context = issuer_context()
    body = render_template(
        "manage.html", title="Your badge page", record=record,
        name=json.loads(record.document).get("name") or "your badge",
        page_url=page_url(context.base_url, token),
        manage_url=url_for("credential_pages.change_visibility", token=token, secret=secret),
        done=request.args.get("done"))
    return _with_page_headers(Response(body, mimetype=_HTML))


@credential_pages.post("/badges/<token>/manage/<secret>")
def change_visibility(token: str, secret: str) -> BaseResponse:
    """Hide the page (`action=hide`) or show it again (`action=show`)."""
    record = _managed(token, secret)
    action = request.form.get("action")
    if action not in ("hide", "show"):
        raise ApiProblem("invalid_request", "action must be hide or show")
    set_page_hidden(db_session(), record, action == "hide", issuer_context().clock())
    return _with_page_headers(redirect(
        url_for("credential_pages.manage", token=token, secret=secret, done=action), 303))
