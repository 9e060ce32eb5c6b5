"""Cursor pagination of every list of the API (issue 20): stable under inserts, constant cost per
page whatever its depth. ``?cursor=`` is opaque (the ``next``/``previous`` links carry it),
``?page_size=`` from 1 to ``max_page_size``. A malformed cursor and a page size out of bounds are
refused with a French message (400, codes ``invalid_cursor`` and ``invalid_page_size``) instead of
DRF's silent clamp or 404; a cursor whose position does not fit the ordering field (a forged one)
is refused the same way, never a 500."""

import base64
import binascii

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination


class InvalidCursor(exceptions.ValidationError):
    error_code = "invalid_cursor"  # the API's error format (tenants/api/errors.py)


class InvalidPageSize(exceptions.ValidationError):
    error_code = "invalid_page_size"


class Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "-pk"  # each view sets its own (a unique last key: e.g. ("starts_at", "pk"))

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise InvalidPageSize(
                {"page_size": [f"Taille de page entre 1 et {self.max_page_size}."]},
                code="invalid_page_size",
            )
        return size

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is not None:
            try:  # DRF's decoder skips what is not base64: "%%%" would read as the first page
                base64.b64decode(encoded.encode("ascii"), validate=True)
            except (ValueError, binascii.Error) as error:
                raise self._invalid() from error
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as error:
            raise self._invalid() from error

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, DjangoValidationError) as error:
            if request.query_params.get(self.cursor_query_param) is None:
                raise
            raise self._invalid() from error

    @staticmethod
    def _invalid() -> InvalidCursor:
        return InvalidCursor(
            {"cursor": ["Curseur invalide : reprenez le lien « next » de la page précédente."]},
            code="invalid_cursor",
        )
