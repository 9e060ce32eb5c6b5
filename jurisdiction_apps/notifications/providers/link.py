"""LINK Mobility (Netsize REST API): form POST, HTTP Basic auth, ``responseCode`` 0 accepted.

16 "could not route" and 100 "invalid destination" are final; any other code is transient.
Our reference travels in ``campaignName``; delivery reports are pushed to the URL configured on
the account (``/sms/accuses/link/`` of the public host, signed with a shared secret).
"""

from urllib.parse import urlencode

import urllib3

from .base import Outcome, OutgoingSms, ProviderError, SendResult, SmsProvider

FINAL_CODES = {16: "unreachable", 100: "invalid"}


class LinkMobilityProvider(SmsProvider):
    name = "link"

    def __init__(self, *, url: str, user: str, password: str, lookup_url: str = "", **options):
        super().__init__(**options)
        self.url = url
        self.lookup_url = lookup_url
        self.headers = urllib3.make_headers(basic_auth=f"{user}:{password}")
        self.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=UTF-8"
        self.supports_lookup = bool(lookup_url)

    def send(self, sms: OutgoingSms) -> SendResult:
        body = urlencode(
            {
                "destinationAddress": sms.phone,
                "messageText": sms.text,
                "originatingAddress": sms.sender,
                "originatorTON": 1,
                "maxConcatenatedMessages": max(sms.segments, 1),
                "campaignName": sms.reference,
            }
        )
        response = self._request("POST", self.url, body=body, headers=self.headers)
        if isinstance(response, SendResult):
            return response
        if response.status >= 500 or response.status == 429:
            return SendResult(Outcome.TRANSIENT, str(response.status), detail="erreur fournisseur")
        data = self._json(response)
        if data is None or "responseCode" not in data:
            if response.status >= 400:
                return SendResult(Outcome.TRANSIENT, str(response.status), detail="refus HTTP")
            return SendResult(Outcome.UNKNOWN, str(response.status), detail="réponse illisible")
        try:
            code = int(data["responseCode"])
        except (TypeError, ValueError):
            return SendResult(Outcome.UNKNOWN, str(response.status), detail="réponse illisible")
        if code == 0:
            ids = data.get("messageIds") or [""]
            return SendResult(Outcome.ACCEPTED, "0", provider_message_id=str(ids[0])[:64])
        if code in FINAL_CODES:
            return SendResult(Outcome.REJECTED, str(code), number_problem=FINAL_CODES[code])
        return SendResult(Outcome.TRANSIENT, str(code), detail="code temporaire")

    def find(self, reference: str) -> str | None:
        response = self._request(
            "GET", self.lookup_url, fields={"campaignName": reference}, headers=self.headers
        )
        data = None if isinstance(response, SendResult) else self._json(response)
        if data is None or response.status != 200 or "found" not in data:
            raise ProviderError("lookup unavailable")
        return str((data.get("messageIds") or [""])[0]) if data["found"] else None
