"""The provider API under /api/v1 (placeholder until the blueprint modules land)."""

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")
