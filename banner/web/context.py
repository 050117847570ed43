"""Per-application services, kept in ``app.extensions`` (never on module globals)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from banner.core.config import Config
from banner.core.tokens import TokenSigner
from banner.core.variants import ShownKey
from banner.proof import Proofs
from banner.store import ConsentStore, Flusher, Revocations, Tally
from banner.store.durable import DurableStore

EXTENSION = "consent"


@dataclass
class Services:
    config: Config
    signer: TokenSigner
    store: ConsentStore
    durable: DurableStore
    tally: Tally
    revocations: Revocations
    flusher: Flusher
    banner_versions: dict[ShownKey, str]
    proofs: Proofs


def services() -> Services:
    svc: Services = current_app.extensions[EXTENSION]
    return svc
