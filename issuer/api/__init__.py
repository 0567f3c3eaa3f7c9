"""The provider REST API under /api/v1 (OAuth 2.0 bearer tokens, JSON, RFC 9457 problems).

The routes live in one module per resource; request bodies are validated against the
component schemas of `issuer/openapi.json`, the document served at /api/v1/openapi.json, so
the published contract and the code cannot drift apart.
"""

# Importing the route modules registers their routes on the blueprint.
import issuer.api.achievements
import issuer.api.credentials
import issuer.api.figures
import issuer.api.frameworks
import issuer.api.openapi
import issuer.api.pathways
import issuer.api.providers
import issuer.api.status  # noqa: F401
from issuer.api.blueprint import api

__all__ = ["api"]
