"""Typed errors of the IAB codecs and the vendor list model."""

from __future__ import annotations

from banner.core.errors import ConsentError, InvalidInput


class TCStringError(InvalidInput):
    """A TC string that does not decode, or fields that may not be encoded into one."""

    code = "invalid_tc_string"


class GPPStringError(InvalidInput):
    """A GPP string that does not decode, or sections that may not be encoded into one."""

    code = "invalid_gpp_string"


class VendorListError(ConsentError):
    """A Global Vendor List or purposes translation that cannot be used.

    ``key`` is the dotted path of the offending value (``vendors.21.purposes``); the caller adds
    which file it read, as the core never opens one.
    """

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


class VendorListTooNew(VendorListError):
    """The list's ``tcfPolicyVersion`` is newer than the encoder knows: keep the previous list."""
