"""digitpad export --format onnx: every architecture passes the round trip, the metadata says
what it must, and a bad model or target is one line, exit 1, no file (issue 18)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import onnx
import pytest

from digitpad.cli import main
from digitpad.core.export.onnx_export import export_onnx
from digitpad.core.export.onnx_metadata import read_metadata
from digitpad.core.model_library import resolve_model
from digitpad.core.models.registry import REGISTRY
from tests.conftest import PROJECT_ROOT
from tests.core.export.model_files import untrained_model


@pytest.mark.parametrize("architecture", list(REGISTRY))
def test_every_architecture_exports_and_passes_the_round_trip(architecture, tmp_path,
                                                              shared_data):
    size, channels = (32, 3) if architecture == "resnet18" else (28, 1)
    source = untrained_model(tmp_path / f"{architecture}.pt", architecture, channels, size)
    out = tmp_path / f"{architecture}.onnx"
    exported = export_onnx(source, out, data_dir=shared_data, samples=120)
    assert exported.check.passed and exported.check.images == 120
    assert exported.check.source.startswith("MNIST test images")
    model = onnx.load(out)
    onnx.checker.check_model(model)
    assert max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx")) >= 17
    dims = model.graph.input[0].type.tensor_type.shape.dim
    assert dims[0].dim_param and [d.dim_value for d in dims[1:]] == [channels, size, size]


def test_the_metadata_carries_what_a_program_needs(tmp_path, shared_data):
    out = tmp_path / "digits.onnx"
    source = resolve_model("digits")
    export_onnx(source, out, data_dir=shared_data, samples=50)
    props = {p.key: p.value for p in onnx.load(out).metadata_props}
    for key in ("class_names", "output_names", "mean", "std", "input_size", "input_channels",
                "preprocess", "digitpad_version", "source_sha256", "how_to_use"):
        assert key in props, key
    assert json.loads(props["class_names"]) == [str(d) for d in range(10)]
    assert json.loads(props["output_names"])[-1] == "not a digit"
    assert json.loads(props["reject_index"]) == 10
    assert json.loads(props["preprocess"])["mode"] == "digit"
    assert json.loads(props["decline"])["score"] == "class"
    assert 0.5 < json.loads(props["temperature"]) < 2
    import hashlib

    assert props["source_sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    meta = read_metadata(props, "digits.onnx")
    assert meta["decline"]["score"] == "class" and len(meta["class_names"]) == 11


def test_the_command_prints_the_check(tmp_path, shared_data, capsys):
    out = tmp_path / "digits.onnx"
    code = main(["export", "digits", "--format", "onnx", "--out", str(out), "--threads", "1",
                 "--data-dir", str(shared_data), "--samples", "300"])
    printed = capsys.readouterr().out
    assert code == 0 and out.is_file()
    assert "round trip: 300 MNIST test images, top-1 agreement 100%, max probability " \
           "difference" in printed


def test_without_the_test_set_it_says_generated_images(tmp_path, capsys):
    source = untrained_model(tmp_path / "m.pt", "softmax")
    out = tmp_path / "m.onnx"
    assert main(["export", str(source), "--out", str(out), "--threads", "1",
                 "--data-dir", str(tmp_path / "empty"), "--samples", "50"]) == 0
    assert "round trip: 50 generated images" in capsys.readouterr().out


@pytest.mark.parametrize("case", ["not a model", "hostile pickle", "folder missing",
                                  "read-only folder", "out is a folder"])
def test_a_bad_model_or_target_is_one_line_and_nothing_written(case, tmp_path, capsys):
    source, out = resolve_model("digits"), tmp_path / "out" / "m.onnx"
    out.parent.mkdir()
    if case == "not a model":
        source = tmp_path / "m.pt"
        source.write_text("hello")
    elif case == "hostile pickle":
        source = tmp_path / "evil.pt"
        code = ("import os, torch\nclass E:\n def __reduce__(self):\n  return (os.system, "
                f"('touch {tmp_path}/pwned',))\ntorch.save({{'a': E()}}, '{source}')")
        subprocess.run([sys.executable, "-c", code], check=True)
    elif case == "folder missing":
        out = tmp_path / "nowhere" / "m.onnx"
    elif case == "read-only folder":
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        out.parent.chmod(0o500)
    else:
        out = out.parent
    try:
        code = main(["export", str(source), "--out", str(out), "--threads", "1"])
    finally:
        (tmp_path / "out").chmod(0o700)
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert err.startswith("digitpad: error: ") and "\n" not in err and "Traceback" not in err
    assert not (tmp_path / "pwned").exists()
    assert list((tmp_path / "out").iterdir()) == []
    assert not (tmp_path / "nowhere").exists()


def test_the_cli_lists_the_command():
    result = subprocess.run([sys.executable, "-m", "digitpad", "export", "--help"],
                            capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60)
    assert result.returncode == 0 and "onnx" in result.stdout


def test_a_failed_round_trip_is_refused_with_its_numbers(tmp_path, shared_data, monkeypatch,
                                                         capsys):
    from digitpad.core.export import round_trip

    monkeypatch.setattr(round_trip, "MAX_PROBABILITY_DIFFERENCE", -1.0)  # nothing can pass
    out = tmp_path / "digits.onnx"
    code = main(["export", "digits", "--out", str(out), "--threads", "1",
                 "--data-dir", str(shared_data), "--samples", "40"])
    err = capsys.readouterr().err
    assert code == 1 and not out.exists() and list(tmp_path.iterdir()) == []
    assert "round trip: 40 MNIST test images, top-1 agreement 100%, max probability" in err
    assert "no file written" in err
