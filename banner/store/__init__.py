"""Everything that talks to Redis lives in this package."""

from banner.store.connection import connect
from banner.store.consents import ConsentStore
from banner.store.tally import Tally

__all__ = ["ConsentStore", "Tally", "connect"]
