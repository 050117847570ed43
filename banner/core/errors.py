"""Typed errors raised by the core; the web layer maps them to HTTP answers."""

from __future__ import annotations


class ConsentError(Exception):
    """Base class for every error the core raises on purpose."""


class ConfigError(ConsentError):
    """The operator's config file is wrong; raised at start-up, never during a request.

    Carries the file, the dotted key and the problem so the message points at the fix.
    """

    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(f"{source}: {key}: {problem}")
        self.source = source
        self.key = key
        self.problem = problem


class InvalidInput(ConsentError):
    """A request's body or parameters are wrong. ``field`` names the offending part."""

    code = "bad_request"
    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class UnknownSite(InvalidInput):
    """The ``site`` named by a request is not configured."""

    code = "unknown_site"
    status = 404


class NotFound(InvalidInput):
    """A consent record that does not exist, or that the caller may not see."""

    code = "not_found"
    status = 404
