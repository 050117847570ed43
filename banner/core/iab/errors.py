"""Typed errors of the IAB codecs and the vendor list model."""

from __future__ import annotations

from banner.core.errors import ConfigError, InvalidInput


class TCStringError(InvalidInput):
    """A TC string that does not decode, or fields that may not be encoded into one."""

    code = "invalid_tc_string"


class GPPStringError(InvalidInput):
    """A GPP string that does not decode, or sections that may not be encoded into one."""

    code = "invalid_gpp_string"


class VendorListError(ConfigError):
    """A Global Vendor List or purposes translation that cannot be used: ``source`` names the
    file (the caller says which, the core never opens one), ``key`` the dotted path inside it
    (``vendors.21.purposes``). Whoever loads lists keeps the previous one when this is raised.
    """


class VendorListTooNew(VendorListError):
    """The list's ``tcfPolicyVersion`` is newer than the encoder knows: keep the previous list."""
