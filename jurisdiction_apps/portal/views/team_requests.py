"""Placeholder until the team change request views land (issue 6, point 4)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


worklist = detail = _todo
