"""`digitpad export MODEL --format onnx`: a digitpad model file as an ONNX file that carries its
own preprocessing, classes and decline rule (onnx_metadata), checked against PyTorch before it
is written (round_trip), and written atomically: a failed export leaves no file.

The exporter is torch's default, torch.export-based one (`dynamo=True`, which needs onnxscript):
the TorchScript-based exporter still works in torch 2.14 but warns that it is deprecated, and
both give the same graph for these models. Opset 18, a dynamic batch dimension ("batch").
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import torch

from digitpad.core.atomic_save import atomic_write
from digitpad.core.errors import DigitpadError
from digitpad.core.export import require
from digitpad.core.export.onnx_metadata import INPUT_NAME, OUTPUT_NAME, build_metadata
from digitpad.core.export.round_trip import RoundTrip, reference_inputs, run_round_trip
from digitpad.core.safe_text import printable

OPSET = 18
PURPOSE = "ONNX export"


@dataclass(frozen=True)
class Exported:
    """A written export: where, how big, and its round-trip check."""

    path: Path
    size: int
    check: RoundTrip
    metadata: dict[str, str]


def export_onnx(model_path: str | os.PathLike, out: str | os.PathLike,
                data_dir: str | os.PathLike | None = None, samples: int = 300) -> Exported:
    """Export the model file at `model_path` to `out` (an .onnx file) and check it; raises
    DigitpadError (nothing written) when it cannot be read, exported, checked or written."""
    from digitpad.core.checkpoint import load_model

    for module in ("onnx", "onnxscript", "onnxruntime"):
        require(module, PURPOSE)
    out = Path(out)
    _check_target(out)
    model, meta = load_model(model_path)  # checked: schema, architecture, weights, a forward
    source = Path(model_path)
    proto = onnx_model(model.eval(), meta)
    props = build_metadata(meta, _sha256(source), source.name)
    for key, value in props.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    data = proto.SerializeToString()
    inputs, what = reference_inputs(meta, data_dir, samples)
    check = run_round_trip(model, meta, session_for(data), inputs, what)
    if not check.passed:
        raise DigitpadError(f"The export does not answer as the PyTorch model does "
                            f"(round trip: {check.describe()}; needed: top-1 agreement 100% and "
                            "max probability difference <= 1e-4); no file written.")
    _write(out, data)
    return Exported(out, len(data), check, props)


def onnx_model(model: torch.nn.Module, meta: dict) -> object:
    """The model as an onnx ModelProto: opset 18, input N x C x H x W with N dynamic."""
    size, channels = meta["image_size"], meta["in_channels"]
    example = torch.zeros(2, channels, size, size)
    batch = torch.export.Dim("batch", min=1, max=65536)
    quiet = io.StringIO()  # the exporter prints its steps to stdout
    try:
        with contextlib.redirect_stdout(quiet), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            program = torch.onnx.export(model, (example,), dynamo=True, opset_version=OPSET,
                                        input_names=[INPUT_NAME], output_names=[OUTPUT_NAME],
                                        dynamic_shapes=({0: batch},), verbose=False)
    except Exception as exc:  # noqa: BLE001 - any exporter failure is the export's failure
        raise DigitpadError(f"torch could not export the {meta['architecture']} model to ONNX "
                            f"({printable(str(exc).splitlines()[0] if str(exc) else exc, 300)})."
                            ) from None
    return program.model_proto


def session_for(data: bytes) -> object:
    """An onnxruntime CPU session on serialized ONNX bytes, one thread (a check, not a race)."""
    ort = require("onnxruntime", PURPOSE)
    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, torch.get_num_threads())
    options.inter_op_num_threads = 1
    return ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_target(out: Path) -> None:
    """Refuse now a target that could not be written, before minutes of export and checking."""
    shown = printable(out, 2000)
    if os.path.isdir(out):
        raise DigitpadError(f"{shown} is a folder; give a file name such as "
                            f"{printable(out / 'model.onnx', 2000)}.")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise DigitpadError(f"Cannot write {shown}: the folder {printable(folder, 2000)} "
                            "does not exist.")
    if not os.access(folder, os.W_OK):
        raise DigitpadError(f"Cannot write {shown}: the folder is not writable.")


def _write(out: Path, data: bytes) -> None:
    """Write `data` to `out` atomically: a temporary file in its folder, synced, renamed."""
    try:
        atomic_write(out, lambda handle: handle.write(data))
    except OSError as exc:
        raise DigitpadError(f"Cannot write {printable(out, 2000)}: "
                            f"{exc.strerror or exc}.") from None
