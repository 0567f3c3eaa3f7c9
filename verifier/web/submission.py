"""Reading the credential the verification form gives: pasted text (JSON, a JWT or a link),
an uploaded JSON file or baked PNG/SVG, or a URL to fetch."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from flask import request
from werkzeug.datastructures import FileStorage

from badges.baking import is_png, is_svg
from badges.json_document import MAX_DOCUMENT_BYTES
from keys.errors import ResolutionError
from verifier.fetch import RefusedAddressError

__all__ = ["MAX_FORM_BYTES", "CredentialFetcher", "InputError", "Submission",
           "read_submission"]

CredentialFetcher = Callable[[str], bytes]  # raises ResolutionError

MAX_FORM_BYTES: Final = MAX_DOCUMENT_BYTES + 64 * 1024  # the credential and the form's own


class InputError(ValueError):
    """The form was not filled in usably; the message says how."""


def _uploaded(upload: FileStorage | None) -> bytes | None:
    if upload is None or not upload.filename:
        return None
    data: bytes = upload.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InputError(f"The file is larger than {MAX_DOCUMENT_BYTES // 1024} KiB.")
    if not data:
        raise InputError("The file is empty.")
    return data


@dataclass(frozen=True, slots=True)
class Submission:
    """What the form gave: the credential, how it came (for people), and the uploaded
    image to show when it is a badge image."""

    data: bytes | str
    source: str
    image: str | None = None


def _image_uri(data: bytes) -> str | None:
    """The uploaded badge image as a data: URI (shown in an <img>, where SVG runs no
    script), or None when it is not an image."""
    if is_png(data):
        return "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    if is_svg(data):
        return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")
    return None


def read_submission(fetch: CredentialFetcher) -> Submission:
    """The credential the form gives. Raises InputError."""
    pasted = request.form.get("credential", "").strip()
    url = request.form.get("url", "").strip()
    if pasted.lower().startswith(("https://", "http://")) and not url and " " not in pasted:
        pasted, url = "", pasted  # a link pasted into the text box
    file = request.files.get("file")
    upload = _uploaded(file)
    given = [name for name, value in (("pasted", pasted), ("file", upload), ("url", url))
             if value]
    if not given:
        raise InputError("Paste a credential, choose a file or enter a URL.")
    if len(given) > 1:
        raise InputError("Give one credential at a time: paste it, choose a file or enter "
                         "a URL.")
    if upload is not None and file is not None:
        return Submission(upload, f"the file {file.filename}", _image_uri(upload))
    if pasted:
        return Submission(pasted, "the pasted text")
    if not url.lower().startswith(("https://", "http://")):
        raise InputError("The URL must start with https://.")
    try:
        return Submission(fetch(url), f"the credential at {url}")
    except RefusedAddressError:  # the message would name internal addresses
        raise InputError("Could not fetch the credential: only public internet addresses "
                         "are fetched.") from None
    except ResolutionError as error:
        raise InputError(f"Could not fetch the credential: {error}") from None
