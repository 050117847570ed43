"""The local copy of the IAB Global Vendor List: reading it at start-up, refreshing it with ``gvl-update``.

Browsers never fetch the IAB's list (the TCF forbids it): the service keeps its own copy under
``data_dir`` and serves each TCF site's banner the part it needs, from our origin.
"""
