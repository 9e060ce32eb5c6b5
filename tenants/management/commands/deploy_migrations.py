"""Migrate the public schema and every jurisdiction schema at a deployment (tenants/deploy.py).

Exit status 0 when every schema is at the new state; 1 when a schema failed: it is named with its
error, the schemas not started are listed, and running the command again resumes (the schemas
already migrated are skipped).
"""

from django.core.management.base import BaseCommand, CommandError

from tenants.deploy import deploy_migrations


class Command(BaseCommand):
    help = (
        "Migrate the public schema, then every jurisdiction schema in parallel; "
        "stop at the first failure."
    )

    def add_arguments(self, parser):
        parser.add_argument("--processes", type=int, default=None, help="schemas migrated at once")
        parser.add_argument(
            "--lock-timeout-ms", type=int, default=None, help="longest wait for a DDL lock"
        )
        parser.add_argument("--retries", type=int, default=3, help="tries after a lock time-out")
        parser.add_argument(
            "--no-shared", action="store_true", help="do not migrate the public schema first"
        )

    def handle(
        self, *args, processes=None, lock_timeout_ms=None, retries=3, no_shared=False, **options
    ):
        verbosity = int(options.get("verbosity", 1))

        def progress(outcome, done, total):
            if verbosity >= 1:
                state = "ok" if outcome.ok else "FAILED"
                applied = ", ".join(outcome.applied) or "nothing applied"
                self.stdout.write(
                    f"[{done}/{total}] {outcome.schema}: {state} in {outcome.seconds:.1f} s "
                    f"({applied}; {outcome.attempts} attempt(s))"
                )

        report = deploy_migrations(
            processes=processes,
            lock_timeout_ms=lock_timeout_ms,
            retries=retries,
            shared=not no_shared,
            progress=progress,
        )
        failed = report.failed
        summary = (
            f"{report.schemas_total} jurisdiction schema(s): "
            f"{report.up_to_date} already up to date, "
            f"{sum(o.ok for o in report.outcomes)} migrated"
        )
        if failed is None:
            self.stdout.write(f"{summary}; done in {report.seconds:.1f} s")
            return
        self.stderr.write(failed.output[-4000:])
        raise CommandError(
            f"migration failed in schema {failed.schema}: {failed.error.splitlines()[0]}\n"
            f"{summary}; not started: {len(report.not_started)}. Every schema is at the old or the "
            f"new state: fix the cause and run `manage.py deploy_migrations` again to resume."
        )
