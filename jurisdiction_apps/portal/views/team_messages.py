"""Placeholder until the team message views land (issue 6, point 3)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


inbox = thread = download = _todo
