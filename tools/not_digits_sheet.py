"""Save a PNG sheet of generated not-a-digit images: one row per kind (issue 14).

Usage: python tools/not_digits_sheet.py [OUT.png] [--data-dir DIR] [--seed N] [--per-kind N]
Default output: resources/models/not-digits-sample.png, data dir /work/shared/data if present.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image

from digitpad.core.not_digits import DEFAULT_KINDS, generate

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", default=str(ROOT / "resources/models/not-digits-sample.png"))
    ap.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--per-kind", type=int, default=12)
    args = ap.parse_args()
    data_dir = args.data_dir if Path(args.data_dir).is_dir() else None
    nd = generate(args.per_kind * len(DEFAULT_KINDS), args.seed, data_dir=data_dir)
    kinds = nd.recipe["kinds"]
    pad = 2
    sheet = np.full((len(kinds) * 30 + pad, args.per_kind * 30 + pad), 60, np.uint8)
    for row, kind in enumerate(kinds):
        picks = [i for i, k in enumerate(nd.kinds) if k == kind][: args.per_kind]
        for col, i in enumerate(picks):
            y, x = pad + row * 30, pad + col * 30
            sheet[y:y + 28, x:x + 28] = nd.images[i]
    img = Image.fromarray(sheet).resize((sheet.shape[1] * 2, sheet.shape[0] * 2),
                                        Image.Resampling.NEAREST)
    img.save(args.out, optimize=True)
    print(f"wrote {args.out}: rows {', '.join(kinds)}; {'; '.join(nd.recipe['notices'])}")


if __name__ == "__main__":
    main()
