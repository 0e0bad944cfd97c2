"""What one run container costs the machine, with our options and with the engine's network
sandbox put back (``network_disabled`` off, i.e. plain ``--network none``).

Creates, starts, waits for and removes N containers of the kv-store run image running
``/bin/true`` (no suite: the container's own cost only), and prints wall time and CPU time per
container, CPU read from /proc/stat for the whole machine (dockerd, containerd, the shims,
runc and the kernel's work all count). Run it on an otherwise idle machine.

    .venv/bin/python benchmarks/container_start.py [--count 20]
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import docker

from runner.sandbox.handoff import Handoff
from runner.sandbox.options import container_options
from takehome import wiring
from takehome.settings import load_settings


def machine_cpu_seconds() -> float:
    """Busy CPU time of the whole machine so far (all but idle and iowait)."""
    with open("/proc/stat", encoding="ascii") as handle:
        fields = [int(value) for value in handle.readline().split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def lifecycle(
    client: docker.DockerClient, options: dict[str, Any], count: int
) -> tuple[float, float]:
    """Mean wall and CPU seconds of create + start + wait + remove."""
    cpu, started = machine_cpu_seconds(), time.perf_counter()
    for _ in range(count):
        container = client.containers.create(**options)
        container.start()
        container.wait()
        container.remove(force=True)
    return (time.perf_counter() - started) / count, (machine_cpu_seconds() - cpu) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    count = parser.parse_args().count
    settings = load_settings()
    challenge = wiring.challenge("kv-store")
    client, image = wiring.engine_and_image(settings, challenge)
    handoff = Handoff.create(None)
    try:
        ours = {**container_options(image.id, handoff.directory, challenge.config.limits),
                "command": ["/bin/true"]}  # fmt: skip
        with_sandbox = {**ours, "network_disabled": False}
        lifecycle(client, ours, 3)  # warm the engine's caches
        figures = []
        for name, options in (("ours", ours), ("engine network sandbox", with_sandbox)):
            wall, cpu = lifecycle(client, options, count)
            figures.append(f"{name}: {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU")
    finally:
        handoff.remove()
    print(f"container_start.py: {count} containers each; " + "; ".join(figures))


if __name__ == "__main__":
    main()
