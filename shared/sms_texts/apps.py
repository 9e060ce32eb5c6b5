from django.apps import AppConfig


class SmsTextsConfig(AppConfig):
    name = "shared.sms_texts"
    label = "sms_texts"
    verbose_name = "Textes SMS nationaux"
