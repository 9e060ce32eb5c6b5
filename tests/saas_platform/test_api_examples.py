"""docs/api.md's examples as `make run-check` runs them (devtools/api_examples.py): every sh block
of the page, in order, the set-up exports left out, on the given port. (The run itself, against
a live `make run`, is in `make run-check`, which .ci/run calls.)"""

import re

from devtools.api_examples import PAGE, script


def test_every_curl_of_the_page_is_run_and_the_exports_are_not():
    page = PAGE.read_text()
    text = script(page, 8123)
    documented = len(re.findall(r"^\s*(?:\w+=\$\()?curl ", page, re.MULTILINE))
    assert documented >= 20
    assert len(re.findall(r"^(?:\w+=\$\()?curl ", text, re.MULTILINE)) == documented
    assert not re.search(r"^export ", text, re.MULTILINE)
    assert "localhost:8000" not in text and "localhost:8123/api/v1/statistiques/" in text
    assert text.startswith("set -euo pipefail")
