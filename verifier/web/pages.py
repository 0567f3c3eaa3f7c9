"""The verification page as a Flask blueprint (name `web`): `/verify` and the shared
templates and static files of every microbadges page. Never imports the issuer."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Final

from flask import Blueprint, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

from badges.json_document import MAX_DOCUMENT_BYTES
from verifier.summary import endorsements, recipient_matches, summarize
from verifier.verdict import STATUS_WORDS, check_help, check_label, verdict
from verifier.verify import VerifierOptions, verify_credential
from verifier.web.submission import (
    MAX_FORM_BYTES,
    CredentialFetcher,
    InputError,
    read_submission,
)

__all__ = ["OptionsFactory", "verification_pages"]

OptionsFactory = Callable[[], AbstractContextManager[VerifierOptions]]

# The templates and static files are the package's (verifier/web/), as they were when the
# blueprint was defined in its __init__.
_PACKAGE: Final = __name__.rpartition(".")[0]


def verification_pages(options: OptionsFactory, fetch: CredentialFetcher) -> Blueprint:
    """The `/verify` page and the shared templates and static files."""
    pages = Blueprint("web", _PACKAGE, template_folder="templates", static_folder="static",
                      static_url_path="/static")

    @pages.before_request
    def _room_for_a_credential() -> None:
        # A credential may be as large as the verifier reads (MAX_DOCUMENT_BYTES), pasted
        # or uploaded, whatever the host app allows other requests.
        if request.endpoint == "web.verify_submitted":
            request.max_content_length = MAX_FORM_BYTES
            request.max_form_memory_size = MAX_FORM_BYTES

    @pages.errorhandler(RequestEntityTooLarge)
    def _too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
        return render_template("verify.html", title="Verify a badge", error=(
            f"The credential is larger than {MAX_DOCUMENT_BYTES // 1024} KiB, more than "
            "any verifier reads.")), 413

    @pages.get("/verify")
    def verify_form() -> str:
        return render_template("verify.html", title="Verify a badge")

    @pages.post("/verify")
    def verify_submitted() -> tuple[str, int]:
        try:
            submission = read_submission(fetch)
        except InputError as error:
            return render_template("verify.html", title="Verify a badge",
                                   error=str(error), form=request.form), 400
        with options() as verifier_options:
            report = verify_credential(submission.data, verifier_options)
        email = request.form.get("email", "").strip()[:320]
        recipient = (recipient_matches(report.credential, email)
                     if email and report.credential is not None else None)
        return render_template(
            "verify.html", title="Verification result", report=report,
            summary=summarize(report.credential) if report.credential is not None else None,
            endorsements=endorsements(report), verdict=verdict(report, recipient=recipient),
            source=submission.source, check_label=check_label, check_help=check_help,
            status_words=STATUS_WORDS, badge_image=submission.image, email=email,
            recipient=recipient, registered=report.registered_issuer), 200

    return pages
