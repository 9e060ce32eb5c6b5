"""Views of the people app (thin: forms validate, services act)."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jurisdiction_apps.core.pagination import paginate_ids, query_string_without_page
from tenants.permissions import Action, action_required

from . import elsewhere, services
from .forms import ArchiveForm, HoldForm, PersonForm, SearchForm
from .models import Person

PAGE_SIZE = 50


@action_required(Action.VIEW_PEOPLE)
def person_list(request):
    form = SearchForm(request.GET)
    query, include_archived = "", False
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        include_archived = form.cleaned_data["archives"]
        if query:
            people = Person.objects.search(query, request.tenant.phone_region)
        else:
            people = Person.objects.all()
    else:
        people = Person.objects.none()
    if not include_archived:
        people = people.active()
    order = ("last_name", "first_names", "birth_date", "pk")
    if query:
        # Matches come from the name index unordered, then are sorted here: ordering in SQL makes
        # PostgreSQL walk the whole name-ordered index and filter (hundreds of ms at 200,000).
        matches = sorted(people.order_by().values_list(*order))
        ids = [row[-1] for row in matches]
    else:
        ids = people.order_by(*order).values_list("pk", flat=True)
    page = paginate_ids(
        ids, Person.objects.select_related("referent"), request.GET.get("page"), PAGE_SIZE
    )
    return render(
        request,
        "people/person_list.html",
        {
            "form": form,
            "query": query,
            "include_archived": include_archived,
            "page": page,
            "query_string": query_string_without_page(request),
        },
    )


def _person_form(request, person: Person | None):
    data = request.POST if request.method == "POST" else None
    form = PersonForm(data, jurisdiction=request.tenant, person=person)
    if form.is_bound and form.is_valid():
        keys_before = elsewhere.identity_keys(person) if person is not None else None
        try:
            with transaction.atomic():
                saved = services.save_person(
                    form.person_data, acting_user=request.user, person=person
                )
                # The national look-up (see elsewhere.py for the UX choice): on registration,
                # and on an edit only when the identity changed.
                hits = None
                if keys_before is None or elsewhere.identity_keys(saved) != keys_before:
                    hits = elsewhere.look_up(
                        form.cleaned_data,
                        jurisdiction=request.tenant,
                        agent=request.user,
                        person=saved,
                    )
        except services.DuplicateFound as duplicate:
            form.add_duplicate(duplicate)
        except services.PersonTransferred as transferred:
            messages.error(request, str(transferred))
            return redirect("people:detail", pk=person.pk)
        else:
            if hits is not None:
                elsewhere.remember(request, saved, hits)
            verb = "mise à jour" if person is not None else "enregistrée"
            messages.success(request, f"La fiche de {saved} a été {verb}.")
            return redirect("people:detail", pk=saved.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@action_required(Action.EDIT_PEOPLE)
def person_create(request):
    return _person_form(request, None)


@action_required(Action.EDIT_PEOPLE)
def person_edit(request, pk: int):
    person = get_object_or_404(Person.objects.select_related("referent"), pk=pk)
    if person.is_transferred:
        messages.error(request, services.transferred_notice(person))
        return redirect("people:detail", pk=person.pk)
    return _person_form(request, person)


@action_required(Action.ARCHIVE_PEOPLE)
@require_POST
def person_archive(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    form = ArchiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Action inconnue : rien n'a été changé.")
        return redirect("people:detail", pk=person.pk)
    archived = form.archived_wanted(person)
    if person.is_transferred:
        messages.error(request, services.transferred_notice(person))
    elif archived == person.is_archived:
        state = "archivée" if archived else "active"
        messages.info(request, f"La fiche de {person} est déjà {state} : rien n'a été changé.")
    else:
        services.set_archived(person, archived, acting_user=request.user)
        if archived:
            messages.success(
                request,
                f"La fiche de {person} est archivée : elle n'apparaît plus dans la liste "
                "des personnes suivies.",
            )
        else:
            messages.success(
                request,
                f"La fiche de {person} est désarchivée : elle apparaît de nouveau dans la liste "
                "des personnes suivies.",
            )
    return redirect("people:detail", pk=person.pk)


@action_required(Action.HOLD_PEOPLE)
def person_hold(request, pk: int):
    """Put a person on legal hold, or release the hold (the nightly retention job neither
    archives nor erases a held person)."""
    person = get_object_or_404(Person, pk=pk)
    form = HoldForm(request.POST if request.method == "POST" and not person.is_held else None)
    if request.method == "POST":
        try:
            if person.is_held:
                services.release_hold(person, acting_user=request.user)
                messages.success(
                    request,
                    f"Le gel de la conservation de {person} est levé : les règles de conservation "
                    "s'appliquent de nouveau.",
                )
                return redirect("people:detail", pk=person.pk)
            if form.is_valid():
                services.set_hold(person, form.cleaned_data["reason"], acting_user=request.user)
                messages.success(
                    request,
                    f"La conservation de {person} est gelée : la fiche ne sera ni archivée ni "
                    "effacée tant que le gel dure.",
                )
                return redirect("people:detail", pk=person.pk)
        except services.HoldError as error:
            form.add_error("reason" if not person.is_held else None, str(error))
    return render(
        request,
        "people/person_hold.html",
        {"person": person, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
