"""Refit a model file's decline rule on another score, for comparing methods (issue 14).

The weights of a model trained with `--not-digits` do not depend on `--decline-score`: only the
threshold fitted after training does. So the file that `digitpad train ... --decline-score
energy` would have made is this model with its rule refitted on the energy score, on the same
validation digits and held-out non-digits (re-made from the seed and counts in its metadata).
For a model trained without non-digits (the v1 bundled model), this fits a max-probability
threshold the same way: the "just threshold the confidence" baseline.

Usage: python tools/decline_variants.py MODEL --score {max_probability,energy} --out FILE
       [--data-dir DIR] [--not-digits N] [--keep SHARE]
(N: for models without a recipe; default 20000)
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from digitpad.core.calibration import split_logits
from digitpad.core.checkpoint import load_model, save_checkpoint
from digitpad.core.datasets import load_dataset
from digitpad.core.decline import DEFAULT_KEEP, auroc, fit_threshold, scores
from digitpad.core.not_digit_training import MIN_VAL, VAL_SHARE, varied_digits
from digitpad.core.not_digits import generate
from digitpad.core.splits import Split

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("--score", choices=["max_probability", "energy"], required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--not-digits", type=int, default=20000)
    ap.add_argument("--keep", type=float, default=DEFAULT_KEEP,
                    help="share of (varied) validation digits the threshold lets through")
    args = ap.parse_args()
    model, meta = load_model(args.model)
    config = meta.get("config") or {}
    seed = int(config.get("seed") or 0)
    count = int(config.get("not_digits") or args.not_digits)
    data = load_dataset("mnist", data_dir=args.data_dir, val_split=config.get("val_split", 0.1),
                        seed=seed, limit=config.get("limit"))
    held_out = generate(max(MIN_VAL, round(count * VAL_SHARE)), seed + 1, data_dir=args.data_dir)
    others = torch.from_numpy(held_out.images).unsqueeze(1)
    temperature = meta.get("temperature")
    digits, _ = split_logits(model, varied_digits(data.val), data.mean, data.std)
    outside_logits, _ = split_logits(model, Split(others, torch.zeros(len(others))), data.mean,
                                     data.std)
    inside = scores(digits, args.score, temperature)
    outside = scores(outside_logits, args.score, temperature)
    threshold = fit_threshold(inside, args.keep)
    declined = float((outside < threshold).double().mean())
    meta["decline"] = {"score": args.score, "threshold": threshold, "keep": args.keep}
    meta.setdefault("metrics", {}).update(
        val_digits_kept=float((inside >= threshold).double().mean()),
        val_not_digits_declined=declined, val_decline_auroc=auroc(inside, outside))
    save_checkpoint(args.out, model, meta)
    print(f"{args.out}: {args.score} threshold {threshold:.4g} declines {declined:.1%} of "
          f"{len(others)} held-out non-digits, AUROC {meta['metrics']['val_decline_auroc']:.4f}")


if __name__ == "__main__":
    main()
