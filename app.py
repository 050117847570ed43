"""Entry point: ``flask --app app run`` and ``gunicorn app:app``."""

from banner.web import create_app

app = create_app()
