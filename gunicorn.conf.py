"""Production defaults for ``gunicorn app:app`` (gunicorn reads this file from the working directory).

Every value can be overridden from the environment (or on the command line). The app is stateless
between requests: run as many instances as needed behind a load balancer, all on one Redis.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


# One process per core: the work is CPU-bound Python. Within a process, gevent: a request that
# waits (on Redis, one round trip per consent write, or on a slow client) yields to the others
# with a greenlet switch. Under gthread, each wait was an OS thread hand-off and a fight for the
# GIL among the threads, which cost a consent write about a third of its CPU (docs/production.md).
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count())
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gevent")
worker_connections = _int("GUNICORN_WORKER_CONNECTIONS", 1000)  # open connections per gevent worker
threads = _int("GUNICORN_THREADS", 4)  # only for GUNICORN_WORKER_CLASS=gthread

# Keep-alive: browsers and load balancers reuse connections for the decision calls of a page.
# Slightly longer than a typical load balancer's idle timeout is the usual advice; 5 s suits
# direct traffic and short idle timeouts alike.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)

# Recycle workers now and then (bounds any slow leak); the jitter keeps them from restarting together.
max_requests = _int("GUNICORN_MAX_REQUESTS", 100_000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)

# Trust X-Forwarded-* only from proxies the operator names (e.g. the load balancer's address).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")

# Access logs cost throughput on every page view: off unless asked for. When on, lines keep no
# client address and no consent token (banner.web.logs.AccessLogger).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
logger_class = "banner.web.logs.AccessLogger"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
