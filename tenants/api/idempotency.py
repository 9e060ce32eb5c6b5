"""``Idempotency-Key`` on the POSTs of the API (issue 20): a retried request never does its work
twice. Every POST that creates or changes something takes it: registering a person, booking,
rescheduling, cancelling, recording an outcome (``PARAMETER`` documents it on each).

The key is claimed by an INSERT ... ON CONFLICT in the transaction of the work itself
(``guarded``): two identical requests sent at once both try to insert; the second waits on the
unique index until the first commits, then finds its row and replays its answer (same status, same
body, header ``Idempotent-Replayed: true``). Only a successful answer is kept: when the work fails
(a 4xx), its transaction rolls back with the claim, and the key stays free for a corrected retry.

A key is scoped to the jurisdiction and the acting account, and remembered
IDEMPOTENCY_KEY_TTL_HOURS (24 h): an older row is taken over as if absent, and the nightly
retention job deletes it (``purge_expired``). The same key with another body is refused (422).
"""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.response import Response

from tenants.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_LENGTH = 255
REPLAYED_HEADER = "Idempotent-Replayed"


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    error_code = "idempotency_key_reused"
    default_detail = (
        "Cette clé d'idempotence a déjà servi pour une autre requête : "
        "utilisez une nouvelle clé pour chaque nouvelle opération."
    )


# The header in the schema of every POST that takes it.
PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Facultatif. Clé choisie par le client (1 à 255 caractères ASCII visibles), par "
    "exemple un UUID, une par opération : la même requête renvoyée avec la même clé (24 h) ne "
    "refait rien et reçoit la même réponse (en-tête « Idempotent-Replayed: true ») ; la même clé "
    "avec un autre corps est refusée (422).",
)


class InvalidKey(exceptions.ValidationError):
    error_code = "invalid"


def cutoff(now=None):
    return (now or timezone.now()) - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


def request_key(request) -> str | None:
    """The header's value, checked: 1 to 255 printable ASCII characters (None: no header)."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    if not (1 <= len(raw) <= MAX_LENGTH) or not all(32 < ord(c) < 127 for c in raw):
        raise InvalidKey(
            {HEADER: [f"Clé d'idempotence invalide : 1 à {MAX_LENGTH} caractères ASCII visibles."]}
        )
    return raw


def body_hash(request) -> str:
    data = request.data
    if hasattr(data, "lists"):  # a form-encoded QueryDict: every value of every field
        data = dict(data.lists())
    canonical = json.dumps(
        {"path": request.path, "body": data}, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def guarded(request, work):
    """Run ``work() -> Response`` once per key; without the header, just run it.

    Must be called outside any transaction of the caller's own (the claim and the work commit
    together here)."""
    key = request_key(request)
    if key is None:
        return work()
    digest = body_hash(request)
    table = IdempotencyKey._meta.db_table
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Insert first: a concurrent twin blocks here until this transaction ends. An expired
            # row (older than the TTL) is taken over as if it were absent.
            cursor.execute(
                f"INSERT INTO public.{table} "
                "(jurisdiction_id, user_id, key, request_hash, created_at) "
                "VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (jurisdiction_id, user_id, key) DO UPDATE SET "
                "request_hash = EXCLUDED.request_hash, created_at = EXCLUDED.created_at, "
                "response_status = NULL, response_body = NULL "
                f"WHERE {table}.created_at < %s RETURNING id",
                [request.tenant.pk, request.user.pk, key, digest, timezone.now(), cutoff()],
            )
            claimed = cursor.fetchone()
        if claimed is None:
            return _replay(request, key, digest)
        response = work()
        if status.is_success(response.status_code):
            body = json.loads(json.dumps(response.data, default=str))
            IdempotencyKey.objects.filter(pk=claimed[0]).update(
                response_status=response.status_code, response_body=body
            )
            response.data = body
        else:
            transaction.set_rollback(True)  # the claim goes with the failed work
        return response


def _replay(request, key, digest) -> Response:
    stored = IdempotencyKey.objects.get(
        jurisdiction_id=request.tenant.pk, user_id=request.user.pk, key=key
    )
    if stored.request_hash != digest:
        raise KeyReused()
    if stored.response_status is None:  # not reachable: a claim commits only with its answer
        raise KeyReused()
    response = Response(stored.response_body, status=stored.response_status)
    response[REPLAYED_HEADER] = "true"
    return response


def purge_expired(now=None) -> int:
    """Delete the keys older than the TTL (the nightly retention job calls it)."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff(now)).delete()
    return deleted
