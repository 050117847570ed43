"""Binding the config's TCF sites to the Global Vendor List, once, at start-up.

Every vendor id the config names must be in the list (deleted ones included: they are simply
no longer disclosed); a missing one is a :class:`ConfigError` naming the key, so a typo stops
start-up instead of silently dropping a vendor from every TC string.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from banner.core.config import Config, Site
from banner.core.errors import ConfigError
from banner.core.iab.gvl import VendorList
from banner.core.iab.site import TcfSite
from banner.core.iab.tcf_rules import NO_LEGITIMATE_INTEREST


def bind_vendor_list(config: Config, vendor_list: VendorList, moment: datetime) -> Config:
    """``config`` with each site that has ``tcf_vendors`` bound to ``vendor_list`` as of ``moment``."""
    for i, tracker in enumerate(config.trackers):
        if tracker.tcf_vendor_id:
            _check_listed(config, f"trackers[{i}].tcf_vendor_id", [tracker.tcf_vendor_id], vendor_list)
    bound = {}
    for i, site in enumerate(config.sites.values()):
        if site.tcf_vendors:
            _check_listed(config, f"sites[{i}].tcf_vendors", site.tcf_vendors, vendor_list)
            bound[site.id] = tcf_site(config, site, vendor_list, moment)
    return replace(config, tcf=bound)


def tcf_site(config: Config, site: Site, vendor_list: VendorList, moment: datetime) -> TcfSite:
    active = vendor_list.subset(site.tcf_vendors, moment).vendors
    trackers = {
        vendor: tuple(t.id for t in config.trackers if t.tcf_vendor_id == vendor)
        for vendor in active
        if any(t.tcf_vendor_id == vendor for t in config.trackers)
    }
    claimed = {p for vendor in active.values() for p in vendor.leg_int_purposes}
    return TcfSite(
        site=site.id,
        vendor_list_version=vendor_list.vendor_list_version,
        policy_version=vendor_list.tcf_policy_version,
        disclosure=disclosure(vendor_list.tcf_policy_version, site.tcf_vendors),
        vendors=frozenset(active),
        consent_vendors=frozenset(i for i, vendor in active.items() if vendor.purposes),
        li_vendors=frozenset(i for i, vendor in active.items() if vendor.leg_int_purposes),
        li_purposes=frozenset(claimed - NO_LEGITIMATE_INTEREST),
        vendor_trackers=trackers,
    )


def disclosure(policy_version: int, vendors: Iterable[int]) -> str:
    """A short digest of what a consent is given for: another policy version, or another set
    of vendors (one added, one removed), is another disclosure, which is asked again."""
    text = f"{policy_version}:{','.join(map(str, sorted(set(vendors))))}"
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _check_listed(config: Config, key: str, ids: Iterable[int], vendor_list: VendorList) -> None:
    missing = sorted(set(ids) - set(vendor_list.vendors))
    if missing:
        version = vendor_list.vendor_list_version
        raise ConfigError(
            config.source, key, f"vendor {missing[0]} is not in the Global Vendor List (version {version})"
        )
