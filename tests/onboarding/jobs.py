"""Waiting for an import job that a real Celery worker runs."""

import time


def wait_for_state(job, state: str, *, seconds: float = 20) -> None:
    """Poll the job's row until it reaches ``state``; fail with its state and error."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state == state:
            return
        time.sleep(0.05)
    raise AssertionError(f"{job.state} {job.error}")
