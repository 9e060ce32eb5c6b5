"""Invented demo data for `make run`: jurisdictions, agents of several roles, national staff.

Every name and address here is invented. Seeding is idempotent: a second run changes nothing.
"""

from datetime import timedelta

from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared.accounts.constants import NationalRole
from shared.accounts.second_factor import has_authenticator, requires_second_factor
from shared.national_stats.aggregation import rebuild
from shared.national_stats.models import Refresh
from shared.public_site.seed import seed_national_content
from tenants.constants import APPOINTMENT_HOLDER_ROLES, JurisdictionStatus, Role
from tenants.models import Jurisdiction, Membership
from tenants.services import (
    JurisdictionSpec,
    create_jurisdiction,
    ensure_public_tenant,
    grant_membership,
)

from .api_keys import seed_api_key
from .backoffice import PAST_OPEN_DAYS, backfill_history_sms, seed_backoffice, seed_history
from .opening import import_kit
from .portal import seed_portal
from .public_site import seed_demo_content
from .retention import run_retention, seed_retention
from .transfers import seed_transfers

DEMO_PASSWORD = "Demo-Justice-2026"
# The second factor of the demo's privileged accounts (invented, public, demo only): the TOTP
# secret of their authenticator app. `make demo-code` prints its current code.
DEMO_TOTP_SECRET = "JUSTICEDEMOTOTPSECRETAAAAAAAAAAA"

DEMO_JURISDICTIONS = [
    JurisdictionSpec(
        slug="nanterre",
        name="TJ de Nanterre et SPIP des Hauts-de-Seine",
        tj_name="Tribunal judiciaire de Nanterre",
        spip_name="SPIP des Hauts-de-Seine",
        departements="92",
        time_zone="Europe/Paris",
        phone_region="FR",
        sms_sender_name="SPIP92",
        primary_colour="#000091",
        brand_name="Justice Hauts-de-Seine",
        status=JurisdictionStatus.LIVE,
    ),
    JurisdictionSpec(
        slug="la-reunion",
        name="TJ de Saint-Denis et SPIP de La Réunion",
        tj_name="Tribunal judiciaire de Saint-Denis",
        spip_name="SPIP de La Réunion",
        departements="974",
        time_zone="Indian/Reunion",
        phone_region="RE",
        sms_sender_name="SPIP974",
        primary_colour="#18753C",
        brand_name="Justice La Réunion",
        status=JurisdictionStatus.LIVE,
    ),
    # The SPIP du Nord works with several tribunals: one jurisdiction per TJ, shared agents.
    JurisdictionSpec(
        slug="lille",
        name="TJ de Lille et SPIP du Nord",
        tj_name="Tribunal judiciaire de Lille",
        spip_name="SPIP du Nord",
        departements="59",
        sms_sender_name="SPIP59",
        primary_colour="#6A6AF4",
        brand_name="Justice Lille",
        status=JurisdictionStatus.LIVE,
    ),
    JurisdictionSpec(
        slug="douai",
        name="TJ de Douai et SPIP du Nord",
        tj_name="Tribunal judiciaire de Douai",
        spip_name="SPIP du Nord",
        departements="59",
        sms_sender_name="SPIP59",
        primary_colour="#A558A0",
        brand_name="Justice Douai",
        status=JurisdictionStatus.ONBOARDING,
    ),
]

# Being opened by the demo's deployment officer, from the onboarding kit (demo/opening.py): the
# kit's service is the SPIP of the Hauts-de-Seine, opened here as a separate, invented jurisdiction.
OPENING_JURISDICTION = JurisdictionSpec(
    slug="ouverture",
    name="Juridiction en ouverture (kit de démonstration)",
    tj_name="Tribunal judiciaire d'Exemple",
    spip_name="SPIP 92",
    departements="92",
    time_zone="Europe/Paris",
    phone_region="FR",
    sms_sender_name="SPIPEXEMPL",
    primary_colour="#000091",
    brand_name="Justice Exemple",
    status=JurisdictionStatus.ONBOARDING,
)
DEPLOYMENT_OFFICER_EMAIL = "deploiement@demo.test"

# e-mail, first name, last name, national role, staff, [(jurisdiction slug, role)]
DEMO_USERS = [
    ("admin.nanterre@demo.test", "Zoé", "Andrieu", "", False, [("nanterre", Role.LOCAL_ADMIN)]),
    ("cpip.nanterre@demo.test", "Inès", "Ferrand", "", False, [("nanterre", Role.CPIP)]),
    ("bex.nanterre@demo.test", "Mehdi", "Roussel", "", False, [("nanterre", Role.BEX)]),
    ("jap.nanterre@demo.test", "Claire", "Vasseur", "", False, [("nanterre", Role.JAP)]),
    ("cpip.reunion@demo.test", "Johan", "Técher", "", False, [("la-reunion", Role.CPIP)]),
    (
        "cpip.nord@demo.test",
        "Lucie",
        "Delattre",
        "",
        False,
        [("lille", Role.CPIP), ("douai", Role.CPIP)],
    ),
    ("dpip.nord@demo.test", "Karim", "Benali", "", False, [("lille", Role.DPIP)]),
    (DEPLOYMENT_OFFICER_EMAIL, "Sophie", "Marchal", NationalRole.DEPLOYMENT_OFFICER, False, []),
    ("national@demo.test", "Paul", "Lemaire", NationalRole.NATIONAL_TEAM, True, []),
]


def seed_demo(stdout=None, *, opening: bool = True) -> None:
    """``opening``: also the jurisdiction being opened from the onboarding kit (its imports take
    a few seconds; the test of the seed at many instants leaves it out and tests it once)."""
    ensure_public_tenant()
    seed_national_content()
    seed_demo_content()  # before the places, which link to their service pages
    for spec in DEMO_JURISDICTIONS:
        if not Jurisdiction.objects.filter(slug=spec.slug).exists():
            _, seconds = create_jurisdiction(spec)
            if stdout:
                stdout.write(f"  jurisdiction {spec.slug} created in {seconds:.1f} s")
    by_slug = {j.slug: j for j in Jurisdiction.objects.tenants()}
    user_model = get_user_model()
    with transaction.atomic():
        for email, first, last, national_role, staff, memberships in DEMO_USERS:
            user, created = user_model.objects.get_or_create(
                email=email,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "national_role": national_role,
                    "is_staff": staff,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            for slug, role in memberships:
                grant_membership(user, by_slug[slug], role)
            if requires_second_factor(user) and not has_authenticator(user):
                TOTP.activate(user, DEMO_TOTP_SECRET)
    _seed_backoffice(by_slug)
    _seed_statistics(by_slug)
    _seed_retention(by_slug, stdout)
    seed_transfers(by_slug)
    seed_api_key(by_slug)
    if opening:
        seed_opening(stdout)


def _seed_retention(by_slug, stdout=None) -> None:
    """People due for archiving and erasure, a hold to review, then the nightly job once (after
    the statistics: the national figures already computed stay as they are)."""
    for spec in DEMO_JURISDICTIONS:
        jurisdiction = by_slug[spec.slug]
        with tenant_context(jurisdiction):
            seed_retention(jurisdiction)
            counts = run_retention()
        if stdout:
            stdout.write(
                f"  retention {jurisdiction.slug}: {counts['people_erase']} erased, "
                f"{counts['people_archive']} archived"
            )


def seed_opening(stdout=None) -> None:
    """The jurisdiction being opened, created if missing and fed with the onboarding kit."""
    jurisdiction = Jurisdiction.objects.filter(slug=OPENING_JURISDICTION.slug).first()
    if jurisdiction is None:
        jurisdiction, seconds = create_jurisdiction(OPENING_JURISDICTION)
        if stdout:
            stdout.write(f"  jurisdiction {jurisdiction.slug} created in {seconds:.1f} s")
    officer = get_user_model().objects.get(email=DEPLOYMENT_OFFICER_EMAIL)
    for done in import_kit(jurisdiction, officer=officer):
        if stdout:
            stdout.write(f"  kit {done.name}: {done.state}, {done.rejected_lines} rejected line(s)")


def _seed_backoffice(by_slug) -> None:
    for jurisdiction in by_slug.values():
        memberships = list(
            Membership.objects.agents().filter(jurisdiction=jurisdiction).select_related("user")
        )
        holders = [m.user for m in memberships if m.role in APPOINTMENT_HOLDER_ROLES]
        booker = next((m.user for m in memberships), None)
        with tenant_context(jurisdiction):
            seed_backoffice(jurisdiction, holders=holders, booker=booker)
            seed_portal(jurisdiction)


# Demo jurisdictions with a year of invented history, live for the last six months: the
# national statistics show the attendance before and after going live.
HISTORY_SLUGS = ("nanterre", "lille")


def _seed_statistics(by_slug) -> None:
    """The demo's figures, computed from the demo jurisdictions' own rows: the whole history when
    it was just seeded, otherwise from a little before the last computation (what the demo
    changed since, as the nightly refresh would)."""
    rebuilt = set()
    for slug in HISTORY_SLUGS:
        jurisdiction = by_slug.get(slug)
        if jurisdiction is None:
            continue
        with tenant_context(jurisdiction), transaction.atomic():
            seeded = seed_history(jurisdiction, months=12, live_since_months=6)
        if seeded:
            went_live = timezone.now() - timedelta(days=180)
            Jurisdiction.objects.filter(pk=jurisdiction.pk).update(went_live_at=went_live)
            jurisdiction.went_live_at = went_live
            rebuild(jurisdiction)
            rebuilt.add(jurisdiction.pk)
            continue
        with tenant_context(jurisdiction), transaction.atomic():
            backfilled = backfill_history_sms(jurisdiction)
        if backfilled:
            rebuild(jurisdiction)
            rebuilt.add(jurisdiction.pk)
    last_days = dict(Refresh.objects.values_list("jurisdiction_id", "last_day"))
    # The demo's past appointments lie within its last open days: recompute a margin before.
    margin = timedelta(days=2 * PAST_OPEN_DAYS)
    for jurisdiction in by_slug.values():
        if jurisdiction.pk in rebuilt:
            continue
        last_day = last_days.get(jurisdiction.pk)
        rebuild(jurisdiction, since=last_day - margin if last_day else None)
