"""The verification page and what every microbadges page shares: the layout, the
stylesheet, the security headers and the HTML error page.

`verification_pages(options, fetch)` is a Flask blueprint (name `web`): `/verify` (paste
JSON or a JWT, upload a JSON file or a baked PNG/SVG, or give a credential URL) and the
shared assets under `/static`. The host application supplies how to verify (`options`: a
context manager giving VerifierOptions) and how to fetch a credential URL (`fetch`), so the
issuer service can answer its own URLs from its database while `create_app()` here is a
stand-alone verifier that fetches with the HTTPS fetcher's protections. The page works
without JavaScript.

This module is the public facade; the work is done in its modules: `pages` (the blueprint),
`submission` (reading the form), `negotiation` (Accept), `page_defaults` (security headers,
navigation, template filter), `error_page` and `app` (`create_app`). The package never
imports the issuer.
"""

from verifier.web.app import create_app
from verifier.web.error_page import render_error_page
from verifier.web.negotiation import preferred, wants_html
from verifier.web.page_defaults import CONTENT_SECURITY_POLICY, install_page_defaults
from verifier.web.pages import OptionsFactory, verification_pages
from verifier.web.submission import CredentialFetcher

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "CredentialFetcher",
    "OptionsFactory",
    "create_app",
    "install_page_defaults",
    "preferred",
    "render_error_page",
    "verification_pages",
    "wants_html",
]
