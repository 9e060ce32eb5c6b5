from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.scheduling.constants import Weekday
from jurisdiction_apps.scheduling.models import Slot, SlotTemplate
from jurisdiction_apps.scheduling.services import generate_all_slots, generate_slots
from jurisdiction_apps.scheduling.territory import holiday_name, is_public_holiday
from tests.dates import at


def make_template(code="sortie-audience-spip", **fields):
    kind = AppointmentType.objects.get(code=code)
    place = Place.objects.create(name=f"Lieu {code}")
    place.appointment_types.add(kind)
    agenda = Agenda.objects.create(place=place, name="Agenda")
    defaults = {
        "weekday": Weekday.MONDAY,
        "start_time": time(9),
        "duration_minutes": 30,
        "capacity": 3,
        "starts_on": date(2027, 3, 1),
    }
    return SlotTemplate.objects.create(
        agenda=agenda, appointment_type=kind, **{**defaults, **fields}
    )


def local_starts(zone):
    return [
        timezone.localtime(s.starts_at, ZoneInfo(zone)) for s in Slot.objects.order_by("starts_at")
    ]


def test_mondays_skip_easter_monday_and_keep_local_time_across_dst(alpha, freeze_time):
    freeze_time(at(alpha, date(2027, 3, 1), 0))  # slots already past are never created
    with tenant_context(alpha):
        template = make_template()
        created = generate_slots(template, today=date(2027, 3, 1), until=date(2027, 4, 30))
        starts = local_starts("Europe/Paris")
    # Mondays of March and April 2027; Easter Monday is 29 March 2027.
    assert date(2027, 3, 29) not in [s.date() for s in starts]
    assert [s.date() for s in starts] == [
        date(2027, 3, 1),
        date(2027, 3, 8),
        date(2027, 3, 15),
        date(2027, 3, 22),
        date(2027, 4, 5),
        date(2027, 4, 12),
        date(2027, 4, 19),
        date(2027, 4, 26),
    ]
    assert created == 8
    # 09:00 local on both sides of the change to summer time (28 March 2027).
    assert {s.time() for s in starts} == {time(9)}
    assert {s.utcoffset() for s in starts} == {timedelta(hours=1), timedelta(hours=2)}


def test_generation_is_idempotent(alpha, freeze_time):
    freeze_time(at(alpha, date(2027, 3, 1), 0))
    with tenant_context(alpha):
        template = make_template()
        generate_slots(template, today=date(2027, 3, 1), until=date(2027, 3, 31))
        again = generate_slots(template, today=date(2027, 3, 1), until=date(2027, 3, 31))
        assert again == 0
        assert Slot.objects.count() == 4


def test_overseas_holidays_and_time_zone(beta, freeze_time):
    # La Réunion: 20 December (abolition of slavery) is a public holiday, 09:00 is 05:00 UTC.
    assert beta.departement_list == ["974"]
    assert is_public_holiday(date(2027, 12, 20), ["974"])
    assert not is_public_holiday(date(2027, 12, 20), ["92"])
    freeze_time(at(beta, date(2027, 12, 1), 0))
    with tenant_context(beta):
        template = make_template(starts_on=date(2027, 12, 1))
        generate_slots(template, today=date(2027, 12, 1), until=date(2027, 12, 31))
        slots = list(Slot.objects.order_by("starts_at"))
    days = [timezone.localtime(s.starts_at, ZoneInfo("Indian/Reunion")).date() for s in slots]
    assert date(2027, 12, 20) not in days and date(2027, 12, 27) in days
    assert {s.starts_at.astimezone(ZoneInfo("UTC")).time() for s in slots} == {time(5)}


def test_alsace_moselle_has_its_own_holidays():
    assert holiday_name(date(2027, 12, 26), ["57"])  # Saint-Étienne
    assert is_public_holiday(date(2027, 3, 26), ["67"])  # Good Friday 2027
    assert not is_public_holiday(date(2027, 3, 26), ["75"])


# Saturdays of May 2027: the 1st and the 8th are public holidays, then 15, 22, 29.
@pytest.mark.parametrize(
    ("code", "expected_saturdays"), [("sortie-audience-spip", 0), ("convocation-stage", 3)]
)
def test_weekends_only_for_types_that_allow_them(alpha, code, expected_saturdays, freeze_time):
    freeze_time(at(alpha, date(2027, 5, 1), 0))
    with tenant_context(alpha):
        template = make_template(code=code, weekday=Weekday.SATURDAY)
        generate_slots(template, today=date(2027, 5, 1), until=date(2027, 5, 31))
        assert Slot.objects.count() == expected_saturdays


def test_nightly_run_extends_active_templates_only(alpha):
    with tenant_context(alpha):
        make_template(starts_on=timezone.localdate())
        make_template(code="action-collective", starts_on=timezone.localdate(), is_active=False)
        created = generate_all_slots()
        assert created > 0
        assert not Slot.objects.filter(appointment_type__code="action-collective").exists()
        assert Slot.objects.filter(starts_at__lte=timezone.now()).count() == 0
