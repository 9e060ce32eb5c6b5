"""Upload handling of the message forms: a file over the limit is dropped while it is read.

Django would otherwise copy a 40 MB file to a temporary file before the view can refuse it. The
handler sits first in ``request.upload_handlers``: past MAX_UPLOAD_BYTES it skips the file (the
rest of its bytes are read and thrown away, the other fields of the form are kept) and flags the
request, so that the view answers with the French "too heavy" message.

Upload handlers must be set before anything reads ``request.POST``: the views that use
``limit_uploads`` are csrf_exempt outside and csrf_protect inside, as Django's documentation
says.
"""

from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from .constants import MAX_UPLOAD_BYTES

TOO_BIG_FLAG = "portal_upload_too_big"


class SizeLimitUploadHandler(FileUploadHandler):
    def __init__(self, request=None, limit: int = MAX_UPLOAD_BYTES):
        super().__init__(request)
        self.limit = limit

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            setattr(self.request, TOO_BIG_FLAG, True)
            raise SkipFile
        return raw_data  # handed on to Django's own handlers

    def file_complete(self, file_size):
        return None  # the next handler builds the file


def limit_uploads(request) -> None:
    """Install the size limit on this request (before its body is read)."""
    request.upload_handlers.insert(0, SizeLimitUploadHandler(request))


def upload_too_big(request) -> bool:
    return getattr(request, TOO_BIG_FLAG, False)
