"""Pages of large lists in two steps: the ids of one page first, then those rows with their
relations. The first query stays narrow (an index walk with LIMIT), so the planner is not misled
by the joins that only the displayed rows need."""

from django.core.paginator import Page, Paginator


def query_string_without_page(request) -> str:
    """The current filters, for the links of the other pages."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def paginate_ids(ids, full_queryset, number, per_page: int = 50) -> Page:
    """``ids``: an ordered queryset of primary keys (or a list); returns a Page of full objects
    in the same order."""
    page = Paginator(ids, per_page).get_page(number)
    keys = list(page.object_list)
    rows = full_queryset.in_bulk(keys)
    page.object_list = [rows[key] for key in keys if key in rows]
    return page
