"""Per-application services, kept in ``app.extensions`` (never on module globals)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from banner.core.config import Config
from banner.core.presentation import Variant
from banner.core.tokens import TokenSigner
from banner.store import ConsentStore, Tally
from banner.store.durable import DurableStore

EXTENSION = "consent"


@dataclass
class Services:
    config: Config
    signer: TokenSigner
    store: ConsentStore
    tally: Tally
    redis: Any
    durable: DurableStore
    banner_versions: dict[Variant, str]
    flusher: Any = None


def services() -> Services:
    svc: Services = current_app.extensions[EXTENSION]
    return svc
