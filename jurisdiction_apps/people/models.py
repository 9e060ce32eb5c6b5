"""People followed by the jurisdiction (PPSMJ)."""

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import models
from django.db.models import Q
from django.utils import timezone

from jurisdiction_apps.core.archiving import Archivable, ArchivableQuerySet, audited_events
from jurisdiction_apps.core.phones import phone_search_candidates
from shared.person_index.keys import appi_key, identity_key
from shared.person_index.models import TABLE as INDEX_TABLE

from .constants import DATA_EXPORTED, Residence
from .normalisation import clean_appi_number, is_valid_appi_number, search_key

DERIVED_FIELDS = ("search_name", "index_appi_key", "index_identity_key")

# Keeps the national index (public schema) in step with this schema's people, in the writing
# transaction, whatever writes: the ORM, bulk_create, COPY or raw SQL. The jurisdiction is the
# one whose schema holds the table (TG_TABLE_SCHEMA); a schema without one (a template) is left
# alone. People transferred away leave the index: it points to where they are followed now.
# Statement-level triggers with transition tables: one set-based statement per INSERT, UPDATE or
# DELETE however many rows it touches (an import of 20,000 people, a retention batch), instead of
# a PL/pgSQL call per row (make bench-transfers, ADR 0023).
# Each statement runs through EXECUTE, so it is planned at every call with the row count of that
# call's transition table. A static statement keeps the plan of its first call in the session:
# after a one-person edit, a 20,000-row batch on the same connection would join row by row
# against the table, or, after a batch, each edit would reuse the batch's plan (ADR 0025).
_INDEX_JURISDICTION = """
    SELECT id INTO jurisdiction FROM public.tenants_jurisdiction
        WHERE schema_name = TG_TABLE_SCHEMA;
    IF jurisdiction IS NULL THEN
        RETURN NULL;
    END IF;
"""
# The people written, as the index holds them; an entry that already says the same is left as it
# is (an edit of a phone or a name's spelling that keeps the keys writes nothing).
_INDEX_UPSERT = f"""
    EXECUTE $sql$
    INSERT INTO public.{INDEX_TABLE} AS e
        (jurisdiction_id, person_id, appi_key, identity_key, archived, updated_at)
    SELECT $1, n.id, n.index_appi_key, n.index_identity_key, n.archived_at IS NOT NULL, now()
    FROM new_rows n
    WHERE n.transferred_at IS NULL
    ON CONFLICT (jurisdiction_id, person_id) DO UPDATE SET
        appi_key = EXCLUDED.appi_key,
        identity_key = EXCLUDED.identity_key,
        archived = EXCLUDED.archived,
        updated_at = EXCLUDED.updated_at
    WHERE (e.appi_key, e.identity_key, e.archived)
        IS DISTINCT FROM (EXCLUDED.appi_key, EXCLUDED.identity_key, EXCLUDED.archived)
    $sql$ USING jurisdiction;
"""
INDEX_INSERT_FUNC = f"""
DECLARE
    jurisdiction integer;
BEGIN
{_INDEX_JURISDICTION}
{_INDEX_UPSERT}
    RETURN NULL;
END;
"""
INDEX_UPDATE_FUNC = f"""
DECLARE
    jurisdiction integer;
BEGIN
{_INDEX_JURISDICTION}
    EXECUTE $sql$
    DELETE FROM public.{INDEX_TABLE} e USING new_rows n
        WHERE e.jurisdiction_id = $1 AND e.person_id = n.id AND n.transferred_at IS NOT NULL
    $sql$ USING jurisdiction;
{_INDEX_UPSERT}
    RETURN NULL;
END;
"""
INDEX_DELETE_FUNC = f"""
DECLARE
    jurisdiction integer;
BEGIN
{_INDEX_JURISDICTION}
    EXECUTE $sql$
    DELETE FROM public.{INDEX_TABLE} e USING old_rows o
        WHERE e.jurisdiction_id = $1 AND e.person_id = o.id
    $sql$ USING jurisdiction;
    RETURN NULL;
END;
"""


class PersonQuerySet(ArchivableQuerySet):
    def held(self):
        return self.filter(held_at__isnull=False)

    def not_held(self):
        return self.filter(held_at__isnull=True)

    def search(self, text: str, region: str):
        """Name, phone in any common writing, or APPI number.

        Names match by word beginnings, accent- and case-insensitive: "fran" finds FRANÇOIS,
        "helene fran" finds FRANÇOIS Hélène; served by the GIN index on the name vector.
        """
        text = (text or "").strip()
        if not text:
            return self.none()
        condition = Q()
        appi = clean_appi_number(text)
        if is_valid_appi_number(appi):
            condition |= Q(appi_number=appi)
        phones = phone_search_candidates(text, region)
        if phones:
            condition |= Q(phone__in=phones)
        tokens = search_key(text).split()
        queryset = self
        if tokens and not phones:
            # search_key leaves only [a-z0-9] tokens: safe to assemble a raw tsquery.
            query = SearchQuery(
                " & ".join(f"{token}:*" for token in tokens), search_type="raw", config="simple"
            )
            queryset = self.annotate(name_vector=SearchVector("search_name", config="simple"))
            condition |= Q(name_vector=query)
        return queryset.filter(condition) if condition else self.none()


@pghistory.track(*audited_events(), pghistory.ManualEvent(DATA_EXPORTED), model_name="PersonAudit")
class Person(Archivable):
    last_name = models.CharField("nom", max_length=120)
    first_names = models.CharField("prénoms", max_length=200)
    birth_date = models.DateField("date de naissance")
    phone = models.CharField("téléphone portable", max_length=20, blank=True)
    no_mobile_phone = models.BooleanField("pas de téléphone portable", default=False)
    refuses_sms = models.BooleanField("refuse les SMS", default=False)
    appi_number = models.CharField("numéro APPI", max_length=13, blank=True)
    residence = models.CharField(
        "résidence", max_length=10, choices=Residence.choices, default=Residence.CITY
    )
    city = models.CharField("commune", max_length=120, blank=True)
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="agent référent",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    search_name = models.CharField(max_length=400, editable=False, default="")
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    # A new follow-up of a person already known (unarchived): counted as activity by retention.
    follow_up_since = models.DateTimeField("suivi repris le", null=True, blank=True)
    # Legal hold: neither archived nor erased by the retention job while set (issue 18).
    held_at = models.DateTimeField("conservation gelée le", null=True, blank=True)
    # db_default: rows inserted by code that predates the column (a release being deployed, raw
    # SQL loaders) still get "" (docs/deployment.md, expand/contract rules).
    hold_reason = models.TextField("motif du gel", blank=True, default="", db_default="")
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="gel demandé par",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )

    # The national person index's keys (shared/person_index/keys.py), copied to the public
    # schema by the triggers below; computed by save() and by the bulk paths (index_keys()).
    index_appi_key = models.CharField(max_length=64, blank=True, default="", db_default="")
    index_identity_key = models.CharField(max_length=64, blank=True, default="", db_default="")
    # Transfers (issue 19, shared/transfers). At the source: read-only once transferred, kept
    # until the retention rules erase it. At the target: where the follow-up came from.
    transferred_at = models.DateTimeField("transférée le", null=True, blank=True)
    transferred_to = models.ForeignKey(
        "tenants.Jurisdiction",
        verbose_name="transférée vers",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    origin_jurisdiction = models.ForeignKey(
        "tenants.Jurisdiction",
        verbose_name="transférée depuis",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    origin_person_id = models.BigIntegerField(null=True, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "personne suivie"
        verbose_name_plural = "personnes suivies"
        ordering = ["last_name", "first_names"]
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=~Q(phone=""), name="unique_person_phone"
            ),
            models.UniqueConstraint(
                fields=["appi_number"], condition=~Q(appi_number=""), name="unique_person_appi"
            ),
            models.CheckConstraint(
                condition=Q(residence="city") | Q(city=""), name="city_only_when_residing"
            ),
            models.CheckConstraint(
                condition=Q(held_at__isnull=True, hold_reason="")
                | (Q(held_at__isnull=False) & ~Q(hold_reason="")),
                name="hold_has_reason",
            ),
        ]
        indexes = [
            # Word-prefix search with PostgreSQL's own full text (no extension needed: the
            # embedded PostgreSQL of make run/test has no pg_trgm). See search().
            GinIndex(SearchVector("search_name", config="simple"), name="person_name_search"),
            models.Index(fields=["last_name", "first_names", "birth_date"], name="person_identity"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="index_insert",
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                level=pgtrigger.Statement,
                referencing=pgtrigger.Referencing(new="new_rows"),
                func=INDEX_INSERT_FUNC,
            ),
            pgtrigger.Trigger(
                name="index_update",
                when=pgtrigger.After,
                operation=pgtrigger.Update,
                level=pgtrigger.Statement,
                referencing=pgtrigger.Referencing(new="new_rows"),
                func=INDEX_UPDATE_FUNC,
            ),
            pgtrigger.Trigger(
                name="index_delete",
                when=pgtrigger.After,
                operation=pgtrigger.Delete,
                level=pgtrigger.Statement,
                referencing=pgtrigger.Referencing(old="old_rows"),
                func=INDEX_DELETE_FUNC,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.last_name} {self.first_names}"

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *DERIVED_FIELDS}
        super().save(*args, **kwargs)

    def fill_derived_fields(self) -> None:
        """Search name and index keys from the identity fields: save() calls it, bulk paths
        (imports, transfers) call it on each instance."""
        self.search_name = search_key(self.last_name, self.first_names)
        self.index_appi_key = appi_key(self.appi_number)
        self.index_identity_key = identity_key(self.last_name, self.first_names, self.birth_date)

    @property
    def is_transferred(self) -> bool:
        return self.transferred_at is not None

    @property
    def is_held(self) -> bool:
        return self.held_at is not None

    @property
    def can_receive_sms(self) -> bool:
        return bool(self.phone) and not self.no_mobile_phone and not self.refuses_sms

    @property
    def sms_status(self) -> str:
        if self.refuses_sms:
            return "Refuse les SMS"
        if self.no_mobile_phone or not self.phone:
            return "Pas de téléphone portable"
        return "Reçoit les SMS"

    @property
    def age(self) -> int:
        """Age on the current time zone's calendar (the jurisdiction's, in its requests): at
        La Réunion a birthday starts two or three hours before it does in Paris, the server's
        own zone (``date.today()``)."""
        today = timezone.localdate()
        before_birthday = (today.month, today.day) < (self.birth_date.month, self.birth_date.day)
        return today.year - self.birth_date.year - before_birthday


class PersonView(models.Model):
    """Who opened whose page, and when (every view is traceable; kept a year by the retention job,
    shared/retention)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="views")
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    viewed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "consultation"
        ordering = ["-viewed_at"]

    def __str__(self) -> str:
        return f"{self.viewer_id} → {self.person_id}"
