"""Which compute devices exist here, and the fallback when a chosen one does not."""

from __future__ import annotations

import torch


def device_problems() -> dict[str, str | None]:
    """Each device name -> None when usable, else one sentence saying why not."""
    cuda = None if torch.cuda.is_available() else "No CUDA GPU is available on this machine."
    mps_backend = getattr(torch.backends, "mps", None)
    mps_ok = bool(mps_backend and mps_backend.is_available())
    mps = None if mps_ok else "Apple Metal (MPS) is only available on Apple-silicon Macs."
    return {"cpu": None, "cuda": cuda, "mps": mps}


def resolve_device(name: str) -> tuple[torch.device, str | None]:
    """The torch device for a setting (auto/cpu/cuda/mps) and a notice if we fell back to CPU."""
    problems = device_problems()
    if name == "auto":
        for candidate in ("cuda", "mps"):
            if problems[candidate] is None:
                return torch.device(candidate), None
        return torch.device("cpu"), None
    problem = problems.get(name, f"Unknown device {name!r}.")
    if problem is None:
        return torch.device(name), None
    return torch.device("cpu"), f"{problem} Using the CPU instead."


def describe_device(device: torch.device) -> str:
    """A human name for a device, e.g. 'CUDA: NVIDIA H100' or 'CPU (2 threads)'."""
    if device.type == "cuda":
        return f"CUDA: {torch.cuda.get_device_name(device)}"
    if device.type == "mps":
        return "Apple Metal (MPS)"
    return f"CPU ({torch.get_num_threads()} threads)"


def start_on(name: str, threads: int | None) -> tuple[torch.device, str | None]:
    """A run's start (training.train, personal.finetune.fine_tune): `threads` intra-op threads
    when given, and the device for `name` with resolve_device's fallback notice."""
    if threads:
        torch.set_num_threads(threads)
    return resolve_device(name)
