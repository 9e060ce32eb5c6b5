"""Private file storage for proof files: per jurisdiction, outside MEDIA_ROOT, no URL at all.

Files are only ever read through the portal's and back-office's views, which check who asks
and audit agents' reads. Names on disk are random; the original name is kept in the database.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import connection


class PrivateJurisdictionStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None)

    @property  # not cached: one storage object serves every schema
    def base_location(self):
        return os.path.join(str(settings.PRIVATE_MEDIA_ROOT), connection.schema_name)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Proof files have no URL: serve them through a checked view.")


def private_storage():
    return PrivateJurisdictionStorage()
