"""The settings of `make bench-api`: the product's development settings, with a jurisdiction
urlconf that adds the bench-only views (bench/api_urls.py) beside the product's routes."""

from saas_platform.settings.dev import *  # noqa: F403

ROOT_URLCONF = "api_urls"

# The limits per user stay on (their cost is measured) but high enough that the one agent of the
# bench, 20 connections without pause, is never throttled.
API_THROTTLE_RATES = {"user": "1000000/minute", "anon": "1000000/minute"}
