"""The follow-up team's side of the message threads: the inbox, one thread, the proof files.

Every opening of a thread or of a file by an agent is written to ``TeamRead``.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Max, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from jurisdiction_apps.people.models import Person
from tenants.permissions import Action, action_required

from ..constants import Author
from ..models import Attachment
from ..services import messages as service
from ..uploads import limit_uploads
from .messages import file_response, form_context, post_from_form, thread_entries

INBOX_PAGE_SIZE = 50
SENT = "Votre réponse est envoyée. La personne est prévenue par SMS (sans le contenu du message)."


def inbox_queryset():
    """People with messages, with their unread count and last message time, waiting ones first
    (one query for the rows of a page)."""
    unread = Count(
        "portal_messages",
        filter=Q(
            portal_messages__author=Author.PERSON, portal_messages__read_by_team_at__isnull=True
        ),
    )
    return (
        Person.objects.filter(portal_messages__isnull=False)
        .annotate(unread=unread, last_message_at=Max("portal_messages__created_at"))
        .annotate(
            waiting=Case(
                When(unread__gt=0, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("waiting", "-last_message_at", "pk")
    )


@action_required(Action.PORTAL_MESSAGES)
def inbox(request):
    page = Paginator(inbox_queryset(), INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal_team/inbox.html", {"page": page})


def _page(request, person, error: str = ""):
    entries = thread_entries(person, for_team=True)
    service.open_thread_as_agent(person, agent=request.user)
    return render(
        request,
        "portal_team/thread.html",
        {"person": person, "entries": entries, **form_context(request, error)},
    )


@csrf_protect
def _reply(request, person):
    _message, error = post_from_form(
        request,
        lambda **kw: service.post_team_message(person, acting_user=request.user, **kw),
    )
    if error:
        return _page(request, person, error)
    messages.success(request, SENT)
    return redirect("portal_team:thread", person_pk=person.pk)


@csrf_exempt  # the upload limit is set before the body is read; _reply checks the CSRF token
@action_required(Action.PORTAL_MESSAGES)
def thread(request, person_pk: int):
    person = get_object_or_404(Person, pk=person_pk)
    if request.method == "POST":
        limit_uploads(request)
        return _reply(request, person)
    return _page(request, person)


@action_required(Action.PORTAL_MESSAGES)
def download(request, token: str):
    attachment = Attachment.objects.filter(token=token).first()
    if attachment is None or not attachment.file.storage.exists(attachment.file.name):
        raise Http404
    service.open_file_as_agent(attachment, agent=request.user)
    return file_response(attachment)
