from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "onboarding"
    label = "onboarding"
    verbose_name = "Ouverture des juridictions"
