from django.dispatch import Signal

# Sent after the transaction that wrote an AppointmentEvent commits. Argument: event.
# The SMS engine listens to it; the event row itself is the durable record (outbox).
appointment_event = Signal()

# Sent inside the transaction that writes an AppointmentEvent, so that what reacts to it (the SMS
# engine creating its messages) commits or rolls back with the change itself. Argument: event.
appointment_event_recorded = Signal()
