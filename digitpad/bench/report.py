"""What every benchmark prints: the machine it ran on and a two-column table."""

from __future__ import annotations

import os
import platform


def machine_description() -> str:
    """CPU, core count and torch version and device, in one line."""
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    device = f"CUDA {torch.cuda.get_device_name(0)}" if torch.cuda.is_available() else "CPU"
    return (f"{cpu}, {os.cpu_count()} cores, torch {torch.__version__} "
            f"({torch.get_num_threads()} threads), {device}")


def print_table(title: str, rows: list[tuple[str, str]]) -> None:
    """Print `title` and then `rows` as aligned name / value columns."""
    width = max(len(name) for name, _ in rows)
    print(title)
    print("-" * len(title))
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
