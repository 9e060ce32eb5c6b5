"""Fixtures of the API tests: request limits counted from a clean slate (their counters live in
Redis, which outlives a test's database transaction)."""

import pytest
import redis
from django.conf import settings


def clear_throttles() -> None:
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        for key in client.scan_iter("*throttle_*"):
            client.delete(key)
    finally:
        client.close()


@pytest.fixture(autouse=True)
def fresh_throttles():
    clear_throttles()
    yield
    clear_throttles()
