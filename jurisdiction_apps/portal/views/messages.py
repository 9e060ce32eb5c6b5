"""The person's message thread with their follow-up team, and their proof files.

Readable without JavaScript: one page with the thread, newest at the bottom, and a plain form
(text and one optional file) that posts back to the same page.
"""

from datetime import timedelta

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from ..constants import MAX_MESSAGE_LENGTH, MAX_UPLOAD_BYTES, Author
from ..models import Attachment, PortalMessage
from ..services import messages as service
from ..services.files import TOO_BIG
from ..session import person_required
from ..uploads import limit_uploads, upload_too_big

FILE_HINT = "PDF, JPEG ou PNG, 10 Mo au plus"
FILE_FIELD = "fichier"
BODY_FIELD = "message"
SENT = "Votre message est envoyé. Votre équipe de suivi va le lire."
SENT_FILE = "Votre message et votre fichier sont envoyés. Votre équipe de suivi va les lire."


# --- shared with the team pages ---------------------------------------------------------------
def when_in_words(moment) -> str:
    """ "aujourd'hui à 9 h 05", "hier à 18 h 30", "le mardi 3 juin à 10 h 00" (local time)."""
    local = timezone.localtime(moment)
    today = timezone.localdate()
    hour = f"{local.hour} h {local.minute:02d}"
    if local.date() == today:
        return f"aujourd'hui à {hour}"
    if local.date() == today - timedelta(days=1):
        return f"hier à {hour}"
    day = date_format(local, "l j F" if local.year == today.year else "l j F Y")
    return f"le {day} à {hour}"


def thread_entries(person, *, for_team: bool) -> list[dict]:
    """The person's thread, oldest first, ready for templates/portal/_thread.html."""
    entries = []
    for message in PortalMessage.objects.filter(person=person).select_related(
        "agent", "attachment"
    ):
        from_team = message.author == Author.TEAM
        if from_team:
            first_name = (message.agent.first_name if message.agent else "").strip()
            if for_team:
                who = (message.agent.get_full_name() if message.agent else "") or "L'équipe"
                who = f"{who} (équipe de suivi)"
            else:
                who = "Votre équipe de suivi" + (f" — {first_name}" if first_name else "")
            unread = not for_team and message.read_by_person_at is None
        else:
            who = str(person) if for_team else "Vous"
            unread = for_team and message.read_by_team_at is None
        entries.append(
            {
                "message": message,
                "from_team": from_team,
                "who": who,
                "when": when_in_words(message.created_at),
                "unread": unread,
            }
        )
    return entries


def file_response(attachment: Attachment):
    """The file itself, as a download under its original name, never cached nor sniffed."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def post_from_form(request, post, **kwargs):
    """Call ``post(person-or-..., body=, upload=, **kwargs)`` with the form's data.

    Returns (message, error): one of them is None."""
    body = request.POST.get(BODY_FIELD, "")
    if upload_too_big(request):
        return None, TOO_BIG
    upload = request.FILES.get(FILE_FIELD)
    try:
        return post(body=body, upload=upload, **kwargs), None
    except (service.MessageRefused, service.FileRefused) as refused:
        return None, str(refused)


def form_context(request, error: str = "") -> dict:
    return {
        "error": error,
        "body": request.POST.get(BODY_FIELD, "") if error else "",
        "body_field": BODY_FIELD,
        "file_field": FILE_FIELD,
        "file_hint": FILE_HINT,
        "max_length": MAX_MESSAGE_LENGTH,
        "max_bytes": MAX_UPLOAD_BYTES,
    }


# --- portal views -----------------------------------------------------------------------------
def _page(request, error: str = "", status: int = 200):
    entries = thread_entries(request.person, for_team=False)
    service.mark_read_by_person(request.person)
    return render(
        request,
        "portal/messages.html",
        {"entries": entries, **form_context(request, error)},
        status=status,
    )


@csrf_protect
def _post(request):
    message, error = post_from_form(
        request, lambda **kw: service.post_person_message(request.person, **kw)
    )
    if error:
        return _page(request, error)
    messages.success(request, SENT_FILE if message.attachment_id else SENT)
    return redirect("portal:messages")


@csrf_exempt  # the upload limit is set before the body is read; _post checks the CSRF token
@person_required
def thread(request):
    if request.method == "POST":
        limit_uploads(request)
        return _post(request)
    return _page(request)


@person_required
def download(request, token: str):
    # Same answer for a token of someone else and a token that does not exist.
    attachment = Attachment.objects.filter(token=token, person=request.person).first()
    if attachment is None or not attachment.file.storage.exists(attachment.file.name):
        return render(request, "portal/404.html", status=404)
    return file_response(attachment)
