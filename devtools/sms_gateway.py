"""Local SMS gateway: a stand-in for LINK Mobility and Brevo on loopback.

Used by ``make run`` (every SMS the platform sends ends up on http://localhost:8025/), by the tests,
the demo and the SMS benchmarks. It speaks the two providers' send APIs, stores every accepted
message in memory (and in a JSON-lines file when asked), posts delivery receipts back to the
platform like the real providers do, and can simulate provider faults through a small control API.

    python -m devtools.sms_gateway --host 127.0.0.1 --port 8025 \\
        --receipts-url http://localhost:8000/sms/accuses/ [--receipt-delay-ms 300] \\
        [--no-receipts] \\
        [--link-user U --link-password P] [--brevo-api-key K] [--receipt-secret S] \\
        [--brevo-webhook-token T] [--data-file var/sms-gateway/messages.jsonl]

In-process (tests)::

    server, thread = start_gateway(port=0, receipts_url="http://127.0.0.1:9999/sms/accuses/")
    host, port = server.server_address
    ...
    stop(server)

Standard library only, and no Django: it starts in a fraction of a second as its own process.
Message texts and phone numbers are never written to stdout (at most one line per request with
the method, the path without its query string and the status).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import heapq
import hmac
import html
import http.client
import ipaddress
import itertools
import json
import math
import os
import re
import secrets
import signal
import socket
import struct
import sys
import threading
import time
import traceback
import urllib.parse
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DEV_LINK_USER = "dev-link"
DEV_LINK_PASSWORD = "dev-link-password"
DEV_BREVO_API_KEY = "dev-brevo-key"
DEV_LINK_WEBHOOK_SECRET = "dev-link-webhook-secret"
DEV_BREVO_WEBHOOK_TOKEN = "dev-brevo-webhook-token"
DEFAULT_PORT = 8025

MODES = ("normal", "error_503", "timeout", "slow", "garbage", "unreachable")
APIS = ("link", "brevo")
MAX_BODY = 1 << 20
BREVO_INITIAL_CREDITS = 1_000_000.0

# LINK Mobility (Netsize) response codes used here: 0 accepted; 16 and 100 are final refusals;
# anything else (1 here, for a missing or malformed field) is transient for the platform.
LINK_OK = 0
LINK_MISSING_PARAMETER = 1
LINK_COULD_NOT_ROUTE = 16
LINK_INVALID_DESTINATION = 100
LINK_UNDELIVERABLE_STATUS_CODE = 2

_E164 = re.compile(r"\+[1-9][0-9]{7,14}")
_BREVO_SENDER = re.compile(r"[A-Za-z0-9]{1,11}|[0-9]{1,15}")

# GSM 03.38 basic table (without the escape character) and its extension table (two septets).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = frozenset("^{}\\[~]|€\f")


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sms_parts(text: str) -> tuple[str, int]:
    """("GSM-7" | "UCS-2", number of parts): an estimate good enough for a fake provider."""
    units = 0
    for char in text:
        if char in _GSM_BASIC:
            units += 1
        elif char in _GSM_EXTENSION:
            units += 2
        else:
            utf16 = len(text.encode("utf-16-le")) // 2
            return "UCS-2", 1 if utf16 <= 70 else math.ceil(utf16 / 67)
    return "GSM-7", 1 if units <= 160 else math.ceil(units / 153)


def normalise_number(value) -> str | None:
    """'+33612345678' or '33612345678' -> '+33612345678'; None when it is not plausible E.164."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    number = str(value).strip()
    if not number.startswith("+"):
        number = "+" + number
    return number if _E164.fullmatch(number) else None


def _number_key(value: str) -> str:
    """How switch lists are matched: digits only, so '+336...' and '336...' are the same."""
    return str(value).strip().lstrip("+")


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


class SwitchError(ValueError):
    pass


def default_switches() -> dict:
    return {
        "mode": "normal",
        "api": None,
        "slow_ms": 2000,
        "timeout_s": 30,
        "duration_s": None,
        "receipts": True,
        "invalid_numbers": [],
        "unreachable_numbers": [],
        "undeliverable_numbers": [],
    }


def _validate_switches(current: dict, update: dict) -> dict:
    if not isinstance(update, dict):
        raise SwitchError("the body must be a JSON object")
    unknown = set(update) - set(default_switches())
    if unknown:
        raise SwitchError(f"unknown switches: {', '.join(sorted(unknown))}")
    new = {**current, **update}
    if new["mode"] not in MODES:
        raise SwitchError(f"mode must be one of {', '.join(MODES)}")
    if new["api"] not in (None, *APIS):
        raise SwitchError("api must be null, 'link' or 'brevo'")
    for key, low, high in (("slow_ms", 0, 600_000), ("timeout_s", 0, 3600)):
        value = new[key]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high
        ):
            raise SwitchError(f"{key} must be a number between {low} and {high}")
    duration = new["duration_s"]
    if duration is not None and (
        isinstance(duration, bool) or not isinstance(duration, int | float) or duration <= 0
    ):
        raise SwitchError("duration_s must be null or a positive number of seconds")
    if not isinstance(new["receipts"], bool):
        raise SwitchError("receipts must be true or false")
    for key in ("invalid_numbers", "unreachable_numbers", "undeliverable_numbers"):
        value = new[key]
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            raise SwitchError(f"{key} must be a list of phone numbers")
        new[key] = [str(v).strip() for v in value]
    return new


class Gateway:
    """The gateway's state (messages, counters, switches), its HTTP server and receipt workers."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        receipts_url: str | None = "http://localhost:8000/sms/accuses/",
        receipt_delay_ms: int = 300,
        receipts: bool = True,
        link_user: str = DEV_LINK_USER,
        link_password: str = DEV_LINK_PASSWORD,
        brevo_api_key: str = DEV_BREVO_API_KEY,
        receipt_secret: str = DEV_LINK_WEBHOOK_SECRET,
        brevo_webhook_token: str = DEV_BREVO_WEBHOOK_TOKEN,
        data_file: str | os.PathLike | None = None,
        access_log: str = "errors",
        receipt_workers: int = 8,
        receipt_attempts: int = 4,
        receipt_timeout_s: float = 5.0,
        summary_every_s: float = 0,
        log_stream=None,
    ):
        if access_log not in ("all", "errors", "none"):
            raise ValueError("access_log must be 'all', 'errors' or 'none'")
        self.host = host
        self.port = port
        if receipts_url and not receipts_url.endswith("/"):
            receipts_url += "/"
        self.receipts_url = receipts_url or None
        self.receipts_enabled = bool(receipts and self.receipts_url)
        self.receipt_delay_s = max(0, receipt_delay_ms) / 1000
        self.receipt_workers = max(1, receipt_workers)
        self.receipt_attempts = max(1, receipt_attempts)
        self.receipt_timeout_s = receipt_timeout_s
        expected = base64.b64encode(f"{link_user}:{link_password}".encode()).decode("ascii")
        self._link_authorization = ("Basic " + expected).encode()
        self._brevo_api_key = brevo_api_key.encode()
        self._receipt_secret = receipt_secret.encode()
        self._brevo_webhook_token = brevo_webhook_token
        self.data_file = Path(data_file) if data_file else None
        self.access_log = access_log
        self.summary_every_s = summary_every_s
        self.log_stream = log_stream if log_stream is not None else sys.stdout
        self._log_lock = threading.Lock()

        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._reset_state()
        self._switches = default_switches()
        self._switch_sets: dict[str, frozenset] = {}
        self._mode_until: float | None = None
        self._refresh_switch_sets()

        self._receipt_cond = threading.Condition()
        self._receipt_heap: list = []
        self._receipt_seq = itertools.count()
        self._local = threading.local()  # each receipt worker's keep-alive connections

        self._file = None
        self._file_lock = threading.Lock()
        self.server: GatewayHTTPServer | None = None
        self.thread: threading.Thread | None = None
        self._threads: list[threading.Thread] = []

    # ----------------------------------------------------------------------------- lifecycle

    def _reset_state(self) -> None:
        self._messages: list[dict] = []
        self._by_id: dict[str, dict] = {}
        self._by_reference: dict[str, list[dict]] = {}
        self._duplicate_references: list[str] = []
        self._duplicate_set: set[str] = set()
        self._counters = dict.fromkeys(
            (
                "received",
                "accepted",
                "duplicates",
                "rejected",
                "errors_simulated",
                "receipts_posted",
                "receipts_failed",
                "receipts_pending",
                "receipt_attempts_failed",
            ),
            0,
        )
        self._accepted_by_api = dict.fromkeys(APIS, 0)
        self._first_received_at: str | None = None
        self._last_received_at: str | None = None
        # Brevo ids keep growing across restarts (the platform stores them): epoch milliseconds.
        self._brevo_ids = itertools.count(int(time.time() * 1000))
        self._brevo_credits = BREVO_INITIAL_CREDITS
        self._generation = getattr(self, "_generation", 0) + 1

    def start(self) -> Gateway:
        if self.data_file is not None:
            self.data_file.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.data_file, "a", encoding="utf-8", buffering=1 << 20)  # noqa: SIM115
        self.server = GatewayHTTPServer((self.host, self.port), GatewayHandler, self)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="sms-gateway-http",
            daemon=True,
        )
        self.thread.start()
        for index in range(self.receipt_workers):
            worker = threading.Thread(
                target=self._receipt_worker, name=f"sms-gateway-receipt-{index}", daemon=True
            )
            worker.start()
            self._threads.append(worker)
        housekeeping = threading.Thread(
            target=self._housekeeping, name="sms-gateway-housekeeping", daemon=True
        )
        housekeeping.start()
        self._threads.append(housekeeping)
        return self

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()
        with self._receipt_cond:
            self._receipt_cond.notify_all()
        if self.server is not None:
            self.server.shutdown()
            self.server.close_connections()
            self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=self.receipt_timeout_s + 1)
        with self._file_lock:
            if self._file is not None:
                self._file.flush()
                self._file.close()
                self._file = None

    @property
    def url(self) -> str:
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self.port}/"

    def log(self, line: str) -> None:
        with self._log_lock, contextlib.suppress(OSError, ValueError):
            print(line, file=self.log_stream, flush=True)

    def _housekeeping(self) -> None:
        """Flush the JSON-lines buffer every second; a one-line summary now and then."""
        last_summary = time.monotonic()
        last_counts = None
        while not self._stopping.wait(1.0):
            with self._file_lock:
                if self._file is not None:
                    try:
                        self._file.flush()
                    except OSError as error:
                        self.log(f"sms-gateway: cannot write the data file: {error}")
            if self.summary_every_s and time.monotonic() - last_summary >= self.summary_every_s:
                last_summary = time.monotonic()
                with self._lock:
                    counts = dict(self._counters)
                if counts != last_counts:
                    self.log(
                        "sms-gateway: {received} requests, {accepted} accepted, {duplicates} "
                        "duplicates, {rejected} rejected, {errors_simulated} simulated errors, "
                        "receipts {receipts_posted} posted / {receipts_failed} failed / "
                        "{receipts_pending} pending".format(**counts)
                    )
                    last_counts = counts

    # ------------------------------------------------------------------------------ switches

    def _refresh_switch_sets(self) -> None:
        self._switch_sets = {
            key: frozenset(_number_key(v) for v in self._switches[key])
            for key in ("invalid_numbers", "unreachable_numbers", "undeliverable_numbers")
        }

    def _expire_mode(self) -> None:
        """Under self._lock: a mode with a duration goes back to normal by itself."""
        if self._mode_until is not None and time.monotonic() >= self._mode_until:
            self._switches.update(mode="normal", api=None, duration_s=None)
            self._mode_until = None

    def switches(self) -> dict:
        with self._lock:
            self._expire_mode()
            data = {key: list(v) if isinstance(v, list) else v for key, v in self._switches.items()}
            data["remaining_s"] = (
                round(max(0.0, self._mode_until - time.monotonic()), 3)
                if self._mode_until is not None
                else None
            )
        return data

    def set_switches(self, update: dict) -> dict:
        with self._lock:
            self._expire_mode()
            new = _validate_switches(self._switches, update)
            if new["mode"] == "normal":
                new["duration_s"] = None
                self._mode_until = None
            elif "mode" in update or "duration_s" in update:
                duration = new["duration_s"]
                self._mode_until = time.monotonic() + duration if duration else None
            self._switches = new
            self._refresh_switch_sets()
        return self.switches()

    def active_mode(self, api: str) -> tuple[str, dict]:
        with self._lock:
            self._expire_mode()
            switches = self._switches
            if switches["mode"] != "normal" and switches["api"] in (None, api):
                return switches["mode"], dict(switches)
        return "normal", {}

    def number_in(self, switch: str, number: str) -> bool:
        return _number_key(number) in self._switch_sets[switch]

    # --------------------------------------------------------------------------------- store

    def count(self, key: str) -> None:
        with self._lock:
            self._counters[key] += 1

    def _mark_received(self) -> None:
        now = _now_iso()
        self._counters["received"] += 1
        if self._first_received_at is None:
            self._first_received_at = now
        self._last_received_at = now

    def received(self) -> None:
        with self._lock:
            self._mark_received()

    def accept(
        self,
        api: str,
        reference: str | None,
        destination: str,
        sender: str,
        text: str,
        receipt_url: str | None = None,
        extra: dict | None = None,
    ) -> dict:
        encoding, parts = sms_parts(text)
        undeliverable = self.number_in("undeliverable_numbers", destination)
        if api == "link":
            delivery = "UNDELIVERABLE" if undeliverable else "DELIVERED"
        else:
            delivery = "hard_bounce" if undeliverable else "delivered"
        with self._lock:
            receipts = self.receipts_enabled and self._switches["receipts"]
            if api == "brevo":
                brevo_id = next(self._brevo_ids)
                message_id = str(brevo_id)
                used = float(parts)
                self._brevo_credits -= used
                extra = {
                    **(extra or {}),
                    "brevo_message_id": brevo_id,
                    "brevo_reference": secrets.token_hex(10),
                    "used_credits": used,
                    "remaining_credits": self._brevo_credits,
                }
            else:
                message_id = str(uuid.uuid4())
            message = {
                "id": message_id,
                "api": api,
                "reference": reference,
                "destination": destination,
                "sender": sender,
                "text": text,
                "received_at": _now_iso(),
                "encoding": encoding,
                "parts": parts,
                "duplicate": False,
                "delivery_status": delivery,
                "delivered_at": None,
                "receipt_status": "pending" if receipts else "disabled",
                "receipt_url": receipt_url if receipts else None,
                "receipt_attempts": 0,
                "receipt_posted_at": None,
                "receipt_error": None,
                **(extra or {}),
            }
            self._counters["accepted"] += 1
            self._accepted_by_api[api] += 1
            if reference is not None:
                earlier = self._by_reference.get(reference)
                if earlier:
                    message["duplicate"] = True
                    self._counters["duplicates"] += 1
                    if (
                        reference not in self._duplicate_set
                        and len(self._duplicate_references) < 100
                    ):
                        self._duplicate_set.add(reference)
                        self._duplicate_references.append(reference)
                    earlier.append(message)
                else:
                    self._by_reference[reference] = [message]
            self._messages.append(message)
            self._by_id[message_id] = message
            generation = self._generation
            if receipts:
                self._counters["receipts_pending"] += 1
            if self._file is not None:
                line = json.dumps(message, ensure_ascii=False) + "\n"
                with self._file_lock:
                    if self._file is not None:
                        with contextlib.suppress(OSError):
                            self._file.write(line)
        if receipts:
            self._schedule_receipt(
                time.monotonic() + self.receipt_delay_s, generation, message_id, 0
            )
        return message

    def stats(self) -> dict:
        with self._lock:
            counters = self._counters
            return {
                "received": counters["received"],
                "accepted": counters["accepted"],
                "unique_references": len(self._by_reference),
                "duplicates": counters["duplicates"],
                "duplicate_references": list(self._duplicate_references),
                "rejected": counters["rejected"],
                "errors_simulated": counters["errors_simulated"],
                "receipts_posted": counters["receipts_posted"],
                "receipts_failed": counters["receipts_failed"],
                "receipts_pending": counters["receipts_pending"],
                "receipt_attempts_failed": counters["receipt_attempts_failed"],
                "accepted_by_api": dict(self._accepted_by_api),
                "first_received_at": self._first_received_at,
                "last_received_at": self._last_received_at,
            }

    def messages(
        self,
        limit: int = 100,
        reference: str | None = None,
        destination: str | None = None,
        api: str | None = None,
    ) -> list[dict]:
        key = _number_key(destination) if destination else None
        result = []
        with self._lock:
            source = (
                self._by_reference.get(reference, []) if reference is not None else self._messages
            )
            for message in reversed(source):
                if key is not None and _number_key(message["destination"]) != key:
                    continue
                if api is not None and message["api"] != api:
                    continue
                result.append(dict(message))
                if len(result) >= limit:
                    break
        return result

    def by_reference(self, api: str, reference: str) -> list[dict]:
        with self._lock:
            return [dict(m) for m in self._by_reference.get(reference, []) if m["api"] == api]

    def brevo_events(self, tags: set[str] | None, phone: str | None, event: str | None) -> list:
        key = _number_key(phone) if phone else None
        events = []
        with self._lock:
            if tags is not None:
                source = [m for tag in tags for m in self._by_reference.get(tag, [])]
                source.sort(key=lambda m: m["received_at"])
            else:
                source = self._messages
            for message in source:
                if message["api"] != "brevo":
                    continue
                if key is not None and _number_key(message["destination"]) != key:
                    continue
                base = {
                    "messageId": message["brevo_message_id"],
                    "tag": message["reference"],
                    "phoneNumber": message["destination"],
                }
                events.append({**base, "event": "sent", "date": message["received_at"]})
                if message["delivered_at"]:
                    events.append(
                        {
                            **base,
                            "event": message["delivery_status"],
                            "date": message["delivered_at"],
                        }
                    )
        if event:
            events = [e for e in events if e["event"] == event]
        events.sort(key=lambda e: e["date"], reverse=True)
        return events

    def reset(self, keep_switches: bool = False) -> None:
        with self._lock:
            self._reset_state()
            if not keep_switches:
                self._switches = default_switches()
                self._mode_until = None
                self._refresh_switch_sets()
            with self._file_lock:
                if self._file is not None:
                    try:
                        self._file.flush()
                        self._file.seek(0)
                        self._file.truncate()
                    except OSError:
                        pass
        with self._receipt_cond:
            self._receipt_heap.clear()

    # ------------------------------------------------------------------------------ receipts

    def _schedule_receipt(self, due: float, generation: int, message_id: str, attempt: int):
        with self._receipt_cond:
            heapq.heappush(
                self._receipt_heap, (due, next(self._receipt_seq), generation, message_id, attempt)
            )
            self._receipt_cond.notify()

    def _receipt_worker(self) -> None:
        while True:
            with self._receipt_cond:
                while True:
                    if self._stopping.is_set():
                        return
                    if self._receipt_heap:
                        delay = self._receipt_heap[0][0] - time.monotonic()
                        if delay <= 0:
                            item = heapq.heappop(self._receipt_heap)
                            break
                        self._receipt_cond.wait(delay)
                    else:
                        self._receipt_cond.wait()
            try:
                self._post_receipt(*item[2:])
            except Exception:  # a receipt must never take a worker down
                traceback.print_exc(file=sys.stderr)

    def _receipt_request(self, message: dict) -> tuple[str, bytes, dict]:
        if message["api"] == "link":
            payload = {
                "messageId": message["id"],
                "campaignName": message["reference"],
                "destinationAddress": message["destination"],
                "status": message["delivery_status"],
                "statusCode": 0
                if message["delivery_status"] == "DELIVERED"
                else LINK_UNDELIVERABLE_STATUS_CODE,
                "timestamp": message["delivered_at"],
            }
            body = json.dumps(payload, ensure_ascii=False).encode()
            signature = hmac.new(self._receipt_secret, body, hashlib.sha256).hexdigest()
            headers = {"X-Gateway-Signature": f"sha256={signature}"}
            url = self.receipts_url + "link/"
        else:
            payload = {
                "event": message["delivery_status"],
                "messageId": message["brevo_message_id"],
                "tag": message["reference"],
                "to": message["destination"],
                "date": message["delivered_at"],
            }
            body = json.dumps(payload, ensure_ascii=False).encode()
            headers = {"Authorization": f"Bearer {self._brevo_webhook_token}"}
            url = message["receipt_url"] or self.receipts_url + "brevo/"
        headers["Content-Type"] = "application/json"
        headers["User-Agent"] = "LocalSmsGateway/1.0"
        return url, body, headers

    def _http_post(self, url: str, body: bytes, headers: dict) -> int:
        """POST on a keep-alive connection kept per receipt worker (the platform's server keeps
        connections open: one TCP connection per worker instead of one per receipt). No proxy."""
        split = urllib.parse.urlsplit(url)
        if split.scheme not in ("http", "https") or not split.hostname:
            raise ValueError("receipt URL must be http(s)")
        key = (split.scheme, split.hostname, split.port)
        connections = self._local.__dict__.setdefault("connections", {})
        target = split.path or "/"
        if split.query:
            target += "?" + split.query
        for fresh in (False, True):
            connection = None if fresh else connections.pop(key, None)
            reused = connection is not None
            if connection is None:
                factory = (
                    http.client.HTTPSConnection
                    if split.scheme == "https"
                    else http.client.HTTPConnection
                )
                connection = factory(split.hostname, split.port, timeout=self.receipt_timeout_s)
            try:
                connection.request("POST", target, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
            except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
                connection.close()
                if reused:
                    continue  # the server closed an idle keep-alive connection: a new one
                raise
            except BaseException:
                connection.close()
                raise
            if response.will_close:
                connection.close()
            else:
                connections[key] = connection
            return response.status
        raise ConnectionError("receipt endpoint closed the connection")

    def _post_receipt(self, generation: int, message_id: str, attempt: int) -> None:
        with self._lock:
            if generation != self._generation:
                return
            message = self._by_id.get(message_id)
            if message is None:
                return
            if message["delivered_at"] is None:
                message["delivered_at"] = _now_iso()
            url, body, headers = self._receipt_request(message)
        error = None
        retry = False
        try:
            status = self._http_post(url, body, headers)
            if not 200 <= status < 300:
                error = f"HTTP {status}"
                retry = status >= 500 or status in (408, 429)
        except (OSError, ValueError, http.client.HTTPException) as other:
            error = type(other).__name__
            retry = True
        with self._lock:
            if generation != self._generation:
                return
            message["receipt_attempts"] = attempt + 1
            if error is None:
                message["receipt_status"] = "posted"
                message["receipt_posted_at"] = _now_iso()
                message["receipt_error"] = None
                self._counters["receipts_posted"] += 1
                self._counters["receipts_pending"] -= 1
                return
            self._counters["receipt_attempts_failed"] += 1
            message["receipt_error"] = error
            if not (retry and attempt + 1 < self.receipt_attempts and not self._stopping.is_set()):
                message["receipt_status"] = "failed"
                self._counters["receipts_failed"] += 1
                self._counters["receipts_pending"] -= 1
                return
        backoff = 0.5 * 2**attempt
        self._schedule_receipt(time.monotonic() + backoff, generation, message_id, attempt + 1)


class GatewayHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 512

    def __init__(self, address, handler, gateway: Gateway):
        self.gateway = gateway
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)

    def track(self, sock: socket.socket, active: bool) -> None:
        with self._connections_lock:
            if active:
                self._connections.add(sock)
            else:
                self._connections.discard(sock)

    def close_connections(self) -> None:
        """Close idle keep-alive connections so their threads end with the server."""
        with self._connections_lock:
            connections = list(self._connections)
        for sock in connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Drop(Exception):
    """Close the connection without answering (fault simulation)."""

    def __init__(self, reset: bool = False):
        self.reset = reset


class GatewayHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LocalSmsGateway/1.0"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 300  # an idle keep-alive connection is closed after 5 minutes
    server: GatewayHTTPServer

    def setup(self):
        super().setup()
        self.server.track(self.connection, True)

    def finish(self):
        self.server.track(self.connection, False)
        with contextlib.suppress(OSError):
            super().finish()

    @property
    def gateway(self) -> Gateway:
        return self.server.gateway

    def log_message(self, format, *args):  # noqa: A002 - BaseHTTPRequestHandler's signature
        pass  # our own access log below; nothing else the base class logs carries data we want

    def log_error(self, format, *args):  # noqa: A002
        pass

    def _access(self, status) -> None:
        mode = self.gateway.access_log
        if mode == "none" or (mode == "errors" and isinstance(status, int) and status < 400):
            return
        path = urllib.parse.urlsplit(self.path).path if hasattr(self, "path") else "-"
        method = getattr(self, "command", None) or "-"
        self.gateway.log(f"{method} {path} {status}")

    def send_error(self, code, message=None, explain=None):
        # Malformed requests (bad request line, headers too long...): a short JSON answer.
        self.close_connection = True
        self._respond(code, {"error": message or "error"})

    # ------------------------------------------------------------------------------ plumbing

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def _respond(self, status: int, body, content_type: str = "application/json", headers=()):
        if isinstance(body, dict | list):
            data = json.dumps(body, ensure_ascii=False).encode()
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = body
        if content_type.startswith(("application/json", "text/")) and "charset" not in content_type:
            content_type += "; charset=utf-8"
        reason = self.responses.get(status, ("",))[0]
        head = [
            f"HTTP/1.1 {status} {reason}",
            f"Server: {self.server_version}",
            f"Date: {self.date_time_string()}",
            f"Content-Type: {content_type}",
            f"Content-Length: {len(data)}",
        ]
        head += [f"{name}: {value}" for name, value in headers]
        if self.close_connection:
            head.append("Connection: close")
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)
        self._access(status)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = True
            raise _Answer(411, {"error": "Content-Length required"})
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            raise _Answer(400, {"error": "invalid Content-Length"}) from None
        if length < 0 or length > MAX_BODY:
            self.close_connection = True
            raise _Answer(413, {"error": "request body too large"})
        return self.rfile.read(length) if length else b""

    def _dispatch(self):
        try:
            body = self._read_body()
            split = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
            route = ROUTES.get((self.command, split.path))
            if route is None:
                known = any(path == split.path for _, path in ROUTES)
                raise _Answer(
                    405 if known else 404,
                    {"error": "not found" if not known else "method not allowed"},
                )
            route(self, body, query)
        except _Answer as answer:
            self._respond(answer.status, answer.body, answer.content_type, answer.headers)
        except _Drop as drop:
            self.close_connection = True
            if drop.reset:
                # An abortive close (RST), like a provider's load balancer going away.
                with contextlib.suppress(OSError):
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            self._access("dropped")
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception:
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self._respond(500, {"error": "internal gateway error"})

    # ---------------------------------------------------------------------- fault simulation

    def _simulate(self, api: str) -> float:
        """Apply the fault mode for this provider API before the message is handled; returns how
        long to wait, after storing the message, before answering ("slow" mode)."""
        mode, switches = self.gateway.active_mode(api)
        if mode == "normal":
            return 0.0
        if mode == "slow":
            return switches["slow_ms"] / 1000
        self.gateway.count("errors_simulated")
        if mode == "error_503":
            raise _Answer(503, {"error": "Service Unavailable"}, headers=(("Retry-After", "1"),))
        if mode == "garbage":
            raise _Answer(
                200,
                "<html><body><h1>502 Bad Gateway</h1>upstream sent an invalid response",
                "text/html",
            )
        if mode == "timeout":
            self.gateway._stopping.wait(switches["timeout_s"])
            raise _Drop()
        raise _Drop(reset=True)  # unreachable

    def _slow(self, seconds: float) -> None:
        if seconds > 0:
            self.gateway._stopping.wait(seconds)

    def _reject(self, status: int, body: dict, headers=()):
        self.gateway.count("rejected")
        raise _Answer(status, body, headers=headers)

    # -------------------------------------------------------------------- LINK Mobility API

    def _link_authorised(self) -> bool:
        supplied = (self.headers.get("Authorization") or "").strip().encode("latin-1", "replace")
        return hmac.compare_digest(supplied, self.gateway._link_authorization)

    def _link_refuse(self):
        self._reject(
            401,
            {"responseCode": 401, "responseMessage": "Unauthorized: invalid credentials"},
            headers=(("WWW-Authenticate", 'Basic realm="restapi"'),),
        )

    def link_send(self, body: bytes, query):
        gateway = self.gateway
        gateway.received()
        slow_s = self._simulate("link")
        if not self._link_authorised():
            self._link_refuse()
        content_type = (self.headers.get("Content-Type") or "").lower()
        try:
            if content_type.startswith("application/json"):
                data = json.loads(body or b"{}")
                if not isinstance(data, dict):
                    raise ValueError
                fields = {k: str(v) for k, v in data.items() if v is not None}
            else:
                parsed = urllib.parse.parse_qs(
                    body.decode("utf-8", "replace"), keep_blank_values=True
                )
                fields = {k: v[0] for k, v in parsed.items()}
        except ValueError:
            self._link_error(LINK_MISSING_PARAMETER, "Malformed request body")
        for name in ("destinationAddress", "messageText", "originatingAddress"):
            if not fields.get(name, "").strip():
                self._link_error(LINK_MISSING_PARAMETER, f"Missing parameter: {name}")
        for name in ("originatorTON", "maxConcatenatedMessages"):
            if fields.get(name, "").strip() and not fields[name].strip().isdigit():
                self._link_error(LINK_MISSING_PARAMETER, f"Invalid parameter: {name}")
        destination = normalise_number(fields["destinationAddress"])
        if destination is None or gateway.number_in("invalid_numbers", destination):
            self._link_error(LINK_INVALID_DESTINATION, "Invalid destination address")
        if gateway.number_in("unreachable_numbers", destination):
            self._link_error(LINK_COULD_NOT_ROUTE, "Could not route message")
        reference = fields.get("campaignName") or None
        message = gateway.accept(
            "link",
            reference,
            destination,
            fields["originatingAddress"],
            fields["messageText"],
        )
        self._slow(slow_s)
        raise _Answer(
            200,
            {"responseCode": LINK_OK, "responseMessage": "Success", "messageIds": [message["id"]]},
        )

    def _link_error(self, code: int, text: str):
        self._reject(200, {"responseCode": code, "responseMessage": text, "messageIds": []})

    def link_lookup(self, body: bytes, query):
        if not self._link_authorised():
            raise _Answer(
                401,
                {"responseCode": 401, "responseMessage": "Unauthorized: invalid credentials"},
                headers=(("WWW-Authenticate", 'Basic realm="restapi"'),),
            )
        reference = (query.get("campaignName") or [""])[0]
        if not reference:
            raise _Answer(
                400, {"responseCode": 1, "responseMessage": "Missing parameter: campaignName"}
            )
        messages = self.gateway.by_reference("link", reference)
        if not messages:
            raise _Answer(200, {"found": False})
        raise _Answer(200, {"found": True, "messageIds": [m["id"] for m in messages]})

    # ---------------------------------------------------------------------------- Brevo API

    def _brevo_authorised(self) -> bool:
        supplied = (self.headers.get("api-key") or "").strip().encode("latin-1", "replace")
        return hmac.compare_digest(supplied, self.gateway._brevo_api_key)

    def _brevo_invalid(self, text: str):
        self._reject(400, {"code": "invalid_parameter", "message": text})

    def brevo_send(self, body: bytes, query):
        gateway = self.gateway
        gateway.received()
        slow_s = self._simulate("brevo")
        if not self._brevo_authorised():
            self._reject(401, {"code": "unauthorized", "message": "Key not found"})
        try:
            data = json.loads(body or b"null")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            self._brevo_invalid("Request body must be a JSON object")
        for name in ("sender", "recipient", "content"):
            value = data.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                self._brevo_invalid(f"{name} is missing")
        sender, content = data["sender"], data["content"]
        if not isinstance(sender, str) or not _BREVO_SENDER.fullmatch(sender):
            self._brevo_invalid("sender must be at most 11 alphanumeric or 15 numeric characters")
        if not isinstance(content, str):
            self._brevo_invalid("content must be a string")
        if data.get("type", "transactional") not in ("transactional", "marketing"):
            self._brevo_invalid("type must be 'transactional' or 'marketing'")
        web_url = data.get("webUrl")
        if web_url is not None and (
            not isinstance(web_url, str) or not web_url.startswith(("http://", "https://"))
        ):
            self._brevo_invalid("webUrl must be an http(s) URL")
        tag = data.get("tag")
        if tag is not None and not isinstance(tag, str | int):
            self._brevo_invalid("tag must be a string")
        if "unicodeEnabled" in data and not isinstance(data["unicodeEnabled"], bool):
            self._brevo_invalid("unicodeEnabled must be a boolean")
        recipient = normalise_number(data["recipient"])
        if recipient is None or gateway.number_in("invalid_numbers", recipient):
            self._brevo_invalid("Invalid phone number")
        if gateway.number_in("unreachable_numbers", recipient):
            self._brevo_invalid("Could not route message to this recipient")
        reference = str(tag) if tag not in (None, "") else None
        message = gateway.accept(
            "brevo", reference, recipient, sender, content, receipt_url=web_url or None
        )
        self._slow(slow_s)
        raise _Answer(
            201,
            {
                "reference": message["brevo_reference"],
                "messageId": message["brevo_message_id"],
                "smsCount": message["parts"],
                "usedCredits": message["used_credits"],
                "remainingCredits": message["remaining_credits"],
            },
        )

    def brevo_events(self, body: bytes, query):
        if not self._brevo_authorised():
            raise _Answer(401, {"code": "unauthorized", "message": "Key not found"})
        tags_value = (query.get("tags") or [""])[0]
        tags = {t for t in tags_value.split(",") if t} if tags_value else None
        try:
            limit = int((query.get("limit") or ["2500"])[0])
            offset = int((query.get("offset") or ["0"])[0])
        except ValueError:
            raise _Answer(
                400, {"code": "invalid_parameter", "message": "limit and offset are integers"}
            ) from None
        events = self.gateway.brevo_events(
            tags, (query.get("phoneNumber") or [None])[0], (query.get("event") or [None])[0]
        )
        raise _Answer(200, {"events": events[offset : offset + max(0, limit)]})

    # ---------------------------------------------------------------------------- control

    def _loopback_only(self):
        if not _is_loopback(self.client_address[0]):
            raise _Answer(403, {"error": "the control API answers loopback clients only"})

    def _json_body(self, body: bytes) -> dict:
        if not body.strip():
            return {}
        try:
            data = json.loads(body)
        except ValueError:
            raise _Answer(400, {"error": "the body must be JSON"}) from None
        if not isinstance(data, dict):
            raise _Answer(400, {"error": "the body must be a JSON object"})
        return data

    def control_health(self, body: bytes, query):
        raise _Answer(200, {"ok": True})

    def control_stats(self, body: bytes, query):
        self._loopback_only()
        raise _Answer(200, self.gateway.stats())

    def control_messages(self, body: bytes, query):
        self._loopback_only()
        try:
            limit = max(0, min(int((query.get("limit") or ["100"])[0]), 1_000_000))
        except ValueError:
            raise _Answer(400, {"error": "limit must be an integer"}) from None
        messages = self.gateway.messages(
            limit=limit,
            reference=(query.get("reference") or [None])[0],
            destination=(query.get("destination") or [None])[0],
            api=(query.get("api") or [None])[0],
        )
        raise _Answer(200, messages)

    def control_reset(self, body: bytes, query):
        self._loopback_only()
        data = self._json_body(body)
        self.gateway.reset(keep_switches=bool(data.get("keep_switches")))
        self.gateway.log("sms-gateway: reset")
        raise _Answer(200, {"reset": True})

    def control_switches(self, body: bytes, query):
        self._loopback_only()
        if self.command == "POST":
            try:
                switches = self.gateway.set_switches(self._json_body(body))
            except SwitchError as error:
                raise _Answer(400, {"error": str(error)}) from None
            self.gateway.log(
                f"sms-gateway: switches mode={switches['mode']} api={switches['api']} "
                f"duration_s={switches['duration_s']} receipts={switches['receipts']}"
            )
            raise _Answer(200, switches)
        raise _Answer(200, self.gateway.switches())

    def demo_page(self, body: bytes, query):
        self._loopback_only()
        page = render_page(
            self.gateway.stats(), self.gateway.switches(), self.gateway.messages(limit=200)
        )
        raise _Answer(
            200,
            page,
            "text/html",
            headers=(
                ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"),
                ("Cache-Control", "no-store"),
                ("X-Content-Type-Options", "nosniff"),
            ),
        )


class _Answer(Exception):
    def __init__(self, status: int, body, content_type: str = "application/json", headers=()):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers


ROUTES = {
    ("POST", "/restapi/v1/sms/send"): GatewayHandler.link_send,
    ("GET", "/restapi/v1/sms/lookup"): GatewayHandler.link_lookup,
    ("POST", "/v3/transactionalSMS/send"): GatewayHandler.brevo_send,
    ("POST", "/v3/transactionalSMS/sms"): GatewayHandler.brevo_send,  # Brevo's older path
    ("GET", "/v3/transactionalSMS/statistics/events"): GatewayHandler.brevo_events,
    ("GET", "/_gateway/health"): GatewayHandler.control_health,
    ("GET", "/_gateway/stats"): GatewayHandler.control_stats,
    ("GET", "/_gateway/messages"): GatewayHandler.control_messages,
    ("POST", "/_gateway/reset"): GatewayHandler.control_reset,
    ("GET", "/_gateway/switches"): GatewayHandler.control_switches,
    ("POST", "/_gateway/switches"): GatewayHandler.control_switches,
    ("GET", "/"): GatewayHandler.demo_page,
}


# ------------------------------------------------------------------------------- demo page

_RECEIPT_LABELS = {
    "pending": "accusé en attente",
    "posted": "accusé transmis",
    "failed": "accusé non transmis",
    "disabled": "accusé désactivé",
}
_DELIVERY_LABELS = {
    "DELIVERED": "remis",
    "delivered": "remis",
    "UNDELIVERABLE": "non remis",
    "hard_bounce": "non remis",
    "soft_bounce": "échec temporaire",
}
_STAT_LABELS = (
    ("received", "Requêtes d'envoi reçues"),
    ("accepted", "Messages acceptés"),
    ("unique_references", "Références distinctes"),
    ("duplicates", "Doublons (même référence)"),
    ("rejected", "Refusés"),
    ("errors_simulated", "Pannes simulées"),
    ("receipts_posted", "Accusés transmis"),
    ("receipts_failed", "Accusés en échec"),
    ("receipts_pending", "Accusés en attente"),
    ("first_received_at", "Premier reçu"),
    ("last_received_at", "Dernier reçu"),
)

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5rem;color:#161616}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
p.intro{color:#555;margin:0 0 1rem}
table{border-collapse:collapse;width:100%;font-size:.875rem}
th,td{border:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f5}td.text{white-space:pre-wrap;max-width:36rem}
table.small{width:auto}.badge{display:inline-block;padding:0 .4rem;border-radius:.25rem;
font-size:.75rem;background:#fee;color:#a00;margin-left:.25rem}
.ok{color:#18753c}.ko{color:#ce0500}.muted{color:#666}
code{background:#f6f6f6;padding:0 .2rem}
"""


def _cell(value) -> str:
    return html.escape("" if value is None else str(value))


def _date(value: str | None) -> str:
    if not value:
        return ""
    return value.replace("T", " ").replace("Z", " UTC")


def render_page(stats: dict, switches: dict, messages: list[dict]) -> str:
    stat_rows = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{_cell(_date(stats.get(key)) if key.endswith('_at') else stats.get(key))}</td></tr>"  # noqa: E501
        for key, label in _STAT_LABELS
    )
    switch_rows = "".join(
        f"<tr><th><code>{html.escape(key)}</code></th><td><code>{_cell(json.dumps(value, ensure_ascii=False))}</code></td></tr>"  # noqa: E501
        for key, value in switches.items()
    )
    rows = []
    for message in messages:
        receipt = _RECEIPT_LABELS.get(message["receipt_status"], message["receipt_status"])
        css = {"posted": "ok", "failed": "ko"}.get(message["receipt_status"], "muted")
        outcome = ""
        if message["receipt_status"] != "disabled":
            outcome = _DELIVERY_LABELS.get(message["delivery_status"], "") + " · "
        duplicate = '<span class="badge">doublon</span>' if message["duplicate"] else ""
        rows.append(
            "<tr>"
            f"<td>{_cell(_date(message['received_at']))}</td>"
            f"<td>{'LINK Mobility' if message['api'] == 'link' else 'Brevo'}</td>"
            f"<td>{_cell(message['destination'])}</td>"
            f"<td>{_cell(message['sender'])}</td>"
            f'<td class="text">{_cell(message["text"])}</td>'
            f"<td>{_cell(message['reference'])}{duplicate}</td>"
            f'<td class="{css}">{_cell(outcome)}{_cell(receipt)}</td>'
            "</tr>"
        )
    if rows:
        table = (
            "<table><thead><tr><th>Date</th><th>API</th><th>Destinataire</th><th>Expéditeur</th>"
            "<th>Texte</th><th>Référence</th><th>Accusé</th></tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
        )
    else:
        table = '<p class="muted">Aucun SMS reçu pour le moment.</p>'
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        '<meta http-equiv="refresh" content="5">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Passerelle SMS locale</title><style>{_STYLE}</style></head><body>"
        "<h1>Passerelle SMS locale</h1>"
        '<p class="intro">Tous les SMS envoyés par la plateforme en développement arrivent ici '
        "(API LINK Mobility et Brevo simulées) ; aucun SMS ne part vers un téléphone. "
        "Page actualisée toutes les 5 secondes.</p>"
        f"<h2>Derniers messages ({len(messages)} affichés, les plus récents en premier)</h2>"
        f"{table}"
        f'<h2>Compteurs</h2><table class="small">{stat_rows}</table>'
        f'<h2>Interrupteurs</h2><table class="small">{switch_rows}</table>'
        '<p class="muted">Modifier : <code>POST /_gateway/switches</code> ; remise à zéro : '
        "<code>POST /_gateway/reset</code>.</p>"
        "</body></html>"
    )


# ---------------------------------------------------------------------------- entry points


def start_gateway(**options) -> tuple[GatewayHTTPServer, threading.Thread]:
    """Start a gateway in this process (tests): port=0 picks a free port. Returns the HTTP server
    (``server.gateway`` is the Gateway, ``server.server_address`` its address) and its thread."""
    gateway = Gateway(**options).start()
    return gateway.server, gateway.thread


def stop(server: GatewayHTTPServer | Gateway) -> None:
    gateway = server if isinstance(server, Gateway) else server.gateway
    gateway.stop()


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.sms_gateway",
        description="Local SMS gateway speaking the LINK Mobility and Brevo APIs.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(_env("SMS_GATEWAY_PORT", "8025")))
    parser.add_argument(
        "--receipts-url",
        default=_env(
            "SMS_GATEWAY_RECEIPTS_URL",
            f"http://localhost:{_env('PORT', '8000')}/sms/accuses/",
        ),
        help="base URL of the platform's receipt webhooks (link/ and brevo/ are appended)",
    )
    parser.add_argument("--receipt-delay-ms", type=int, default=300)
    parser.add_argument("--no-receipts", action="store_true")
    parser.add_argument("--link-user", default=_env("SMS_LINK_USER", DEV_LINK_USER))
    parser.add_argument("--link-password", default=_env("SMS_LINK_PASSWORD", DEV_LINK_PASSWORD))
    parser.add_argument("--brevo-api-key", default=_env("SMS_BREVO_API_KEY", DEV_BREVO_API_KEY))
    parser.add_argument(
        "--receipt-secret", default=_env("SMS_LINK_WEBHOOK_SECRET", DEV_LINK_WEBHOOK_SECRET)
    )
    parser.add_argument(
        "--brevo-webhook-token", default=_env("SMS_BREVO_WEBHOOK_TOKEN", DEV_BREVO_WEBHOOK_TOKEN)
    )
    parser.add_argument("--data-file", default=None, help="append accepted messages (JSON lines)")
    parser.add_argument(
        "--access-log",
        choices=("all", "errors", "none"),
        default="errors",
        help="one line per request (all), per refused/failed request (errors, default), or none",
    )
    parser.add_argument("--receipt-workers", type=int, default=8)
    parser.add_argument("--summary-every-s", type=float, default=10.0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    gateway = Gateway(
        host=args.host,
        port=args.port,
        receipts_url=args.receipts_url,
        receipt_delay_ms=args.receipt_delay_ms,
        receipts=not args.no_receipts,
        link_user=args.link_user,
        link_password=args.link_password,
        brevo_api_key=args.brevo_api_key,
        receipt_secret=args.receipt_secret,
        brevo_webhook_token=args.brevo_webhook_token,
        data_file=args.data_file,
        access_log=args.access_log,
        receipt_workers=args.receipt_workers,
        summary_every_s=args.summary_every_s,
    )
    try:
        gateway.start()
    except OSError as error:
        print(f"sms-gateway: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    done = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: done.set())
    receipts = gateway.receipts_url if gateway.receipts_enabled else "off"
    gateway.log(f"sms-gateway: listening on {gateway.url} (receipts: {receipts})")
    if not _is_loopback(args.host) and args.host not in ("localhost",):
        gateway.log(
            "sms-gateway: WARNING not bound to loopback; the control API stays loopback-only"
        )
    while not done.wait(0.5):
        pass
    gateway.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
