"""Brevo transactional SMS: JSON POST with the ``api-key`` header; webhook events for receipts.

Our reference travels in ``tag``; ``webUrl`` points the receipts at ``/sms/accuses/brevo/`` of the
public host. Brevo lists the events of a tag, which is how an uncertain send is looked up.
"""

import json

from .base import Outcome, OutgoingSms, ProviderError, SendResult, SmsProvider


class BrevoProvider(SmsProvider):
    name = "brevo"
    supports_lookup = True

    def __init__(self, *, url: str, api_key: str, events_url: str = "", web_url: str = "", **kw):
        super().__init__(**kw)
        self.url = url
        self.events_url = events_url
        self.web_url = web_url
        self.supports_lookup = bool(events_url)
        self.headers = {"api-key": api_key, "Content-Type": "application/json"}

    def send(self, sms: OutgoingSms) -> SendResult:
        payload = {
            "sender": sms.sender,
            "recipient": sms.phone.lstrip("+"),
            "content": sms.text,
            "type": "transactional",
            "tag": sms.reference,
            "unicodeEnabled": sms.unicode,
        }
        if self.web_url:
            payload["webUrl"] = self.web_url
        response = self._request("POST", self.url, body=json.dumps(payload), headers=self.headers)
        if isinstance(response, SendResult):
            return response
        if response.status >= 500 or response.status in (401, 402, 403, 429):
            # Server trouble, or an account problem (key, credits) that another provider avoids.
            return SendResult(Outcome.TRANSIENT, str(response.status), detail="erreur fournisseur")
        data = self._json(response)
        if response.status == 400:
            # Final: the same request would be refused again. Only a refused recipient says that
            # the number is wrong (a bad sender or content is our configuration's fault).
            message = str((data or {}).get("message", "")).lower()
            about_number = any(word in message for word in ("recipient", "phone", "number"))
            problem = ("unreachable" if "route" in message else "invalid") if about_number else ""
            return SendResult(
                Outcome.REJECTED,
                "400",
                number_problem=problem,
                detail="" if about_number else "requête refusée",
            )
        if data is None or "messageId" not in data:
            return SendResult(Outcome.UNKNOWN, str(response.status), detail="réponse illisible")
        return SendResult(
            Outcome.ACCEPTED, str(response.status), provider_message_id=str(data["messageId"])
        )

    def find(self, reference: str) -> str | None:
        response = self._request(
            "GET", self.events_url, fields={"tags": reference}, headers=self.headers
        )
        data = None if isinstance(response, SendResult) else self._json(response)
        if data is None or response.status != 200:
            raise ProviderError("lookup unavailable")
        for event in data.get("events") or []:
            if event.get("tag") == reference and event.get("messageId"):
                return str(event["messageId"])
        return None
