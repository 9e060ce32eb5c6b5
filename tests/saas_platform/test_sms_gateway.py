"""The local SMS gateway, in-process on a free port, with a tiny receipts server catching callbacks.

No database: the gateway is standard library only."""

import base64
import hashlib
import hmac
import http.client
import json
import queue
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from devtools.sms_gateway import (
    DEV_BREVO_API_KEY,
    DEV_BREVO_WEBHOOK_TOKEN,
    DEV_LINK_WEBHOOK_SECRET,
    start_gateway,
    stop,
)

LINK_AUTH = "Basic " + base64.b64encode(b"dev-link:dev-link-password").decode()
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class _ReceiptHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.received.put((self.path, dict(self.headers), body))
        status = 500 if self.path.startswith("/fail/") else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receipts():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ReceiptHandler)
    server.daemon_threads = True
    server.received = queue.Queue()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def _start(receipts, **options):
    options = {
        "port": 0,
        "receipts_url": f"{receipts.base}/sms/accuses/",
        "receipt_delay_ms": 0,
        "access_log": "none",
        **options,
    }
    server, _thread = start_gateway(**options)
    return server


@pytest.fixture
def gateway(receipts):
    server = _start(receipts)
    yield server
    stop(server)


def call(server, method, path, body=None, headers=None, timeout=5):
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        if isinstance(body, dict) and (headers or {}).get("Content-Type") == FORM["Content-Type"]:
            body = urllib.parse.urlencode(body)
        elif isinstance(body, dict | list):
            body = json.dumps(body)
            headers = {"Content-Type": "application/json", **(headers or {})}
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        content_type = response.getheader("Content-Type", "")
        if content_type.startswith("application/json"):
            return response.status, json.loads(data)
        return response.status, data.decode()
    finally:
        connection.close()


def link_send(server, auth=LINK_AUTH, **fields):
    form = {
        "destinationAddress": "+33612345678",
        "messageText": "Rappel : RDV au SPIP le 12/05 à 9h30",
        "originatingAddress": "JUSTICE",
        "originatorTON": "1",
        "maxConcatenatedMessages": "3",
        "campaignName": "12.345",
        **fields,
    }
    form = {k: v for k, v in form.items() if v is not None}
    headers = {**FORM, **({"Authorization": auth} if auth else {})}
    return call(server, "POST", "/restapi/v1/sms/send", form, headers)


def brevo_send(server, key=DEV_BREVO_API_KEY, **fields):
    body = {
        "sender": "JUSTICE",
        "recipient": "33612345678",
        "content": "Rappel : RDV au SPIP le 12/05 à 9h30",
        "type": "transactional",
        "tag": "12.346",
        "unicodeEnabled": False,
        **fields,
    }
    body = {k: v for k, v in body.items() if v is not None}
    return call(server, "POST", "/v3/transactionalSMS/send", body, {"api-key": key})


def stats(server):
    return call(server, "GET", "/_gateway/stats")[1]


def switches(server, **values):
    status, data = call(server, "POST", "/_gateway/switches", values)
    assert status == 200, data
    return data


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def next_receipt(receipts, timeout=5):
    path, headers, body = receipts.received.get(timeout=timeout)
    return path, {k.lower(): v for k, v in headers.items()}, body


def test_link_message_is_accepted_stored_and_receipt_signed(gateway, receipts):
    status, data = link_send(gateway, destinationAddress="33612345678")
    assert status == 200
    assert data["responseCode"] == 0 and data["responseMessage"] == "Success"
    [message_id] = data["messageIds"]

    _, messages = call(gateway, "GET", "/_gateway/messages?reference=12.345")
    [message] = messages
    assert message["id"] == message_id
    assert message["api"] == "link"
    assert message["destination"] == "+33612345678"
    assert message["sender"] == "JUSTICE"
    assert message["text"] == "Rappel : RDV au SPIP le 12/05 à 9h30"
    assert message["received_at"].endswith("Z")

    path, headers, body = next_receipt(receipts)
    assert path == "/sms/accuses/link/"
    expected = hmac.new(DEV_LINK_WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["x-gateway-signature"] == f"sha256={expected}"
    receipt = json.loads(body)
    assert receipt["messageId"] == message_id
    assert receipt["campaignName"] == "12.345"
    assert receipt["destinationAddress"] == "+33612345678"
    assert receipt["status"] == "DELIVERED" and receipt["statusCode"] == 0
    assert receipt["timestamp"].endswith("Z")
    wait_for(lambda: stats(gateway)["receipts_posted"] == 1)
    _, [message] = call(gateway, "GET", "/_gateway/messages?destination=%2B33612345678")
    assert message["receipt_status"] == "posted"


def test_one_connection_serves_many_requests(gateway):
    host, port = gateway.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=5)
    body = urllib.parse.urlencode(
        {"destinationAddress": "+33612345678", "messageText": "x", "originatingAddress": "JUSTICE"}
    )
    sockets = set()
    for _ in range(5):
        connection.request(
            "POST", "/restapi/v1/sms/send", body, {**FORM, "Authorization": LINK_AUTH}
        )
        response = connection.getresponse()
        assert json.loads(response.read())["responseCode"] == 0
        sockets.add(id(connection.sock))
    connection.close()
    assert len(sockets) == 1
    assert stats(gateway)["accepted"] == 5


def test_link_wrong_credentials_are_refused(gateway):
    wrong = "Basic " + base64.b64encode(b"dev-link:nope").decode()
    status, data = link_send(gateway, auth=wrong)
    assert status == 401 and isinstance(data, dict)
    status, _ = link_send(gateway, auth=None)
    assert status == 401
    current = stats(gateway)
    assert current["accepted"] == 0 and current["rejected"] == 2 and current["received"] == 2


def test_link_invalid_destination_unreachable_and_missing_field(gateway):
    assert link_send(gateway, destinationAddress="12")[1]["responseCode"] == 100
    assert link_send(gateway, destinationAddress="+33 6 12")[1]["responseCode"] == 100
    switches(gateway, invalid_numbers=["+33611111111"], unreachable_numbers=["33622222222"])
    data = link_send(gateway, destinationAddress="33611111111")[1]
    assert data["responseCode"] == 100 and data["responseMessage"] == "Invalid destination address"
    data = link_send(gateway, destinationAddress="+33622222222")[1]
    assert data["responseCode"] == 16 and data["responseMessage"] == "Could not route message"
    data = link_send(gateway, messageText=None)[1]
    assert data["responseCode"] == 1 and "messageText" in data["responseMessage"]
    current = stats(gateway)
    assert current["accepted"] == 0 and current["rejected"] == 5


def test_link_lookup_by_campaign_name(gateway):
    ids = [link_send(gateway)[1]["messageIds"][0] for _ in range(2)]
    status, data = call(
        gateway,
        "GET",
        "/restapi/v1/sms/lookup?campaignName=12.345",
        None,
        {"Authorization": LINK_AUTH},
    )
    assert status == 200 and data == {"found": True, "messageIds": ids}
    _, data = call(
        gateway,
        "GET",
        "/restapi/v1/sms/lookup?campaignName=9.999",
        None,
        {"Authorization": LINK_AUTH},
    )
    assert data == {"found": False}
    status, _ = call(gateway, "GET", "/restapi/v1/sms/lookup?campaignName=12.345")
    assert status == 401


def test_brevo_message_is_accepted_and_receipt_posted(gateway, receipts):
    status, data = brevo_send(gateway)
    assert status == 201
    assert isinstance(data["messageId"], int) and data["reference"]
    assert data["smsCount"] == 1 and data["usedCredits"] == 1
    assert isinstance(data["remainingCredits"], int | float)

    path, headers, body = next_receipt(receipts)
    assert path == "/sms/accuses/brevo/"
    assert headers["authorization"] == f"Bearer {DEV_BREVO_WEBHOOK_TOKEN}"
    receipt = json.loads(body)
    assert receipt["event"] == "delivered" and receipt["messageId"] == data["messageId"]
    assert receipt["tag"] == "12.346" and receipt["to"] == "+33612345678" and receipt["date"]

    # webUrl overrides the default receipt URL.
    brevo_send(gateway, tag="12.347", webUrl=f"{receipts.base}/custom/hook/?x=1")
    path, _, body = next_receipt(receipts)
    assert path == "/custom/hook/?x=1" and json.loads(body)["tag"] == "12.347"


def test_brevo_refusals(gateway):
    status, data = brevo_send(gateway, key="wrong")
    assert status == 401 and data == {"code": "unauthorized", "message": "Key not found"}
    status, data = brevo_send(gateway, recipient="06 12")
    assert status == 400 and data["code"] == "invalid_parameter" and data["message"]
    status, data = brevo_send(gateway, content=None)
    assert status == 400 and data["code"] == "invalid_parameter"
    status, data = call(
        gateway, "POST", "/v3/transactionalSMS/send", "not json", {"api-key": DEV_BREVO_API_KEY}
    )
    assert status == 400 and data["code"] == "invalid_parameter"
    current = stats(gateway)
    assert current["accepted"] == 0 and current["rejected"] == 4


def test_brevo_lookup_by_tag(gateway):
    message_id = brevo_send(gateway, tag="7.1")[1]["messageId"]
    brevo_send(gateway, tag="7.2")
    path = "/v3/transactionalSMS/statistics/events?tags=7.1"

    def delivered():
        events = call(gateway, "GET", path, None, {"api-key": DEV_BREVO_API_KEY})[1]["events"]
        return events if {e["event"] for e in events} == {"sent", "delivered"} else None

    events = wait_for(delivered)
    assert {e["messageId"] for e in events} == {message_id}
    assert {e["tag"] for e in events} == {"7.1"}
    assert events[0]["phoneNumber"] == "+33612345678"
    _, data = call(
        gateway,
        "GET",
        "/v3/transactionalSMS/statistics/events?tags=nope",
        None,
        {"api-key": DEV_BREVO_API_KEY},
    )
    assert data == {"events": []}
    assert call(gateway, "GET", path)[0] == 401


def test_duplicates_are_accepted_and_counted(gateway):
    link_send(gateway, campaignName="5.1")
    assert link_send(gateway, campaignName="5.1")[1]["responseCode"] == 0
    assert brevo_send(gateway, tag="5.1")[0] == 201
    link_send(gateway, campaignName="5.2")
    current = stats(gateway)
    assert current["accepted"] == 4
    assert current["unique_references"] == 2
    assert current["duplicates"] == 2
    assert current["duplicate_references"] == ["5.1"]
    _, messages = call(gateway, "GET", "/_gateway/messages?reference=5.1")
    assert [m["duplicate"] for m in messages] == [True, True, False]  # newest first


def test_error_503_and_garbage_store_nothing(gateway):
    switches(gateway, mode="error_503")
    assert link_send(gateway)[0] == 503
    assert brevo_send(gateway)[0] == 503
    switches(gateway, mode="garbage", api="link")
    status, body = link_send(gateway)
    assert status == 200 and isinstance(body, str)
    with pytest.raises(ValueError):
        json.loads(body)
    assert brevo_send(gateway)[0] == 201  # the mode is scoped to LINK
    current = stats(gateway)
    assert current["received"] == 4 and current["accepted"] == 1
    assert current["errors_simulated"] == 3


def test_timeout_holds_then_drops_without_storing(gateway):
    switches(gateway, mode="timeout", timeout_s=0.3)
    started = time.monotonic()
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        link_send(gateway)
    assert 0.25 <= time.monotonic() - started < 3
    current = stats(gateway)
    assert current["accepted"] == 0 and current["errors_simulated"] == 1


def test_unreachable_closes_at_once_and_slow_answers_late(gateway):
    switches(gateway, mode="unreachable")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        brevo_send(gateway)
    switches(gateway, mode="slow", slow_ms=300)
    started = time.monotonic()
    assert brevo_send(gateway)[0] == 201
    assert time.monotonic() - started >= 0.29
    assert stats(gateway)["accepted"] == 1


def test_mode_with_duration_reverts_to_normal(gateway):
    data = switches(gateway, mode="error_503", duration_s=0.3)
    assert data["mode"] == "error_503" and data["remaining_s"] > 0
    assert link_send(gateway)[0] == 503
    time.sleep(0.4)
    assert link_send(gateway)[1]["responseCode"] == 0
    data = call(gateway, "GET", "/_gateway/switches")[1]
    assert data["mode"] == "normal" and data["duration_s"] is None


def test_invalid_switches_are_refused(gateway):
    status, data = call(gateway, "POST", "/_gateway/switches", {"mode": "broken"})
    assert status == 400 and "mode" in data["error"]
    status, _ = call(gateway, "POST", "/_gateway/switches", {"colour": "blue"})
    assert status == 400


def test_undeliverable_numbers_get_failure_receipts(gateway, receipts):
    switches(gateway, undeliverable_numbers=["+33633333333"])
    link_send(gateway, destinationAddress="+33633333333")
    receipt = json.loads(next_receipt(receipts)[2])
    assert receipt["status"] == "UNDELIVERABLE" and receipt["statusCode"] != 0
    brevo_send(gateway, recipient="33633333333")
    receipt = json.loads(next_receipt(receipts)[2])
    assert receipt["event"] == "hard_bounce"


def test_receipts_can_be_switched_off(gateway, receipts):
    switches(gateway, receipts=False)
    link_send(gateway)
    with pytest.raises(queue.Empty):
        receipts.received.get(timeout=0.3)
    _, [message] = call(gateway, "GET", "/_gateway/messages")
    assert message["receipt_status"] == "disabled"


def test_failed_receipts_are_retried_then_counted(receipts):
    server = _start(receipts, receipts_url=f"{receipts.base}/fail/", receipt_attempts=2)
    try:
        link_send(server)
        wait_for(lambda: stats(server)["receipts_failed"] == 1)
        current = stats(server)
        assert current["receipt_attempts_failed"] == 2 and current["receipts_pending"] == 0
        assert receipts.received.qsize() == 2
    finally:
        stop(server)


def test_reset_clears_everything(gateway):
    switches(gateway, mode="slow", slow_ms=1)
    link_send(gateway)
    link_send(gateway)
    assert call(gateway, "POST", "/_gateway/reset")[0] == 200
    current = stats(gateway)
    assert current["received"] == 0 and current["accepted"] == 0 and current["duplicates"] == 0
    assert current["first_received_at"] is None
    assert call(gateway, "GET", "/_gateway/messages")[1] == []
    assert call(gateway, "GET", "/_gateway/switches")[1]["mode"] == "normal"


def test_demo_page_lists_messages_escaped(gateway):
    link_send(gateway, messageText="<script>alert('x')</script> & co", campaignName="<b>1</b>")
    status, page = call(gateway, "GET", "/")
    assert status == 200
    assert "Passerelle SMS locale" in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in page
    assert "&lt;b&gt;1&lt;/b&gt;" in page
    assert "<script>" not in page and "<b>1</b>" not in page
    assert 'http-equiv="refresh" content="5"' in page


def test_unknown_path_is_404(gateway):
    assert call(gateway, "GET", "/nope")[0] == 404
    assert call(gateway, "GET", "/restapi/v1/sms/send")[0] == 405
