from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "jurisdiction_apps.people"
    label = "people"
    verbose_name = "Personnes suivies"
