"""Rate limit counters in the test Redis (TEST_REDIS_URL), left as they were found.

Every key a test run writes starts with the run's prefix, ``trygghet-test-<run>-``: the run id
is made once by the controlling process and inherited by the xdist workers, which add their
own name, so a worker can tell its keys from those of the others. The ``redis_limits``
fixture (tests/conftest.py) gives a test a prefix of its own and fails when, after the test's
keys are deleted, any key of its worker is still there; the end of the run fails when any key
of the run is.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
RUN_VARIABLE = "TRYGGHET_TEST_RUN"


def run_prefix() -> str:
    """The prefix of every key this run writes (the run id is set in pytest_configure)."""
    return f"trygghet-test-{os.environ[RUN_VARIABLE]}-"


def worker_prefix() -> str:
    """The prefix of every key this process (xdist worker) writes."""
    return f"{run_prefix()}{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-"


def limiter_settings() -> dict[str, Any]:
    """App settings for limits counted in the test Redis under a key prefix of their own."""
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": TEST_REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"{worker_prefix()}{uuid.uuid4().hex}",
    }


def keys_with(prefix: str, delete: bool = False) -> list[str]:
    """The test Redis's keys that contain ``prefix`` (deleted if asked)."""
    import redis

    server = redis.Redis.from_url(TEST_REDIS_URL or "", decode_responses=True)
    try:
        # The limiter's own keys start "LIMITS:LIMITER/" and then the prefix.
        keys = list(server.scan_iter(f"*{prefix}*"))
        if keys and delete:
            server.delete(*keys)
        return keys
    finally:
        server.close()
