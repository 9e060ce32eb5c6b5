"""SMS template editor (being written)."""

from django.http import Http404

from tenants.permissions import Action, action_required


@action_required(Action.MANAGE_SMS_TEXTS)
def template_list(request):
    raise Http404


@action_required(Action.MANAGE_SMS_TEXTS)
def template_preview(request):
    raise Http404


@action_required(Action.MANAGE_SMS_TEXTS)
def template_edit(request, pk, kind):
    raise Http404
