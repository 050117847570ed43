"""Checks of a valid config against how it is deployed: what start-up refuses or warns about.

The parser says whether the file is well formed; these say whether it is safe to run: the
published demo password, variables that look like ours but are not, plain-http origins.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from urllib.parse import urlsplit

from werkzeug.security import check_password_hash

from banner.core.config import Config
from banner.core.config_spec import VARIABLES
from banner.core.errors import ConfigError

#: Passwords anyone can read: the shipped config's demo user signs in with this one.
DEMO_PASSWORDS = ("consent-demo",)
LOCAL_HOSTS = ("localhost", "127.0.0.1")


def demo_users(config: Config) -> list[int]:
    """Indexes of the dashboard users whose hash verifies a published demo password."""
    return [
        i
        for i, user in enumerate(config.dashboard_users)
        if any(check_password_hash(user.password_hash, password) for password in DEMO_PASSWORDS)
    ]


def _demo_user_problem(config: Config, index: int) -> ConfigError:
    name = config.dashboard_users[index].name
    return ConfigError(
        config.source,
        f"dashboard.users[{index}].password_hash",
        f"user {name!r} has the published demo password; make a real hash with: flask --app app hash-password",
    )


def refuse_demo_users(config: Config) -> None:
    """Production must not start while anyone can sign in to the dashboard with a published password."""
    demo = demo_users(config)
    if demo:
        raise _demo_user_problem(config, demo[0])


def lookalike_variables(environ: Mapping[str, str]) -> list[str]:
    """Variables set that the service does not read but that look like one it does (a typo)."""
    found = []
    for name in sorted(environ):
        close = difflib.get_close_matches(name.upper(), VARIABLES, n=1, cutoff=0.85)
        if name not in VARIABLES and close:
            found.append(f"environment variable {name} is not read by the service; did you mean {close[0]}?")
    return found


def deployment_warnings(config: Config) -> Iterator[str]:
    """What an operator should look at before going live, each as ``key: what``."""
    for site_index, site in enumerate(config.sites.values()):
        for i, origin in enumerate(site.origins):
            parts = urlsplit(origin)
            if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
                yield f"sites[{site_index}].origins[{i}]: {origin} is plain http outside localhost"
    for i, category in enumerate(config.categories):
        if not config.trackers_in(category.id):
            yield f"categories[{i}]: no tracker is in {category.id!r}, so the banner asks about a purpose no page uses"
    for index in demo_users(config):
        problem = _demo_user_problem(config, index)
        yield f"{problem.key}: {problem.problem}"
