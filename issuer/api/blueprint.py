"""The `api` blueprint: every provider API route is registered on it, under /api/v1."""

from __future__ import annotations

from flask import Blueprint

__all__ = ["api"]

api = Blueprint("api", __name__, url_prefix="/api/v1")
