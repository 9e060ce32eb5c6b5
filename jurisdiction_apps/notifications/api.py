"""API resources of the SMS engine (issue 20; mounted by saas_platform/urls_api.py).

``rendez-vous/{id}/sms/``: the SMS of one appointment as the appointment page shows them (kind,
state, times, attempts), through the same query (queries.appointment_messages). Never a text nor
a number (the page shows neither; retention blanks them after three months anyway), never a
provider's or a receipt's code, and never a portal SMS (a sign-in code has no appointment; the
kinds tied to a person only are left out all the same).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from jurisdiction_apps.scheduling.models import Appointment
from tenants.api.permissions import ActionPermission
from tenants.api.schema import error_responses
from tenants.permissions import Action

from .constants import PERSON_KINDS
from .models import Attempt, Message
from .queries import appointment_messages


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attempt
        fields = ["number", "provider", "outcome", "started_at", "finished_at"]
        extra_kwargs = {
            "number": {"help_text": "Numéro de la tentative (1, 2…)."},
            "provider": {"help_text": "Fournisseur SMS (link, brevo…)."},
            "outcome": {"help_text": "pending, accepted, rejected, transient, unknown ou found."},
            "started_at": {"help_text": "Début de la tentative (ISO 8601, avec décalage)."},
            "finished_at": {"help_text": "Fin de la tentative (vide si en cours)."},
        }


class MessageSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(
        source="get_state_display", help_text="L'état en français, comme sur la page."
    )
    receipt_overdue = serializers.BooleanField(
        source="receipt_is_overdue", help_text="Envoyé, et toujours sans accusé de réception."
    )
    attempts = AttemptSerializer(many=True, help_text="Les tentatives d'envoi, dans l'ordre.")

    class Meta:
        model = Message
        fields = [
            "id",
            "kind",
            "state",
            "state_label",
            "reason",
            "receipt_overdue",
            "event",
            "due_at",
            "created_at",
            "sent_at",
            "delivered_at",
            "failed_at",
            "cancelled_at",
            "segments",
            "attempt_count",
            "attempts",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "kind": {"help_text": "convocation, rappel, annulation… (le type de SMS)."},
            "state": {"help_text": "created, queued, sending, sent, delivered, failed…"},
            "reason": {"help_text": "Motif d'un échec ou d'un SMS non envoyable (vide sinon)."},
            "event": {"help_text": "L'événement du rendez-vous qui a causé ce SMS."},
            "due_at": {"help_text": "Envoi prévu (ISO 8601, fuseau de la juridiction)."},
            "sent_at": {"help_text": "Remis au fournisseur."},
            "delivered_at": {"help_text": "Reçu par le téléphone (accusé de réception)."},
        }


class AppointmentSmsView(APIView):
    permission_classes = [ActionPermission]
    action_permissions = {"GET": Action.VIEW_PEOPLE}

    @extend_schema(
        operation_id="rendez_vous_sms",
        summary="Les SMS d'un rendez-vous",
        description=(
            "Chaque SMS du rendez-vous (convocation, rappel, annulation…) : état, heures prévue, "
            "d'envoi et de réception, tentatives auprès des fournisseurs. Ni le texte ni le numéro "
            "ne sont donnés ; aucun SMS de l'espace personnel (codes de connexion) n'y figure."
        ),
        parameters=[
            OpenApiParameter(
                "id",
                OpenApiTypes.INT,
                OpenApiParameter.PATH,
                description="Identifiant du rendez-vous.",
            )
        ],
        responses={200: MessageSerializer(many=True), **error_responses(404)},
        tags=["Rendez-vous"],
    )
    def get(self, request, pk):
        appointment = Appointment.objects.filter(pk=pk).only("pk").first()
        if appointment is None:
            raise exceptions.NotFound()
        messages = [m for m in appointment_messages(appointment) if m.kind not in PERSON_KINDS]
        return Response(MessageSerializer(messages, many=True).data)
