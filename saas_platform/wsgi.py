import os

from django.core.wsgi import get_wsgi_application

# Deployed processes never fall back to development settings: without DJANGO_SETTINGS_MODULE they
# load the production settings, which refuse to start without their environment (issue 16).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_platform.settings.prod")
application = get_wsgi_application()
