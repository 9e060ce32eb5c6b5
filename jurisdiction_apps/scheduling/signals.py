from django.dispatch import Signal

# Sent inside the transaction that writes an AppointmentEvent (scheduling/services.py: _record),
# so that what reacts to it commits or rolls back with the change itself. Argument: event.
# Its receivers, one named module each, connected by their app's ready():
# - jurisdiction_apps/notifications/receivers.py: the SMS engine writes the event's messages;
# - jurisdiction_apps/portal/receivers.py: the person's open change requests are closed.
# The event row itself is the durable record (outbox, ADR 0008).
appointment_event_recorded = Signal()
