"""The dashboard's share of opt_out visitors who opted out of sale or sharing, by source."""

from __future__ import annotations

from typing import Any

from flask import Flask

from banner.store import keys
from tests.support import utc_today
from tests.support.dashboard import sign_in
from tests.support.tcf import EU, US, give

BOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
NOT_SOLD = {"doubleclick": False, "xandr": False}


def consents(app: Flask) -> None:
    """Six US consents, one from a bot, and an EU one; answers nothing, counts are flushed."""
    every = {"preferences": True, "analytics": True, "advertising": True, "beacons": True, "social": True}
    for headers, body in (
        (US, {"action": "accept_all"}),  # did not opt out
        (US, {"choices": every, "trackers": NOT_SOLD}),  # the button
        ({**US, "Sec-GPC": "1"}, {"action": "accept_all"}),  # GPC
        ({**US, "Sec-GPC": "1"}, {"choices": every, "trackers": NOT_SOLD}),  # both
        (US, {"choices": {"analytics": True}}),  # advertising refused
        ({**US, "User-Agent": BOT_UA}, {"action": "reject_all"}),  # a bot: not counted
        (EU, {"action": "reject_all"}),  # not under opt_out
    ):
        assert give(app.test_client(), headers, **body).status_code == 201
    app.extensions["consent"].flusher.flush()


def test_opt_outs_are_counted_by_source_and_shown_next_to_gpc(tcf_app: Flask, redis: Any) -> None:
    consents(tcf_app)
    client = tcf_app.test_client()
    sign_in(client)
    figures = client.get("/api/v1/stats?site=demo").get_json()["totals"]["sale_opt_outs"]
    assert figures == {
        "consents": 5,
        "opted_out": {"count": 4, "base": 5, "rate": 0.8},
        "by_source": {
            "button": {"count": 2, "base": 5, "rate": 0.4},
            "gpc": {"count": 2, "base": 5, "rate": 0.4},
            "choices": {"count": 1, "base": 5, "rate": 0.2},
        },
    }
    page = client.get("/dashboard/signals?site=demo").get_data(as_text=True)
    card = page[page.index('id="sale-title"') :]
    assert "Opted out of sale or sharing" in card and "80.0" in card and "4 of 5 consents" in card
    assert page.index('id="policy-gpc"') < page.index('id="sale-title"') < page.index('id="share-requests-title"')


def test_opt_out_counters_are_a_fixed_set_per_site_and_day(tcf_app: Flask, redis: Any) -> None:
    consents(tcf_app)
    fields = set(redis.hgetall(keys.day("demo", utc_today())))
    ours = {f for f in fields if f.startswith(("opt_out_consents", "sale_opt_out"))}
    assert ours == {
        "opt_out_consents",
        "sale_opt_outs",
        "sale_opt_out:button",
        "sale_opt_out:gpc",
        "sale_opt_out:choices",
    }
