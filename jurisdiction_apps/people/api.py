"""API of the people followed (issue 20), mounted by saas_platform/urls_api.py under
``personnes/``. The same rules as the pages, through the same services: the fields are cleaned by
``services.clean_person_data``, a phone or APPI number already registered is refused
(``find_blocking_duplicate``), a namesake born the same day needs ``confirm_not_duplicate`` as
the form's checkbox, ``save_person`` saves, and the national index is looked up as on
registration (``elsewhere.look_up``: recorded for both sides' trails, answered once in the
response's ``followed_elsewhere``). A transferred person's record is read-only.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jurisdiction_apps.core.api import AgentField, ArchivedFilterSet, archived_field
from tenants.api import idempotency
from tenants.api.errors import ApiError
from tenants.api.filters import TieBreakOrderingFilter
from tenants.api.permissions import ActionPermission
from tenants.api.schema import ErrorBodySerializer, error_envelope, error_responses
from tenants.api.serializers import StrictCharField, StrictFieldsMixin
from tenants.models import Jurisdiction, Membership
from tenants.permissions import Action

from . import elsewhere, services
from .constants import Residence
from .forms import PERSON_DATA_FIELDS
from .models import Person

SEARCH_MAX_LENGTH = 100
CONFIRM_MESSAGE = (
    "Une personne de même nom, mêmes prénoms et même date de naissance est déjà enregistrée : "
    "vérifiez sa fiche (voir « existing_people »), puis renvoyez la requête avec "
    "« confirm_not_duplicate »: true s'il s'agit bien d'une autre personne."
)


# --- reading ---------------------------------------------------------------------------------
class PersonSerializer(serializers.ModelSerializer):
    """A person as the person's page shows it to every role allowed to see people."""

    referent = AgentField(allow_null=True, read_only=True, help_text="L'agent référent, ou null.")
    archived = archived_field("Fiche archivée.")
    held = serializers.SerializerMethodField(
        help_text="Conservation gelée (ni archivage ni effacement automatiques)."
    )
    can_receive_sms = serializers.BooleanField(
        read_only=True, help_text="Un portable, et la personne ne refuse pas les SMS."
    )
    transferred_to = serializers.SerializerMethodField(
        help_text="Juridiction qui suit désormais la personne (fiche en lecture seule), ou null."
    )
    origin_jurisdiction = serializers.SerializerMethodField(
        help_text="Juridiction qui suivait la personne avant un transfert vers celle-ci, ou null."
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "last_name",
            "first_names",
            "birth_date",
            "phone",
            "no_mobile_phone",
            "refuses_sms",
            "can_receive_sms",
            "appi_number",
            "residence",
            "city",
            "referent",
            "archived",
            "archived_at",
            "held",
            "transferred_at",
            "transferred_to",
            "origin_jurisdiction",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Identifiant de la personne dans la juridiction."},
            "last_name": {"help_text": "Nom, en majuscules."},
            "first_names": {"help_text": "Prénoms."},
            "birth_date": {"help_text": "Date de naissance (AAAA-MM-JJ)."},
            "phone": {"help_text": "Portable au format E.164 (+33612345678), ou vide."},
            "no_mobile_phone": {"help_text": "La personne n'a pas de téléphone portable."},
            "refuses_sms": {"help_text": "La personne refuse de recevoir des SMS."},
            "appi_number": {"help_text": "Numéro APPI, ou vide."},
            "residence": {
                "help_text": (
                    "city : dans une commune ; homeless : sans domicile fixe ; "
                    "abroad : à l'étranger."
                )
            },
            "city": {"help_text": "Commune de résidence (vide hors résidence en commune)."},
            "archived_at": {"help_text": "Archivée le (ISO 8601 avec décalage), ou null."},
            "transferred_at": {"help_text": "Transférée le (ISO 8601 avec décalage), ou null."},
            "created_at": {"help_text": "Enregistrée le (ISO 8601 avec décalage)."},
        }

    def get_held(self, person) -> bool:
        return person.held_at is not None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_transferred_to(self, person) -> str | None:
        return _jurisdiction_name(person, "transferred_to")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_origin_jurisdiction(self, person) -> str | None:
        return _jurisdiction_name(person, "origin_jurisdiction")


def _jurisdiction_name(person, field: str) -> str | None:
    if getattr(person, f"{field}_id") is None:
        return None
    try:
        other = getattr(person, field)
    except Jurisdiction.DoesNotExist:  # no constraint across schemas
        return None
    return other.display_name if other is not None else None


class FollowedElsewhereSerializer(serializers.Serializer):
    jurisdiction = serializers.CharField(help_text="Nom de l'autre juridiction.")
    contact = serializers.CharField(help_text="Contact du service de l'autre juridiction.")
    archived = serializers.BooleanField(
        help_text="true : suivie auparavant là-bas (suivi clos) ; false : suivie aussi là-bas."
    )


class SavedPersonSerializer(PersonSerializer):
    followed_elsewhere = serializers.SerializerMethodField(
        help_text=(
            "Autres juridictions qui suivent (ou suivaient) une personne de même numéro APPI, ou "
            "de même nom, premier prénom et date de naissance, d'après l'index national : "
            "consultées à l'enregistrement et quand l'identité change (sinon liste vide). "
            "Seulement leur nom et leur contact, jamais les données de l'autre fiche."
        )
    )

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "followed_elsewhere"]
        read_only_fields = fields

    @extend_schema_field(FollowedElsewhereSerializer(many=True))
    def get_followed_elsewhere(self, person) -> list:
        return self.context.get("followed_elsewhere", [])


# --- writing ---------------------------------------------------------------------------------
class PersonWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    """The fields of the person form; the rules (normalisation, age, phone, APPI number,
    residence) are services.clean_person_data's."""

    last_name = StrictCharField(max_length=120, help_text="Nom.")
    first_names = StrictCharField(
        max_length=200, help_text="Tous les prénoms, séparés par des espaces."
    )
    birth_date = serializers.DateField(
        help_text="Date de naissance, AAAA-MM-JJ (plus de 16 ans, après 1900)."
    )
    phone = StrictCharField(
        max_length=30,
        required=False,
        allow_blank=True,
        help_text=(
            "Téléphone portable dans toute écriture courante (06 12 34 56 78, +33 6 12 34 56 78, "
            "0033...), lu avec la région de la juridiction ; rendu au format E.164. Obligatoire "
            "sauf si no_mobile_phone est vrai."
        ),
    )
    no_mobile_phone = serializers.BooleanField(
        required=False, help_text="Pas de téléphone portable (le numéro est alors ignoré)."
    )
    refuses_sms = serializers.BooleanField(
        required=False, help_text="La personne refuse de recevoir les SMS."
    )
    appi_number = StrictCharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="Numéro APPI : 8 ou 12 chiffres, éventuellement suivis d'une lettre.",
    )
    residence = serializers.ChoiceField(
        choices=Residence.choices,
        required=False,
        help_text="city (par défaut), homeless ou abroad.",
    )
    city = StrictCharField(
        max_length=120,
        required=False,
        allow_blank=True,
        help_text="Commune de résidence, obligatoire si residence vaut city.",
    )
    referent = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Identifiant de l'agent référent (un agent de la juridiction), ou null.",
    )
    confirm_not_duplicate = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "À mettre à true, après vérification, quand une personne de même nom, mêmes prénoms "
            "et même date de naissance est déjà enregistrée (réponse 409 "
            "« possible_duplicate »)."
        ),
    )

    def validate_referent(self, value):
        if value is None:
            return None
        person = self.context.get("person")
        if person is not None and person.referent_id == value:
            return person.referent  # an agent who left stays until someone picks another one
        membership = (
            Membership.objects.active()
            .filter(jurisdiction=self.context["jurisdiction"], user_id=value)
            .select_related("user")
            .first()
        )
        if membership is None:
            raise serializers.ValidationError("Choisissez un agent de la juridiction.")
        return membership.user


class ArchiveSerializer(StrictFieldsMixin, serializers.Serializer):
    archived = serializers.BooleanField(
        help_text="true : archiver la fiche ; false : la désarchiver (reprise du suivi)."
    )


class DuplicateErrorBodySerializer(ErrorBodySerializer):
    existing_people = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Identifiants des personnes déjà enregistrées en cause.",
    )


DuplicateErrorSerializer = error_envelope("PersonConflictError", DuplicateErrorBodySerializer)


# --- filters ---------------------------------------------------------------------------------
class PersonFilter(ArchivedFilterSet):
    search = filters.CharFilter(
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        help_text=(
            "Nom (même partiel, sans accents), téléphone dans n'importe quelle écriture ou "
            "numéro APPI, comme la recherche de la liste des personnes."
        ),
    )
    residence = filters.ChoiceFilter(choices=Residence.choices, help_text="Type de résidence.")
    referent = filters.NumberFilter(field_name="referent_id", help_text="Agent référent (id).")

    class Meta:
        model = Person
        fields = ["search", "archived", "residence", "referent"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value, self.request.tenant.phone_region)


# --- views -----------------------------------------------------------------------------------
EXAMPLES = [
    OpenApiExample(
        "Enregistrement",
        summary="Une personne avec un portable, résidant dans une commune",
        value={
            "last_name": "Exemple",
            "first_names": "jean-pierre",
            "birth_date": "1985-06-15",
            "phone": "06 12 34 56 78",
            "residence": "city",
            "city": "Nanterre",
        },
        request_only=True,
    ),
    OpenApiExample(
        "Doublon",
        summary="Ce numéro de téléphone est déjà enregistré",
        value={
            "error": {
                "status": 409,
                "code": "duplicate",
                "message": "Une personne enregistrée a déjà ce numéro de téléphone : "
                "EXEMPLE Marie.",
                "fields": {
                    "phone": [
                        "Une personne enregistrée a déjà ce numéro de téléphone : EXEMPLE Marie."
                    ]
                },
                "existing_people": [42],
            }
        },
        response_only=True,
        status_codes=["409"],
    ),
]
PERSON_ID = "Identifiant de la personne."


@extend_schema_view(
    list=extend_schema(
        summary="Lister les personnes suivies",
        description=(
            "Les personnes de la juridiction, par nom puis prénoms (?ordering= : last_name, "
            "first_names, birth_date, created_at, id ; préfixe « - » pour l'ordre inverse). "
            "Recherche (?search=) comme la liste des personnes ; ?archived=true|false (sans ce "
            "paramètre : actives et archivées). Pagination par curseur (?cursor=, ?page_size=)."
        ),
        responses={200: PersonSerializer(many=True), **error_responses(400)},
    ),
    retrieve=extend_schema(
        summary="Lire la fiche d'une personne",
        description="La consultation est tracée, comme l'ouverture de la fiche.",
        responses={200: PersonSerializer, **error_responses(404)},
    ),
    create=extend_schema(
        summary="Enregistrer une personne",
        description=(
            "Mêmes règles que le formulaire : un téléphone ou un numéro APPI déjà enregistré est "
            "refusé (409 « duplicate ») ; une personne de même nom, mêmes prénoms et même date de "
            "naissance demande confirm_not_duplicate: true (409 « possible_duplicate »). "
            "L'index national est consulté : « followed_elsewhere » nomme les autres juridictions "
            "qui suivent la personne (une seule fois, dans cette réponse). Avec l'en-tête "
            "« Idempotency-Key », un enregistrement renvoyé ne crée jamais deux fiches."
        ),
        request=PersonWriteSerializer,
        parameters=[idempotency.PARAMETER],
        examples=EXAMPLES,
        responses={
            201: SavedPersonSerializer,
            **error_responses(400, 422),
            **error_responses(409, serializer=DuplicateErrorSerializer),
        },
    ),
    partial_update=extend_schema(
        summary="Modifier la fiche d'une personne",
        description=(
            "Seuls les champs envoyés changent ; mêmes règles que l'enregistrement. L'index "
            "national n'est consulté que si l'identité change (nom, prénoms, date de naissance, "
            "numéro APPI). Une fiche transférée vers une autre juridiction est en lecture seule "
            "(409 « person_transferred »)."
        ),
        request=PersonWriteSerializer,
        responses={
            200: SavedPersonSerializer,
            **error_responses(400, 404),
            **error_responses(409, serializer=DuplicateErrorSerializer),
        },
    ),
    archive=extend_schema(
        summary="Archiver ou désarchiver une personne",
        description=(
            "archived: true archive la fiche (elle sort des listes, la personne ne peut plus être "
            "convoquée) ; false la désarchive (reprise du suivi). Déjà dans l'état demandé : rien "
            "ne change. Une fiche transférée est refusée (409 « person_transferred »)."
        ),
        request=ArchiveSerializer,
        responses={200: PersonSerializer, **error_responses(400, 404, 409)},
    ),
)
class PersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": Action.VIEW_PEOPLE,
        "retrieve": Action.VIEW_PEOPLE,
        "create": Action.EDIT_PEOPLE,
        "partial_update": Action.EDIT_PEOPLE,
        "archive": Action.ARCHIVE_PEOPLE,
    }
    serializer_class = PersonSerializer
    filter_backends = [filters.DjangoFilterBackend, TieBreakOrderingFilter]
    filterset_class = PersonFilter
    ordering_fields = ["last_name", "first_names", "birth_date", "created_at", "id"]
    ordering = ("last_name", "first_names", "pk")

    def get_queryset(self):
        return Person.objects.select_related("referent", "transferred_to", "origin_jurisdiction")

    def retrieve(self, request, *args, **kwargs):
        person = self.get_object()
        services.record_view(person, viewer=request.user)
        return Response(PersonSerializer(person, context=self.get_serializer_context()).data)

    def create(self, request, *args, **kwargs):
        def work() -> Response:
            person, hits = self._save(request, None)
            return Response(self._saved(person, hits), status=status.HTTP_201_CREATED)

        return idempotency.guarded(request, work)

    def partial_update(self, request, *args, **kwargs):
        person = self.get_object()
        if person.is_transferred:
            raise _transferred(services.transferred_notice(person))
        person, hits = self._save(request, person)
        return Response(self._saved(person, hits))

    @action(detail=True, methods=["post"], url_path="archivage")
    def archive(self, request, pk=None):
        person = self.get_object()
        serializer = ArchiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        archived = serializer.validated_data["archived"]
        if archived != person.is_archived or person.is_transferred:
            try:
                services.set_archived(person, archived, acting_user=request.user)
            except services.PersonTransferred as error:
                raise _transferred(str(error)) from error
        return Response(PersonSerializer(person, context=self.get_serializer_context()).data)

    # --- the steps of the form (views._person_form and forms.PersonForm.clean) ---------------
    def _save(self, request, person: Person | None):
        jurisdiction = request.tenant
        serializer = PersonWriteSerializer(
            data=request.data,
            partial=person is not None,
            context={"jurisdiction": jurisdiction, "person": person},
        )
        serializer.is_valid(raise_exception=True)
        given = dict(serializer.validated_data)
        confirmed = given.pop("confirm_not_duplicate", False)
        data = _current_data(person)
        if person is not None and given.get("phone") and "no_mobile_phone" not in given:
            given["no_mobile_phone"] = False  # a number sent is a number the person has now
        data.update(given)
        referent = data.pop("referent", None)
        try:
            cleaned = services.clean_person_data(data, region=jurisdiction.phone_region)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        exclude_pk = person.pk if person is not None else None
        duplicate = services.find_blocking_duplicate(cleaned, exclude_pk=exclude_pk)
        if duplicate is not None:
            raise _duplicate(duplicate)
        similar = list(
            services.similar_people(cleaned, exclude_pk=exclude_pk).values_list("pk", flat=True)
        )
        if similar and not confirmed:
            raise ApiError(
                CONFIRM_MESSAGE,
                code="possible_duplicate",
                status=409,
                fields={"confirm_not_duplicate": [CONFIRM_MESSAGE]},
                existing_people=similar,
            )
        cleaned["referent"] = referent
        keys_before = elsewhere.identity_keys(person) if person is not None else None
        try:
            with transaction.atomic():
                saved = services.save_person(cleaned, acting_user=request.user, person=person)
                hits = []
                if keys_before is None or elsewhere.identity_keys(saved) != keys_before:
                    hits = elsewhere.look_up(
                        cleaned, jurisdiction=jurisdiction, agent=request.user, person=saved
                    )
        except services.DuplicateFound as found:  # a concurrent entry of the same number
            raise _duplicate(found) from found
        except services.PersonTransferred as error:
            raise _transferred(str(error)) from error
        return saved, hits

    def _saved(self, person: Person, hits) -> dict:
        person = self.get_queryset().get(pk=person.pk)
        others = Jurisdiction.objects.in_bulk({hit.jurisdiction_id for hit in hits})
        followed = [
            {
                "jurisdiction": others[hit.jurisdiction_id].display_name,
                "contact": others[hit.jurisdiction_id].service_contact,
                "archived": hit.archived,
            }
            for hit in hits
            if hit.jurisdiction_id in others
        ]
        followed.sort(key=lambda item: (item["archived"], item["jurisdiction"]))
        context = {**self.get_serializer_context(), "followed_elsewhere": followed}
        return SavedPersonSerializer(person, context=context).data


def _current_data(person: Person | None) -> dict:
    if person is None:
        return {}
    data = {name: getattr(person, name) for name in PERSON_DATA_FIELDS}
    data["referent"] = person.referent
    return data


def _duplicate(duplicate: services.DuplicateFound) -> ApiError:
    return ApiError(
        duplicate.message,
        code="duplicate",
        status=409,
        fields={duplicate.field: [duplicate.message]},
        existing_people=[duplicate.person.pk],
    )


def _transferred(message: str) -> ApiError:
    return ApiError(message, code="person_transferred", status=409)
