from django.dispatch import Signal

# Sent inside the transaction that archives an agenda, so that the apps above organisation stop
# what depends on it (scheduling deactivates its slot templates). Argument: agenda. Each receiver
# returns how many objects it deactivated.
agenda_archived = Signal()
