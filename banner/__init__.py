"""A self-hosted cookie and tracker consent service.

``banner.core`` is pure (no Flask, no I/O), ``banner.store`` is the only code that talks to
Redis, and ``banner.web`` wires both into a Flask application via :func:`banner.web.create_app`.
"""
