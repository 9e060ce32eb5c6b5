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
