"""./manage.py rebuild_person_index [--jurisdiction SLUG] [--rehash | --check]

Rebuilds the national person index (public schema) from every jurisdiction's people, one
transaction per jurisdiction. ``--rehash`` first recomputes the people's keys with the current
``PERSON_INDEX_SECRET`` (after rotating it). ``--check`` changes nothing: it prints the drift of
each jurisdiction (counts only) and exits with status 1 when there is any.
See docs/data-protection.md, "National person index".
"""

from django.core.management.base import BaseCommand, CommandError

from shared.person_index import maintenance


class Command(BaseCommand):
    help = (
        "Rebuild the national person index from the jurisdictions' schemas (--rehash: recompute "
        "the keys first, after a new PERSON_INDEX_SECRET; --check: report drift, change nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", help="slug (default: every jurisdiction)")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--rehash", action="store_true", help="recompute the people's keys, then rebuild"
        )
        mode.add_argument(
            "--check", action="store_true", help="report drift (counts), exit 1 if any"
        )

    def handle(self, *args, jurisdiction=None, rehash=False, check=False, **options):
        present, skipped = maintenance.jurisdictions(jurisdiction)
        if jurisdiction is not None and not (present or skipped):
            raise CommandError(f"Juridiction inconnue : « {jurisdiction} ».")
        for target in skipped:
            self.stdout.write(f"{target.slug} : pas encore de schéma, ignorée.")
        if check:
            self._check(present)
            return
        for target in present:
            rehashed = maintenance.rehash(target) if rehash else None
            written = maintenance.rebuild(target)
            line = f"{target.slug} : {written} entrées"
            if rehashed is not None:
                line += f", clés recalculées pour {rehashed} personnes"
            self.stdout.write(line)

    def _check(self, present):
        drifting = 0
        for target in present:
            drift = maintenance.check(target)
            drifting += bool(drift.total)
            self.stdout.write(
                f"{target.slug} : {'écart' if drift.total else 'à jour'} — "
                f"manquantes {drift.missing}, en trop {drift.extra}, "
                f"différentes {drift.differing}, clés à recalculer {drift.stale_keys}"
            )
        if drifting:
            raise CommandError(
                f"Index national des personnes : {drifting} juridiction(s) en écart. "
                "Corriger : manage.py rebuild_person_index (--rehash si des clés sont à "
                "recalculer)."
            )
