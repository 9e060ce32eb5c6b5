import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def _files_removed_after_each_test():
    """Transfers copy stored files between schemas and the database rollback does not remove
    them: what a test wrote is removed after it, so that the erasure tests' search of every file
    (tests/retention) finds no identity left by these tests."""
    root = settings.PRIVATE_MEDIA_ROOT
    before = set(root.rglob("*")) if root.exists() else set()
    yield
    if root.exists():
        for path in sorted(set(root.rglob("*")) - before, reverse=True):
            if path.is_file():
                path.unlink()
