"""Timing helpers shared by the bench scripts: chunked timed loops and pinning to one core."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Timed:
    """Results of a timed loop, run in chunks, and how long each chunk took."""

    results: list[Any]
    chunks: list[tuple[int, float]]

    @property
    def seconds(self) -> float:
        return sum(seconds for _, seconds in self.chunks)

    def rate(self) -> float:
        return len(self.results) / self.seconds

    def best_rate(self) -> float:
        """The rate of the fastest chunk: less disturbed by other processes."""
        return max(count / seconds for count, seconds in self.chunks)

    def ms(self) -> float:
        """Milliseconds per item over the whole loop."""
        return self.seconds / len(self.results) * 1e3

    def best_ms(self) -> float:
        """Milliseconds per item in the fastest chunk."""
        return min(seconds / count for count, seconds in self.chunks) * 1e3


def timed(func: Callable[[Any], Any], items: Sequence[Any], chunks: int = 5, warmup: int = 20) -> Timed:
    """Apply ``func`` to every item once, after a short warm-up, timing ``chunks`` slices."""
    for item in items[:warmup]:
        func(item)
    size = max(1, -(-len(items) // chunks))
    results: list[Any] = []
    spans: list[tuple[int, float]] = []
    for low in range(0, len(items), size):
        part = items[low : low + size]
        start = time.perf_counter()
        results += [func(item) for item in part]
        spans.append((len(part), time.perf_counter() - start))
    return Timed(results, spans)


def interleaved(
    first: tuple[Callable[[Any], Any], Sequence[Any]],
    second: tuple[Callable[[Any], Any], Sequence[Any]],
    chunks: int = 10,
    warmup: int = 20,
) -> tuple[Timed, Timed]:
    """Time two loops chunk by chunk in turn, so both meet the same machine: on a shared machine
    the speed drifts by tens of percent within a minute, and their ratio is what stays put."""
    runs: list[tuple[list[Any], list[tuple[int, float]]]] = []
    for func, items in (first, second):
        for item in items[:warmup]:
            func(item)
        runs.append(([], []))
    sizes = [max(1, -(-len(items) // chunks)) for _, items in (first, second)]
    for chunk in range(chunks):
        for (func, items), size, (results, spans) in zip((first, second), sizes, runs, strict=True):
            part = items[chunk * size : (chunk + 1) * size]
            if not part:
                continue
            start = time.perf_counter()
            results += [func(item) for item in part]
            spans.append((len(part), time.perf_counter() - start))
    return Timed(*runs[0]), Timed(*runs[1])


def pin_one_core(cpu: int) -> str:
    """Run on one CPU only when the platform allows it."""
    try:
        os.sched_setaffinity(0, {cpu})
    except (AttributeError, OSError, ValueError):
        return "not pinned"
    return f"pinned to CPU {cpu}"
