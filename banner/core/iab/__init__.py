"""IAB signals: TCF v2.3 TC strings, GPP strings and the Global Vendor List, pure and bit-exact.

Nothing here does I/O; the web layer and the store decide where strings and vendor lists live.
"""
