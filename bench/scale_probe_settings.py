"""The settings of "the next release" in `make bench-scale`: the product's development settings
plus the bench-only app scale_probe (bench/scale_probe/), whose migrations the bench deploys."""

from saas_platform.settings.dev import *  # noqa: F403
from saas_platform.settings.dev import INSTALLED_APPS, TENANT_APPS

TENANT_APPS = [*TENANT_APPS, "scale_probe"]
INSTALLED_APPS = [*INSTALLED_APPS, "scale_probe"]
