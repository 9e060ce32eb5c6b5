"""Helpers shared by the benchmarks: percentiles and how busy the machine was."""

import time


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def host_cpu_busy(seconds: float = 2.0) -> float | None:
    """Share of the machine's CPU used while this benchmark is idle: other work skews figures."""

    def sample():
        with open("/proc/stat") as stat:
            values = [int(value) for value in stat.readline().split()[1:]]
        return sum(values), values[3] + values[4]

    try:
        total_before, idle_before = sample()
        time.sleep(seconds)
        total_after, idle_after = sample()
    except (OSError, IndexError, ValueError):
        return None
    elapsed = total_after - total_before
    return round(100 * (1 - (idle_after - idle_before) / elapsed), 1) if elapsed else None
