from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models

from .constants import NationalRole


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with an e-mail address: an agent or a member of the national staff."""

    username = None
    email = models.EmailField("adresse électronique", unique=True)
    national_role = models.CharField(
        "rôle national", max_length=32, choices=NationalRole.choices, blank=True, default=""
    )
    # The account an API key of a jurisdiction acts as (tenants.models.JurisdictionAPIKey): no
    # password, never signs in, left out of the agents' lists; its membership gives its role.
    is_service_account = models.BooleanField(
        "compte de service (clé d'API)", default=False, db_default=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur"

    def __str__(self) -> str:
        return self.get_full_name() or f"utilisateur {self.pk}"

    @property
    def is_national_staff(self) -> bool:
        return bool(self.national_role)


class ProConnectIdentity(models.Model):
    """A ProConnect identity linked to an account, the first time its verified e-mail matched.

    ``sub`` is ProConnect's identifier of the person for this service and identity provider (it
    changes when the agent moves to another identity provider: the account then gets a second
    identity). The other fields are what the provider last said, for the administrators."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="proconnect_identities"
    )
    sub = models.CharField("identifiant ProConnect (sub)", max_length=255, unique=True)
    uid = models.CharField("identifiant chez le fournisseur d'identité", max_length=255, blank=True)
    siret = models.CharField("SIRET de l'établissement", max_length=14, blank=True)
    given_name = models.CharField("prénoms", max_length=255, blank=True)
    usual_name = models.CharField("nom d'usage", max_length=255, blank=True)
    idp_id = models.CharField("fournisseur d'identité", max_length=255, blank=True)
    last_acr = models.CharField("dernier niveau d'authentification (acr)", max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField("dernière connexion")

    class Meta:
        verbose_name = "identité ProConnect"
        verbose_name_plural = "identités ProConnect"

    def __str__(self) -> str:
        return f"identité ProConnect de l'utilisateur {self.user_id}"
