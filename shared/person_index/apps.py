from django.apps import AppConfig


class PersonIndexConfig(AppConfig):
    name = "shared.person_index"
    label = "person_index"
    verbose_name = "Index national des personnes"
