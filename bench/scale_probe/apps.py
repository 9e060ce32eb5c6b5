from django.apps import AppConfig


class ScaleProbeConfig(AppConfig):
    name = "scale_probe"
    label = "scale_probe"
    verbose_name = "Bench: next release"
