"""digitpad predict --model FILE.onnx: the exported bundled model answers as the .pt does, in
the same format, declines included; a file that is not a digitpad export is one line (issue 18)."""

from __future__ import annotations

import json

import pytest

from digitpad.cli import main
from digitpad.core.export.onnx_export import export_onnx
from digitpad.core.model_library import resolve_model
from tests.conftest import PROJECT_ROOT
from tests.core.compare_files import mnist_digit, save_png

SAMPLE = PROJECT_ROOT / "resources" / "models" / "not-digits-sample.png"


@pytest.fixture(scope="module")
def digits_onnx(tmp_path_factory, shared_data):
    out = tmp_path_factory.mktemp("onnx") / "digits.onnx"
    export_onnx(resolve_model("digits"), out, data_dir=shared_data, samples=100)
    return out


def _predict(model, images, capsys, *extra):
    assert main(["predict", "--model", str(model), "--json", *extra, *map(str, images)]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_export_answers_as_the_pt_model(digits_onnx, tmp_path, mnist_dir, capsys):
    images = [save_png(tmp_path / f"{d}.png", mnist_digit(mnist_dir, d, 5)) for d in "0123456789"]
    images.append(SAMPLE)
    onnx_answers = _predict(digits_onnx, images, capsys)
    pt_answers = _predict("digits", images, capsys)
    assert [a["label"] for a in onnx_answers] == [a["label"] for a in pt_answers]
    assert [a["label"] for a in onnx_answers[:10]] == list("0123456789")
    assert onnx_answers[-1]["not_a_digit"] and pt_answers[-1]["not_a_digit"]
    for a, b in zip(onnx_answers, pt_answers):
        assert a.keys() == b.keys()
        for name, p in a["probabilities"].items():
            assert abs(p - b["probabilities"][name]) < 1e-4
        assert abs(a["decline_score"] - b["decline_score"]) < 1e-4
    assert main(["predict", "--model", str(digits_onnx), str(images[3])]) == 0
    onnx_line = capsys.readouterr().out
    assert main(["predict", "--model", "digits", str(images[3])]) == 0
    assert onnx_line == capsys.readouterr().out


def test_no_decline_applies_to_an_export_too(digits_onnx, capsys):
    answer = _predict(digits_onnx, [SAMPLE], capsys, "--no-decline")[0]
    assert answer["label"] is not None and not answer["not_a_digit"]


@pytest.mark.parametrize("content", [b"not an onnx file", b""])
def test_a_file_that_is_not_an_export_is_one_line(content, tmp_path, capsys):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(content)
    assert main(["predict", "--model", str(bad), str(SAMPLE)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("digitpad: error: ") and "\n" not in err and "bad.onnx" in err


def test_an_onnx_file_without_digitpad_metadata_is_refused(digits_onnx, tmp_path, capsys):
    import onnx

    model = onnx.load(digits_onnx)
    del model.metadata_props[:]
    plain = tmp_path / "plain.onnx"
    onnx.save(model, plain)
    assert main(["predict", "--model", str(plain), str(SAMPLE)]) == 1
    assert "not an ONNX file exported by digitpad" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["predict", "export"])
def test_without_the_onnx_extra_it_says_what_to_install(command, digits_onnx, tmp_path):
    import subprocess
    import sys

    args = (["predict", "--model", str(digits_onnx), str(SAMPLE)] if command == "predict"
            else ["export", "digits", "--out", str(tmp_path / "m.onnx")])
    code = ("import sys\n"
            "for name in ('onnx', 'onnxruntime', 'onnxscript'): sys.modules[name] = None\n"
            f"from digitpad.cli import main\nsys.exit(main({args!r}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=PROJECT_ROOT, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "not installed: pip install 'digitpad[onnx]'" in result.stderr
    assert not (tmp_path / "m.onnx").exists()


def test_several_models_take_an_export_too(digits_onnx, tmp_path, mnist_dir, capsys):
    """`predict --model digits --model digits.onnx`: the export is a column of its own,
    answering as the .pt does on every image (compare_table uses predict's loader)."""
    images = [save_png(tmp_path / f"{d}.png", mnist_digit(mnist_dir, d, 7)) for d in "0123456789"]
    images.append(SAMPLE)
    rows = _predict("digits", images, capsys, "--model", str(digits_onnx))
    assert len(rows) == len(images)
    for row in rows:
        pt, exported = row["models"]
        assert exported["path"] == str(digits_onnx)
        assert row["agree"] and pt["label"] == exported["label"]
        assert pt["not_a_digit"] == exported["not_a_digit"]
        for name, p in pt["probabilities"].items():
            assert abs(p - exported["probabilities"][name]) < 1e-4
    assert [r["models"][1]["label"] for r in rows[:10]] == list("0123456789")
    assert rows[-1]["models"][1]["not_a_digit"]
    assert main(["predict", "--model", "digits", "--model", str(digits_onnx),
                 *map(str, images[:3])]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["image", "digits", "digits", "(2)"]
    assert lines[-1] == "The models agree on all 3 images."


def test_several_models_name_an_export_that_cannot_be_read(tmp_path, capsys):
    bad = tmp_path / "broken.onnx"
    bad.write_bytes(b"not an onnx file")
    assert main(["predict", "--model", "digits", "--model", str(bad), str(SAMPLE)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("digitpad: error: ") and "\n" not in err and "broken.onnx" in err
