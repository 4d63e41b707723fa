"""Taking a model out of digitpad: ONNX export (onnx_export), the metadata that makes the file
usable elsewhere (onnx_metadata), the check that the file answers as PyTorch does (round_trip),
and running an exported file with digitpad's own preprocessing (onnx_predictor).

onnx, onnxscript and onnxruntime are an optional extra (pip install 'digitpad[onnx]'): they are
imported only inside these modules' functions, through `require`.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from digitpad.core.errors import DigitpadError

INSTALL_HINT = "pip install 'digitpad[onnx]'"


def require(module: str, purpose: str) -> Any:
    """Import an optional ONNX package, or raise DigitpadError with the one line to fix it."""
    try:
        return import_module(module)
    except ImportError:
        raise DigitpadError(f"{purpose} needs the Python package {module.split('.')[0]}, which is "
                            f"not installed: {INSTALL_HINT}") from None
