"""The people screens run a fixed number of queries, whatever the amount of data."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person
from tenants.constants import Role

from .helpers import agent_client, make_person

# Each page counts the transfers waiting in the menu (shared/transfers/context_processors.py); the
# person's pages ask for their transfer rows (shared/transfers/templatetags/transfer_tags.py).
LIST_MAX_QUERIES = 11
DETAIL_MAX_QUERIES = 16
# + the menu badges, + the portal reads (TeamRead), + the national look-ups
AUDIT_MAX_QUERIES = 21


def make_people(jurisdiction, count: int, referents) -> None:
    with tenant_context(jurisdiction):
        for index in range(count):
            Person.objects.create(
                last_name=f"NOM{index:03d}",
                first_names="Test",
                birth_date=date(1980, 1, 1),
                phone=f"+336123456{index:02d}",
                referent=referents[index % len(referents)],
            )


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_list_queries_do_not_grow_with_people(dpip_client, alpha, django_assert_max_num_queries):
    referents = [agent_client(alpha, Role.CPIP, last_name=f"Référent{i}").user for i in range(3)]
    make_people(alpha, 2, referents)
    small = queries_of(dpip_client, "/personnes/")
    with tenant_context(alpha):
        Person.objects.all().delete()
    make_people(alpha, 30, referents)
    with django_assert_max_num_queries(LIST_MAX_QUERIES):
        response = dpip_client.get("/personnes/")
    assert len(response.context["page"].object_list) == 30
    assert queries_of(dpip_client, "/personnes/") == small
    assert queries_of(dpip_client, "/personnes/?q=nom0") == queries_of(
        dpip_client, "/personnes/?q=nom001"
    )


def test_detail_and_audit_queries_do_not_grow_with_appointments(
    dpip_client, alpha, make_appointments, django_assert_max_num_queries
):
    agents = [agent_client(alpha, Role.CPIP, last_name=f"Agent{i}").user for i in range(3)]
    few = make_person(alpha, last_name="PEU")
    many = make_person(alpha, last_name="BEAUCOUP", referent=agents[0])
    make_appointments(few, 1, acting_user=agents[0])
    for index in range(10):
        make_appointments(many, 1, past=index % 2, acting_user=agents[index % 3])
    for person in (few, many):  # changes made through the screens: the agent is recorded
        dpip_client.post(reverse("people:archive", args=[person.pk]))
        dpip_client.post(reverse("people:archive", args=[person.pk]))

    detail_many = reverse("people:detail", args=[many.pk])
    with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
        response = dpip_client.get(detail_many)
    assert len(response.context["upcoming"]) + len(response.context["past"]) == 10
    assert queries_of(dpip_client, detail_many) == queries_of(
        dpip_client, reverse("people:detail", args=[few.pk])
    )

    audit_many = reverse("people:audit", args=[many.pk])
    with django_assert_max_num_queries(AUDIT_MAX_QUERIES):
        dpip_client.get(audit_many)
    assert queries_of(dpip_client, audit_many) == queries_of(
        dpip_client, reverse("people:audit", args=[few.pk])
    )
