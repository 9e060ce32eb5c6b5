from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "jurisdiction_apps.portal"
    label = "portal"
    verbose_name = "Espace personnel des personnes suivies"

    def ready(self):
        from jurisdiction_apps.scheduling.signals import appointment_event_recorded

        from .services.requests import close_requests_for_event

        def close_requests(sender, event, **kwargs):
            close_requests_for_event(event)

        appointment_event_recorded.connect(
            close_requests, weak=False, dispatch_uid="portal_close_requests_for_event"
        )
