from django.db import models


class Direction(models.TextChoices):
    # The service of the new place of residence asks for the follow-up (the anchor's flow):
    # the source answers.
    PULL = "pull", "Demande de transfert vers nous"
    # The service following the person offers to hand it over: the target answers.
    PUSH = "push", "Proposition de transfert vers une autre juridiction"


class State(models.TextChoices):
    PENDING = "pending", "En attente de réponse"
    ACCEPTED = "accepted", "Acceptée"
    REFUSED = "refused", "Refusée"
    CANCELLED = "cancelled", "Annulée"


COMMENT_MAX = 500
REASON_MIN = 10
