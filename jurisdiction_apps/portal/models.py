"""The probationer portal: sign-in codes, invitations, calendar feeds, the message thread with
the follow-up team, proof files, change requests, and the audit of agents' reads.

A person followed is not a platform user: they sign in on their jurisdiction's host with their
mobile number and a code, and their session names this schema and this person only.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.models import Appointment

from .constants import (
    Author,
    ChangeRequestKind,
    ChangeRequestState,
    FileKind,
    ReadKind,
    SignInMethod,
)
from .storage import private_storage


def new_token(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)


class SignInCodeQuerySet(models.QuerySet):
    def live(self, now=None):
        now = now or timezone.now()
        return self.filter(used_at__isnull=True, expires_at__gt=now)


class SignInCode(models.Model):
    """One code sent by SMS; only its keyed hash is kept (HMAC with the secret key)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="sign_in_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    # Closed without use: a newer code replaced it, or the attempts ran out.
    closed_at = models.DateTimeField(null=True, blank=True)
    sms = models.ForeignKey(
        "notifications.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SignInCodeQuerySet.as_manager()

    class Meta:
        verbose_name = "code de connexion"
        indexes = [models.Index(fields=["person", "created_at"], name="sign_in_code_person")]

    def __str__(self) -> str:
        return f"code {self.pk} ({self.person_id})"


class Invitation(models.Model):
    """The link of an invitation SMS sent by an agent: it opens the code page for this person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="portal_invitations")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sms = models.ForeignKey(
        "notifications.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "invitation à l'espace personnel"

    def __str__(self) -> str:
        return f"invitation {self.pk} ({self.person_id})"


class SignIn(models.Model):
    """A successful sign-in (for the person's own history and the statistics)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="portal_sign_ins")
    method = models.CharField(max_length=12, choices=SignInMethod.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "connexion à l'espace personnel"

    def __str__(self) -> str:
        return f"sign-in {self.person_id} {self.at:%Y-%m-%d}"


class CalendarFeed(models.Model):
    """A private calendar address (webcal) of a person; revoking it kills the address."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "agenda privé"
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(revoked_at__isnull=True), name="one_live_feed"
            )
        ]

    def __str__(self) -> str:
        return f"feed {self.pk} ({self.person_id})"


def attachment_path(instance, filename) -> str:
    # Random name: the original name (personal data, maybe) stays in the database.
    return f"portal/{timezone.now():%Y/%m}/{new_token(18)}"


class Attachment(models.Model):
    """A proof file (PDF, JPEG, PNG), checked by content; served only through checked views."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="portal_files")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    file = models.FileField(upload_to=attachment_path, storage=private_storage, max_length=200)
    original_name = models.CharField("nom du fichier", max_length=200)
    content_type = models.CharField("type", max_length=32, choices=FileKind.choices)
    size = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField(max_length=64)
    uploaded_by_person = models.BooleanField(default=True)
    uploaded_by_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "justificatif"

    def __str__(self) -> str:
        return f"file {self.pk} ({self.person_id})"


class PortalMessageQuerySet(models.QuerySet):
    def unread_by_team(self):
        return self.filter(author=Author.PERSON, read_by_team_at__isnull=True)

    def unread_by_person(self):
        return self.filter(author=Author.TEAM, read_by_person_at__isnull=True)


class PortalMessage(models.Model):
    """One message of the thread between a person and their follow-up team."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="portal_messages")
    author = models.CharField(max_length=8, choices=Author.choices)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    body = models.TextField("message", blank=True)
    attachment = models.OneToOneField(
        Attachment, null=True, blank=True, on_delete=models.PROTECT, related_name="message"
    )
    change_request = models.ForeignKey(
        "ChangeRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_by_team_at = models.DateTimeField(null=True, blank=True)
    read_by_team_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    read_by_person_at = models.DateTimeField(null=True, blank=True)

    objects = PortalMessageQuerySet.as_manager()

    class Meta:
        verbose_name = "message de l'espace personnel"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body="") | Q(attachment__isnull=False), name="message_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(author="person", agent__isnull=True)
                | Q(author="team", agent__isnull=False),
                name="message_author_consistent",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "created_at"], name="portal_message_thread"),
            models.Index(
                fields=["person"],
                condition=Q(author="person", read_by_team_at__isnull=True),
                name="portal_message_unread_team",
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} ({self.person_id}, {self.author})"


class ChangeRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=ChangeRequestState.OPEN)


class ChangeRequest(models.Model):
    """A person's "I cannot come" / "I need another time" on one future appointment."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="change_requests"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="change_requests")
    kind = models.CharField("demande", max_length=12, choices=ChangeRequestKind.choices)
    reason = models.TextField("raison")
    attachment = models.OneToOneField(
        Attachment, null=True, blank=True, on_delete=models.PROTECT, related_name="change_request"
    )
    state = models.CharField(
        "état", max_length=12, choices=ChangeRequestState.choices, default=ChangeRequestState.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField("réponse à la personne", blank=True)
    new_appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de changement"
        verbose_name_plural = "demandes de changement"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment"], condition=Q(state="open"), name="one_open_request"
            ),
            models.CheckConstraint(
                condition=Q(state="open") | Q(handled_at__isnull=False),
                name="handled_request_has_time",
            ),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="change_request_worklist")]

    def __str__(self) -> str:
        return f"request {self.pk} ({self.appointment_id}, {self.state})"


class TeamRead(models.Model):
    """Audit of agents' reads: who opened a person's messages or a proof file, and when."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="portal_reads")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    kind = models.CharField(max_length=8, choices=ReadKind.choices)
    attachment = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.CASCADE, related_name="reads"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "lecture par un agent"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.agent_id} read {self.kind} of {self.person_id}"
