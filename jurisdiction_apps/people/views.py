"""Views of the people app (thin: forms validate, services act)."""

from django.shortcuts import render

from tenants.permissions import Action, action_required


@action_required(Action.VIEW_PEOPLE)
def person_list(request):
    return render(request, "people/person_list.html", {})
