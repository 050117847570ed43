"""Every error an API client sees is ``{"error": {"code", "message"}}`` with a 4xx status."""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from banner.core.errors import InvalidInput


class ApiError(Exception):
    """An HTTP-level refusal raised by a view: wrong origin, wrong content type, too large."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str) -> Response:
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    return response


HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, _refusal)
    app.register_error_handler(InvalidInput, _refusal)
    app.register_error_handler(HTTPException, http_error)


def _refusal(e: ApiError | InvalidInput) -> Response:
    return error_response(e.status, e.code, e.message)


def http_error(e: HTTPException) -> Response | HTTPException:
    """JSON for API paths, Werkzeug's page elsewhere."""
    if not _wants_json():
        return e
    status = e.code or 500
    response = error_response(status, HTTP_CODES.get(status, "error"), e.description or "")
    for name, value in e.get_headers():
        if name in ("Allow", "Retry-After"):
            response.headers[name] = value
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".json")
