"""What the TCF needs to know about one site: its vendors as the vendor list declares them.

Bound once at start-up (:mod:`banner.core.iab.binding`) from the site's ``tcf_vendors`` and the
local Global Vendor List, and kept in the frozen config, so a TC string stays a pure function
of the token, the request's signals and the config.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class TcfSite:
    """One TCF site under one vendor list.

    ``disclosure`` is a digest of the policy version and the configured vendors: a consent
    recorded under another one was given for another list of vendors, so it is asked again.
    """

    site: str
    vendor_list_version: int
    policy_version: int
    disclosure: str
    vendors: frozenset[int]  # disclosed: configured and not deleted from the list
    consent_vendors: frozenset[int]  # those that ask for consent to at least one purpose
    li_vendors: frozenset[int]  # those that claim a legitimate interest
    li_purposes: frozenset[int]  # purposes some vendor claims on legitimate interest
    vendor_trackers: Mapping[int, tuple[str, ...]]  # the configured trackers that are these vendors
