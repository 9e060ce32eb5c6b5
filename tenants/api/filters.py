"""Filter helpers shared by the API's lists (issue 20)."""

from rest_framework.filters import OrderingFilter

# A yes/no query parameter refused when it is neither (django-filter's BooleanFilter ignores
# an unreadable value silently: ?archived=peut-etre would list everything).
BOOLEAN_CHOICES = [("true", "oui"), ("false", "non")]


class TieBreakOrderingFilter(OrderingFilter):
    """?ordering= on the view's ``ordering_fields``, always ending with the primary key (in the
    direction of the first field): a total order for the cursor pagination."""

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not any(field.lstrip("-") in ("pk", "id") for field in ordering):
            ordering.append("-pk" if ordering and ordering[0].startswith("-") else "pk")
        return tuple(ordering)
