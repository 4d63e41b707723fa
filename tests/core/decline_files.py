"""Model files and images for the command line's decline tests (issue 14), made fast and
deterministically from the bundled digits model by editing its metadata and head:

- a plain model: no decline rule (a "class" bundled model loses its extra output), as v1 files;
- a max-probability model: the plain one with a decline block whose threshold lies between
  what it gives a crisp MNIST 7 and the least sure of some generated non-digits;
- a "class" model: the plain one with an 11th output, "not a digit", of zero weights and a bias
  set so that its probability passes 1/2 exactly between the 7's and that non-digit's
  log-sum-exp (an energy-like rule with a threshold of 0.5).

Thresholds are measured on the model at hand, so the tests hold whichever model is bundled.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image

from digitpad.core.decline import NOT_A_DIGIT
from digitpad.core.idx import read_idx
from digitpad.core.not_digits import generate
from digitpad.core.predictor import Predictor
from tests.core.hostile_files import BUNDLED

HEAD = "head.3"  # digitnet's last linear layer


@dataclass(frozen=True)
class DeclineFiles:
    plain: Path
    max_probability: Path
    klass: Path
    seven: Path  # a crisp MNIST 7, black on white: read as 7 by all three
    odd: Path  # the least sure non-digit: declined by max_probability (and user thresholds)
    odd_class: Path  # the lowest log-sum-exp non-digit: declined by klass
    blank: Path
    guess: str  # the plain model's best guess for `odd`
    odd_confidence: float
    seven_confidence: float
    threshold: float  # between the two: for max_probability and --decline-below
    bias: float  # the extra output's bias in klass
    temperature: float


def _plain_payload() -> dict[str, Any]:
    payload = torch.load(BUNDLED, weights_only=True)
    meta = payload["meta"]
    meta.pop("decline", None)
    if meta["class_names"][-1] == NOT_A_DIGIT:  # a bundled "class" model: drop its extra output
        meta["class_names"] = meta["class_names"][:-1]
        for part in ("weight", "bias"):
            key = f"{HEAD}.{part}"
            payload["state_dict"][key] = payload["state_dict"][key][:-1].clone()
    return payload


def _save_image(path: Path, ink_on_black: np.ndarray) -> Path:
    """A 28x28 MNIST-form image saved as a paint program would: 280x280, black on white."""
    Image.fromarray(255 - ink_on_black).resize((280, 280)).convert("RGB").save(path)
    return path


def _outputs(predictor: Predictor, path: Path) -> torch.Tensor:
    """The raw outputs of the model for one image file, as Predictor.predict computes them."""
    seen: list[torch.Tensor] = []
    hook = predictor.model.register_forward_hook(lambda _m, _i, out: seen.append(out.float()))
    try:
        predictor.predict(Image.open(path))
    finally:
        hook.remove()
    return seen[-1][0]


def build(folder: Path, mnist_dir: Path) -> DeclineFiles:
    folder.mkdir(parents=True, exist_ok=True)
    payload = _plain_payload()
    plain = folder / "plain.pt"
    torch.save(payload, plain)
    images = read_idx(mnist_dir / "t10k-images-idx3-ubyte.gz")[:1]  # test image 0 is a 7
    seven = _save_image(folder / "seven.png", images[0])
    blank = folder / "blank.png"
    Image.new("L", (100, 100), 255).save(blank)
    candidates = [_save_image(folder / f"not-digit-{i}.png", image)
                  for i, image in enumerate(generate(24, seed=5).images)]

    predictor = Predictor.from_file(plain)
    temperature = float(payload["meta"].get("temperature") or 1.0)
    seven_p = predictor.predict(Image.open(seven))
    assert seven_p.best_guess == "7"
    sure = {c: predictor.predict(Image.open(c)) for c in candidates}
    odd = min(candidates, key=lambda c: sure[c].confidence)
    assert sure[odd].confidence < seven_p.confidence - 1e-3, "no non-digit less sure than a 7"
    threshold = (sure[odd].confidence + seven_p.confidence) / 2

    payload["meta"]["decline"] = {"score": "max_probability", "threshold": threshold}
    max_probability = folder / "max-probability.pt"
    torch.save(payload, max_probability)

    lse = {c: float(torch.logsumexp(_outputs(predictor, c) / temperature, 0)) for c in candidates}
    lse_seven = float(torch.logsumexp(_outputs(predictor, seven) / temperature, 0))
    odd_class = min(candidates, key=lambda c: lse[c])
    assert lse[odd_class] < lse_seven - 0.5, "no non-digit with less evidence than a 7"
    bias = temperature * (lse[odd_class] + lse_seven) / 2
    klass = folder / "class.pt"
    torch.save(_with_extra_output(_plain_payload(), bias), klass)
    return DeclineFiles(plain, max_probability, klass, seven, odd, odd_class, blank,
                        str(sure[odd].best_guess), sure[odd].confidence, seven_p.confidence,
                        threshold, bias, temperature)


def _with_extra_output(payload: dict[str, Any], bias: float) -> dict[str, Any]:
    state = payload["state_dict"]
    weight, old_bias = state[f"{HEAD}.weight"], state[f"{HEAD}.bias"]
    state[f"{HEAD}.weight"] = torch.cat([weight, torch.zeros(1, weight.shape[1])])
    state[f"{HEAD}.bias"] = torch.cat([old_bias, torch.tensor([bias], dtype=old_bias.dtype)])
    meta = payload["meta"]
    meta["class_names"] = [*meta["class_names"], NOT_A_DIGIT]
    meta["decline"] = {"score": "class", "threshold": 0.5}
    return payload
