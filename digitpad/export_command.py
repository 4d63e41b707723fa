"""`digitpad export MODEL --format onnx --out FILE.onnx`: the model as a standard ONNX file with
its preprocessing in the metadata, checked in onnxruntime against PyTorch before it is written
(core.export). A failed check, a bad model or an unwritable --out: one line, exit 1, no file."""

from __future__ import annotations

import argparse

from digitpad.cli_args import positive_int

HELP = ("Export a model (a file or a library name, as 'digitpad predict --model' takes) to "
        "ONNX (opset 18, dynamic batch size), with its class names, mean/std, input size, "
        "preprocessing, temperature, decline rule, digitpad version and the source file's "
        "SHA-256 in the file's metadata. The export is run in onnxruntime on a few hundred test "
        "images (MNIST/Fashion-MNIST from --data-dir, else the model's own validation images, "
        "else generated ones) and compared with PyTorch: it is written only when every top "
        "class agrees and no probability differs by more than 1e-4. Needs the onnx extra: "
        "pip install 'digitpad[onnx]'.")


def add_export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", metavar="MODEL", help="a model file or name")
    p.add_argument("--format", choices=["onnx"], default="onnx", help="only onnx for now")
    p.add_argument("--out", metavar="FILE.onnx", required=True, help="where to write it")
    p.add_argument("--data-dir", help="folder with mnist/ or fashion-mnist/ for the round-trip "
                   "check (default: as for train; never downloads)")
    p.add_argument("--samples", type=positive_int, default=300,
                   help="images in the round-trip check")
    p.add_argument("--threads", type=positive_int, help="torch threads (default: torch's)")


def run_export(args: argparse.Namespace) -> int:
    """Export, check, write; print the check and where the file went."""
    from digitpad.core.export import require

    require("onnx", "ONNX export")  # before torch loads: the missing extra is told at once
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    from digitpad.core.export.onnx_export import export_onnx
    from digitpad.core.model_library import resolve_model
    from digitpad.core.safe_text import printable

    source = resolve_model(args.model)
    exported = export_onnx(source, args.out, data_dir=args.data_dir, samples=args.samples)
    print(f"round trip: {exported.check.describe()}")
    print(f"wrote {printable(exported.path, 2000)} ({exported.size / 1e6:.2f} MB, ONNX opset 18)")
    return 0
