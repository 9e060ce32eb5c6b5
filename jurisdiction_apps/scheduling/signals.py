from django.dispatch import Signal

# Sent after the transaction that wrote an AppointmentEvent commits. Argument: event.
# The SMS engine listens to it; the event row itself is the durable record (outbox).
appointment_event = Signal()
