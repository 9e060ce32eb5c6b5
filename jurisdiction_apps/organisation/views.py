"""Views of the organisation app (thin: forms validate, services act)."""

from django.shortcuts import render

from tenants.permissions import Action, action_required


@action_required(Action.MANAGE_PLACES)
def place_list(request):
    return render(request, "organisation/place_list.html", {})
