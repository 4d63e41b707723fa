"""Issue 13 item 5: a TrainConfig can be built without importing torch (the GUI builds one on
its own thread before torch is loaded); the model registry is loaded only when resolving."""

from __future__ import annotations

import subprocess
import sys

import pytest

from digitpad.core.config import TrainConfig
from digitpad.core.errors import DigitpadError


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)


def test_importing_and_building_a_config_does_not_import_torch():
    result = _run(
        "import sys\n"
        "from digitpad.core.config import TrainConfig\n"
        "config = TrainConfig(dataset='mnist', model='mlp', epochs=3)\n"
        "assert TrainConfig.from_dict(config.to_dict()) == config\n"
        "print('torch' in sys.modules)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_resolving_loads_the_registry_and_fills_the_recipe():
    result = _run(
        "import sys\n"
        "from digitpad.core.config import TrainConfig\n"
        "config = TrainConfig(model='mlp', lr=0.5).resolved()\n"
        "print('torch' in sys.modules, config.lr, config.momentum is not None)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "0.5", "True"]


def test_the_nll_check_still_knows_the_model():
    with pytest.raises(DigitpadError, match="log-probabilities"):
        TrainConfig(model="digitnet", loss="nll").resolved()
    assert TrainConfig(model="mlp", loss="nll").resolved().loss == "nll"
