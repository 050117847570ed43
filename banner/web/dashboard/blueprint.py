"""The dashboard's two blueprints: HTML pages under ``/dashboard``, JSON under ``/api/v1``."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
api_bp = Blueprint("dashboard_api", __name__, url_prefix="/api/v1")
