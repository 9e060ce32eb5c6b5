"""Serializer helpers shared by every resource of the API (issue 20)."""

from rest_framework import serializers


class StrictFieldsMixin:
    """Unknown fields in a request body are refused (400, field by field, in French) instead of
    being silently dropped: a typo in a client ("start_at") must not book at a default time."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            known = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - known)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Champ inconnu : retirez-le de la requête."] for name in unknown}
                )
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """A text field that refuses numbers and booleans instead of turning them into text (DRF's
    CharField reads 12 as "12"): a client sending the wrong type learns it."""

    default_error_messages = {"not_text": "Texte attendu (une chaîne de caractères)."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)
