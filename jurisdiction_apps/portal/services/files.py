"""Proof files: PDF, JPEG or PNG up to 10 MB, recognised by their content (never by their name
or the browser's declared type), stored in the jurisdiction's private storage."""

import hashlib
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

from ..constants import MAX_UPLOAD_BYTES, FileKind
from ..models import Attachment

SIGNATURES = (
    (b"%PDF-", FileKind.PDF),
    (b"\xff\xd8\xff", FileKind.JPEG),
    (b"\x89PNG\r\n\x1a\n", FileKind.PNG),
)
TOO_BIG = (
    "Ce fichier est trop lourd : 10 Mo au plus. Prenez une photo moins grande ou un PDF plus léger."
)
WRONG_KIND = (
    "Ce fichier n'est pas un PDF, une photo JPEG ou une image PNG. Envoyez un de ces types."
)
EMPTY = "Ce fichier est vide."


class FileRefused(ValueError):
    """The file is refused; the message is in French, for the person or the agent."""


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    content_type: str
    sha256: str


def sniff(head: bytes) -> str | None:
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    return None


def check_upload(upload: UploadedFile) -> CheckedFile:
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise FileRefused(TOO_BIG)
    if not upload.size:
        raise FileRefused(EMPTY)
    upload.seek(0)
    kind = sniff(upload.read(16))
    if kind is None:
        raise FileRefused(WRONG_KIND)
    upload.seek(0)
    if kind == FileKind.PDF:
        # A real PDF ends with %%EOF (within the last kilobyte); a renamed file does not.
        upload.seek(max(upload.size - 1024, 0))
        if b"%%EOF" not in upload.read():
            raise FileRefused(WRONG_KIND)
    else:
        try:
            with Image.open(upload) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise FileRefused(WRONG_KIND) from error
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(upload=upload, content_type=kind, sha256=digest.hexdigest())


def store(checked: CheckedFile, person, *, agent=None) -> Attachment:
    """Save a checked file for ``person`` (call inside the transaction that uses it)."""
    name = (checked.upload.name or "justificatif").replace("/", "_").replace("\\", "_")[-200:]
    attachment = Attachment(
        person=person,
        original_name=name,
        content_type=checked.content_type,
        size=checked.upload.size,
        sha256=checked.sha256,
        uploaded_by_person=agent is None,
        uploaded_by_agent=agent,
    )
    attachment.file.save("upload", checked.upload, save=False)
    attachment.save()
    return attachment
