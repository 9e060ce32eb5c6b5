from .local import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
ACCOUNT_RATE_LIMITS = False
RETENTION_PAUSE_RATIO = 0  # the retention job does not pause between batches in tests

import os  # noqa: E402

DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Each test run consumes its own queue, so that no other worker on the same Redis takes its tasks.
CELERY_TASK_DEFAULT_QUEUE = f"tests-{os.getpid()}"

import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

PRIVATE_MEDIA_ROOT = Path(tempfile.gettempdir()) / f"justice-private-{os.getpid()}"

# The demo of `make run` (manage.py seed_demo); never in production (demo/__init__.py).
SHARED_APPS = [*SHARED_APPS, "demo"]  # noqa: F405
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405
