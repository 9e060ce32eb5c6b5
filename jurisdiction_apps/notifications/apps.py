from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "jurisdiction_apps.notifications"
    label = "notifications"
    verbose_name = "SMS"

    def ready(self):
        from jurisdiction_apps.scheduling.signals import appointment_event_recorded

        from .services import messages_for_event

        def create_messages(sender, event, **kwargs):
            messages_for_event(event)

        appointment_event_recorded.connect(
            create_messages, weak=False, dispatch_uid="notifications_messages_for_event"
        )
