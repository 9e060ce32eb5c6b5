"""Retention pages of a jurisdiction (issue 18): the local admin's page (what the nightly job did,
who is due for archiving or erasure in the next 30 days, holds to review) and the erasure of one
person on request."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.people.models import Person
from shared.retention import services as runs
from shared.retention.constants import Category
from tenants.permissions import Action, action_required

from . import retention
from .forms import ErasureForm
from .models import Erasure

RUNS_SHOWN = 7
ERASURES_SHOWN = 20
# The categories shown as columns of the runs' table, in this order.
RUN_COLUMNS = [
    Category.PEOPLE_ARCHIVE,
    Category.PEOPLE_ERASE,
    Category.SMS_TEXTS,
    Category.ACCESS_LOGS,
    Category.AUDIT_TRAIL,
]


def run_rows(queryset) -> list[dict]:
    rows = []
    for run in queryset:
        tallies = {tally.category: tally.count for tally in run.tallies.all()}
        rows.append(
            {
                "run": run,
                "columns": [tallies.get(category, 0) for category in RUN_COLUMNS],
                "others": sum(
                    count for category, count in tallies.items() if category not in RUN_COLUMNS
                ),
            }
        )
    return rows


@action_required(Action.VIEW_RETENTION)
def overview(request):
    now = timezone.now()
    to_archive, to_erase = retention.due_soon(now)
    return render(
        request,
        "casefile/retention.html",
        {
            "runs": run_rows(runs.last_runs(request.tenant, RUNS_SHOWN)),
            "run_columns": [Category(category).label for category in RUN_COLUMNS],
            "to_archive": to_archive,
            "to_erase": to_erase,
            "upcoming_days": retention.UPCOMING_DAYS,
            "shown": retention.SHOWN,
            "holds_to_review": retention.holds_to_review(now),
            "holds_count": Person.objects.held().count(),
            "erasures": Erasure.objects.select_related("erased_by")[:ERASURES_SHOWN],
            "rules": runs.current_rules().values(),
        },
    )


@action_required(Action.ERASE_PEOPLE)
def erase(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    form = ErasureForm(request.POST if request.method == "POST" else None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            record = retention.erase_now(
                person,
                reason=form.cleaned_data["reason"],
                detail=form.cleaned_data["detail"],
                acting_user=request.user,
            )
        except retention.ErasureRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            # No name in the message: it is kept in the session after the person is gone.
            messages.success(
                request,
                f"La fiche a été effacée définitivement, avec tout ce qui la concernait "
                f"(effacement n° {record.pk}, inscrit au registre de la juridiction).",
            )
            return redirect("people:list")
    summary = {
        "rendez-vous": person.appointments.count(),
        "SMS": Message.objects.filter(person=person).count(),
        "messages de l'espace personnel": person.portal_messages.count(),
        "justificatifs": person.portal_files.count(),
        "demandes de changement": person.change_requests.count(),
    }
    return render(
        request,
        "casefile/person_erase.html",
        {"person": person, "form": form, "summary": summary},
        status=400 if form.is_bound and form.errors else 200,
    )
