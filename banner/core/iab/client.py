"""What a TCF site's banner needs in its inlined config, so the page side stays a thin layer.

The first layer names the number of vendors and the purposes and special features they use, in
the visitor's language; the vendor layer is fetched only when opened, from ``vendors_url`` (our
origin, see :mod:`banner.web.gvl`). ``disclosure`` lets the page tell, without a request, that
a token's TCF consent (payload key ``f.h``) was given for other vendors and ask again. The strings
themselves always come from the service (the decision's ``iab``): the page never encodes one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from banner.core.config import Config
from banner.core.iab.gvl import Declaration, VendorList
from banner.core.iab.site import TcfSite


def tcf_client_config(config: Config, site: TcfSite, shown: VendorList, vendors_url: str) -> dict[str, Any]:
    """``shown`` is the site's cut of the vendor list, in the banner's language."""
    vendors = shown.vendors.values()
    texts = shown.texts
    return {
        "cmpId": config.iab.cmp_id,
        "cmpVersion": config.iab.cmp_version,
        "policyVersion": site.policy_version,
        "vendorListVersion": site.vendor_list_version,
        "disclosure": site.disclosure,
        "vendorCount": len(site.vendors),
        "vendorsUrl": vendors_url,
        "purposes": _named(texts.purposes, (p for v in vendors for p in (*v.purposes, *v.leg_int_purposes))),
        "specialPurposes": _named(texts.special_purposes, (p for v in vendors for p in v.special_purposes)),
        "features": _named(texts.features, (f for v in vendors for f in v.features)),
        "specialFeatures": _named(texts.special_features, (f for v in vendors for f in v.special_features)),
        "categories": {
            c.id: [list(c.tcf_purposes), list(c.tcf_special_features)]
            for c in config.categories
            if c.tcf_purposes or c.tcf_special_features
        },
    }


def gpp_client_config(config: Config) -> dict[str, Any] | None:
    """For ``__gpp``'s ``ping``: the CMP id (1 until one is registered); None when GPP is off."""
    return {"cmpId": config.iab.gpp_cmp_id, "cmpVersion": config.iab.cmp_version} if config.iab.gpp else None


def _named(declarations: Mapping[int, Declaration], ids: Iterable[int]) -> list[list[Any]]:
    return [[i, declarations[i].name] for i in sorted(set(ids)) if i in declarations]
