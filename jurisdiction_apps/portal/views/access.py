"""Placeholder until the access views land (issue 6, point 1)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


sign_in = enter_code = new_code = sign_out = invitation = invite = _todo
