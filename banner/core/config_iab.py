"""The ``[iab]`` table and the rules that tie the TCF keys of sites, categories and trackers together.

Each key's own range is declared in :mod:`banner.core.config_spec`; what only the whole file can
tell (a TCF site without a CMP id, a vendor id on a first-party tracker) is checked here. Whether
every vendor id is in the Global Vendor List is checked when the list is bound, at start-up
(:mod:`banner.core.iab.binding`).
"""

from __future__ import annotations

import os

from banner.core.config import Category, Iab, Site, Tracker, TrackerKind
from banner.core.config_reader import Section
from banner.core.errors import ConfigError

VENDOR_KINDS = (TrackerKind.AD_NETWORK, TrackerKind.VAST)
VENDOR_LIST_FILE = os.path.join("gvl", "vendor-list.json")


def parse_iab(s: Section, data_dir: str) -> Iab:
    return Iab(
        cmp_id=s.value("cmp_id", int),
        cmp_version=s.value("cmp_version", int),
        publisher_cc=s.value("publisher_cc", str),
        gvl=s.value("gvl", str) or os.path.join(data_dir, VENDOR_LIST_FILE),
        gpp=s.value("gpp", bool),
        mspa_covered_transaction=s.value("mspa_covered_transaction", bool),
        mspa_mode=s.value("mspa_mode", str),
    )


def check_tcf_keys(
    source: str, iab: Iab, sites: list[Site], categories: list[Category], trackers: list[Tracker]
) -> None:
    """Refuse TCF keys that cannot mean what the operator meant."""
    for i, site in enumerate(sites):
        if site.tcf_vendors and not iab.cmp_id:
            raise ConfigError(
                source,
                f"sites[{i}].tcf_vendors",
                "TCF needs iab.cmp_id, the CMP id IAB Europe registered for you (0 issues no TC strings)",
            )
    for i, category in enumerate(categories):
        if category.required and (category.tcf_purposes or category.tcf_special_features):
            raise ConfigError(
                source,
                f"categories[{i}].tcf_purposes",
                "a required category cannot stand for TCF purposes: TCF consent must be freely given",
            )
    for i, tracker in enumerate(trackers):
        if tracker.tcf_vendor_id and tracker.kind not in VENDOR_KINDS:
            raise ConfigError(
                source,
                f"trackers[{i}].tcf_vendor_id",
                f"only ad_network and vast trackers are IAB vendors, not a {tracker.kind} tracker",
            )
