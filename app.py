"""Entry point: ``flask --app app run`` and ``gunicorn app:app``."""

from banner.web import create_app
from banner.web.offline import offline_app

app = offline_app() or create_app()
