"""Pools of started containers for long-lived graders, against the real engine."""

from __future__ import annotations

import time

import pytest

from runner.sandbox.warm_pool import WarmPool, WarmPools
from tests.conftest import _our_containers

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("no_leftovers")]


def _wait_for_containers(engine, count: int, status: str | None = None) -> list[str]:
    """Our containers once there are ``count`` of them (in ``status``), or after 10 s."""
    filters = {"label": "takehome=run"} | ({"status": status} if status else {})
    for _ in range(200):
        ours = set(_our_containers(engine))
        found = [c.name for c in engine.containers.list(all=True, filters=filters)
                 if c.name in ours]  # fmt: skip
        if len(found) == count:
            return found
        time.sleep(0.05)
    return found


def test_a_pool_keeps_one_started_container_per_slot_until_it_closes(
    engine, kv_store, kv_image, tmp_path
):
    pool = WarmPool(engine, kv_image, kv_store.config.limits, 2, tmp_path)
    try:
        assert len(_wait_for_containers(engine, 2, status="running")) == 2
    finally:
        pool.close()
    assert _our_containers(engine) == []
    assert list(tmp_path.iterdir()) == []  # the handoff directories went with them


def test_only_the_most_recently_used_pools_stay_warm(engine, kv_store, kv_image, tmp_path):
    limits = kv_store.config.limits
    other = limits.model_copy(update={"memory_bytes": limits.memory_bytes * 2})
    pools = WarmPools(engine, 1, tmp_path, keep=1)
    try:
        first = pools.pool(kv_image, limits)
        assert pools.pool(kv_image, limits) is first
        pools.pool(kv_image, other)  # the first pool is retired: its container removed
        found = _wait_for_containers(engine, 1)
        assert len(found) == 1
        memory = engine.containers.get(found[0]).attrs["HostConfig"]["Memory"]
        assert memory == other.memory_bytes
    finally:
        pools.close()
    assert _our_containers(engine) == []
