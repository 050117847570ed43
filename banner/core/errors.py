"""The errors the service raises on purpose, in one small hierarchy.

The core and the store raise these; the web layer alone turns each kind into an HTTP status
(:mod:`banner.web.errors`). ``code`` is the machine-readable name clients see in
``{"error": {"code", "message"}}``.
"""

from __future__ import annotations


class ConsentError(Exception):
    """Base class for every error raised on purpose."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(ConsentError):
    """The operator's config file is wrong; raised at start-up, never during a request.

    Carries the file, the dotted key and the problem so the message points at the fix.
    """

    code = "bad_config"

    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(f"{source}: {key}: {problem}")
        self.source = source
        self.key = key
        self.problem = problem


class InvalidInput(ConsentError):
    """A request's body or parameters are wrong. ``field`` names the offending part."""

    code = "bad_request"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(ConsentError):
    """A consent record that does not exist, or that the caller may not see."""

    code = "not_found"


class UnknownSite(NotFound):
    """The ``site`` named by a request is not configured."""

    code = "unknown_site"


class Forbidden(ConsentError):
    """The caller may not do this, e.g. a browser on an origin the site did not list."""

    code = "forbidden"


class OriginNotAllowed(Forbidden):
    code = "origin_not_allowed"


class RateLimited(ConsentError):
    """Too many requests from one client; ``retry_after`` is in seconds."""

    code = "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
