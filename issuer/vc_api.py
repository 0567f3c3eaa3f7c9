"""W3C VC-API endpoints (placeholder)."""

from flask import Blueprint

vc_api = Blueprint("vc_api", __name__)
