import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

# Crontabs of PERIODIC_TASKS read as the clock of mainland France (the national team's night).
CRONTAB_TIME_ZONE = "Europe/Paris"


def schedule_of(value) -> dict:
    """A number of seconds gives an interval; "minute hour day month weekday" a crontab."""
    text = str(value).strip()
    if text.isdigit():
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=int(text), period=IntervalSchedule.SECONDS
        )
        return {"interval": interval, "crontab": None}
    minute, hour, day_of_month, month_of_year, day_of_week = text.split()
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
        timezone=CRONTAB_TIME_ZONE,
    )
    return {"interval": None, "crontab": crontab}


class Command(BaseCommand):
    help = (
        "Store the platform's periodic tasks (settings.PERIODIC_TASKS) for beat: each entry calls"
        " its scope's dispatcher (docs/adr/0019), or its national task; entries written by an"
        " earlier release are rewritten in place."
    )

    def handle(self, *args, **options):
        for name, (task_name, schedule_setting, *scope) in settings.PERIODIC_TASKS.items():
            fan_out = settings.PERIODIC_FAN_OUT_TASKS[scope[0] if scope else "live"]
            PeriodicTask.objects.update_or_create(
                name=name,
                defaults={
                    "task": fan_out or task_name,
                    "args": json.dumps([task_name] if fan_out else []),
                    **schedule_of(getattr(settings, schedule_setting)),
                },
            )
        self.stdout.write(f"{len(settings.PERIODIC_TASKS)} periodic task(s) in place")
