"""The IAB strings of one decision: the TC string, the GPP string and the US Privacy string.

They say what the decision says, in the words ad tech reads:

- **TC string** (``opt_in`` visitors on a site with ``tcf_vendors``, once they chose): purpose
  consents are the ``tcf_purposes`` of the allowed categories, then the visitor's per-purpose
  answers; vendor consents are the site's vendors the visitor did not refuse, by name or through
  a tracker that is that vendor. Reject all, a bot or an honored DNT grant nothing and object to
  every legitimate interest; "Do not sell or share" and an honored GPC never grant a vendor.
- **GPP string**: for ``opt_out`` visitors, the header and ``usnat`` (section 7) whose sale,
  sharing and targeted-advertising opt-outs follow the ad networks the decision allows, with
  the GPC subsection; where TCF applies, section 2 carries the TC string.
- **US Privacy string** (``opt_out`` visitors): the older CCPA string, saying the same.

Pure: a string is a function of the decision (so of the token and the request's signals) and
of the config, which is what lets the decision endpoint cache whole answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from banner.core.config import Config, Iab, TrackerKind
from banner.core.iab import gpp, tcf
from banner.core.iab.choices import TcfChoices
from banner.core.iab.gpp import Mspa, Notice, OptOut
from banner.core.iab.site import TcfSite
from banner.core.regimes import Regime

if TYPE_CHECKING:
    from banner.core.policy import Decision

TCF_HEADER = gpp.header((gpp.TCFEUV2_ID,))
#: ConsentScreen: 1 = the first layer's Accept all / Reject all, 2 = the choices.
SCREENS = {"accept_all": 1, "reject_all": 1, "custom": 2}


@dataclass(frozen=True)
class TcfSignal:
    """What ``__tcfapi`` answers on a TCF site; ``tc`` holds the string's fields once issued."""

    applies: bool
    cmp_id: int
    policy_version: int
    vendor_list_version: int
    tc: tcf.TCString | None = None
    tc_string: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "applies": self.applies,
            "tc_string": self.tc_string,
            "cmp_id": self.cmp_id,
            "policy_version": self.policy_version,
            "vendor_list_version": self.vendor_list_version,
        }
        if self.tc is not None:
            out["tc_data"] = tc_data(self.tc)
        return out


@dataclass(frozen=True)
class IabSignals:
    tcf: TcfSignal | None = None
    gpp_string: str | None = None
    gpp_sid: tuple[int, ...] = ()
    us_privacy: str | None = None
    usnat: gpp.UsNat | None = None

    def to_json(self) -> dict[str, Any]:
        """The decision's ``iab``: ``gpp`` is null where no section applies; its ``usnat`` holds
        the section's fields as the GPP CMP API names them (``getSection``, ``getField``)."""
        return {
            "tcf": self.tcf.to_json() if self.tcf else None,
            "gpp": self._gpp_json() if self.gpp_sid else None,
            "us_privacy": self.us_privacy,
        }

    def _gpp_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"string": self.gpp_string, "sid": list(self.gpp_sid)}
        if self.usnat is not None:
            out["usnat"] = self.usnat.parsed_section()
        return out

    def issued(self) -> dict[str, str]:
        """The strings handed out, as the consent record keeps them."""
        strings = {
            "tc_string": self.tcf.tc_string if self.tcf else None,
            "gpp_string": self.gpp_string,
            "us_privacy": self.us_privacy,
        }
        return {name: text for name, text in strings.items() if text}


NO_SIGNALS = IabSignals()


def issue(config: Config, decision: Decision) -> IabSignals:
    """The IAB strings that say what ``decision`` says."""
    site = config.tcf.get(decision.site)
    tcf_signal = _tcf_signal(config, site, decision) if site else None
    if decision.regime is Regime.OPT_OUT:
        opted_out = sale_opted_out(decision)
        if not config.iab.gpp:
            return IabSignals(tcf_signal, us_privacy=us_privacy(opted_out))
        text, usnat = usnat_section(config.iab, opted_out, decision.gpc.present)
        return IabSignals(tcf_signal, text, (gpp.USNAT_ID,), us_privacy(opted_out), usnat)
    if tcf_signal is not None and tcf_signal.applies and config.iab.gpp:
        carried = f"{TCF_HEADER}~{tcf_signal.tc_string}" if tcf_signal.tc_string else None
        return IabSignals(tcf_signal, carried, (gpp.TCFEUV2_ID,))
    return IabSignals(tcf_signal) if tcf_signal else NO_SIGNALS


def sale_opted_out(decision: Decision) -> bool:
    """No ad network may load: "Do not sell or share", an honored GPC, a refused advertising category."""
    return not decision.allowed[TrackerKind.AD_NETWORK.value]


def us_privacy(opted_out: bool) -> str:
    """IAB US Privacy string: version 1, notice given, opted out of sale or not, not LSPA-covered."""
    return "1Y" + ("Y" if opted_out else "N") + "N"


@lru_cache(maxsize=64)
def usnat_section(iab: Iab, opted_out: bool, gpc: bool) -> tuple[str, gpp.UsNat]:
    """GPP header + usnat v2 with the GPC subsection: the banner gave notice of sale, sharing and
    targeted advertising and offers to opt out of all three at once."""
    choice = OptOut.OPTED_OUT if opted_out else OptOut.DID_NOT_OPT_OUT
    covered = iab.mspa_covered_transaction
    usnat = gpp.UsNat(
        sharing_notice=Notice.PROVIDED,
        sale_opt_out_notice=Notice.PROVIDED,
        sharing_opt_out_notice=Notice.PROVIDED,
        targeted_advertising_opt_out_notice=Notice.PROVIDED,
        sale_opt_out=choice,
        sharing_opt_out=choice,
        targeted_advertising_opt_out=choice,
        mspa_covered_transaction=Mspa.YES if covered else Mspa.NO,
        mspa_opt_out_option_mode=_mspa_mode(iab, "opt_out_option"),
        mspa_service_provider_mode=_mspa_mode(iab, "service_provider"),
        gpc=gpc,
    )
    return gpp.encode(gpp.GPPString(usnat=usnat)), usnat


def _mspa_mode(iab: Iab, mode: str) -> Mspa:
    if not iab.mspa_covered_transaction:
        return Mspa.NOT_APPLICABLE
    return Mspa.YES if iab.mspa_mode == mode else Mspa.NO


def _tcf_signal(config: Config, site: TcfSite, decision: Decision) -> TcfSignal:
    applies = decision.regime is Regime.OPT_IN
    tc = tc_fields(config, site, decision) if applies else None
    version = tc.vendor_list_version if tc else site.vendor_list_version
    return TcfSignal(applies, config.iab.cmp_id, site.policy_version, version, tc, tcf.encode(tc) if tc else None)


def tc_fields(config: Config, site: TcfSite, decision: Decision) -> tcf.TCString | None:
    """The TC string's fields for this decision; None before a choice covering the site's vendors."""
    claim = decision.claim
    if claim is None or claim.tcf is None or claim.issued_at is None or not claim.tcf.covers(site):
        return None
    consent = claim.tcf
    blocked = consent.action == "reject_all" or decision.signals.device.bot or decision.dnt.honored
    answers = TcfChoices() if blocked else consent.choices
    purposes, features, li_purposes = _purpose_signals(config, site, decision, answers, blocked)
    vendors, vendor_li = _vendor_signals(site, decision, answers, blocked)
    day = tcf.day_stamp(claim.issued_at)
    return tcf.TCString(
        created=day,
        last_updated=day,
        cmp_id=config.iab.cmp_id,
        cmp_version=config.iab.cmp_version,
        vendor_list_version=consent.vendor_list_version,
        consent_language=consent.language[:2].upper(),
        consent_screen=SCREENS[consent.action],
        policy_version=site.policy_version,
        special_feature_opt_ins=features,
        purpose_consents=purposes,
        purpose_li_transparency=li_purposes,
        publisher_cc=config.iab.publisher_cc,
        vendor_consents=vendors,
        vendor_li=vendor_li,
        disclosed_vendors=site.vendors,
    )


def _purpose_signals(
    config: Config, site: TcfSite, decision: Decision, answers: TcfChoices, blocked: bool
) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
    """Purpose consents, special feature opt-ins and legitimate interests: a refused category's
    purposes keep no legitimate interest either, unless another allowed category stands for them."""
    granted = [c for c in config.categories if decision.categories[c.id]]
    refused = [c for c in config.categories if not decision.categories[c.id]]
    purposes = _union(c.tcf_purposes for c in granted)
    features = _answered(_union(c.tcf_special_features for c in granted), answers.special_features)
    if blocked:
        return _answered(purposes, answers.purposes), features, frozenset()
    refused_purposes = _union(c.tcf_purposes for c in refused) - purposes
    li_purposes = _answered(site.li_purposes - refused_purposes, answers.li_purposes) & site.li_purposes
    return _answered(purposes, answers.purposes), features, li_purposes


def _vendor_signals(
    site: TcfSite, decision: Decision, answers: TcfChoices, blocked: bool
) -> tuple[frozenset[int], frozenset[int]]:
    """Vendor consents and legitimate interests: none when selling or sharing is refused."""
    if blocked or decision.refuses_sale or decision.gpc.honored:
        return frozenset(), frozenset()
    denied = {v for v, trackers in site.vendor_trackers.items() if not all(decision.allows(t) for t in trackers)}
    refused = {v for v, on in answers.vendors.items() if not on} | denied
    objected = {v for v, on in answers.li_vendors.items() if not on} | denied
    return site.consent_vendors - refused, site.li_vendors - objected


def _union(groups: Iterable[Iterable[int]]) -> frozenset[int]:
    return frozenset(i for group in groups for i in group)


def _answered(ids: frozenset[int], answers: Mapping[int, bool]) -> frozenset[int]:
    """``ids`` with the visitor's yes added and no taken away."""
    return (ids | {i for i, on in answers.items() if on}) - {i for i, on in answers.items() if not on}


def tc_data(tc: tcf.TCString) -> dict[str, Any]:
    """The string's fields as ids, for ``__tcfapi``'s TCData without a decoder in the page."""
    return {
        "cmp_version": tc.cmp_version,
        "consent_language": tc.consent_language,
        "publisher_cc": tc.publisher_cc,
        "purpose_one_treatment": tc.purpose_one_treatment,
        "use_non_standard_texts": tc.use_non_standard_texts,
        "purpose_consents": sorted(tc.purpose_consents),
        "purpose_li": sorted(tc.purpose_li_transparency),
        "special_features": sorted(tc.special_feature_opt_ins),
        "vendor_consents": sorted(tc.vendor_consents),
        "vendor_li": sorted(tc.vendor_li),
        "disclosed_vendors": sorted(tc.disclosed_vendors),
    }
