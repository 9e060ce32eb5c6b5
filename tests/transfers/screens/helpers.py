"""Helpers of the transfer screens' tests: requests between Alpha and Beta."""

from tests.people.helpers import page_text  # noqa: F401 - for the test modules
from tests.transfers.helpers import pull, push  # noqa: F401 - for the test modules

PHONE = "+33612345678"
