"""An exported ONNX file used as digitpad uses its own models: `digitpad predict --model
FILE.onnx` reads the preprocessing, classes, temperature and decline rule from the file's
metadata (onnx_metadata) and runs the graph in onnxruntime; everything after the graph's raw
outputs is Predictor's own code, so the answers and their format are those of a .pt model."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import torch

from digitpad.core.errors import CheckpointError
from digitpad.core.export import require
from digitpad.core.export.onnx_metadata import read_metadata
from digitpad.core.predictor import Predictor
from digitpad.core.regular_files import check_regular
from digitpad.core.safe_text import printable

MAX_BYTES = 1 << 30  # the largest export (resnet18 at 3 channels) is about 45 MB


def is_onnx(path: str | os.PathLike) -> bool:
    """True for a path naming an ONNX file (by its suffix, as a person names one)."""
    return Path(path).suffix.lower() == ".onnx"


class OnnxModule(torch.nn.Module):
    """An onnxruntime session behind a torch module's call: tensor in, raw outputs out."""

    def __init__(self, session: Any):
        super().__init__()
        self.session = session
        self.input_name = session.get_inputs()[0].name

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        array = np.ascontiguousarray(x.detach().cpu().numpy(), dtype=np.float32)
        return torch.from_numpy(np.asarray(self.session.run(None, {self.input_name: array})[0]))


def onnx_predictor(path: str | os.PathLike, threads: int | None = None) -> Predictor:
    """A Predictor over an exported file; CheckpointError (one line) for a file that is not a
    usable digitpad export, DigitpadError when onnxruntime is not installed."""
    ort = require("onnxruntime", "Running an ONNX model")
    path = Path(path)
    name = printable(path.name or str(path))
    info = check_regular(path, CheckpointError, "model file")
    if info.st_size > MAX_BYTES:
        raise CheckpointError(f"{name} is too large for a digitpad export "
                              f"({info.st_size / 1e9:.1f} GB).")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or max(1, torch.get_num_threads())
    options.inter_op_num_threads = 1
    options.log_severity_level = 4  # errors are reported here, as one line
    try:
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own many kinds
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(f"{name} is not a usable ONNX file ({printable(first, 300)}).") \
            from None
    meta = read_metadata(dict(session.get_modelmeta().custom_metadata_map), name)
    _check_signature(session, meta, name)
    predictor = Predictor(OnnxModule(session), meta, path)
    predictor._try_once(name)  # as Predictor.from_file: a file that cannot answer is refused
    return predictor


def _check_signature(session: Any, meta: dict[str, Any], name: str) -> None:
    inputs, outputs = session.get_inputs(), session.get_outputs()
    want = [meta["in_channels"], meta["image_size"], meta["image_size"]]
    if len(inputs) != 1 or len(outputs) < 1 or list(inputs[0].shape[1:]) != want:
        raise CheckpointError(f"{name}'s graph does not take one N x {want[0]} x {want[1]} x "
                              f"{want[2]} input as its metadata says.")
    width = outputs[0].shape[-1] if outputs[0].shape else None
    if width != len(meta["class_names"]):
        raise CheckpointError(f"{name}'s graph gives {width} outputs, but its metadata names "
                              f"{len(meta['class_names'])}.")
