"""Gunicorn settings for the web process (container image and Scalingo).

    gunicorn saas_platform.wsgi:application --config infra/gunicorn.conf.py

Environment:
    PORT             port to listen on, all interfaces (default 8000; Scalingo sets it)
    WEB_CONCURRENCY  number of worker processes (default 2)
    GUNICORN_TIMEOUT seconds a request may take before its worker is killed (default 30)

DJANGO_SETTINGS_MODULE must be saas_platform.settings.prod (saas_platform/wsgi.py loads it when the
variable is unset; those settings refuse to start without their environment).
"""

import os
import re

from gunicorn.glogging import Logger

bind = [f"0.0.0.0:{os.environ.get('PORT', '8000')}"]
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"

# A request that takes longer than this is a bug or a stuck dependency: the worker is killed and
# restarted. The platform's router or reverse proxy usually gives up around the same time.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Behind a reverse proxy that keeps connections open to the application.
keepalive = 5
# Recycle workers now and then so that a slow leak never takes a container down.
max_requests = 1000
max_requests_jitter = 100
# The worker heartbeat file lives in memory when the container offers /dev/shm.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Nobody uses gunicornc inside a container; do not create a control socket under $HOME.
control_socket_disable = True

# Logs go to the standard streams, where the platform collects them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Method, path without query string, status, size, duration in seconds. No query string (search
# terms), no referrer, no user agent: nothing that may carry personal data.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'

# The single-use token of a jurisdiction switch, or of a ProConnect sign-in's hand-over, travels in
# the path (tenants/handoff.py).
_HANDOFF_PATH = re.compile(r"^(/connexion/relais/(?:proconnect/)?)[^/]+")


class AccessLogger(Logger):
    """Gunicorn's logger, with the handoff token masked in the access log."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        if atoms.get("U"):
            atoms["U"] = _HANDOFF_PATH.sub(r"\1[redacted]", atoms["U"])
        return atoms


logger_class = AccessLogger
