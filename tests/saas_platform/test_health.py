import pytest
from django.db import connection
from django.test import Client, override_settings


def get_health(host="localhost"):
    response = Client().get("/health/", HTTP_HOST=host)
    return response.status_code, response.json()


@pytest.mark.parametrize("host", ["localhost", "alpha.localhost", "inconnue.localhost"])
def test_health_is_200_when_everything_is_up(celery_worker, host):
    status, body = get_health(host)
    assert status == 200, body
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "up",
        "redis": "up",
        "celery": "up",
    }
    assert body["checks"]["celery"]["workers"] >= 1


def test_health_is_503_without_worker(committed_db):
    status, body = get_health()
    assert status == 503
    assert body["checks"]["database"]["status"] == "up"
    assert body["checks"]["redis"]["status"] == "up"
    assert body["checks"]["celery"]["status"] == "down"


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_health_is_503_when_redis_is_down(committed_db):
    status, body = get_health()
    assert status == 503
    assert body["checks"]["redis"]["status"] == "down"
    assert body["checks"]["celery"]["status"] == "down"
    assert body["checks"]["database"]["status"] == "up"


def test_health_is_503_when_the_database_is_down(committed_db):
    connection.close()
    saved = connection.settings_dict["HOST"], connection.settings_dict["PORT"]
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", "1"
    try:
        status, body = get_health()
    finally:
        connection.close()
        connection.settings_dict["HOST"], connection.settings_dict["PORT"] = saved
    assert status == 503
    assert body["checks"]["database"] == {"status": "down", "error": "OperationalError"}
