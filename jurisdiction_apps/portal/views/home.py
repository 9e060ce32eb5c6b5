"""Placeholder until the home views land (issue 6, point 2)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


home = appointment = appointment_ics = calendar = calendar_feed = agent_contact = _todo
