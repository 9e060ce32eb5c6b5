"""Run docs/api.md's curl examples against a running `make run` (issue 20, "done when").

Every ```sh block of the page runs, in order, in one bash session, as a reader would paste them:
the `export` lines of the set-up block are replaced by the real key and address, and the page's
port 8000 by the one given. `curl` fails on any answer of 400 or more (``--fail-with-body``) and
`set -euo pipefail` stops at the first failure, whose answer is printed. `make run-check` calls
``run_examples`` with the demo key that `make run` printed; by hand:

    .venv/bin/python -m devtools.api_examples --port 8000 --key <the demo key>
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "api.md"
BLOCK = re.compile(r"^ *```sh\n(.*?)^ *```", re.DOTALL | re.MULTILINE)
DOC_PORT = "8000"

PRELUDE = """\
set -euo pipefail
: > "$CURL_COUNT_FILE"
curl() {
  local status=0
  echo >> "$CURL_COUNT_FILE"
  command curl --silent --show-error --fail-with-body --max-time 30 "$@" || status=$?
  echo  # each answer on its own line
  return $status
}
command -v uuidgen >/dev/null || uuidgen() { cat /proc/sys/kernel/random/uuid; }
"""


class ExamplesFailed(Exception):
    pass


def script(page: str, port: int) -> str:
    blocks = []
    for block in BLOCK.findall(page):
        lines = textwrap.dedent(block).splitlines()  # a block inside a list item is indented
        blocks.append("\n".join(line for line in lines if not line.startswith("export ")))
    text = "\n\n".join(blocks).replace(f"localhost:{DOC_PORT}", f"localhost:{port}")
    return PRELUDE + text + "\n"


def run_examples(port: int, key: str, timeout: int = 180) -> int:
    """Run the page's examples; return how many curl calls answered 2xx (raises on a failure)."""
    for tool in ("bash", "curl", "jq"):
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode:
            raise ExamplesFailed(f"{tool} is needed to run docs/api.md's examples")
    with tempfile.TemporaryDirectory(prefix="api-examples-") as tmp:
        count_file = Path(tmp) / "count"
        env = {
            **os.environ,
            "JUSTICE_API_KEY": key,
            "API": f"http://nanterre.localhost:{port}/api/v1",
            "CURL_COUNT_FILE": str(count_file),
        }
        result = subprocess.run(
            ["bash", "-c", script(PAGE.read_text(), port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        calls = len(count_file.read_text().splitlines()) if count_file.exists() else 0
    if result.returncode != 0:
        answers = result.stdout.strip().splitlines()[-3:]
        raise ExamplesFailed(
            f"docs/api.md: curl call {calls} failed (exit {result.returncode}): "
            f"{result.stderr.strip()[-500:]}\n    last answers: " + "\n    ".join(answers)
        )
    return calls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", DOC_PORT)))
    parser.add_argument("--key", default=os.environ.get("JUSTICE_API_KEY", ""))
    arguments = parser.parse_args()
    if not arguments.key:
        parser.error("--key (or JUSTICE_API_KEY): the demo key that make run prints")
    try:
        calls = run_examples(arguments.port, arguments.key)
    except ExamplesFailed as error:
        print(error)
        return 1
    print(f"docs/api.md: {calls} curl examples answered 2xx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
