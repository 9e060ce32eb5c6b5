import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("variable", "url", "expected"),
    [
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:1/justice", "DATABASE_URL is unreachable"),
        ("REDIS_URL", "redis://127.0.0.1:1/0", "REDIS_URL is unreachable"),
    ],
)
def test_unreachable_service_is_reported_in_one_line(variable, url, expected):
    env = {**os.environ, variable: url}
    if variable == "REDIS_URL":
        env.setdefault("DATABASE_URL", os.environ["DATABASE_URL"])
    result = subprocess.run(
        [sys.executable, "-m", "saas_platform.devstack", "exec", "--", "true"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(expected), result.stderr
