"""Print the current second-factor code of the demo's privileged accounts (`make demo-code`).

The demo seeds one TOTP authenticator with an invented, public secret for each account that must
pass a second factor (demo/jurisdictions.py, DEMO_TOTP_SECRET); any authenticator app given that
secret shows the same codes.
"""

import os
import time


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_platform.settings.dev")
    import django

    django.setup()
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    from demo.jurisdictions import DEMO_TOTP_SECRET

    counter = next(iter(yield_hotp_counters_from_time()))
    left = 30 - int(time.time()) % 30
    code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))
    print(f"{code}  (valid {left} s more; secret {DEMO_TOTP_SECRET})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
