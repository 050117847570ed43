"""Every refusal an API client sees is ``{"error": {"code", "message"}}`` with its status.

The one place where the kinds of :mod:`banner.core.errors` (and the store's) become HTTP statuses.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from banner.core.errors import ConsentError, Forbidden, InvalidInput, NotFound, RateLimited
from banner.store.errors import StoreUnavailable


class BodyTooLarge(InvalidInput):
    code = "too_large"


class UnsupportedMediaType(InvalidInput):
    code = "unsupported_media_type"


class BadJson(InvalidInput):
    code = "bad_json"


#: Most specific first: the first kind an error is an instance of gives its status.
STATUSES: tuple[tuple[type[ConsentError], int], ...] = (
    (BodyTooLarge, 413),
    (UnsupportedMediaType, 415),
    (InvalidInput, 400),
    (Forbidden, 403),
    (NotFound, 404),
    (RateLimited, 429),
    (StoreUnavailable, 503),
)

HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def status_of(error: ConsentError) -> int:
    return next((status for kind, status in STATUSES if isinstance(error, kind)), 500)


def error_response(status: int, code: str, message: str) -> Response:
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(ConsentError, refusal)
    app.register_error_handler(HTTPException, http_error)


def refusal(e: ConsentError) -> Response:
    response = error_response(status_of(e), e.code, e.message)
    if isinstance(e, RateLimited):
        response.headers["Retry-After"] = str(e.retry_after)
    return response


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
