from django.apps import AppConfig


class PublicSiteConfig(AppConfig):
    name = "shared.public_site"
    label = "public_site"
    verbose_name = "Site d'information public"

    def ready(self):
        from . import signals  # noqa: F401  (cache invalidation on every edit)
