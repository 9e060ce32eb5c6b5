"""Agents from a CSV or XLSX (like agents.csv): accounts, memberships and roles.

The natural key is the e-mail address (case-insensitive). The phone (an office line or a mobile,
written the national way of the jurisdiction's phone region or internationally) is stored in
E.164 on the membership and shown to colleagues in the agents' list. New members get the
invitation e-mail of the back-office (a link to choose a password), sent once the import is
committed.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction

from jurisdiction_apps.core.phones import PhoneError, parse_phone
from jurisdiction_apps.organisation.services import invitation_message
from jurisdiction_apps.people.normalisation import search_key
from tenants.constants import Role
from tenants.models import Membership
from tenants.urls_helpers import platform_url

from .base import Action, Column, Importer, Plan, PlannedRow, RowError, quiet_triggers, text

# Role codes, their labels and the usual ways of writing them → Role.
ROLE_NAMES = {
    **{search_key(role.value): role.value for role in Role},
    **{search_key(str(role.label)): role.value for role in Role},
    **{
        search_key(name): role
        for name, role in (
            ("administrateur", Role.LOCAL_ADMIN),
            ("admin", Role.LOCAL_ADMIN),
            ("admin local", Role.LOCAL_ADMIN),
            ("parquet", Role.PROSECUTOR),
            ("procureur", Role.PROSECUTOR),
            ("JAP", Role.JAP),
            ("juge", Role.JAP),
            ("CPIP", Role.CPIP),
            ("conseiller", Role.CPIP),
            ("DPIP", Role.DPIP),
            ("directeur", Role.DPIP),
            ("éducateur", Role.EDUCATOR),
            ("educatrice", Role.EDUCATOR),
            ("psychologue", Role.PSYCHOLOGIST),
            ("surveillant", Role.OVERSEER),
            ("surveillant PSE", Role.OVERSEER),
            ("secrétariat SPIP", Role.SECRETARY_SPIP),
            ("secrétaire SPIP", Role.SECRETARY_SPIP),
            ("secrétariat tribunal", Role.SECRETARY_COURT),
            ("greffier SAP", Role.GREFF_SAP),
            ("BEX", Role.BEX),
        )
    },
}


def parse_role(raw) -> str | None:
    return ROLE_NAMES.get(search_key(text(raw)))


class AgentsImporter(Importer):
    kind = "agents"
    tenant_schema = False
    columns = (
        Column("last_name", "Nom", ("last name", "nom de famille")),
        Column("first_name", "Prénom", ("first name", "prenoms")),
        Column("role", "Rôle", ("fonction",)),
        Column("email", "Adresse électronique", ("email", "e mail", "courriel", "mail")),
        Column("phone", "Téléphone", ("phone", "tel"), required=False),
        Column("organization", "Service", ("organization", "organisation"), required=False),
    )

    def plan_rows(self, records, plan: Plan) -> None:
        candidates, first_line_of = [], {}
        for line, record in records:
            errors = []
            email = text(record.get("email")).lower()
            try:
                validate_email(email)
            except ValidationError:
                message = (
                    f"Adresse électronique invalide : « {email} »."
                    if email
                    else "Indiquez l'adresse électronique."
                )
                errors.append(RowError(line, self.label("email"), message))
            role = parse_role(record.get("role"))
            if role is None:
                raw = text(record.get("role"))
                errors.append(
                    RowError(
                        line,
                        self.label("role"),
                        f"Rôle inconnu : « {raw} »." if raw else "Indiquez le rôle.",
                    )
                )
            last_name, first_name = text(record.get("last_name")), text(record.get("first_name"))
            if not last_name:
                errors.append(RowError(line, self.label("last_name"), "Indiquez le nom."))
            if not first_name:
                errors.append(RowError(line, self.label("first_name"), "Indiquez le prénom."))
            raw_phone, phone = text(record.get("phone")), ""
            if raw_phone:
                try:
                    phone = parse_phone(raw_phone, self.jurisdiction.phone_region).e164
                except PhoneError as error:
                    errors.append(RowError(line, self.label("phone"), f"« {raw_phone} » : {error}"))
            if email and not errors:
                if email in first_line_of:
                    errors.append(
                        RowError(
                            line,
                            self.label("email"),
                            "Le même agent figure deux fois dans le fichier : cette adresse est "
                            f"déjà ligne {first_line_of[email]}.",
                        )
                    )
                else:
                    first_line_of[email] = line
            if errors:
                plan.errors.extend(errors)
                continue
            candidates.append(
                (
                    line,
                    {
                        "email": email,
                        "first_name": first_name,
                        "last_name": last_name,
                        "role": role,
                        "work_phone": phone,
                    },
                )
            )
        self._match(candidates, plan)
        plan.rows.sort(key=lambda row: row.line)

    def _match(self, candidates, plan: Plan) -> None:
        user_model = get_user_model()
        emails = [data["email"] for _, data in candidates]
        users = {}
        for start in range(0, len(emails), 5000):
            for user in user_model.objects.filter(email__in=emails[start : start + 5000]).values(
                "id", "email", "first_name", "last_name"
            ):
                users[user["email"].lower()] = user
        memberships = {
            user_id: (role, work_phone)
            for user_id, role, work_phone in Membership.objects.active()
            .filter(jurisdiction=self.jurisdiction, user_id__in=[u["id"] for u in users.values()])
            .values_list("user_id", "role", "work_phone")
        }
        for line, data in candidates:
            user = users.get(data["email"])
            if user is None:
                plan.rows.append(PlannedRow(line, Action.CREATE, {**data, "new_user": True}))
                continue
            membership = memberships.get(user["id"])
            names_differ = (user["first_name"], user["last_name"]) != (
                data["first_name"],
                data["last_name"],
            )
            if membership is not None and not data["work_phone"]:
                data = {**data, "work_phone": membership[1]}  # no phone in the file: kept
            if membership is None:
                action = Action.CREATE
            elif (data["role"], data["work_phone"]) != membership or names_differ:
                action = Action.UPDATE
            else:
                action = Action.UNCHANGED
            plan.rows.append(
                PlannedRow(
                    line,
                    action,
                    {
                        **data,
                        "new_user": False,
                        "names_differ": names_differ,
                        "member": membership is not None,
                    },
                    existing_id=user["id"],
                )
            )

    def apply(self, plan: Plan, *, acting_user, valid_only: bool = False) -> dict:
        self.check_applicable(plan, valid_only=valid_only)
        user_model = get_user_model()
        rows = [row for row in plan.rows if row.action in (Action.CREATE, Action.UPDATE)]
        total, done = len(rows), 0
        with transaction.atomic():
            quiet_triggers()
            new_users = [
                user_model(
                    email=row.data["email"],
                    first_name=row.data["first_name"],
                    last_name=row.data["last_name"],
                    password=make_password(None),
                )
                for row in rows
                if row.data["new_user"]
            ]
            user_model.objects.bulk_create(new_users, batch_size=1000)
            # allauth's record of each address, as its token generator would write it one user
            # at a time (a look-up, a savepoint and an insert each) when the invitations go out.
            EmailAddress.objects.bulk_create(
                [
                    EmailAddress(user=user, email=user.email, primary=False, verified=False)
                    for user in new_users
                ],
                batch_size=1000,
            )
            user_ids = {user.email: user.pk for user in new_users}
            renamed = [
                user_model(
                    pk=row.existing_id,
                    first_name=row.data["first_name"],
                    last_name=row.data["last_name"],
                )
                for row in rows
                if row.data.get("names_differ")
            ]
            user_model.objects.bulk_update(renamed, ["first_name", "last_name"], batch_size=1000)
            new_members, role_changes = [], []
            for row in rows:
                user_id = row.existing_id or user_ids[row.data["email"]]
                if row.action == Action.CREATE:
                    new_members.append(
                        Membership(
                            user_id=user_id,
                            jurisdiction=self.jurisdiction,
                            role=row.data["role"],
                            work_phone=row.data["work_phone"],
                        )
                    )
                else:
                    role_changes.append((user_id, row.data["role"], row.data["work_phone"]))
            Membership.objects.bulk_create(new_members, batch_size=1000)
            for user_id, role, work_phone in role_changes:
                Membership.objects.active().filter(
                    user_id=user_id, jurisdiction=self.jurisdiction
                ).update(role=role, work_phone=work_phone)
                done += 1
                if done % self.progress_every == 0:
                    self.progress("apply", done, total)
            self.progress("apply", total, total)
            invited = [membership.pk for membership in new_members]
            transaction.on_commit(
                lambda: send_invitations(self.jurisdiction, invited, acting_user=acting_user)
            )
        return {
            "counts": plan.counts(),
            "lines": plan.report_lines(applied=True),
            "invited": len(invited),
        }


class _HostRequest:
    """What the invitation message needs of a request, outside one: the jurisdiction's host."""

    def __init__(self, domain: str):
        self.domain = domain

    def build_absolute_uri(self, path: str) -> str:
        return platform_url(self.domain, path)


def send_invitations(jurisdiction, membership_ids: list[int], *, acting_user) -> int:
    """The back-office's invitation e-mail to each new member (one SMTP connection)."""

    if not membership_ids:
        return 0
    domain = jurisdiction.domains.filter(is_primary=True).first() or jurisdiction.domains.first()
    request = _HostRequest(domain.domain if domain else "localhost")
    messages = []
    for membership in Membership.objects.filter(pk__in=membership_ids).select_related("user"):
        message = invitation_message(
            request=request,
            user=membership.user,
            jurisdiction=jurisdiction,
            membership=membership,
            acting_user=acting_user,
        )
        messages.append(
            EmailMessage(
                message["subject"],
                message["body"],
                settings.DEFAULT_FROM_EMAIL,
                [membership.user.email],
            )
        )
    with get_connection() as connection:
        return connection.send_messages(messages) or 0
