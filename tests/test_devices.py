"""User-Agents: device classes, browser and OS names from fixed lists, a length cap, bots."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from banner.core.devices import (
    BROWSER_FAMILIES,
    DEVICE_CLASSES,
    MAX_LENGTH,
    OS_FAMILIES,
    Device,
    classify_user_agent,
)
from tests.support import post_consent, services_of, utc_today
from tests.support.dashboard import sign_in

SPOOFED = "Visit evil.example.com now/1.0 CFNetwork/1.0 Darwin/20.0"
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
)


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (CHROME_WINDOWS, Device(False, "desktop", "Chrome", "Windows")),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.4 Mobile/15E148 Safari/604.1",
            Device(False, "mobile", "Safari", "iOS"),
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Mobile Safari/537.36",
            Device(False, "mobile", "Chrome", "Android"),
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.4 Safari/605.1.15",
            Device(False, "desktop", "Safari", "macOS"),
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
            Device(False, "desktop", "Edge", "Windows"),
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
            Device(False, "mobile", "Samsung Internet", "Android"),
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.4 Mobile/15E148 Safari/604.1",
            Device(False, "tablet", "Safari", "iOS"),
        ),
        (
            "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Safari/537.36",
            Device(False, "tablet", "Chrome", "Android"),
        ),
        (
            "Mozilla/5.0 (Android 14; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0",
            Device(False, "tablet", "Firefox", "Android"),
        ),
        (
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
            Device(False, "desktop", "Firefox", "Linux"),
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Safari/537.36 OPR/109.0.0.0",
            Device(False, "desktop", "Opera", "Windows"),
        ),
        (
            "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Safari/537.36",
            Device(False, "desktop", "Chrome", "ChromeOS"),
        ),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", Device(True, "bot")),
        ("curl/8.5.0", Device()),
        ("", Device()),
    ],
)
def test_device_class_browser_and_os(user_agent: str, expected: Device) -> None:
    assert classify_user_agent(user_agent) == expected


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 "
        "(compatible; Bytespider; spider-feedback@bytedance.com)",
        "Mediapartners-Google",
        "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/112.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse",
        "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1",
        "Mozilla/5.0 (compatible; ExampleFetcher/1.0; +https://fetcher.example/about)",
    ],
)
def test_crawlers_the_patterns_miss_are_still_bots(user_agent: str) -> None:
    device = classify_user_agent(user_agent)
    assert (device.bot, device.device) == (True, "bot")


def test_a_spoofed_name_is_never_a_browser() -> None:
    assert classify_user_agent(SPOOFED) == Device(False, "mobile", "Other", "iOS")


@given(st.text(max_size=600))
def test_any_text_gives_a_class_and_labels_from_the_fixed_lists(user_agent: str) -> None:
    device = classify_user_agent(user_agent)
    assert device.device in DEVICE_CLASSES and device.bot == (device.device == "bot")
    assert device.browser in {*BROWSER_FAMILIES, "Other"} and device.os in {*OS_FAMILIES, "Other"}


def test_only_the_first_characters_are_parsed() -> None:
    padding = " " * MAX_LENGTH
    assert classify_user_agent(CHROME_WINDOWS + padding + "Googlebot/2.1") == classify_user_agent(CHROME_WINDOWS)
    assert classify_user_agent(CHROME_WINDOWS + "x" * 100_000).device == "desktop"


def test_spoofed_names_reach_no_counter_log_or_export(app: Flask, client: FlaskClient) -> None:
    agents = [SPOOFED, *(f"Visit evil{i}.example.com now/1.0 CFNetwork/1.0 Darwin/20.0" for i in range(5))]
    for agent in agents:
        r = post_consent(client, headers={"User-Agent": agent, "DNT": "1"})
        assert r.status_code == 201, r.get_data(as_text=True)
        client.delete_cookie("consent")
    services_of(app).flusher.flush()
    [counts] = services_of(app).store.days("demo", [utc_today()]).values()
    assert counts["browser:Other"] == len(agents) and counts["os:iOS"] == len(agents)
    assert not any("evil" in name for name in counts)
    sign_in(client)
    log = client.get("/api/v1/dnt-log?site=demo")
    assert log.status_code == 200
    assert [e["browser"] for e in log.get_json()["entries"]] == ["Other"] * len(agents)
    export = client.get(f"/dashboard/export/consents.jsonl?site=demo&from={_iso(utc_today())}&to={_iso(utc_today())}")
    assert export.status_code == 200
    lines = [json.loads(line) for line in export.get_data(as_text=True).splitlines()]
    assert len(lines) == len(agents) and {line["browser"] for line in lines} == {"Other"}
    assert "evil" not in export.get_data(as_text=True)


def _iso(day: str) -> str:
    return f"{day[:4]}-{day[4:6]}-{day[6:]}"
