"""Rate limits per client address (Flask-Limiter): the verification form, which makes the
service fetch URLs and verify credentials for anyone, and the OAuth token endpoint.

The counters live in MICROBADGES_RATE_LIMIT_STORAGE: `memory://` (the default) counts per
process, so gunicorn's workers each allow the limit; `redis://host:port` shares them. The
client address is the connection's, or, behind MICROBADGES_PROXY_HOPS trusted reverse
proxies, the one they forwarded (werkzeug's ProxyFix). A refused request gets 429 with
Retry-After: a problem detail, or the HTML error page for a browser.
"""

from __future__ import annotations

from typing import Any, Final

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.errors import ConfigurationError
from werkzeug.middleware.proxy_fix import ProxyFix

from issuer.platform.settings import Settings, SettingsError

__all__ = ["LIMITED_ENDPOINTS", "install_rate_limits"]

# Endpoint → the Settings attribute holding its limit.
LIMITED_ENDPOINTS: Final = {"web.verify_submitted": "rate_limit_verify",
                            "oauth.issue_token": "rate_limit_token"}


def install_rate_limits(app: Flask, settings: Settings) -> None:
    """Trust the configured proxies and limit the endpoints of LIMITED_ENDPOINTS (after
    their blueprints are registered). Raises SettingsError for unusable storage."""
    if settings.proxy_hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops)
    try:
        limiter = Limiter(get_remote_address, app=app, default_limits=[],
                          storage_uri=settings.rate_limit_storage, headers_enabled=True,
                          key_prefix="microbadges")
    except ConfigurationError as error:
        raise SettingsError(f"MICROBADGES_RATE_LIMIT_STORAGE: {error}") from None
    for endpoint, attribute in LIMITED_ENDPOINTS.items():
        limit = getattr(settings, attribute)
        if limit:
            limited: Any = limiter.limit(limit)(app.view_functions[endpoint])
            app.view_functions[endpoint] = limited
