import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django_celery_beat.models import IntervalSchedule, PeriodicTask


class Command(BaseCommand):
    help = "Store the platform's periodic tasks (settings.PERIODIC_TASKS) for beat."

    def handle(self, *args, **options):
        for name, (task_name, interval_setting, *scope) in settings.PERIODIC_TASKS.items():
            seconds = int(getattr(settings, interval_setting))
            schedule, _ = IntervalSchedule.objects.get_or_create(
                every=seconds, period=IntervalSchedule.SECONDS
            )
            PeriodicTask.objects.update_or_create(
                name=name,
                defaults={
                    "task": settings.PERIODIC_FAN_OUT_TASKS[scope[0] if scope else "live"],
                    "args": json.dumps([task_name]),
                    "interval": schedule,
                },
            )
        self.stdout.write(f"{len(settings.PERIODIC_TASKS)} periodic task(s) in place")
