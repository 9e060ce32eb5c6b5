"""The provider threads of a send batch (SMS_SEND_THREADS, jurisdiction_apps/notifications/
sending.py) never open a PostgreSQL connection: the worker's connection count stays one per pool
process or thread (docs/deployment.md, "PostgreSQL connections"). A thread of the pool that
touched the database would keep a connection of its own for the life of the worker."""

import threading

from django.db.backends.base.base import BaseDatabaseWrapper

from jurisdiction_apps.notifications import sending
from jurisdiction_apps.notifications.constants import MessageState
from jurisdiction_apps.notifications.models import Message


def test_the_provider_threads_open_no_database_connection(
    daytime, gateway, person, book_in, monkeypatch
):
    opened_by = []
    connect = BaseDatabaseWrapper.connect

    def recording_connect(self):
        opened_by.append(threading.current_thread().name)
        return connect(self)

    monkeypatch.setattr(BaseDatabaseWrapper, "connect", recording_connect)
    book_in(person, hours=72)
    sending.sweep()
    ids = list(Message.objects.filter(state=MessageState.QUEUED).values_list("pk", flat=True))
    report = sending.send_batch(ids)

    assert report.sent == 1 and len(gateway.messages()) == 1
    assert [name for name in opened_by if name.startswith("sms")] == []
