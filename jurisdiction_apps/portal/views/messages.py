"""Placeholder until the message views land (issue 6, point 3)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


thread = download = _todo
