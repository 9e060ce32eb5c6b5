"""``GET /health/``: the state of the database, Redis and the Celery workers, on every host.

Answered by the host middleware before any tenant lookup, so that it still answers (503) when the
database is down. It reveals counts and states only: no host names, no versions.
"""

import time

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse

from saas_platform.celery import app


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        extra = check() or {}
    except Exception as error:
        return {"status": "down", "error": type(error).__name__}
    return {"status": "up", "latency_ms": round((time.perf_counter() - started) * 1000, 1), **extra}


def check_database() -> None:
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_redis() -> None:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    finally:
        client.close()


def check_celery() -> dict:

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=1)
        replies = app.control.ping(timeout=1.0, limit=1, connection=conn)
    if not replies:
        raise RuntimeError("no worker answered")
    return {"workers": len(replies)}


def health_payload() -> tuple[dict, bool]:
    checks = {"database": _timed(check_database), "redis": _timed(check_redis)}
    if checks["redis"]["status"] == "up":
        checks["celery"] = _timed(check_celery)
    else:
        checks["celery"] = {"status": "down", "error": "BrokerUnavailable"}
    healthy = all(check["status"] == "up" for check in checks.values())
    payload = {"status": "ok" if healthy else "degraded", "checks": checks}
    if checks["redis"]["status"] == "up":
        payload["sign_in"] = sign_in_figures()
    return payload, healthy


def sign_in_figures() -> dict:
    """Sign-ins refused by the limits (shared/accounts/adapters.py): a rising count is an attack
    on passwords, or a proxy chain misread (every agent seen at one address)."""
    from shared.accounts.adapters import refusals_last_hour

    try:
        return {"refusals_last_hour": refusals_last_hour()}
    except Exception as error:
        return {"error": type(error).__name__}


HEALTH_PATH = "/health/"


class HealthMiddleware:
    """Answers /health/ first, on every host, before the jurisdiction lookup (which needs the
    database): it still answers 503 when the database is down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == HEALTH_PATH:
            return health_response(request)
        return self.get_response(request)


def health_response(request) -> JsonResponse:
    payload, healthy = health_payload()
    response = JsonResponse(payload, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response
