"""Views of the scheduling app (thin: forms validate, services act)."""

from django.shortcuts import render

from tenants.permissions import Action, action_required


@action_required(Action.VIEW_PEOPLE)
def day_view(request):
    return render(request, "scheduling/day.html", {})


@action_required(Action.VIEW_PEOPLE)
def awaiting_outcome(request):
    return render(request, "scheduling/day.html", {})


@action_required(Action.VIEW_PEOPLE)
def no_shows(request):
    return render(request, "scheduling/day.html", {})
