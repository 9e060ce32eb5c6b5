from .env import env_bool, env_str
from .local import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)


# The demo of `make run` (manage.py seed_demo); never in production (demo/__init__.py).
SHARED_APPS = [*SHARED_APPS, "demo"]  # noqa: F405
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405

# make run shows the nightly retention job at work (worker log, the local admin's page): every
# ten minutes here, at night in production.
RETENTION_SCHEDULE = env_str("RETENTION_SCHEDULE", "600")
