"""The source record of a transferred person follows the retention rules (issue 19, point 3):
archived at the transfer, erased when the archive delay has passed; the target's copy stays."""

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.casefile import retention
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.models import Appointment
from shared.transfers import services
from tests.retention.helpers import identity, seed_person_with_everything
from tests.transfers.helpers import agent, push


def test_a_transferred_record_is_erased_by_retention_and_the_target_keeps_its_copy(alpha, beta):
    by_alpha = agent(alpha)
    long_ago = timezone.now() - timedelta(days=800)
    who = seed_person_with_everything(alpha, identity(2), agent=by_alpha, when=long_ago)
    transfer = push(alpha, beta, who, by_alpha)
    result = services.accept(transfer.pk, jurisdiction=beta, acting_user=agent(beta))
    with tenant_context(alpha):
        retention.run()
        assert Person.objects.filter(pk=who.pk).exists()  # archived today: kept for now
        then = timezone.now() - timedelta(days=250)
        Person.objects.filter(pk=who.pk).update(archived_at=then, transferred_at=then)
        retention.run()
        assert not Person.objects.filter(pk=who.pk).exists()
        assert not Appointment.objects.filter(person_id=who.pk).exists()
    with tenant_context(beta):
        kept = Person.objects.get(pk=result.target_person_id)
        assert Appointment.objects.filter(person=kept).exists()
