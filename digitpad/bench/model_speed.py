"""`digitpad bench models`: training images/s of every architecture in the registry.

Each model takes a few optimizer steps (forward, backward, its own recipe's optimizer) on random
byte images of the size and channels it trains on (resnet18: 3×128×128, without pretrained
weights), after a warm-up; no data set is read. resnet18 is far slower, so it gets a tenth of
the steps (at least one). Each model is timed as `digitpad train` computes it ("auto",
core.precision: channels-last for convolutions, bfloat16 where the CPU does it natively) and,
when that differs, as plain float32 in torch's default layout, one after the other with the
same inputs and weights, so the two columns compare like with like.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any

import torch
from torch.nn import functional as F

from digitpad.core.config import TrainConfig
from digitpad.core.models.registry import REGISTRY, build_model, get_spec, parameter_count
from digitpad.core.optim import build_optimizer
from digitpad.core.precision import Precision, choose

SLOW = {"resnet18": 10}  # model -> divide its step counts by this


def time_model(name: str, batch_size: int = 128, steps: int = 20, warmup: int = 3,
               seed: int = 0, precision: str | None = "auto") -> dict[str, Any]:
    """Images/s and seconds per step of one registry model's training step, computed as
    `precision` ("auto", "fp32", "bf16") asks on this CPU; None: plain float32, contiguous."""
    spec = get_spec(name)
    options = {"pretrained": False} if "pretrained" in spec.options else {}
    config = TrainConfig(model=name, model_options=options).resolved()
    divide = SLOW.get(name, 1)
    steps, warmup = max(1, steps // divide), warmup // divide
    torch.manual_seed(seed)
    model = build_model(name, 10, spec.image_channels, spec.image_size, config.model_options)
    computed = Precision() if precision is None else choose(precision, torch.device("cpu"), model)
    model.to(memory_format=computed.memory_format)
    optimizer = build_optimizer(config, model.parameters())
    loss_fn = F.nll_loss if spec.outputs == "log_probs" else F.cross_entropy
    shape = (batch_size, spec.image_channels, spec.image_size, spec.image_size)
    pixels = torch.randint(0, 256, shape, dtype=torch.uint8)
    labels = torch.randint(0, 10, (batch_size,))
    model.train()

    def step() -> None:
        x = computed.images((pixels.float() / 255 - 0.5) / 0.25)

        def closure() -> torch.Tensor:
            optimizer.zero_grad(set_to_none=True)
            with computed.autocast():
                out = model(x).float()
            loss = loss_fn(out, labels)
            loss.backward()
            return loss

        optimizer.step(closure)

    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    return {
        "model": name, "parameters": parameter_count(model), "input": list(shape[1:]),
        "optimizer": config.optimizer, "batch_size": batch_size, "steps": steps,
        "warmup": warmup, "seconds_per_step": seconds / steps,
        "images_per_s": batch_size * steps / seconds, "precision": computed.describe(),
    }


def bench_models(names: Sequence[str] | None = None, batch_size: int = 128, steps: int = 20,
                 warmup: int = 3, threads: int = 0) -> dict[str, Any]:
    """Time `names` (default: every registry model) one after the other."""
    threads = threads or os.cpu_count() or 1
    torch.set_num_threads(threads)
    names = list(names or REGISTRY)
    for name in names:
        get_spec(name)  # an unknown name fails before anything is timed
    models = []
    for n in names:  # "images_per_s" is auto's, what training uses; plain float32 beside it
        auto = time_model(n, batch_size, steps, warmup, precision="auto")
        fp32 = auto  # auto chose plain float32: the same thing, timed once
        if auto["precision"] != "float32":
            fp32 = time_model(n, batch_size, steps, warmup, precision=None)
        models.append({**auto, "fp32_images_per_s": fp32["images_per_s"],
                       "auto_speedup": auto["images_per_s"] / fp32["images_per_s"]})
    return {"threads": threads, "batch_size": batch_size, "models": models}


def format_rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """The table `digitpad bench models` prints: one row per model."""
    rows = [("setting", f"batch {result['batch_size']}, {result['threads']} thread(s), "
                        "forward + backward + optimizer step, random inputs; img/s as "
                        "training computes (auto), then plain float32")]
    for m in result["models"]:
        size = "×".join(str(v) for v in m["input"])
        rows.append((m["model"], f"{m['images_per_s']:>9,.0f} img/s  "
                                 f"{m['seconds_per_step'] * 1000:>8,.1f} ms/step  "
                                 f"({_against_fp32(m)})  "
                                 f"{m['parameters']:>11,} params  {size} {m['optimizer']} "
                                 f"({m['steps']} steps)"))
    return rows


def _against_fp32(m: dict[str, Any]) -> str:
    if m["precision"] == "float32":
        return "float32"
    return (f"{m['precision']}; plain float32 {m['fp32_images_per_s']:,.0f} img/s, "
            f"{m['auto_speedup']:.2f}x")
