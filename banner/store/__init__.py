"""Everything that talks to Redis lives in this package."""

from banner.store.connection import connect
from banner.store.consents import ConsentStore
from banner.store.durable import DurableStore
from banner.store.errors import StoreUnavailable
from banner.store.flusher import Flusher
from banner.store.revocations import Revocations
from banner.store.spool import Spool
from banner.store.tally import Tally

__all__ = [
    "ConsentStore",
    "DurableStore",
    "Flusher",
    "Revocations",
    "Spool",
    "StoreUnavailable",
    "Tally",
    "connect",
]
