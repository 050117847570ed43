"""Hypothesis strategies for TC strings and usnat sections that the policy allows."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import strategies as st

from banner.core.iab import gpp, tcf

MAX_VENDOR = 65535
# Two-letter languages the IAB's GVL class accepts, so its encoder can write them too.
LANGUAGES = ("EN", "FR", "DE", "ES", "IT", "NL", "PL", "PT", "SV", "FI", "EL", "HU", "JA", "ZH")
LI_PURPOSES = (2, 7, 8, 9, 10, 11)

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2099, 12, 31)).map(
    lambda d: datetime(d.year, d.month, d.day, tzinfo=UTC)
)
purposes = st.frozensets(st.integers(1, 11))
li_purposes = st.frozensets(st.sampled_from(LI_PURPOSES))
letters = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)


def _runs(starts_and_lengths: list[tuple[int, int]]) -> frozenset[int]:
    return frozenset(
        i for start, length in starts_and_lengths for i in range(start, min(start + length, MAX_VENDOR) + 1)
    )


# Dense low ids favour a bit field, long runs and far-apart ids favour ranges; both edges appear.
vendor_sets = st.one_of(
    st.just(frozenset()),
    st.frozensets(st.integers(1, 400), max_size=60),
    st.lists(st.tuples(st.integers(1, MAX_VENDOR), st.integers(0, 300)), max_size=5).map(_runs),
    st.frozensets(st.sampled_from((1, 2, 45, 46, 1000, MAX_VENDOR - 1, MAX_VENDOR)), min_size=1),
)


@st.composite
def restrictions(draw: st.DrawFn) -> tuple[tcf.PublisherRestriction, ...]:
    """At most one restriction per purpose, each type where the policy allows it."""
    chosen = []
    for purpose in sorted(draw(st.frozensets(st.integers(1, 11), max_size=4))):
        allowed = [tcf.RestrictionType.NOT_ALLOWED]
        if purpose != 1:
            allowed.append(tcf.RestrictionType.REQUIRE_CONSENT)
        if purpose in LI_PURPOSES:
            allowed.append(tcf.RestrictionType.REQUIRE_LI)
        vendors = draw(vendor_sets.filter(bool))
        chosen.append(tcf.PublisherRestriction(purpose, draw(st.sampled_from(allowed)), vendors))
    return tuple(chosen)


@st.composite
def publisher_tcs(draw: st.DrawFn) -> tcf.PublisherTC | None:
    if draw(st.booleans()):
        return None
    count = draw(st.integers(0, 63))
    custom = st.frozensets(st.integers(1, count)) if count else st.just(frozenset[int]())
    return tcf.PublisherTC(draw(purposes), draw(li_purposes), count, draw(custom), draw(custom))


@st.composite
def tc_strings(draw: st.DrawFn, with_restrictions: bool = True) -> tcf.TCString:
    day = draw(days)
    consents, li = draw(vendor_sets), draw(vendor_sets)
    return tcf.TCString(
        created=day,
        last_updated=day,
        cmp_id=draw(st.integers(2, 4095)),
        cmp_version=draw(st.integers(0, 4095)),
        vendor_list_version=draw(st.integers(1, 4095)),
        consent_language=draw(st.sampled_from(LANGUAGES)),
        consent_screen=draw(st.integers(0, 63)),
        policy_version=draw(st.sampled_from((4, 5))),
        use_non_standard_texts=draw(st.booleans()),
        special_feature_opt_ins=draw(st.frozensets(st.integers(1, 2))),
        purpose_consents=draw(purposes),
        purpose_li_transparency=draw(li_purposes),
        purpose_one_treatment=draw(st.booleans()),
        publisher_cc=draw(letters),
        vendor_consents=consents,
        vendor_li=li,
        publisher_restrictions=draw(restrictions()) if with_restrictions else (),
        disclosed_vendors=consents | li | draw(vendor_sets),
        publisher_tc=draw(publisher_tcs()),
    )


@st.composite
def usnat_sections(draw: st.DrawFn) -> gpp.UsNat:
    notices = {name: draw(st.sampled_from(gpp.Notice)) for name in gpp.NOTICE_OF_OPT_OUT.values()}
    opt_outs = {
        choice: gpp.OptOut.NOT_APPLICABLE
        if notices[notice] == gpp.Notice.NOT_APPLICABLE
        else draw(st.sampled_from(gpp.OptOut))
        for choice, notice in gpp.NOTICE_OF_OPT_OUT.items()
    }
    consents = st.sampled_from(gpp.Consent)
    return gpp.UsNat(
        sharing_notice=draw(st.sampled_from(gpp.Notice)),
        sensitive_data_processing_opt_out_notice=draw(st.sampled_from(gpp.Notice)),
        sensitive_data_limit_use_notice=draw(st.sampled_from(gpp.Notice)),
        sensitive_data_processing=tuple(draw(st.lists(consents, min_size=16, max_size=16))),
        known_child_sensitive_data_consents=tuple(draw(st.lists(consents, min_size=3, max_size=3))),
        personal_data_consents=draw(consents),
        mspa_covered_transaction=draw(st.sampled_from((gpp.Mspa.YES, gpp.Mspa.NO))),
        mspa_opt_out_option_mode=draw(st.sampled_from(gpp.Mspa)),
        mspa_service_provider_mode=draw(st.sampled_from(gpp.Mspa)),
        gpc=draw(st.one_of(st.none(), st.booleans())),
        **notices,
        **opt_outs,
    )
