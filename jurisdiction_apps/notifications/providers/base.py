"""What every SMS provider adapter offers: send one message, and (when it can) find one again."""

import enum
import json
from dataclasses import dataclass

import urllib3


class ProviderError(Exception):
    pass


class Outcome(enum.StrEnum):
    ACCEPTED = "accepted"  # the provider took it: wait for the receipt
    REJECTED = "rejected"  # final: do not try again (invalid or unroutable number...)
    TRANSIENT = "transient"  # surely not sent: try again, or another provider
    UNKNOWN = "unknown"  # maybe sent (timeout, garbage answer): look it up before resending


@dataclass(frozen=True)
class OutgoingSms:
    reference: str  # idempotency key, the same on every attempt ("<jurisdiction>.<message>")
    phone: str  # E.164
    text: str
    sender: str
    segments: int
    unicode: bool


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    code: str = ""  # the provider's code or the HTTP status, for the attempt row
    provider_message_id: str = ""
    number_problem: str = ""  # "invalid" or "unreachable" for final rejections of the number
    detail: str = ""  # short, never personal data


# One pool per process, shared by the worker's threads (keep-alive connections to providers).
_POOL = urllib3.PoolManager(num_pools=4, maxsize=32, block=False, retries=False)


class SmsProvider:
    name = ""
    supports_lookup = False

    def __init__(self, *, timeout: float = 10.0, **options):
        self.timeout = urllib3.Timeout(connect=min(3.0, timeout), read=timeout)
        self.options = options

    def send(self, sms: OutgoingSms) -> SendResult:
        raise NotImplementedError

    def find(self, reference: str) -> str | None:
        """The provider's id of a message it accepted under ``reference``, or None.

        Only called when ``supports_lookup``; raises ProviderError when the provider cannot say.
        """
        raise NotImplementedError

    # --- HTTP helpers shared by the adapters --------------------------------------------------
    def _request(self, method: str, url: str, **kwargs):
        """The response, or a SendResult saying what went wrong at the transport level."""
        try:
            return _POOL.request(method, url, timeout=self.timeout, **kwargs)
        except urllib3.exceptions.NewConnectionError:
            return SendResult(Outcome.TRANSIENT, "connection", detail="connexion refusée")
        except urllib3.exceptions.ConnectTimeoutError:
            return SendResult(Outcome.TRANSIENT, "connect-timeout", detail="connexion impossible")
        except urllib3.exceptions.ReadTimeoutError:
            return SendResult(Outcome.UNKNOWN, "timeout", detail="pas de réponse à temps")
        except (urllib3.exceptions.ProtocolError, urllib3.exceptions.HTTPError) as error:
            # The request may have reached the provider before the connection broke.
            return SendResult(Outcome.UNKNOWN, "protocol", detail=type(error).__name__)

    @staticmethod
    def _json(response) -> dict | None:
        try:
            data = json.loads(response.data)
        except (ValueError, UnicodeDecodeError):
            return None
        return data if isinstance(data, dict) else None
