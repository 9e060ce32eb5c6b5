from django.db import models


class HeartbeatQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-ran_at")


class Heartbeat(models.Model):
    """A row written by the periodic heartbeat task, in the schema it ran in.

    It proves that the background workers reach each live jurisdiction and run with its time zone.
    """

    ran_at = models.DateTimeField("exécuté à")
    schema_name = models.CharField("schéma", max_length=63)
    local_time = models.CharField("heure locale", max_length=40)
    time_zone = models.CharField("fuseau horaire", max_length=64)
    worker = models.CharField("processus", max_length=200, blank=True)

    objects = HeartbeatQuerySet.as_manager()

    class Meta:
        verbose_name = "battement"
        get_latest_by = "ran_at"

    def __str__(self) -> str:
        return f"{self.schema_name} {self.local_time}"
