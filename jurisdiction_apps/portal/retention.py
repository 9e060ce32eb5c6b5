"""Retention of the portal's rows: sign-in codes and invitations (30 days after expiry), the
sign-in history (a year), revoked calendar feeds (30 days), the reasons and answers of handled
change requests (a year), agents' reads (a year), and proof files left without a row."""

import logging
import os
import time

from django.db.models import Q

from shared.retention.batches import delete_in_batches, update_in_batches

from .models import (
    Attachment,
    CalendarFeed,
    ChangeRequest,
    Invitation,
    SignIn,
    SignInCode,
    TeamRead,
)
from .storage import private_storage

logger = logging.getLogger(__name__)

PROOF_FILES_DIRECTORY = "portal"


def purge_codes(rule, now, *, dry_run, clock) -> int:
    cutoff = rule.cutoff(now)
    codes = delete_in_batches(
        SignInCode.objects.filter(expires_at__lt=cutoff), clock=clock, dry_run=dry_run
    )
    invitations = delete_in_batches(
        Invitation.objects.filter(expires_at__lt=cutoff), clock=clock, dry_run=dry_run
    )
    return codes + invitations


def purge_sign_ins(rule, now, *, dry_run, clock) -> int:
    return delete_in_batches(
        SignIn.objects.filter(at__lt=rule.cutoff(now)), clock=clock, dry_run=dry_run
    )


def purge_calendar_feeds(rule, now, *, dry_run, clock) -> int:
    return delete_in_batches(
        CalendarFeed.objects.filter(revoked_at__lt=rule.cutoff(now)), clock=clock, dry_run=dry_run
    )


def redact_change_requests(rule, now, *, dry_run, clock) -> int:
    handled = ChangeRequest.objects.filter(handled_at__lt=rule.cutoff(now)).filter(
        ~Q(reason="") | ~Q(answer="")
    )
    return update_in_batches(handled, {"reason": "", "answer": ""}, clock=clock, dry_run=dry_run)


def purge_reads(rule, now, *, dry_run, clock) -> int:
    return delete_in_batches(
        TeamRead.objects.filter(at__lt=rule.cutoff(now)), clock=clock, dry_run=dry_run
    )


def orphan_files(rule, now) -> list[str]:
    """Proof files on disk that no row names, older than the rule (an upload abandoned between
    the file and its row, or an erasure killed between its commit and the files' removal)."""
    storage = private_storage()
    root = os.path.join(storage.location, PROOF_FILES_DIRECTORY)
    if not os.path.isdir(root):
        return []
    oldest = time.time() - (now - rule.cutoff(now)).total_seconds()
    on_disk = []
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            if os.path.getmtime(path) < oldest:
                on_disk.append(os.path.relpath(path, storage.location))
    if not on_disk:
        return []
    known = set(Attachment.objects.filter(file__in=on_disk).values_list("file", flat=True))
    return [name for name in on_disk if name not in known]


def purge_orphan_files(rule, now, *, dry_run, clock) -> int:
    names = orphan_files(rule, now)
    if dry_run:
        return len(names)
    storage = private_storage()
    for name in names:
        storage.delete(name)
    return len(names)


def delete_files(names: list[str]) -> None:
    """Remove proof files once the rows naming them are gone (called after the commit)."""
    storage = private_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # left for the orphan sweep of the next night
            logger.warning("retention: a proof file could not be deleted", exc_info=True)
