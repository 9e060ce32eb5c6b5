from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "onboarding"
    label = "onboarding"
    verbose_name = "Ouverture des juridictions"

    def ready(self):
        from shared.retention import registry
        from shared.retention.constants import Category

        from .imports import retention

        registry.register_purge(Category.IMPORTS, retention.purge_imports)
        registry.register_erasure_hook(retention.scrub_erased_people)
